"""Asking a domain's registry over RDAP (RFC 9082/9083), and reading its answer.

    rdap = RdapClient(client, load_bootstrap(), deadline=15.0)
    found = await rdap.lookup("revengepornhelpline.org.uk")   # Registration | LookupFailure

The client is the checker's guarded one (`curator.check.transport.build_client`): the
address guard, no proxies from the environment, its timeouts. Each look-up has a wall-clock
deadline, each registry server one request at a time, spaced (`HostLimiter`), and a server
that says 429 is left alone for its Retry-After. A look-up never raises for the registry's
trouble: it returns a `LookupFailure` saying what went wrong, and whoever asked keeps what it
knew before.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from curator.check.failures import translate
from curator.check.politeness import HostLimiter, parse_retry_after
from curator.registration.bootstrap import Bootstrap

MAX_RDAP_BYTES = 1024 * 1024
"""An RDAP domain answer is a few kilobytes; more than this is not one."""
MAX_REDIRECTS = 3
MAX_NAME_SERVERS = 20
RDAP_ACCEPT = "application/rdap+json, application/json;q=0.9"

HOLD_STATUSES = frozenset({"client hold", "server hold"})
REDEMPTION_STATUSES = frozenset({"redemption period", "pending delete"})
WATCHED_STATUSES = HOLD_STATUSES | REDEMPTION_STATUSES | {"inactive"}
"""The status values (RFC 8056's RDAP names of the EPP codes) that foretell a lost domain."""


@dataclass(frozen=True, slots=True)
class Registration:
    """What a registry says of a domain."""

    domain: str
    expires_at: datetime | None = None
    registered_at: datetime | None = None
    statuses: tuple[str, ...] = ()
    """RDAP status values, lower case ("client hold", "redemption period", "active")."""
    registrar: str | None = None
    name_servers: tuple[str, ...] = ()
    """Lower case, no trailing dot, sorted."""
    source: str | None = None
    """The RDAP URL that answered."""


@dataclass(frozen=True, slots=True)
class LookupFailure:
    """Why a look-up learned nothing (curator keeps what it knew before)."""

    domain: str
    reason: str
    source: str | None = None
    retry_after: float | None = None
    """Seconds the registry asked curator to wait (429)."""
    definite: bool = False
    """The answer will not change soon (no such record, no RDAP service for the suffix):
    asked again only when a registration would be."""


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def status_name(value: str) -> str:
    """An RDAP status as RFC 8056 writes it: "clientHold" or "CLIENT_HOLD" → "client hold"."""
    spaced = _CAMEL.sub(" ", value.strip()).replace("_", " ").replace("-", " ")
    return " ".join(spaced.lower().split())


def _date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _vcard_name(entity: dict[str, object]) -> str | None:
    card = entity.get("vcardArray")
    if not isinstance(card, list) or len(card) < 2 or not isinstance(card[1], list):
        return None
    found: dict[str, str] = {}
    for item in card[1]:
        if isinstance(item, list) and len(item) >= 4 and isinstance(item[0], str):
            value = item[3]
            if isinstance(value, str) and value.strip():
                found.setdefault(item[0].lower(), value.strip())
    return found.get("fn") or found.get("org")


def _registrar(document: dict[str, object]) -> str | None:
    entities = document.get("entities")
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict):
            continue
        roles = entity.get("roles")
        if not isinstance(roles, list) or "registrar" not in roles:
            continue
        name = _vcard_name(entity)
        if name:
            return name[:200]
        handle = entity.get("handle")
        if isinstance(handle, str) and handle.strip():
            return handle.strip()[:200]
    return None


def _name_servers(document: dict[str, object]) -> tuple[str, ...]:
    found: set[str] = set()
    servers = document.get("nameservers")
    for server in servers if isinstance(servers, list) else []:
        if not isinstance(server, dict):
            continue
        name = server.get("ldhName") or server.get("unicodeName")
        if isinstance(name, str) and name.strip():
            found.add(name.strip().lower().rstrip("."))
    return tuple(sorted(found)[:MAX_NAME_SERVERS])


