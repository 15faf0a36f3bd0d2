"""Domain registrations: who holds a resource's domain, until when, and where it points.

`bootstrap` finds a domain's registry from IANA's RDAP bootstrap file (shipped as package
data), `rdap` asks the registry over RDAP (through the checker's guarded client) and reads
the answer into a frozen `Registration`, `parking` knows parking providers' name servers,
and `warnings` turns what is known into editors' warnings. Nothing here touches the store.
"""
