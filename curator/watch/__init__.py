"""The domain watch: registrations looked up over RDAP and cached, editors' warnings read
from them and from each link's certificate, and an email when a listed domain enters hold
or redemption. Warnings never change a verdict or hide a resource.
"""
