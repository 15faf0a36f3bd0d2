"""Archived copies: the offline default and the Wayback Machine's availability API (respx)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import respx

from curator.archive import (
    WAYBACK_AVAILABLE_URL,
    ArchivedCopy,
    ArchiveLookup,
    NoArchive,
    WaybackArchive,
    parse_availability,
)

PAGE = "https://www.cleveland.police.uk/news/newsall/release21560.aspx"
FOUND = {
    "url": PAGE,
    "archived_snapshots": {
        "closest": {
            "status": "200",
            "available": True,
            "url": f"http://web.archive.org/web/20190301101010/{PAGE}",
            "timestamp": "20190301101010",
        }
    },
}


async def test_offline_default_never_finds_a_copy() -> None:
    archive: ArchiveLookup = NoArchive()
    assert await archive.lookup(PAGE, near=datetime(2026, 1, 1, tzinfo=UTC)) is None


@respx.mock
async def test_wayback_returns_the_closest_snapshot_over_https() -> None:
    route = respx.get(WAYBACK_AVAILABLE_URL).mock(return_value=httpx.Response(200, json=FOUND))
    async with httpx.AsyncClient() as client:
        copy = await WaybackArchive(client).lookup(
            PAGE, near=datetime(2019, 3, 2, 12, 0, tzinfo=UTC)
        )
    assert copy == ArchivedCopy(
        url=f"https://web.archive.org/web/20190301101010/{PAGE}",
        captured_at=datetime(2019, 3, 1, 10, 10, 10, tzinfo=UTC),
    )
    request = route.calls.last.request
    assert request.url.params["url"] == PAGE
    assert request.url.params["timestamp"] == "20190302120000"


@respx.mock
async def test_wayback_without_a_date_asks_for_the_newest() -> None:
    route = respx.get(WAYBACK_AVAILABLE_URL).mock(return_value=httpx.Response(200, json=FOUND))
    async with httpx.AsyncClient() as client:
        assert await WaybackArchive(client).lookup(PAGE) is not None
    assert "timestamp" not in route.calls.last.request.url.params


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json={"url": PAGE, "archived_snapshots": {}}),
        httpx.Response(200, json={"archived_snapshots": {"closest": {"available": False}}}),
        httpx.Response(503, text="busy"),
        httpx.Response(200, text="<html>not json</html>"),
    ],
    ids=["no-snapshot", "unavailable", "server-error", "not-json"],
)
@respx.mock
async def test_wayback_answers_none_when_it_has_nothing_usable(response: httpx.Response) -> None:
    respx.get(WAYBACK_AVAILABLE_URL).mock(return_value=response)
    async with httpx.AsyncClient() as client:
        assert await WaybackArchive(client).lookup(PAGE) is None


@respx.mock
async def test_wayback_unreachable_is_not_an_error() -> None:
    respx.get(WAYBACK_AVAILABLE_URL).mock(side_effect=httpx.ConnectError("no route"))
    async with httpx.AsyncClient() as client:
        assert await WaybackArchive(client).lookup(PAGE) is None


SNAPSHOT = {"status": "200", "available": True, "url": "https://web.archive.org/x"}
STAMP = "20200101000000"


@pytest.mark.parametrize(
    ("closest", "expected"),
    [
        ({**SNAPSHOT, "status": "404", "timestamp": STAMP}, None),
        ({**SNAPSHOT, "timestamp": "garbage"}, None),
        ({"status": "200", "available": True, "timestamp": STAMP}, None),
        (
            {**SNAPSHOT, "status": 200, "timestamp": STAMP},
            ArchivedCopy("https://web.archive.org/x", datetime(2020, 1, 1, tzinfo=UTC)),
        ),
    ],
    ids=["snapshot-of-an-error-page", "bad-timestamp", "no-url", "numeric-status"],
)
def test_parse_availability(closest: dict[str, object], expected: ArchivedCopy | None) -> None:
    assert parse_availability({"archived_snapshots": {"closest": closest}}) == expected
    assert parse_availability(["not", "a", "dict"]) is None


@respx.mock
async def test_private_and_local_addresses_are_never_looked_up() -> None:
    route = respx.get(WAYBACK_AVAILABLE_URL).mock(
        return_value=httpx.Response(200, json={"archived_snapshots": {}})
    )
    async with httpx.AsyncClient() as client:
        archive = WaybackArchive(client)
        for url in (
            "http://127.0.0.1:8080/page",
            "http://localhost/page",
            "http://10.1.2.3/",
            "http://192.168.0.7/x",
            "http://[::1]/",
            "http://intranet/",
            "http://printer.local/",
        ):
            assert await archive.lookup(url) is None
        assert route.call_count == 0
        await archive.lookup(PAGE)
        assert route.call_count == 1


@respx.mock
async def test_an_unreachable_archive_is_tried_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    route = respx.get(WAYBACK_AVAILABLE_URL).mock(side_effect=httpx.ConnectError("no route"))
    async with httpx.AsyncClient() as client:
        archive = WaybackArchive(client)
        for n in range(5):
            assert await archive.lookup(f"https://example.org/{n}") is None
    assert route.call_count == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "curator.archive"]
    assert warnings == [
        "the Wayback Machine is unreachable (no route): no archived copies are offered"
    ]
