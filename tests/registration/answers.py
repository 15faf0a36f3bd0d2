"""RDAP answers shaped like real registries' (Verisign .com, PIR .org, Nominet .uk), and their
error answers, for respx; names and dates are made up."""

from __future__ import annotations

from typing import Any

VERISIGN = "https://rdap.verisign.example/com/v1/"
PIR = "https://rdap.pir.example/rdap/"
NOMINET = "https://rdap.nominet.example/uk/"

BOOTSTRAP: dict[str, Any] = {
    "description": "RDAP bootstrap file for Domain Name System registrations (tests)",
    "publication": "2026-12-01T00:00:00Z",
    "version": "1.0",
    "services": [
        [["com", "net"], [VERISIGN]],
        [["org"], [PIR, PIR.replace("https://", "http://")]],
        [["uk"], [NOMINET]],
    ],
}


def _vcard(name: str) -> list[Any]:
    return ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", name]]]


def verisign(
    domain: str,
    *,
    expires: str = "2027-08-13T04:00:00Z",
    status: tuple[str, ...] = ("client delete prohibited", "client transfer prohibited"),
    name_servers: tuple[str, ...] = ("NS1.CHARITY-DNS.COM", "NS2.CHARITY-DNS.COM"),
    registrar: str = "Example Registrar, Inc.",
) -> dict[str, Any]:
    """A .com domain as Verisign answers: upper-case names, IANA id, notices."""
    return {
        "objectClassName": "domain",
        "handle": "2336799_DOMAIN_COM-VRSN",
        "ldhName": domain.upper(),
        "links": [{"value": f"{VERISIGN}domain/{domain.upper()}", "rel": "self"}],
        "status": list(status),
        "entities": [
            {
                "objectClassName": "entity",
                "handle": "292",
                "roles": ["registrar"],
                "publicIds": [{"type": "IANA Registrar ID", "identifier": "292"}],
                "vcardArray": _vcard(registrar),
            }
        ],
        "events": [
            {"eventAction": "registration", "eventDate": "1997-09-15T04:00:00Z"},
            {"eventAction": "expiration", "eventDate": expires},
            {"eventAction": "last update of RDAP database", "eventDate": "2026-12-01T06:00:00Z"},
        ],
        "secureDNS": {"delegationSigned": False},
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns} for ns in name_servers],
        "rdapConformance": ["rdap_level_0", "icann_rdap_technical_implementation_guide_0"],
        "notices": [{"title": "Terms of Use", "description": ["Service subject to terms."]}],
    }


def pir(
    domain: str,
    *,
    expires: str = "2027-03-02T12:00:00.000Z",
    status: tuple[str, ...] = ("client transfer prohibited",),
    name_servers: tuple[str, ...] = ("ns1.charity-hosting.net", "ns2.charity-hosting.net"),
    registrar: str = "Charity Registrar Ltd",
) -> dict[str, Any]:
    """A .org domain as PIR answers: lower-case names, milliseconds in dates."""
    return {
        "rdapConformance": ["rdap_level_0"],
        "objectClassName": "domain",
        "handle": "D402200000012345678-LROR",
        "ldhName": domain,
        "status": list(status),
        "events": [
            {"eventAction": "registration", "eventDate": "2005-03-02T12:00:00.000Z"},
            {"eventAction": "expiration", "eventDate": expires},
            {"eventAction": "last changed", "eventDate": "2026-11-01T09:00:00.000Z"},
        ],
        "entities": [
            {
                "objectClassName": "entity",
                "handle": "1234",
                "roles": ["registrar"],
                "vcardArray": [
                    "vcard",
                    [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]],
                ],
                "entities": [
                    {
                        "objectClassName": "entity",
                        "roles": ["abuse"],
                        "vcardArray": _vcard("Abuse desk"),
                    }
                ],
            },
        ],
        "nameservers": [
            {"objectClassName": "nameserver", "handle": f"H{i}", "ldhName": ns}
            for i, ns in enumerate(name_servers)
        ],
    }


def nominet(
    domain: str,
    *,
    expires: str = "2027-05-20T00:00:00Z",
    status: tuple[str, ...] = ("active",),
    name_servers: tuple[str, ...] = ("dns1.charity.org.uk.", "dns2.charity.org.uk."),
    registrar: str = "Example UK Registrar Ltd [Tag = EXAMPLE]",
) -> dict[str, Any]:
    """A .uk domain as Nominet answers: trailing dots, the registrar's tag in its name."""
    return {
        "objectClassName": "domain",
        "ldhName": domain,
        "status": list(status),
        "events": [
            {"eventAction": "registration", "eventDate": "2015-05-20T00:00:00Z"},
            {"eventAction": "last changed", "eventDate": "2026-05-21T10:11:12Z"},
            {"eventAction": "expiration", "eventDate": expires},
        ],
        "entities": [
            {
                "objectClassName": "entity",
                "roles": ["registrar"],
                "vcardArray": _vcard(registrar),
            }
        ],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns} for ns in name_servers],
        "rdapConformance": ["rdap_level_0", "nominet_rdap_1"],
    }


VERISIGN_NOT_FOUND: dict[str, Any] = {
    "errorCode": 404,
    "title": "Not Found",
    "description": ["The requested object was not found."],
    "rdapConformance": ["rdap_level_0"],
}
NOMINET_NOT_FOUND: dict[str, Any] = {
    "errorCode": 404,
    "title": "Not Found",
    "rdapConformance": ["rdap_level_0"],
}
PIR_BAD_REQUEST: dict[str, Any] = {
    "errorCode": 400,
    "title": "Bad Request",
    "description": ["Invalid domain name"],
}
