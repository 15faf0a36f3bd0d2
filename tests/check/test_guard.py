"""The address guard: an explicit table, every special range refused, public space allowed."""

from __future__ import annotations

import ipaddress

import pytest

from curator.check.guard import AddressGuard, is_forbidden, parse_address, parse_inet_aton

FORBIDDEN = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("169.254.0.1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.255", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("0.0.0.0", "this network"),
    ("0.1.2.3", "this network"),
    ("192.0.2.10", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.99", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("192.0.0.8", "IETF"),
    ("192.88.99.1", "6to4 relay"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "unique local"),
    ("fd12:3456::1", "unique local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("100::1", "discard"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2001:2::1", "benchmarking"),
    ("2001:0:4136:e378::1", "Teredo"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "link-local"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("2002:7f00:1::1", "loopback"),
    ("2002:c0a8:101::1", "private"),
    ("[::1]", "loopback"),
    ("4000::1", "outside 2000::/3"),
    ("::ffff:0:7f00:1", "outside 2000::/3"),
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "169.253.255.255",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4009:81e::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "reason"), FORBIDDEN, ids=[a for a, _ in FORBIDDEN])
def test_forbidden_addresses_are_refused_with_a_reason(address: str, reason: str) -> None:
    found = is_forbidden(address)
    assert found is not None
    assert reason.lower() in found.lower()


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_forbidden(address) is None


INET_ATON = [
    ("127.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("0X7F.1", "127.0.0.1"),
    ("0x7f.0.0.1", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("0177.1", "127.0.0.1"),
    ("10.0x10.1", "10.16.0.1"),
    ("0", "0.0.0.0"),
    ("0x", "0.0.0.0"),
    ("1.16777215", "1.255.255.255"),
    ("4294967295", "255.255.255.255"),
]
NOT_INET_ATON = [
    "example.com",
    "1.2.3.4.5",
    "256.1.1.1",
    "1.16777216",
    "4294967296",
    "08.1.1.1",
    "0x1g",
    "1..2",
    "",
    "+1.2.3.4",
    "1_0.0.0.1",
    "\u0661\u0662\u0667.0.0.1",
]


@pytest.mark.parametrize(("text", "address"), INET_ATON, ids=[t for t, _ in INET_ATON])
def test_inet_aton_forms_are_read_as_the_system_reads_them(text: str, address: str) -> None:
    assert parse_inet_aton(text) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("text", NOT_INET_ATON)
def test_names_and_malformed_numbers_are_not_addresses(text: str) -> None:
    assert parse_inet_aton(text) is None


@pytest.mark.parametrize(
    "host", ["127.1", "2130706433", "0x7f000001", "017700000001", "0x7f.1", "127.0.0.1."]
)
def test_short_and_numeric_hosts_are_caught(host: str) -> None:
    address = parse_address(host)
    assert address == ipaddress.IPv4Address("127.0.0.1")
    assert is_forbidden(host) is not None


@pytest.mark.parametrize("host", ["helpline.test", "1.2.3.4.5", "xn--bcher-kva.example"])
def test_host_names_are_not_literals(host: str) -> None:
    assert parse_address(host) is None
    with pytest.raises(ValueError, match="not an IP address"):
        is_forbidden(host)


def test_a_guard_can_carve_out_one_address_for_tests() -> None:
    guard = AddressGuard(allowed=["127.0.0.5"])
    assert guard.check("127.0.0.5") is None
    assert guard.check("::ffff:127.0.0.5") is None
    assert guard.check("127.0.0.6") is not None
    assert guard.check("::1") is not None
