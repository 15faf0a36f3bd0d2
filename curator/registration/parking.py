"""Parking and domain-sale providers, known by their name servers: a table of data.

A domain whose name servers move to one of these is being parked, sold or lost: weeks
before its page changes, the registry data says so. Each entry is a provider and the name
server suffixes it uses; a new provider is one more row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParkingNameServers:
    """A parking or sales provider and the name-server suffixes it answers on."""

    provider: str
    suffixes: tuple[str, ...]

    def matches(self, name_server: str) -> bool:
        """True when `name_server` is one of this provider's."""
        name = name_server.lower().rstrip(".")
        return any(name == s or name.endswith("." + s) for s in self.suffixes)


PARKING_NAME_SERVERS: tuple[ParkingNameServers, ...] = (
    ParkingNameServers("Sedo", ("sedoparking.com",)),
    ParkingNameServers("Bodis", ("bodis.com",)),
    ParkingNameServers("ParkingCrew", ("parkingcrew.net",)),
    ParkingNameServers("Above.com", ("above.com",)),
    ParkingNameServers("Afternic", ("afternic.com",)),
    ParkingNameServers("Dan.com", ("dan.com", "undeveloped.com")),
    ParkingNameServers("HugeDomains", ("hugedomains.com",)),
    ParkingNameServers("DomainMarket", ("domainmarket.com",)),
    ParkingNameServers("Uniregistry market", ("uniregistrymarket.link",)),
    ParkingNameServers("Voodoo", ("voodoo.com",)),
    ParkingNameServers("Fabulous", ("fabulous.com",)),
    ParkingNameServers("Domain Name Sales", ("domainnamesales.com",)),
    ParkingNameServers("ParkLogic", ("parklogic.com",)),
    ParkingNameServers("Network Solutions expired-domain servers", ("pendingrenewaldeletion.com",)),
)


def parking_provider(
    name_servers: Iterable[str], table: tuple[ParkingNameServers, ...] = PARKING_NAME_SERVERS
) -> str | None:
    """The provider whose name servers these are (any one of them), or None."""
    for server in name_servers:
        for entry in table:
            if entry.matches(server):
                return entry.provider
    return None
