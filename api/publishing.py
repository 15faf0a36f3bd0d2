"""The public lists rendered once per change of the data, not once per request.

A request asks for the data version (one small aggregate query, see
curator.store.publish.data_version) and, when the version is the one its cached bytes were
rendered at, answers with those bytes and their ETag: no rendering, no other query.

The version is read by one query at a time that every request waiting for it shares, and a
read is reused: as is while younger than `freshness` (50 ms), and while younger than
`stale_limit` (1 s) as the answer to requests that arrive while the next read runs in the
background. So under load the request path never waits on the database, and a change made by
another process (the checker, a sync) shows within about 50 ms, at most a second. This
process's own commits (editors' actions, its rechecks and runs) invalidate the version at once,
so an editor reads their own edit. With `freshness=0` every request waits for a query that started
after it arrived.

The lists also change with no write at all when a snooze ends (the resource is what its link
says again, hidden if confirmed broken): each rendered list keeps the earliest snooze end among
its resources and is rendered again from that moment, so its ETag changes then too.

Requests that find a list out of date at once share one rendering; a long list is built (its
standings and JSON) in a worker thread, since building 10,000 resources on the event loop would
hold every other request (the lists already rendered too) behind it.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import hashlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.responses import Response

from api.schemas.public import GuideIndexOut, GuideOut, GuidesOut, GuideSummaryOut
from curator.store.base import utcnow
from curator.store.publish import (
    Decided,
    PublicGuide,
    PublicRows,
    data_version,
    public_rows,
    published_of,
)

Version = tuple[object, ...]
FRESHNESS = 0.05
"""Seconds a read of the data version is used as is."""
STALE_LIMIT = 1.0
"""Seconds a read of the data version may answer requests while a new read runs."""


class VersionProbe:
    """The data version: reused while fresh, else read by one query all waiters share."""

    def __init__(
        self,
        read: Callable[[], Coroutine[Any, Any, Version]],
        *,
        freshness: float = FRESHNESS,
        stale_limit: float = STALE_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._freshness = freshness
        self._stale_limit = max(stale_limit, freshness)
        self._clock = clock
        self._known: tuple[float, Version] | None = None
        self._epoch = 0
        self._next: asyncio.Future[Version] | None = None
        self._drainer: asyncio.Task[None] | None = None
        self.reads = 0

    def invalidate(self) -> None:
        """Forget the version: the next request waits for a query started after this call."""
        self._known = None
        self._epoch += 1

    async def current(self) -> Version:
        """The version as of `freshness` ago at best, `stale_limit` at worst, or read anew."""
        known = self._known
        if known is not None:
            age = self._clock() - known[0]
            if age < self._freshness:
                return known[1]
            if age < self._stale_limit and self._freshness > 0:
                if self._next is None and not self._reading():
                    # Refresh in the background; this request does not wait for it.
                    self._request_read()
                return known[1]
        return await asyncio.shield(self._request_read())

    async def aclose(self) -> None:
        """Wait for a read in progress to end (before the engine it uses is disposed)."""
        if self._drainer is not None:
            await asyncio.gather(self._drainer, return_exceptions=True)

    def _reading(self) -> bool:
        return self._drainer is not None and not self._drainer.done()

    def _request_read(self) -> asyncio.Future[Version]:
        """The future of the next read to start (starting the reader if it is idle)."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            # Mark an unawaited failure as seen, so a cancelled waiter leaves no log noise.
            self._next.add_done_callback(_consume)
        future = self._next
        if not self._reading():
            self._drainer = asyncio.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        # Each query serves the requests that arrived before it started, never earlier ones.
        while self._next is not None:
            future, self._next = self._next, None
            started, epoch = self._clock(), self._epoch
            try:
                version = await self._read()
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
                continue
            self.reads += 1
            if epoch == self._epoch:
                self._known = (started, version)
            if not future.done():
                future.set_result(version)


