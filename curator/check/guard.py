"""The address guard: which IP addresses the fetcher must never connect to.

An explicit CIDR table rather than `ipaddress`'s `is_private`/`is_global` flags (they have
been wrong before, and their meaning shifts between Python versions). IPv6 forms that carry
an IPv4 address (IPv4-mapped, NAT64, 6to4) are unwrapped and the IPv4 address is checked.
Hosts written the way `inet_aton` reads them (`2130706433`, `127.1`, `0x7f.1`,
`017700000001`) are parsed as addresses too, exactly as the system resolver would.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Block:
    """One forbidden network and why."""

    network: IPNetwork
    reason: str


def _blocks(rows: Iterable[tuple[str, str]]) -> tuple[Block, ...]:
    return tuple(Block(ipaddress.ip_network(cidr), reason) for cidr, reason in rows)


# First match wins, so the narrow entries come before the wide ones they sit in.
IPV4_BLOCKS: tuple[Block, ...] = _blocks(
    (
        ("255.255.255.255/32", "broadcast"),
        ("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
        ("10.0.0.0/8", "private network (10.0.0.0/8)"),
        ("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
        ("127.0.0.0/8", "loopback (127.0.0.0/8)"),
        ("169.254.0.0/16", "link-local / cloud metadata (169.254.0.0/16)"),
        ("172.16.0.0/12", "private network (172.16.0.0/12)"),
        ("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
        ("192.0.2.0/24", "documentation (192.0.2.0/24)"),
        ("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
        ("192.168.0.0/16", "private network (192.168.0.0/16)"),
        ("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
        ("198.51.100.0/24", "documentation (198.51.100.0/24)"),
        ("203.0.113.0/24", "documentation (203.0.113.0/24)"),
        ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
        ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    )
)

IPV6_BLOCKS: tuple[Block, ...] = _blocks(
    (
        ("::/128", "unspecified address (::)"),
        ("::1/128", "loopback (::1)"),
        ("::/96", "IPv4-compatible, deprecated (::/96)"),
        ("64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"),
        ("100::/64", "discard-only (100::/64)"),
        ("2001::/32", "Teredo tunnelling (2001::/32)"),
        ("2001:2::/48", "benchmarking (2001:2::/48)"),
        ("2001:10::/28", "ORCHID (2001:10::/28)"),
        ("2001:20::/28", "ORCHIDv2 (2001:20::/28)"),
        ("2001:db8::/32", "documentation (2001:db8::/32)"),
        ("3fff::/20", "documentation (3fff::/20)"),
        ("5f00::/16", "segment routing SIDs (5f00::/16)"),
        ("fc00::/7", "unique local address (fc00::/7)"),
        ("fe80::/10", "link-local (fe80::/10)"),
        ("fec0::/10", "site-local, deprecated (fec0::/10)"),
        ("ff00::/8", "multicast (ff00::/8)"),
    )
)

# Only 2000::/3 is global unicast; anything else not unwrapped below is refused.
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")

_HEX = re.compile(r"0x[0-9a-f]*", re.ASCII)
_OCTAL = re.compile(r"0[0-7]*", re.ASCII)
_DECIMAL = re.compile(r"[1-9][0-9]*", re.ASCII)


def parse_inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """Read `text` the way `inet_aton` does (1-4 parts, decimal/octal/hex), or None."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        value = _aton_number(part)
        if value is None:
            return None
        numbers.append(value)
    # The last part fills every byte the earlier parts did not: a.b -> a.(24 bits).
    *leading, last = numbers
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        return None
    value = 0
    for n in leading:
        value = (value << 8) | n
    value = (value << (8 * (4 - len(leading)))) | last
    return ipaddress.IPv4Address(value)


def _aton_number(part: str) -> int | None:
    lowered = part.lower()
    if _HEX.fullmatch(lowered):
        return int(lowered[2:] or "0", 16)
    if _OCTAL.fullmatch(lowered):
        return int(lowered, 8)
    if _DECIMAL.fullmatch(lowered):
        return int(lowered, 10)
    return None


def parse_address(host: str) -> IPAddress | None:
    """The IP address `host` denotes as a literal (any inet_aton form, [v6], zone ids), or None."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]
    if text.endswith(".") and text.count(".") > 0:
        text = text[:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if ":" in text:
        return None
    return parse_inet_aton(text)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by an IPv4-mapped, NAT64 or 6to4 IPv6 address, if any."""
    if address in IPV4_MAPPED or address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in SIX_TO_FOUR:
        return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return None


class AddressGuard:
    """Decides whether an address may be connected to; `allowed` carves test-only exceptions."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._allowed: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(cidr, strict=False) for cidr in allowed
        )

    def check(self, address: str | IPAddress) -> str | None:
        """Why connecting to `address` is forbidden, or None when it is allowed."""
        ip = address if not isinstance(address, str) else parse_address(address)
        if ip is None:
            raise ValueError(f"not an IP address: {address!r}")
        if self._is_allowed(ip):
            return None
        if isinstance(ip, ipaddress.IPv4Address):
            return _first_block(ip, IPV4_BLOCKS)
        inner = embedded_ipv4(ip)
        if inner is not None:
            if self._is_allowed(inner):
                return None
            reason = _first_block(inner, IPV4_BLOCKS)
            return None if reason is None else f"{reason}, inside {ip.compressed}"
        reason = _first_block(ip, IPV6_BLOCKS)
        if reason is None and ip not in GLOBAL_UNICAST_V6:
            return "reserved IPv6 space (outside 2000::/3)"
        return reason

    def _is_allowed(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self._allowed)


DEFAULT_GUARD = AddressGuard()


def _first_block(ip: IPAddress, blocks: tuple[Block, ...]) -> str | None:
    return next((b.reason for b in blocks if ip in b.network), None)


def is_forbidden(address: str | IPAddress) -> str | None:
    """Why the fetcher must not connect to `address` (an IP literal), or None when it may."""
    return DEFAULT_GUARD.check(address)
