"""Archived copies of a page, for a broken link's suggested fix.

An optional third-party look-up behind a small Protocol: `NoArchive` (the offline default)
never answers; `WaybackArchive` asks the Wayback Machine's availability API through an
injected httpx client. A failed look-up is never an error: the report simply has no archived
copy to offer.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from curator.check.urls import is_local_name

log = logging.getLogger(__name__)

WAYBACK_AVAILABLE_URL = "https://archive.org/wayback/available"


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """A snapshot of a page kept by a web archive."""

    url: str
    captured_at: datetime
    archive: str = "Wayback Machine"


class ArchiveLookup(Protocol):
    """Finds an archived copy of a URL, preferably one taken near `near`."""

    async def lookup(self, url: str, *, near: datetime | None = None) -> ArchivedCopy | None:
        """The archived copy closest to `near` (or the newest), or None."""
        ...


class NoArchive:
    """The offline default: never finds an archived copy."""

    async def lookup(self, url: str, *, near: datetime | None = None) -> ArchivedCopy | None:
        """Always None."""
        return None


class WaybackArchive:
    """The Wayback Machine's availability API (https://archive.org/wayback/available).

    A private or local address is never sent to it (the archive cannot have it, and the
    address is nobody else's business). When the archive cannot be reached, that is logged
    once and no further look-up is tried on this instance.
    """

    def __init__(self, client: httpx.AsyncClient, *, endpoint: str = WAYBACK_AVAILABLE_URL):
        self._client = client
        self._endpoint = endpoint
        self.unreachable: str | None = None  # why, once the archive could not be reached

    async def lookup(self, url: str, *, near: datetime | None = None) -> ArchivedCopy | None:
        """The snapshot closest to `near` that the archive captured with status 200, or None."""
        if self.unreachable is not None or is_private_url(url):
            return None
        params = {"url": url}
        if near is not None:
            params["timestamp"] = near.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        try:
            response = await self._client.get(self._endpoint, params=params)
            response.raise_for_status()
            payload = response.json()
        except httpx.TransportError as exc:
            self.unreachable = str(exc) or type(exc).__name__
            log.warning(
                "the Wayback Machine is unreachable (%s): no archived copies are offered",
                self.unreachable,
            )
            return None
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Wayback look-up for %s failed: %s", url, exc)
            return None
        return parse_availability(payload)


def is_private_url(url: str) -> bool:
    """True when `url`'s host is a loopback, private, link-local or local-network one."""
    try:
        name = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return True
    if not name:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return is_local_name(name)  # localhost, a name without a dot, .local, .internal…
    return not address.is_global


def parse_availability(payload: object) -> ArchivedCopy | None:
    """The closest usable snapshot in an availability API answer, or None."""
    if not isinstance(payload, dict):
        return None
    snapshots = payload.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    if str(closest.get("status", "")) != "200":
        return None
    snapshot_url, stamp = closest.get("url"), closest.get("timestamp")
    if not isinstance(snapshot_url, str) or not isinstance(stamp, str):
        return None
    try:
        captured_at = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    if snapshot_url.startswith("http://web.archive.org/"):
        snapshot_url = "https://" + snapshot_url.removeprefix("http://")
    return ArchivedCopy(url=snapshot_url, captured_at=captured_at)
