"""The test suite itself cannot reach beyond loopback."""

from __future__ import annotations

import socket

import pytest

from tests.netguard import NetworkGuardError


@pytest.mark.parametrize("address", ["93.184.215.14", "10.0.0.1", "192.168.1.1"])
def test_connect_beyond_loopback_is_refused(address: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkGuardError):
            sock.connect((address, 80))


def test_outside_names_do_not_resolve() -> None:
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.org", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.3", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
