"""Is a video still there? Video hosts answer through their oEmbed endpoints.

A YouTube or Vimeo page answers 200 even for a removed or private video, so the page itself
proves nothing; the host's oEmbed endpoint says which. The look-up is optional and sits
behind a small Protocol: `OfflineVideoLookup` (no network at all) is the default for tests
and for installations that opt out with CURATOR_VIDEO_OEMBED=false.
"""

from __future__ import annotations

import json
from typing import Protocol

import httpx

from curator.check.facts import VideoFacts
from curator.check.quirks import VIDEO_HOSTS, VideoHost

MAX_OEMBED_BYTES = 64 * 1024
"""An oEmbed answer is a few hundred bytes; more than this is not one."""


class VideoLookup(Protocol):
    """Tells whether a video address still shows its video."""

    async def lookup(self, url: str) -> VideoFacts | None:
        """What the video's host says of `url`; None when it is not a known video address or
        the host gave no definite answer."""
        ...


class OfflineVideoLookup:
    """The offline default: never asks anyone, so it knows nothing."""

    async def lookup(self, url: str) -> VideoFacts | None:
        """Always None: no evidence either way."""
        return None


class OEmbedLookup:
    """Asks YouTube's and Vimeo's oEmbed endpoints through an injected client."""

    def __init__(
        self, client: httpx.AsyncClient, hosts: tuple[VideoHost, ...] = VIDEO_HOSTS
    ) -> None:
        self._client = client
        self._hosts = hosts

    def host_of(self, url: str) -> VideoHost | None:
        """The video host serving `url`, if it is one this look-up can ask."""
        return next((h for h in self._hosts if h.matches(url)), None)

    async def lookup(self, url: str) -> VideoFacts | None:
        """The host's oEmbed verdict on `url`: available, private or removed; None if unsure."""
        host = self.host_of(url)
        if host is None:
            return None
        params = httpx.QueryParams([("url", url), *host.params])
        try:
            async with self._client.stream("GET", host.oembed, params=params) as response:
                status = response.status_code
                data = await _read(response)
        except httpx.HTTPError:
            return None  # the endpoint is unreachable: that says nothing about the video
        meaning = host.meaning(status)
        if meaning is None:
            return None  # 429, 5xx…: ask again next run
        available, detail = meaning
        return VideoFacts(
            provider=host.name,
            available=available,
            status=status,
            title=_title(data) if available else None,
            detail=detail,
        )


async def _read(response: httpx.Response) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > MAX_OEMBED_BYTES:
            break
    return bytes(data[:MAX_OEMBED_BYTES])


def _title(data: bytes) -> str | None:
    try:
        document = json.loads(data)
    except ValueError:
        return None
    title = document.get("title") if isinstance(document, dict) else None
    return title if isinstance(title, str) else None
