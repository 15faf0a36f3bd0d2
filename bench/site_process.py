"""Test sites served from a child process, so a benchmark's figures are the client's alone.

The sites are the checker's test-site kit (tests/sites.py) running on 127.0.0.x in a
process of their own; the parent gets their addresses back and, at the end, what each site
served.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from types import TracebackType

from tests.sites import NOT_FOUND, Behaviour, Request, Response, Site, Sites, page


@dataclass(frozen=True)
class SiteSpec:
    """A site to serve: its name, routes, and the behaviour for every other path."""

    host: str
    fallback: Behaviour
    routes: Mapping[str, Behaviour] = field(default_factory=dict)


@dataclass(frozen=True)
class Served:
    """A running site: where it listens."""

    host: str
    address: str
    port: int

    def url(self, path: str = "/") -> str:
        """An absolute http URL on this site by its host name."""
        return f"http://{self.host}:{self.port}{path}"

    def address_url(self, path: str = "/") -> str:
        """An absolute http URL on this site by its address (no resolver needed)."""
        return f"http://{self.address}:{self.port}{path}"


@dataclass(frozen=True)
class SiteStats:
    """What a site served during the benchmark."""

    requests: int
    bytes_sent: int


@dataclass(frozen=True)
class AdvicePages(Behaviour):
    """A host of the generated catalog: `/advice/page-N` is resource N's page, with the words
    and phone number its catalog entry expects, after `delay`; any other path is a 404."""

    delay: float = 0.0
    organisations: int = 400
    """As many as the generated catalog names (`bench.scale.HOSTS`)."""

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer with the resource's page, or not found."""
        name = request.path.rsplit("/", 1)[-1]
        if not (request.path.startswith("/advice/page-") and name[5:].isdigit()):
            return await NOT_FOUND.respond(site, request, writer)
        answer = self.answer(int(name[5:]))
        await asyncio.sleep(self.delay)
        return await replace(answer, delay=0.0).respond(site, request, writer)

    def answer(self, index: int) -> Response:
        """Resource `index`'s page (what `/advice/page-<index>` serves)."""
        return page(
            f"Resource {index} – advice and support",
            f"Organisation {index % self.organisations} gives practical advice and support.",
            f"Call 020 7946 0{index % 1000:03d} on weekdays. " + "What to do next. " * 20,
            headings=[f"Resource {index}"],
        )


def _serve(specs: list[SiteSpec], conn: Connection) -> None:
    asyncio.run(_run(specs, conn))


async def _run(specs: list[SiteSpec], conn: Connection) -> None:
    kit = Sites()
    sites = [await kit.add(s.host, dict(s.routes), fallback=s.fallback) for s in specs]
    conn.send([Served(s.host, s.address, s.port) for s in sites])
    await asyncio.to_thread(conn.recv)  # the parent says stop
    stats = {s.host: SiteStats(len(s.requests), s.bytes_sent) for s in sites}
    await kit.aclose()
    conn.send(stats)


class SiteProcess:
    """Serves `specs` from a child process for the duration of a `with` block."""

    def __init__(self, specs: list[SiteSpec]) -> None:
        self._specs = specs
        self.stats: dict[str, SiteStats] = {}
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(specs, child), daemon=True)

    def __enter__(self) -> list[Served]:
        self._process.start()
        served: list[Served] = self._conn.recv()
        return served

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._conn.send("stop")
        if self._conn.poll(30):
            self.stats = self._conn.recv()
        self._process.join(30)
        if self._process.is_alive():
            self._process.terminate()
