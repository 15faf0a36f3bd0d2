"""Name resolution for the fetcher: one look-up per connection, failures told apart.

"The name does not exist" (NXDOMAIN: evidence the link is broken) and "the resolver could
not answer" (SERVFAIL, timeout, no network: evidence of nothing) are different facts, so a
`ResolveError` carries the `ErrorKind` it stands for.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from curator.check.facts import ErrorKind
from curator.errors import CuratorError

# getaddrinfo codes that mean "this name has no address", as opposed to "could not find out".
_NO_SUCH_NAME = frozenset(
    code
    for code in (
        getattr(socket, "EAI_NONAME", None),
        getattr(socket, "EAI_NODATA", None),
        getattr(socket, "EAI_ADDRFAMILY", None),
    )
    if code is not None
)


class ResolveError(CuratorError):
    """A host name could not be resolved; `kind` is DNS_NXDOMAIN or DNS_FAILURE."""

    def __init__(self, host: str, kind: ErrorKind, reason: str) -> None:
        self.host = host
        self.kind = kind
        self.reason = reason
        super().__init__(f"cannot resolve {host}: {reason}")


class Resolver(Protocol):
    """Turns a host name into the IP addresses to try, in order."""

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` (IP literals as strings); raises ResolveError."""
        ...


CANARY_NAMES = ("example.com", "iana.org")
"""Names that always exist (RFC 2606, IANA): if the resolver finds none of them either, its
"no such name" means nothing."""


class SystemResolver:
    """The operating system's resolver (getaddrinfo), run off the event loop.

    Some networks answer every look-up with "no such name" when they cannot reach the
    internet (sandboxes, captive portals, a resolver without upstream). Taken at its word that
    would make every link `broken`. So a "no such name" is believed when this resolver has
    just answered another name (within `answer_ttl`: the run's own evidence that it reaches
    the internet); only when it has answered nothing lately are names that always exist asked
    (once per `canary_ttl`), and when those do not resolve either, the answer is reported as a
    resolver failure (DNS_FAILURE), which says nothing about the site.
    """

    def __init__(
        self,
        timeout: float | None = None,
        *,
        canaries: Sequence[str] = CANARY_NAMES,
        canary_ttl: float = 300.0,
        answer_ttl: float = 300.0,
    ) -> None:
        self._timeout = timeout
        self._canaries = tuple(canaries)
        self._canary_ttl = canary_ttl
        self._answer_ttl = answer_ttl
        self._answered: tuple[float, str] | None = None
        """(when, which name) this resolver last found addresses for."""
        self._canary: tuple[float, str | None] | None = None
        """(when checked, the canary that failed or None when the resolver works)."""
        self._canary_lock = asyncio.Lock()

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` from getaddrinfo; raises ResolveError."""
        try:
            addresses = await self._lookup(host, port)
        except ResolveError as error:
            if error.kind is not ErrorKind.DNS_NXDOMAIN or self._answered_lately(host):
                raise
            if not self._canaries:
                raise
            failed = await self._failed_canary()
            if failed is None:
                raise
            raise ResolveError(
                host,
                ErrorKind.DNS_FAILURE,
                f"{error.reason}, but {failed} does not resolve either: the resolver is not "
                "answering for the internet",
            ) from error
        if _reaches_the_internet(host, addresses):
            self._answered = (time.monotonic(), _key(host))
        return addresses

    def _answered_lately(self, host: str) -> bool:
        """True when this resolver found another name's addresses within `answer_ttl`."""
        if self._answered is None:
            return False
        when, name = self._answered
        return name != _key(host) and time.monotonic() - when < self._answer_ttl

    async def _lookup(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout):
                infos = await loop.getaddrinfo(
                    host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
                )
        except TimeoutError:
            raise ResolveError(host, ErrorKind.DNS_FAILURE, "the resolver timed out") from None
        except socket.gaierror as exc:
            raise gaierror_to_resolve_error(host, exc) from exc
        except UnicodeError as exc:
            raise ResolveError(host, ErrorKind.DNS_NXDOMAIN, f"invalid name ({exc})") from exc
        except OSError as exc:
            raise ResolveError(host, ErrorKind.DNS_FAILURE, str(exc)) from exc
        addresses = _unique(str(info[4][0]) for info in infos)
        if not addresses:
            raise ResolveError(host, ErrorKind.DNS_NXDOMAIN, "no address records")
        return addresses

    async def _failed_canary(self) -> str | None:
        """A canary name that does not resolve when none does (None: the resolver works); cached."""
        async with self._canary_lock:
            now = time.monotonic()
            if self._canary is not None and now - self._canary[0] < self._canary_ttl:
                return self._canary[1]
            failed: str | None = None
            for name in self._canaries:
                try:
                    await self._lookup(name, 443)
                except ResolveError:
                    failed = name
                    continue
                failed = None
                break
            self._canary = (now, failed)
            return failed


def _reaches_the_internet(host: str, addresses: Sequence[str]) -> bool:
    """True when an answer shows the resolver reaches the internet: a public name with a
    public address (localhost or an intranet name, answered from a local file, shows nothing)."""
    if "." not in host.strip(".") or _key(host).endswith((".localhost", ".local", ".internal")):
        return False
    for address in addresses:
        try:
            if ipaddress.ip_address(address.split("%", 1)[0]).is_global:
                return True
        except ValueError:
            continue
    return False


def gaierror_to_resolve_error(host: str, exc: socket.gaierror) -> ResolveError:
    """Classify a getaddrinfo failure: no such name vs. the resolver failing."""
    reason = exc.strerror or str(exc)
    if exc.errno in _NO_SUCH_NAME:
        return ResolveError(host, ErrorKind.DNS_NXDOMAIN, reason)
    return ResolveError(host, ErrorKind.DNS_FAILURE, reason)


class StaticResolver:
    """A fixed table of names, for tests and local setups; unknown names do not exist."""

    def __init__(
        self,
        mapping: Mapping[str, str | Iterable[str]] | None = None,
        *,
        failures: Mapping[str, ErrorKind] | None = None,
    ) -> None:
        self._table: dict[str, list[str]] = {}
        self._failures: dict[str, ErrorKind] = {
            _key(name): kind for name, kind in (failures or {}).items()
        }
        for name, addresses in (mapping or {}).items():
            self.add(name, addresses)

    def add(self, name: str, addresses: str | Iterable[str]) -> None:
        """Map `name` to one address or several (tried in order)."""
        values = [addresses] if isinstance(addresses, str) else list(addresses)
        self._table[_key(name)] = _unique(values)

    def fail(self, name: str, kind: ErrorKind = ErrorKind.DNS_FAILURE) -> None:
        """Make look-ups of `name` fail with `kind` (e.g. to simulate a resolver outage)."""
        self._failures[_key(name)] = kind

    async def resolve(self, host: str, port: int) -> list[str]:
        """The table's addresses for `host`; raises ResolveError for unknown names."""
        key = _key(host)
        kind = self._failures.get(key)
        if kind is not None:
            raise ResolveError(host, kind, f"simulated {kind.value}")
        addresses = self._table.get(key)
        if not addresses:
            raise ResolveError(host, ErrorKind.DNS_NXDOMAIN, "name not in the static table")
        return list(addresses)


def _key(name: str) -> str:
    return name.lower().rstrip(".")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
