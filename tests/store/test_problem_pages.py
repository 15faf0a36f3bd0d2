"""Pages of the problems list: every combination of link history, snooze and readers' reports
lands on the list exactly when its standing says it needs an editor (the query only narrows,
`standing_of` decides), pages walk the whole list once in order, counts and filters agree,
and a page costs the same queries for a small catalog and a large one; on SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from curator import editing
from curator.domain import Group, State, Verdict
from curator.runs.records import state_values
from curator.store.link_states import upsert_link_state
from curator.store.models import Guide, LinkState, ReaderReport, Resource, Section
from curator.store.problems import (
    BadCursor,
    CandidateCache,
    ProblemFilter,
    decode_cursor,
    encode_cursor,
    problem_page,
)
from curator.store.standings import standings
from tests.factories import status_after
from tests.store.test_standings import counted

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=10)


def _days(*verdicts: Verdict) -> list[tuple[datetime, Verdict]]:
    return [(T0 + timedelta(days=2 * i), v) for i, v in enumerate(verdicts)]


STORIES: dict[str, list[tuple[datetime, Verdict]] | None] = {
    "never checked": None,
    "working": _days(Verdict.OK),
    "confirmed broken": _days(Verdict.OK, Verdict.BROKEN, Verdict.BROKEN, Verdict.BROKEN),
    "failing once": _days(Verdict.OK, Verdict.TRANSIENT),
    "broken, not yet confirmed": _days(Verdict.OK, Verdict.BROKEN),
    "moved": _days(Verdict.MOVED),
    "refuses checks": _days(Verdict.UNVERIFIABLE),
    "refused, then working": _days(Verdict.UNVERIFIABLE, Verdict.OK),
    "working, then refused": _days(Verdict.OK, Verdict.UNVERIFIABLE),
    "recovered": _days(Verdict.OK, Verdict.BROKEN, Verdict.BROKEN, Verdict.BROKEN, Verdict.OK),
    "parked": _days(Verdict.PARKED, Verdict.PARKED, Verdict.PARKED),
}
SNOOZES = {"none": None, "ends later": NOW + timedelta(days=5), "ended": NOW - timedelta(days=1)}
REPORTS = ("none", "open", "dealt with")


async def combinations(session: AsyncSession, slug: str = "g", copies: int = 1) -> int:
    """A guide with one resource for each story × snooze × readers' reports (`copies` times);
    how many resources it has."""
    count = 0
    async with session.begin():
        guide = Guide(slug=slug, title=f"Guide {slug}", editors=[])
        section = Section(guide=guide, title="Help", position=0)
        combos = list(itertools.product(STORIES.items(), SNOOZES.values(), REPORTS))
        for copy in range(copies):
            for (story_name, story), snoozed_until, reports in combos:
                url = f"https://{slug}-{count}.example/{story_name.replace(' ', '-')}"
                resource = Resource(
                    guide=guide,
                    section=section,
                    key=f"r{count}",
                    title=f"{story_name} {copy}",
                    url=url,
                    position=count,
                    snoozed_until=snoozed_until,
                    snooze_reason="works in a browser" if snoozed_until else None,
                )
                session.add(resource)
                await session.flush()
                if story is not None:
                    values = state_values(status_after(story))
                    await upsert_link_state(session, url=url, values=values, check_id=None)
                if reports != "none":
                    session.add(
                        ReaderReport(
                            resource_id=resource.id,
                            note="it says not found",
                            created_at=T0 + timedelta(hours=count),
                            resolved_at=NOW if reports == "dealt with" else None,
                        )
                    )
                count += 1
    return count


async def test_the_list_is_exactly_what_standings_say_needs_an_editor(
    session: AsyncSession,
) -> None:
    await combinations(session)
    async with session.begin():
        every = await standings(session, now=NOW)
        page = await problem_page(session, now=NOW, limit=1000)
        snoozed = await problem_page(session, now=NOW, limit=1000, snoozed=True)
    needing = {s.resource.id: s.standing for s in every if s.standing.needs_editor}
    assert {p.resource_id: p.standing for p in page.problems} == needing
    assert page.matching == page.counts.total == len(needing) > 20
    assert page.next_after is None
    asleep = {s.resource.id: s.standing for s in every if s.standing.state is State.SNOOZED}
    assert {p.resource_id: p.standing for p in snoozed.problems} == asleep
    ends = [p.standing.snoozed_until for p in snoozed.problems]
    assert ends == sorted(ends)  # type: ignore[type-var]
    # Every kind of need is on the list, and nothing that needs nothing.
    needs = {need for standing in needing.values() for need in standing.needs}
    assert len(needs) == 5
    counts = Counter(standing.state for standing in needing.values())
    assert page.counts.by_state == dict(counts)
    assert sum(page.counts.by_group.values()) == len(needing)


async def test_pages_walk_the_whole_list_once_in_order(session: AsyncSession) -> None:
    await combinations(session)
    async with session.begin():
        whole = await problem_page(session, now=NOW, limit=1000)
        walked, after, pages = [], None, 0
        while True:
            page = await problem_page(session, now=NOW, limit=7, after=after)
            walked.extend(p.resource_id for p in page.problems)
            pages += 1
            assert page.matching == whole.matching and page.counts == whole.counts
            if page.next_after is None:
                break
            after = page.next_after
    assert walked == [p.resource_id for p in whole.problems]
    assert pages == -(-whole.matching // 7)
    # Most severe first: a confirmed broken link before a moved one before an unknown.
    ranks = [p.standing.group for p in whole.problems]
    assert ranks.index(Group.BROKEN) < ranks.index(Group.UPDATE) < ranks.index(Group.UNKNOWN)


async def test_filters_by_state_verdict_group_and_guide(session: AsyncSession) -> None:
    await combinations(session, "first")
    await combinations(session, "second")
    async with session.begin():
        whole = await problem_page(session, now=NOW, limit=1000)
        one_guide = await problem_page(
            session, now=NOW, limit=1000, where=ProblemFilter(guide_slug="second")
        )
        broken = await problem_page(
            session, now=NOW, limit=1000, where=ProblemFilter(state=State.BROKEN)
        )
        parked = await problem_page(
            session, now=NOW, limit=1000, where=ProblemFilter(verdict=Verdict.PARKED)
        )
        unknown = await problem_page(
            session,
            now=NOW,
            limit=1000,
            where=ProblemFilter(guide_slug="first", group=Group.UNKNOWN),
        )
    assert {p.guide for p in one_guide.problems} == {"second"}
    assert one_guide.matching * 2 == whole.matching
    assert one_guide.counts.total * 2 == whole.counts.total
    assert broken.problems and {p.standing.state for p in broken.problems} == {State.BROKEN}
    assert broken.matching == whole.counts.by_state[State.BROKEN]
    assert broken.counts == whole.counts  # counts are over the guide, before other filters
    assert parked.problems and {p.verdict for p in parked.problems} == {Verdict.PARKED}
    assert parked.matching == whole.counts.by_verdict[Verdict.PARKED]
    assert unknown.problems and {p.standing.group for p in unknown.problems} == {Group.UNKNOWN}
    assert {p.guide for p in unknown.problems} == {"first"}


async def test_a_page_costs_the_same_queries_for_a_small_catalog_and_a_large_one(
    session: AsyncSession,
) -> None:
    await combinations(session, "small")
    await combinations(session, "large", copies=6)
    costs = []
    for slug in ("small", "large"):
        async with session.begin():
            with counted(session) as statements:
                page = await problem_page(
                    session, now=NOW, limit=5, where=ProblemFilter(guide_slug=slug)
                )
            costs.append(len(statements))
        assert len(page.problems) == 5 and page.next_after is not None
    assert costs[0] == costs[1] <= 5


def test_a_cursor_is_the_place_it_names_and_nothing_else_is_one() -> None:
    assert decode_cursor(encode_cursor((3, 1_764_000_000_000_000, 42))) == (
        3,
        1_764_000_000_000_000,
        42,
    )
    for bad in ("", "3.4", "a.b.c", "1.2.3.4", "-1.2.3", "1.2.3;drop"):
        with pytest.raises(BadCursor):
            decode_cursor(bad)


async def test_a_remembered_list_follows_every_change_and_the_clock(
    session: AsyncSession,
) -> None:
    await combinations(session)
    cache = CandidateCache()

    async def listed(now: datetime = NOW) -> set[int]:
        page = await problem_page(session, now=now, limit=1000, cache=cache)
        await session.commit()  # a request's reads, outside `begin()`: what the cache keeps
        return {p.resource_id for p in page.problems}

    first = await listed()
    assert await listed() == first
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}
    quiet = next(
        s.resource
        for s in every.values()
        if s.standing.state is State.WORKING and not s.resource.snoozed_until
    )
    assert quiet.id not in first
    async with session.begin():  # a reader reports it
        session.add(ReaderReport(resource_id=quiet.id, note="gone", created_at=NOW))
    assert quiet.id in await listed()
    broken = next(
        s.resource
        for s in every.values()
        if s.standing.state is State.BROKEN and not s.standing.open_reports
    )
    async with session.begin():  # its link works again
        values = state_values(status_after(_days(Verdict.OK)))
        await upsert_link_state(session, url=broken.url, values=values, check_id=None)
    assert broken.id not in await listed()
    # A snooze ending is a change by the clock alone: the list follows it.
    later = max(s.resource.snoozed_until or NOW for s in every.values()) + timedelta(days=1)
    assert await listed(later) == await listed_without_cache(session, later)


async def listed_without_cache(session: AsyncSession, now: datetime) -> set[int]:
    async with session.begin():
        page = await problem_page(session, now=now, limit=1000)
    return {p.resource_id for p in page.problems}


@dataclass(frozen=True, slots=True)
class Picked:
    id: int
    url: str


async def test_a_list_read_again_after_each_kind_of_write_is_the_list_read_afresh(
    session: AsyncSession,
) -> None:
    """A remembered list keeps the decisions of rows it reads again unchanged: after every kind
    of write, what it lists (every page, filter and count) is what a list with nothing
    remembered lists."""
    await combinations(session, copies=2)
    cache = CandidateCache()

    async def compared(now: datetime = NOW) -> dict[int, tuple[State, int]]:
        session.expire_all()  # as a new request's session would: no link-state object kept
        # A request's reads (no `begin()`): the cache is used and follows the writes.
        for snoozed in (False, True):
            for where in (ProblemFilter(), ProblemFilter(state=State.BROKEN)):
                kept = await problem_page(
                    session, now=now, limit=1000, where=where, snoozed=snoozed, cache=cache
                )
                fresh = await problem_page(
                    session, now=now, limit=1000, where=where, snoozed=snoozed
                )
                assert kept == fresh
        second = await problem_page(session, now=now, limit=4, cache=cache)
        assert second.next_after is not None
        kept = await problem_page(session, now=now, limit=4, after=second.next_after, cache=cache)
        fresh = await problem_page(session, now=now, limit=4, after=second.next_after)
        assert kept == fresh
        whole = await problem_page(session, now=now, limit=1000, cache=cache)
        await session.commit()
        return {p.resource_id: (p.standing.state, p.standing.open_reports) for p in whole.problems}

    listed = await compared()
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}

    def one(state: State, *, reported: bool = False) -> Picked:
        return next(
            Picked(s.resource.id, s.resource.url)
            for s in every.values()
            if s.standing.state is state
            and bool(s.standing.open_reports) is reported
            and s.resource.snoozed_until is None
            and s.resource.id not in used
        )

    used: set[int] = set()
    working, broken, moved = one(State.WORKING), one(State.BROKEN), one(State.MOVED)
    used |= {working.id, broken.id, moved.id}
    failing, unreported = one(State.FAILING), one(State.BROKEN)
    used |= {failing.id, unreported.id}
    reported = one(State.WORKING, reported=True)
    elsewhere = one(State.WORKING)
    used |= {reported.id, elsewhere.id}
    quiet = one(State.WORKING)
    used.add(quiet.id)
    target = one(State.BROKEN)

    async def after(change: Any) -> dict[int, tuple[State, int]]:
        async with session.begin():
            await change()
        now_listed = await compared()
        assert now_listed != listed  # every write here changes the list
        return now_listed

    async def check_stored() -> None:  # a check confirms a working link broken
        values = state_values(status_after(_days(Verdict.OK, *[Verdict.BROKEN] * 3)))
        await upsert_link_state(session, url=working.url, values=values, check_id=None)

    listed = await after(check_stored)
    assert working.id in listed

    async def confirmed() -> None:  # a failing link, listed, is confirmed broken: still listed
        values = state_values(status_after(_days(Verdict.OK, *[Verdict.BROKEN] * 3)))
        await upsert_link_state(session, url=failing.url, values=values, check_id=None)

    listed = await after(confirmed)
    assert listed[failing.id] == (State.BROKEN, 0)

    async def broken_reported() -> None:  # a reader reports a link listed as broken
        session.add(ReaderReport(resource_id=unreported.id, note="gone", created_at=NOW))

    listed = await after(broken_reported)
    assert listed[unreported.id] == (State.BROKEN, 1)

    async def recovered() -> None:  # a broken link works again
        values = state_values(status_after(_days(Verdict.OK)))
        await upsert_link_state(session, url=broken.url, values=values, check_id=None)

    listed = await after(recovered)
    assert broken.id not in listed

    async def report_filed() -> None:
        session.add(ReaderReport(resource_id=elsewhere.id, note="gone", created_at=NOW))

    listed = await after(report_filed)
    assert elsewhere.id in listed

    async def report_dealt_with() -> None:
        await session.execute(
            update(ReaderReport)
            .where(ReaderReport.resource_id == reported.id)
            .values(resolved_at=NOW)
        )

    listed = await after(report_dealt_with)
    assert reported.id not in listed

    async def snoozed() -> None:
        await editing.snooze(
            session,
            resource_id=moved.id,
            actor="editor",
            until=NOW + timedelta(days=3),
            reason="works in a browser",
            now=NOW,
        )

    listed = await after(snoozed)
    assert moved.id not in listed

    async def snooze_ended() -> None:
        await editing.end_snooze(session, resource_id=moved.id, actor="editor", now=NOW)

    listed = await after(snooze_ended)
    assert moved.id in listed

    async def edited() -> None:  # its URL now names a link that is confirmed broken
        await editing.edit_resource(
            session, resource_id=quiet.id, actor="editor", changes={"url": target.url}, now=NOW
        )

    listed = await after(edited)
    assert quiet.id in listed

    async def retired() -> None:
        await editing.retire(session, resource_id=moved.id, actor="editor", now=NOW)

    listed = await after(retired)
    assert moved.id not in listed


async def test_the_lists_share_one_reading_and_read_again_only_what_changed(
    session: AsyncSession,
) -> None:
    """The problems and the snoozed lists, every guide's or one's, are decided from one set of
    rows and, in one transaction, one look at the data; after a write, one read of the rows
    written since (never the whole set again)."""
    await combinations(session, copies=2)
    await combinations(session, slug="h")
    cache = CandidateCache()
    lists = [
        (ProblemFilter(guide_slug=slug), snoozed)
        for slug in (None, "g", "h")
        for snoozed in (False, True)
    ]

    async def read_all() -> list[str]:
        with counted(session) as statements:
            for where, snoozed in lists:
                kept = await problem_page(
                    session, now=NOW, limit=1000, where=where, snoozed=snoozed, cache=cache
                )
                fresh = await problem_page(
                    session, now=NOW, limit=1000, where=where, snoozed=snoozed
                )
                assert kept == fresh
        await session.commit()
        # One look at the data for every list read in one transaction (a page's).
        assert len([s for s in statements if "count(reader_reports.resolved_at)" in s]) == 1
        # The whole set's reading (its narrowing), and the reading of the rows written since.
        return [s for s in statements if "consecutive_failures !=" in s or "change_version >=" in s]

    reads = await read_all()
    whole = [s for s in reads if "change_version >=" not in s]
    # The first reading: once whole for the six kept lists, and each fresh problems list's own
    # (a fresh snoozed list reads the snoozed resources alone).
    fresh_reads = len([snoozed for _, snoozed in lists if not snoozed])
    assert len(whole) == 1 + fresh_reads
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}
        quiet = next(
            s.resource
            for s in every.values()
            if s.standing.state is State.WORKING and s.resource.snoozed_until is None
        )
        values = state_values(status_after(_days(Verdict.OK, *[Verdict.BROKEN] * 3)))
        await upsert_link_state(session, url=quiet.url, values=values, check_id=None)
    reads = await read_all()
    assert len([s for s in reads if "change_version >=" in s]) == 1
    assert len([s for s in reads if "change_version >=" not in s]) == fresh_reads
    listed = await problem_page(session, now=NOW, limit=1000, cache=cache)
    assert quiet.id in {p.resource_id for p in listed.problems}


async def test_a_deleted_link_state_leaves_the_remembered_list(session: AsyncSession) -> None:
    await combinations(session)
    cache = CandidateCache()
    first = await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}
    gone = next(
        s.resource
        for s in every.values()
        if s.standing.state is State.BROKEN
        and not s.standing.open_reports
        and s.resource.snoozed_until is None
    )
    assert gone.id in {p.resource_id for p in first.problems}
    async with session.begin():  # no resource row changes: no stamp says so, only deletions
        await session.execute(delete(LinkState).where(LinkState.url == gone.url))
    kept = await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    assert gone.id not in {p.resource_id for p in kept.problems}
    assert kept == await problem_page(session, now=NOW, limit=1000)


async def test_a_write_committed_after_a_look_is_read_by_the_next(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    """A transaction still running when a list is read again (after another's commit) and
    committing later is not missed (PostgreSQL: many writers at once)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: a write cannot commit across a look")
    await combinations(session, copies=2)
    cache = CandidateCache()
    await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}
    working = [
        s.resource
        for s in every.values()
        if s.standing.state is State.WORKING
        and not s.standing.open_reports
        and s.resource.snoozed_until is None
    ]
    early, late = working[0], working[1]
    broken = state_values(status_after(_days(Verdict.OK, *[Verdict.BROKEN] * 3)))
    async with engine.connect() as slow, engine.connect() as quick:
        await slow.begin()  # starts first, commits last
        await slow.execute(
            update(LinkState).where(LinkState.url == early.url).values(**_plain(broken))
        )
        await quick.begin()
        await quick.execute(
            update(LinkState).where(LinkState.url == late.url).values(**_plain(broken))
        )
        await quick.commit()
        between = await problem_page(session, now=NOW, limit=1000, cache=cache)
        await session.commit()
        ids = {p.resource_id for p in between.problems}
        assert late.id in ids and early.id not in ids
        await slow.commit()
    after = await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    assert early.id in {p.resource_id for p in after.problems}
    assert after == await problem_page(session, now=NOW, limit=1000)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in LinkState.__table__.c}


async def test_a_list_read_inside_a_write_transaction_is_not_kept(
    session: AsyncSession,
) -> None:
    """What a transaction that writes reads may be rolled back: the cache neither keeps it nor
    answers from it."""
    await combinations(session)
    cache = CandidateCache()
    first = await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    listed = {p.resource_id for p in first.problems}
    async with session.begin():
        every = {s.resource.id: s for s in await standings(session, now=NOW)}
    broken = next(
        s.resource
        for s in every.values()
        if s.standing.state is State.BROKEN
        and not s.standing.open_reports
        and s.resource.snoozed_until is None
    )
    assert broken.id in listed
    transaction = await session.begin()
    values = state_values(status_after(_days(Verdict.OK)))
    await upsert_link_state(session, url=broken.url, values=values, check_id=None)
    inside = await problem_page(session, now=NOW, limit=1000, cache=cache)
    assert broken.id not in {p.resource_id for p in inside.problems}  # its own write
    await transaction.rollback()
    again = await problem_page(session, now=NOW, limit=1000, cache=cache)
    await session.commit()
    assert {p.resource_id for p in again.problems} == listed
