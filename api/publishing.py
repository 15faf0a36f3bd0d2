"""The public lists rendered once per change of the data, not once per request.

A request asks for the data version (one small aggregate query, see
curator.store.publish.data_version) and, when the version is the one its cached bytes were
rendered at, answers with those bytes and their ETag. Requests that arrive while a version
query is running share the next one, which starts after they arrived: under load one query
serves many requests, and no request is answered from a version read before it came in.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.schemas import GuideOut, GuidesOut
from curator.store.publish import data_version, published_guides

Version = tuple[object, ...]


class VersionProbe:
    """The data version, read by one query at a time that every waiting request shares."""

    def __init__(self, read: Callable[[], Coroutine[Any, Any, Version]]) -> None:
        self._read = read
        self._next: asyncio.Future[Version] | None = None
        self._drainer: asyncio.Task[None] | None = None

    async def current(self) -> Version:
        """A version read by a query that started after this call."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            # Mark an unawaited failure as seen, so a cancelled waiter leaves no log noise.
            self._next.add_done_callback(_consume)
        future = self._next
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._next is not None:
            future, self._next = self._next, None
            try:
                version = await self._read()
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(version)


def _consume(future: asyncio.Future[Version]) -> None:
    if not future.cancelled():
        future.exception()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A list's JSON bytes and their strong ETag."""

    body: bytes
    etag: str


def rendered(body: bytes) -> Rendered:
    """Bytes with a strong ETag taken from their content."""
    return Rendered(body, '"' + hashlib.sha256(body).hexdigest()[:40] + '"')


class GuideCache:
    """Rendered public lists by (slug or None for all guides, include broken), per version."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._probe = VersionProbe(self._read_version)
        self._entries: dict[tuple[str | None, bool], tuple[Version, Rendered]] = {}
        self.renders = 0

    async def _read_version(self) -> Version:
        async with self._sessions() as session:
            return await data_version(session)

    async def get(self, *, slug: str | None, include_broken: bool) -> Rendered | None:
        """The rendered list (None for an unknown slug), rendered again only if data changed."""
        version = await self._probe.current()
        key = (slug, include_broken)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        fresh = await self._render(slug=slug, include_broken=include_broken)
        if fresh is not None:
            # Unknown slugs are not cached: the public cannot grow this dict.
            self._entries[key] = (version, fresh)
        return fresh

    async def _render(self, *, slug: str | None, include_broken: bool) -> Rendered | None:
        async with self._sessions() as session:
            guides = await published_guides(session, slug=slug, include_broken=include_broken)
        self.renders += 1
        if slug is None:
            body = GuidesOut(guides=[GuideOut.of(g) for g in guides]).model_dump_json()
            return rendered(body.encode())
        if not guides:
            return None
        return rendered(GuideOut.of(guides[0]).model_dump_json().encode())
