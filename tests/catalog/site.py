"""A hub's web site for import and audit tests: a real HTTP server on 127.0.0.x.

It runs in a thread, so both async tests and the CLI (which runs its own event loop) can reach
it. Pages live in a dict that a test may change between requests, as an editor changes the
published guide.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    """What the site answers for one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HubSite:
    """The pages of the site by path, and the requests it has answered."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.pages: dict[str, Response] = {}
        self.requests: list[str] = []

    def url(self, path: str) -> str:
        """The site's address of `path`."""
        return f"http://{self.host}:{self.port}{path}"

    def publish(self, path: str, html: str) -> str:
        """Serve `html` at `path`; returns its address."""
        self.pages[path] = Response(html.encode("utf-8"))
        return self.url(path)


def _handler(site: HubSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            site.requests.append(self.path)
            response = site.pages.get(self.path) or Response(b"<h1>Not found</h1>", 404)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep the test output clean

    return Handler


class _Server(ThreadingHTTPServer):
    # A kept-alive connection must not hold the test up when the site stops.
    daemon_threads = True
    block_on_close = False


@contextmanager
def hub_site(host: str = "127.0.0.9") -> Iterator[HubSite]:
    """A running site on `host` at a free port; stopped when the block ends."""
    site = HubSite(host, 0)
    server = _Server((host, 0), _handler(site))
    site.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="hub-site", daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