def _consume(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A list's JSON bytes, their strong ETag, and the answers' headers, built once."""

    body: bytes
    etag: str
    max_age: int
    headers_200: tuple[tuple[bytes, bytes], ...]
    headers_304: tuple[tuple[bytes, bytes], ...]
    compressed: list[asyncio.Future[Rendered]] = field(
        default_factory=list, compare=False, repr=False
    )
    """The gzip-coded variant once one request asked for it (shared by those that wait)."""

    def response(self, *, not_modified: bool) -> Response:
        """The 200 (or the 304, no body) answer, without rebuilding any header."""
        if not_modified:
            return _Prebuilt(304, b"", self.headers_304)
        return _Prebuilt(200, self.body, self.headers_200)

    @property
    def compressible(self) -> bool:
        """Whether gzip is worth it: the body is not tiny."""
        return len(self.body) >= GZIP_MIN_BYTES

    async def gzipped(self) -> Rendered:
        """The same list gzip-coded, with an ETag of its own: made once, by a task of its own
        that the requests asking for it share (in a worker thread when large), and reused
        while the list is current."""
        if not self.compressed:
            task = asyncio.ensure_future(self._compress())
            task.add_done_callback(_consume)
            self.compressed.append(task)
        made = self.compressed[0]
        try:
            return await asyncio.shield(made)
        except Exception:
            if self.compressed and self.compressed[0] is made and made.done():
                self.compressed.clear()  # the next request tries again
            raise

    async def _compress(self) -> Rendered:
        if len(self.body) > OFF_LOOP_GZIP_BYTES:
            return await asyncio.to_thread(self._gzip_variant)
        return self._gzip_variant()

    def _gzip_variant(self) -> Rendered:
        # mtime=0: the same list gives the same bytes in every process, as its ETag says.
        body = gzip.compress(self.body, compresslevel=6, mtime=0)
        return rendered(
            body,
            max_age=self.max_age,
            etag=self.etag[:-1] + '-gzip"',
            encoding=b"gzip",
        )


class _Prebuilt(Response):
    """A Response whose headers were encoded when the list was rendered."""

    def __init__(self, status_code: int, body: bytes, headers: tuple[tuple[bytes, bytes], ...]):
        self.status_code = status_code
        self.body = body
        self.background = None
        # A fresh list per response: middleware (CORS) appends to it.
        self.raw_headers = list(headers)


def rendered(
    body: bytes,
    *,
    max_age: int,
    etag: str | None = None,
    encoding: bytes | None = None,
) -> Rendered:
    """Bytes with a strong ETag taken from their content, and their answers' headers.

    Every answer says it varies by Accept-Encoding: a list may be sent gzip-coded."""
    if etag is None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    common = (
        (b"etag", etag.encode()),
        (b"cache-control", f"public, max-age={max_age}".encode()),
        (b"vary", b"Accept-Encoding"),
    )
    headers_200 = (
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/json"),
        *(((b"content-encoding", encoding),) if encoding else ()),
        *common,
    )
    return Rendered(body, etag, max_age, headers_200, common)


class GuideCache:
    """Rendered public lists by (slug or None for all guides, include broken), per version."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_age: int,
        freshness: float = FRESHNESS,
        stale_limit: float = STALE_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self._max_age = max_age
        self._wall = wall
        self._engine = engine
        self._sessions = sessions
        self._probe = VersionProbe(
            self._read_version, freshness=freshness, stale_limit=stale_limit, clock=clock
        )
        self._entries: dict[
            tuple[str | None, bool, bool], tuple[Version, datetime | None, Rendered]
        ] = {}
        self._flights: dict[tuple[object, ...], asyncio.Future[Rendered | None]] = {}
        # Per slug (None: every guide), how the last build published each resource row: after
        # a write, only the rows that changed are worked out again.
        self._decided: dict[str | None, Decided] = {}
        self.renders = 0

    async def aclose(self) -> None:
        """Finish the version read, the renderings and the compressions in progress, if any."""
        await self._probe.aclose()
        await asyncio.gather(*self._flights.values(), return_exceptions=True)
        compressing = [task for _, _, made in self._entries.values() for task in made.compressed]
        await asyncio.gather(*compressing, return_exceptions=True)

    def invalidate(self) -> None:
        """This process changed the data: the next request reads the version anew."""
        self._probe.invalidate()

    @property
    def version_reads(self) -> int:
        """How many times the data version was read (for tests and benchmarks)."""
        return self._probe.reads

    async def _read_version(self) -> Version:
        # A bare connection, not a session: this runs for (nearly) every request.
        async with self._engine.connect() as connection:
            return await data_version(connection)

    async def get(
        self, *, slug: str | None, include_broken: bool, full: bool = True
    ) -> Rendered | None:
        """The rendered list (None for an unknown slug), rendered again only if data changed.
        With `slug` None: every guide's list when `full`, else the index of guides.

        Requests that find the same list out of date at once share one rendering."""
        version = await self._probe.current()
        key = (slug, include_broken, full)
        entry = self._entries.get(key)
        now = self._wall()
        if entry is not None and entry[0] == version and (entry[1] is None or now < entry[1]):
            return entry[2]
        flight = self._flights.get((key, version))
        if flight is None:
            flight = asyncio.ensure_future(self._render(key, version, now=now))
            self._flights[(key, version)] = flight
            flight.add_done_callback(functools.partial(self._landed, (key, version)))
        return await asyncio.shield(flight)

    def _landed(self, flight: tuple[object, ...], task: asyncio.Future[Rendered | None]) -> None:
        self._flights.pop(flight, None)
        _consume(task)

    async def _render(
        self, key: tuple[str | None, bool, bool], version: Version, *, now: datetime
    ) -> Rendered | None:
        slug, include_broken, full = key
        known = self._decided.get(slug)
        async with self._sessions() as session:
            rows = await public_rows(session, slug=slug, known=known)
        work = functools.partial(
            self._build,
            rows,
            slug=slug,
            include_broken=include_broken,
            full=full,
            now=now,
            known=known,
        )
        # Building thousands of resources' standings and their JSON is pure CPU (about 175 ms
        # for 10,000): in a thread, the event loop keeps serving the lists already rendered.
        if len(rows.stored) > OFF_LOOP_RESOURCES:
            fresh, changes_at, decided = await asyncio.to_thread(work)
        else:
            fresh, changes_at, decided = work()
        self.renders += 1
        if fresh is not None:
            # Unknown slugs are not cached: the public cannot grow these dicts.
            self._entries[key] = (version, changes_at, fresh)
            self._decided[slug] = decided
        return fresh

    def _build(
        self,
        rows: PublicRows,
        *,
        slug: str | None,
        include_broken: bool,
        full: bool,
        now: datetime,
        known: Decided | None,
    ) -> tuple[Rendered | None, datetime | None, Decided]:
        lists = published_of(rows, include_broken=include_broken, now=now, known=known)
        return self._rendered(lists.guides, slug=slug, full=full), lists.changes_at, lists.decided

    def _rendered(
        self, guides: list[PublicGuide], *, slug: str | None, full: bool
    ) -> Rendered | None:
        if slug is None and not full:
            index = GuideIndexOut(guides=[GuideSummaryOut.of(g) for g in guides])
            return rendered(index.model_dump_json().encode(), max_age=self._max_age)
        if slug is None:
            body = GuidesOut(guides=[GuideOut.of(g) for g in guides]).model_dump_json()
            return rendered(body.encode(), max_age=self._max_age)
        if not guides:
            return None
        return rendered(GuideOut.of(guides[0]).model_dump_json().encode(), max_age=self._max_age)


OFF_LOOP_RESOURCES = 500
"""Resources beyond which a list is built in a worker thread."""
GZIP_MIN_BYTES = 1024
"""Bodies shorter than this are sent as they are: gzip would gain next to nothing."""
OFF_LOOP_GZIP_BYTES = 256 * 1024
"""Bodies longer than this are compressed in a worker thread."""
