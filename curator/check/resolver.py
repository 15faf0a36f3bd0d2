"""Name resolution for the fetcher: one look-up per connection, failures told apart.

"The name does not exist" (NXDOMAIN: evidence the link is broken) and "the resolver could
not answer" (SERVFAIL, timeout, no network: evidence of nothing) are different facts, so a
`ResolveError` carries the `ErrorKind` it stands for.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable, Mapping
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


class SystemResolver:
    """The operating system's resolver (getaddrinfo), run off the event loop."""

    def __init__(self, timeout: float | None = None) -> None:
        self._timeout = timeout

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` from getaddrinfo; raises ResolveError."""
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
