"""Video availability from oEmbed endpoints (respx: no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from curator.check.facts import VideoFacts
from curator.check.quirks import video_host
from curator.check.video import OEmbedLookup, OfflineVideoLookup

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"
YT_OEMBED = "https://www.youtube.com/oembed"
VIMEO_OEMBED = "https://vimeo.com/api/oembed.json"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (YOUTUBE, "youtube"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "youtube"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube"),
        (VIMEO, "vimeo"),
        ("https://player.vimeo.com/video/76979871", "vimeo"),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo"),
        ("https://www.youtube.com/@nca", None),
        ("https://vimeo.com/about", None),
        ("https://www.nationalcrimeagency.gov.uk/sextortion", None),
    ],
    ids=lambda v: str(v),
)
def test_video_addresses(url: str, host: str | None) -> None:
    found = video_host(url)
    assert (found.name if found else None) == host


@pytest.mark.parametrize(
    ("endpoint", "url", "status", "available", "detail"),
    [
        (YT_OEMBED, YOUTUBE, 200, True, "available"),
        (YT_OEMBED, YOUTUBE, 401, False, "private, or its owner disabled embedding"),
        (YT_OEMBED, YOUTUBE, 403, False, "private, or its owner disabled embedding"),
        (YT_OEMBED, YOUTUBE, 404, False, "removed or never existed"),
        (YT_OEMBED, YOUTUBE, 400, False, "not a valid video address"),
        (VIMEO_OEMBED, VIMEO, 200, True, "available"),
        (VIMEO_OEMBED, VIMEO, 403, False, "private, or its owner disabled embedding"),
        (VIMEO_OEMBED, VIMEO, 404, False, "removed or never existed"),
    ],
    ids=[
        "youtube-200",
        "youtube-401-private",
        "youtube-403-private",
        "youtube-404-removed",
        "youtube-400-invalid",
        "vimeo-200",
        "vimeo-403-private",
        "vimeo-404-removed",
    ],
)
@respx.mock
async def test_oembed_status_says_what_happened(
    client: httpx.AsyncClient,
    endpoint: str,
    url: str,
    status: int,
    available: bool,
    detail: str,
) -> None:
    body = {"title": "Sextortion film", "type": "video"} if status == 200 else None
    route = respx.get(endpoint).mock(
        return_value=httpx.Response(status, json=body) if body else httpx.Response(status)
    )
    facts = await OEmbedLookup(client).lookup(url)
    assert facts == VideoFacts(
        provider="youtube" if endpoint == YT_OEMBED else "vimeo",
        available=available,
        status=status,
        title="Sextortion film" if available else None,
        detail=detail,
    )
    sent = route.calls.last.request.url
    assert sent.params["url"] == url
    if endpoint == YT_OEMBED:
        assert sent.params["format"] == "json"


@respx.mock
async def test_no_definite_answer_is_no_evidence(client: httpx.AsyncClient) -> None:
    respx.get(YT_OEMBED).mock(return_value=httpx.Response(503))
    respx.get(VIMEO_OEMBED).mock(side_effect=httpx.ConnectError("down"))
    lookup = OEmbedLookup(client)
    assert await lookup.lookup(YOUTUBE) is None
    assert await lookup.lookup(VIMEO) is None


@respx.mock
async def test_other_addresses_are_not_looked_up(client: httpx.AsyncClient) -> None:
    route = respx.get(YT_OEMBED).mock(return_value=httpx.Response(200, json={}))
    assert await OEmbedLookup(client).lookup("https://www.nationalcrimeagency.gov.uk/x") is None
    assert not route.called


@respx.mock
async def test_garbled_oembed_json_still_says_available(client: httpx.AsyncClient) -> None:
    respx.get(YT_OEMBED).mock(return_value=httpx.Response(200, content=b"{not json"))
    facts = await OEmbedLookup(client).lookup(YOUTUBE)
    assert facts is not None and facts.available and facts.title is None


async def test_offline_lookup_knows_nothing() -> None:
    assert await OfflineVideoLookup().lookup(YOUTUBE) is None