def parse_domain(document: object, domain: str, source: str | None = None) -> Registration:
    """An RDAP domain object (RFC 9083 §5.3) as a `Registration`; ValueError if it is not one."""
    if not isinstance(document, dict):
        raise ValueError("the answer is not a JSON object")
    kind = document.get("objectClassName")
    if kind is not None and kind != "domain":
        raise ValueError(f"the answer is a {kind!r} object, not a domain")
    if kind is None and "ldhName" not in document and "events" not in document:
        raise ValueError("the answer is not an RDAP domain object")
    events: dict[str, datetime] = {}
    raw_events = document.get("events")
    for event in raw_events if isinstance(raw_events, list) else []:
        if isinstance(event, dict) and isinstance(event.get("eventAction"), str):
            when = _date(event.get("eventDate"))
            if when is not None:
                events.setdefault(status_name(event["eventAction"]), when)
    raw_status = document.get("status")
    statuses = tuple(
        dict.fromkeys(
            status_name(s)
            for s in (raw_status if isinstance(raw_status, list) else [])
            if isinstance(s, str) and s.strip()
        )
    )
    return Registration(
        domain=domain,
        expires_at=events.get("expiration"),
        registered_at=events.get("registration"),
        statuses=statuses,
        registrar=_registrar(document),
        name_servers=_name_servers(document),
        source=source,
    )


def _error_text(status: int, body: bytes | None) -> str:
    """What an RDAP error answer (RFC 9083 §6) says, briefly."""
    if body is None:
        return f"HTTP {status}"
    try:
        document = json.loads(body)
    except ValueError:
        return f"HTTP {status}"
    if not isinstance(document, dict):
        return f"HTTP {status}"
    parts = [str(document.get("title") or "").strip()]
    description = document.get("description")
    if isinstance(description, list):
        parts += [str(d).strip() for d in description[:2]]
    said = "; ".join(p for p in parts if p)[:300]
    return f"HTTP {status} ({said})" if said else f"HTTP {status}"


class RdapClient:
    """Looks domains up at their registries, politely, within a deadline, never raising."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        bootstrap: Bootstrap,
        *,
        deadline: float = 15.0,
        interval: float = 1.0,
        concurrency: int = 4,
        limiter: HostLimiter | None = None,
    ) -> None:
        self._client = client
        self._bootstrap = bootstrap
        self._deadline = deadline
        self._limiter = limiter or HostLimiter(
            concurrency=concurrency, per_host=1, interval=interval
        )

    async def lookup(self, domain: str) -> Registration | LookupFailure:
        """What `domain`'s registry says of it, or why nothing could be learned."""
        servers = self._bootstrap.servers(domain)
        if not servers:
            return LookupFailure(
                domain,
                f"no RDAP service for .{domain.rsplit('.', 1)[-1]} in the bootstrap file",
                definite=True,
            )
        url = f"{servers[0]}domain/{domain}"
        try:
            return await self._get(domain, url)
        except Exception as exc:
            failure = translate(exc)
            if failure is None:
                raise
            return LookupFailure(domain, f"{failure[0].value}: {failure[1]}", source=url)

    async def _get(self, domain: str, url: str) -> Registration | LookupFailure:
        for _ in range(MAX_REDIRECTS + 1):
            server = (urlsplit(url).hostname or "").lower()
            async with self._limiter.slot(server):
                try:
                    async with asyncio.timeout(self._deadline):
                        status, headers, body = await self._request(url)
                except TimeoutError:
                    return LookupFailure(
                        domain, f"no answer within the {self._deadline:g} s deadline", url
                    )
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                url = str(httpx.URL(url).join(headers["location"]))
                continue
            if status == 429:
                wait = parse_retry_after(headers.get("retry-after"))
                self._limiter.defer(server, min(wait or 60.0, 3600.0))
                return LookupFailure(domain, "rate-limited by the registry (HTTP 429)", url, wait)
            if status == 404:
                return LookupFailure(
                    domain,
                    f"the registry has no record of it: {_error_text(status, body)}",
                    url,
                    definite=True,
                )
            if status != 200:
                return LookupFailure(
                    domain, f"the registry answered {_error_text(status, body)}", url
                )
            if body is None:
                return LookupFailure(domain, f"answer larger than {MAX_RDAP_BYTES} bytes", url)
            try:
                return parse_domain(json.loads(body), domain, url)
            except ValueError as exc:
                return LookupFailure(domain, f"not an RDAP domain answer: {exc}", url)
        return LookupFailure(domain, f"more than {MAX_REDIRECTS} redirects", url)

    async def _request(self, url: str) -> tuple[int, dict[str, str], bytes | None]:
        request = self._client.build_request(
            "GET", url, headers={"Accept": RDAP_ACCEPT, "Accept-Encoding": "identity"}
        )
        response = await self._client.send(request, stream=True)
        try:
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_RDAP_BYTES:
                    return response.status_code, dict(response.headers), None
            return response.status_code, dict(response.headers), bytes(data)
        finally:
            await response.aclose()
