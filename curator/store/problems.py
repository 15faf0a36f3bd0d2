"""The editors' problems list, a read model built on the table families; nothing here writes.

A problem is a live resource whose standing (curator.standing) needs an editor: confirmed
broken, failing and not confirmed yet, moved, refusing automated checks, or reported by
readers with no editor having dealt with it yet. Snoozed resources are listed apart (until
their snooze ends). Most severe first (curator.domain.SEVERITY), then the oldest failure first.
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, BindParameter, bindparam, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import SessionTransactionOrigin

from curator.domain import SEVERITY, Group, State, Verdict, severity_rank
from curator.standing import ReadsStanding, Standing, standing_of
from curator.store import reader_reports
from curator.store.base import CHUNK, chunks
from curator.store.changes import Look, changed_resource_ids, look
from curator.store.checks import checks_by_id
from curator.store.models import Check, Guide, LinkState, ReaderReport, Resource, Section
from curator.store.standings import DECIDING, LINK_COLUMNS, link_of, link_of_columns
from curator.suggestions import Suggestion

_FAR = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CheckEvidence:
    """What the latest check of a link saw."""

    check_id: int
    run_id: int
    url: str
    checked_at: datetime
    verdict: Verdict
    detail: str
    status_code: int | None
    final_url: str | None
    title: str | None
    error_kind: str | None
    elapsed_ms: int | None
    attempts: int
    hops: tuple[dict[str, Any], ...]
    evidence: dict[str, Any]
    suggestion: Suggestion | None = None
    """Where the page is now, how it was found and how sure curator is."""


@dataclass(frozen=True, slots=True)
class OpenReport:
    """A reader's report as editors see it."""

    id: int
    resource_id: int
    created_at: datetime
    note: str
    contact: str | None
    resolved_at: datetime | None
    resolved_by: str | None = None
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class Problem(ReadsStanding):
    """One resource that needs an editor (or is snoozed), with its standing and evidence."""

    resource_id: int
    guide: str
    guide_title: str
    key: str
    title: str
    url: str
    section: str | None
    standing: Standing
    last_verdict: Verdict | None
    detail: str | None
    suggested_url: str | None
    evidence: CheckEvidence | None
    reports: tuple[OpenReport, ...]

    @property
    def status(self) -> Group:
        """The group editors file it under (see `Standing.group`)."""
        return self.standing.group

    @property
    def pending(self) -> bool:
        """The latest checks failed, not yet long enough to be confirmed."""
        return self.standing.checker_state is State.FAILING

    @property
    def suggestion(self) -> Suggestion | None:
        """Where the page is now (the latest check's suggestion), if curator knows."""
        return self.evidence.suggestion if self.evidence is not None else None


def evidence_of(check: Check) -> CheckEvidence:
    """A check row as evidence."""
    return CheckEvidence(
        check_id=check.id,
        run_id=check.run_id,
        url=check.url,
        checked_at=check.checked_at,
        verdict=check.verdict,
        detail=check.detail,
        status_code=check.status_code,
        final_url=check.final_url,
        title=check.title,
        error_kind=check.error_kind,
        elapsed_ms=check.elapsed_ms,
        attempts=check.attempts,
        hops=tuple(dict(h) for h in (check.hops or []) if isinstance(h, dict)),
        evidence=dict(check.evidence or {}),
        suggestion=Suggestion.from_json(check.suggestion),
    )


def report_of(row: ReaderReport) -> OpenReport:
    """A report row as editors see it."""
    return OpenReport(
        row.id,
        row.resource_id,
        row.created_at,
        row.note,
        row.contact,
        row.resolved_at,
        row.resolved_by,
        row.resolution,
    )


async def open_reports(
    session: AsyncSession, *, resource_ids: Collection[int] | None = None
) -> dict[int, list[OpenReport]]:
    """Unresolved readers' reports by resource, newest first."""
    reports: dict[int, list[OpenReport]] = {}
    for row in await reader_reports.open_reports(session, resource_ids=resource_ids):
        reports.setdefault(row.resource_id, []).append(report_of(row))
    return reports


PAGE_SIZE = 50
"""Problems a page shows unless asked for another size."""
MAX_PAGE_SIZE = 500

PAGE_CURSOR_PATTERN = r"^[0-9]{1,2}\.[0-9]{1,20}\.[0-9]{1,18}$"
"""A page cursor's shape (`encode_cursor`): the last item's place in the list's order."""
_CURSOR = re.compile(PAGE_CURSOR_PATTERN)


@dataclass(frozen=True, slots=True)
class ProblemFilter:
    """Which problems a page lists: one guide's, one group's, one verdict's, one state's."""

    guide_slug: str | None = None
    group: Group | None = None
    verdict: Verdict | None = None
    state: State | None = None

    def admits(self, standing: Standing) -> bool:
        """The standing passes the group, verdict and state filters (the guide is the query's)."""
        return (
            (self.group is None or standing.group is self.group)
            and (self.verdict is None or standing.verdict is self.verdict)
            and (self.state is None or standing.state is self.state)
        )


@dataclass(frozen=True, slots=True)
class ProblemCounts:
    """How many problems there are of each group, state and verdict (over the guide asked
    for, before the other filters: what an editor chooses a filter from)."""

    total: int = 0
    by_group: dict[Group, int] = field(default_factory=dict)
    by_state: dict[State, int] = field(default_factory=dict)
    by_verdict: dict[Verdict, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProblemPage:
    """One page of problems (or of snoozed resources), in order, and where the next starts."""

    problems: tuple[Problem, ...]
    matching: int
    """Problems the filters admit, on every page."""
    counts: ProblemCounts
    next_after: str | None
    """The cursor of the next page (None: this is the last)."""


class BadCursor(ValueError):
    """A page cursor that is not one this module wrote."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A resource the candidate query found, with its standing (its titles and evidence are
    read for the page's resources alone)."""

    resource_id: int
    standing: Standing
    """Exact in everything the list filters, counts and orders by; the page's problems get
    theirs again from the whole link-state row (`_with_evidence`)."""
    last_verdict: Verdict | None
    oldest_report: datetime | None
    open_reports: int
    snoozed_until: datetime | None
    snooze_reason: str | None
    place: tuple[int, int, int]
    """Its place in its list's order (`_place`; a page's cursor is the last one's)."""


def _place(
    standing: Standing, oldest_report: datetime | None, resource_id: int, *, snoozed: bool
) -> tuple[int, int, int]:
    """The list's order as integers (the cursor is this tuple): most severe first (an
    unconfirmed failure with the unknowns), then the oldest failure (or report), then id;
    snoozed ones by the end of their snooze."""
    if snoozed:
        return (0, _micros(standing.snoozed_until or _FAR), resource_id)
    if standing.verdict is None:
        rank = len(SEVERITY)
    else:
        pending = standing.checker_state is State.FAILING
        rank = severity_rank(Verdict.TRANSIENT if pending else standing.verdict)
    since = standing.failing_since or oldest_report or _FAR
    return (rank, _micros(since), resource_id)


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch (a cursor's time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def encode_cursor(order: tuple[int, int, int]) -> str:
    """A page cursor: the last item's place in the order."""
    return ".".join(str(part) for part in order)


def decode_cursor(cursor: str) -> tuple[int, int, int]:
    """The place a cursor names; BadCursor when it is not one `encode_cursor` wrote."""
    if _CURSOR.match(cursor) is None:
        raise BadCursor(cursor)
    rank, moment, resource_id = cursor.split(".")
    return (int(rank), int(moment), int(resource_id))


def _reports_subquery(ids: Any = None) -> Any:
    """Open readers' reports by resource: how many, and the oldest (with `ids`, a select of
    resource ids, of those resources alone)."""
    query = select(
        ReaderReport.resource_id.label("resource_id"),
        func.count().label("count"),
        func.min(ReaderReport.created_at).label("oldest"),
    ).where(ReaderReport.resolved_at.is_(None))
    if ids is not None:
        query = query.where(ReaderReport.resource_id.in_(ids))
    return query.group_by(ReaderReport.resource_id).subquery()


def _needs_a_look() -> Any:
    """The ids of the resources that may need an editor or be snoozed: those whose link is
    not plainly working, those with open readers' reports, those with a snooze. A narrowing
    only (a superset): which of them need an editor is `standing_of`'s decision alone."""
    unsettled = (
        select(Resource.id)
        .join(LinkState, LinkState.url == Resource.url)
        .where(
            or_(
                LinkState.verdict.is_(None),
                LinkState.verdict != Verdict.OK,
                LinkState.last_verdict != Verdict.OK,
                LinkState.consecutive_failures != 0,
            )
        )
    )
    reported = select(ReaderReport.resource_id).where(ReaderReport.resolved_at.is_(None))
    snoozed = select(Resource.id).where(Resource.snoozed_until.is_not(None))
    return union(unsettled, reported, snoozed)


Decisions = dict[tuple[Any, ...], "_Candidate | None"]
"""Candidate rows (those with no snooze) and what deciding them gave: a row read again
unchanged after a write elsewhere is not decided again."""


async def _candidates(
    session: AsyncSession,
    *,
    now: datetime,
    guide_slug: str | None,
    snoozed: bool,
    known: Decisions | None = None,
) -> tuple[list[_Candidate], datetime | None, Decisions]:
    """The live resources that need an editor (or, with `snoozed`, are snoozed), each with
    its standing, from one query that reads only what deciding, counting and ordering them
    takes (when the link last worked, was last checked and was confirmed are read for the
    page's resources alone). Rows found in `known` keep the decision made of them there."""
    reports = _reports_subquery()
    query = (
        select(
            Resource.id,
            Resource.snoozed_until,
            Resource.snooze_reason,
            *LINK_COLUMNS[:DECIDING],
            reports.c.count,
            reports.c.oldest,
        )
        .outerjoin(LinkState, LinkState.url == Resource.url)
        .outerjoin(reports, reports.c.resource_id == Resource.id)
        .where(Resource.retired_at.is_(None))
    )
    if snoozed:
        query = query.where(Resource.snoozed_until > now)
    else:
        query = query.where(Resource.id.in_(_needs_a_look()))
    if guide_slug is not None:
        query = query.join(Guide, Resource.guide_id == Guide.id).where(Guide.slug == guide_slug)
    # Plain rows through the connection: the ORM's handling of a result costs, per row, more
    # than deciding it again.
    connection = await session.connection()
    rows = (await connection.execute(query)).all()
    decide = functools.partial(_decide, rows, now=now, snoozed=snoozed, known=known or {})
    # Deciding is pure and, for thousands of candidates, tens of milliseconds of CPU: in a
    # thread, the event loop (which also serves the public lists) keeps answering meanwhile.
    return await asyncio.to_thread(decide) if len(rows) > OFF_LOOP_ROWS else decide()


OFF_LOOP_ROWS = 250
"""Candidates beyond which deciding them runs in a worker thread."""


def _decide(
    rows: Sequence[Any], *, now: datetime, snoozed: bool, known: Decisions
) -> tuple[list[_Candidate], datetime | None, Decisions]:
    """The candidate rows whose standing needs an editor (or is snoozed), with it; the next
    moment one of them changes by the clock alone (a snooze ending); and the decisions made,
    by row. A row in `known` (one read before, the same in every value) keeps its decision:
    with no snooze, a row's standing depends on its values alone (the clock only says when
    it was worked out)."""
    found: list[_Candidate] = []
    decided: Decisions = {}
    changes: datetime | None = None
    for row in rows:
        values = tuple(row)
        rid, snoozed_until, snooze_reason = values[:3]
        if snoozed_until is None:
            if values in known:
                candidate = decided[values] = known[values]
                if candidate is not None:
                    found.append(candidate)
                continue
        elif snoozed_until > now:
            changes = snoozed_until if changes is None else min(changes, snoozed_until)
        link = link_of_columns(values[3 : 3 + DECIDING])
        last_verdict = link.last_verdict if link is not None else None
        report_count, oldest_report = values[3 + DECIDING :]
        reports_open = int(report_count or 0)
        standing = standing_of(
            link,
            now=now,
            snoozed_until=snoozed_until,
            snooze_reason=snooze_reason,
            open_reports=reports_open,
        )
        wanted = standing.state is State.SNOOZED if snoozed else standing.needs_editor
        made = None
        if wanted:
            made = _Candidate(
                rid,
                standing,
                last_verdict,
                oldest_report,
                reports_open,
                snoozed_until,
                snooze_reason,
                _place(standing, oldest_report, rid, snoozed=snoozed),
            )
            found.append(made)
        if snoozed_until is None:
            decided[values] = made
    return found, changes, decided


def _counts(candidates: Sequence[_Candidate]) -> ProblemCounts:
    by_group: Counter[Group] = Counter()
    by_state: Counter[State] = Counter()
    by_verdict: Counter[Verdict] = Counter()
    for candidate in candidates:
        standing = candidate.standing
        by_group[standing.group] += 1
        by_state[standing.state] += 1
        if standing.verdict is not None:
            by_verdict[standing.verdict] += 1
    return ProblemCounts(len(candidates), dict(by_group), dict(by_state), dict(by_verdict))


class _Listing:
    """A list's candidates as decided from one state of the data, with what its pages read
    worked out once: the counts, and for each filter the candidates it admits, in order."""

    __slots__ = ("candidates", "counts", "_views")

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = candidates
        self.counts = _counts(candidates)
        self._views: dict[tuple[object, ...], tuple[list[tuple[int, int, int]], list[_Candidate]]]
        self._views = {}

    def admitted(self, where: ProblemFilter) -> tuple[list[tuple[int, int, int]], list[_Candidate]]:
        """The candidates `where` admits in the list's order, and their places. (At most one
        entry per combination of the filters' values, each a member of a small enum.)"""
        key = (where.group, where.verdict, where.state)
        view = self._views.get(key)
        if view is None:
            chosen = sorted(
                (c for c in self.candidates if where.admits(c.standing)),
                key=_by_place,
            )
            view = self._views[key] = ([c.place for c in chosen], chosen)
        return view


def _by_place(candidate: _Candidate) -> tuple[int, int, int]:
    return candidate.place


_REPORTS_MARKER = select(
    func.count(), func.count(ReaderReport.resolved_at), func.max(ReaderReport.id),
    func.max(ReaderReport.resolved_at),
).select_from(ReaderReport)  # fmt: skip
"""What says the readers' reports changed: how many, how many dealt with, the newest."""

_REPORTED = 9
"""Where a candidate row's count of open reports is (`_shared_rows`' columns)."""


def _shared_rows(ids: Any = None) -> Any:
    """The candidate columns of every list, with each resource's guide and retirement: of the
    resources that may need a look (`_needs_a_look`), or with `ids` (a select of resource ids)
    of those, retired or not, whatever their link says."""
    reports = _reports_subquery(ids)
    query = (
        select(
            Resource.id,
            Resource.snoozed_until,
            Resource.snooze_reason,
            *LINK_COLUMNS[:DECIDING],
            reports.c.count,
            reports.c.oldest,
            Resource.guide_id,
            Resource.retired_at,
        )
        .outerjoin(LinkState, LinkState.url == Resource.url)
        .outerjoin(reports, reports.c.resource_id == Resource.id)
    )
    if ids is None:
        return query.where(Resource.retired_at.is_(None), Resource.id.in_(_needs_a_look()))
    return query.where(Resource.id.in_(ids))


_ALL_ROWS = _shared_rows()


def _needs_looking_at(values: tuple[Any, ...]) -> bool:
    """What `_needs_a_look` says of a candidate row read by its id (SQL's NULLs as it reads
    them): its link is not plainly working, or it has open reports, or a snooze."""
    _, snoozed_until, _, link_id, verdict, last_verdict, _, failures, _, reported, _ = values
    if snoozed_until is not None or reported:
        return True
    return link_id is not None and (
        verdict is None
        or verdict != Verdict.OK
        or (last_verdict is not None and last_verdict != Verdict.OK)
        or (failures is not None and failures != 0)
    )


_LOOKED = "curator.problems.looked"
"""Where a session keeps its transaction's look (`session.info`): the lists of one page (the
problems, the snoozed) are decided from one look at the data."""


@dataclass(frozen=True, slots=True)
class _Seen:
    """The rows every list is decided from, as of one look at the data."""

    look: Look
    rows: dict[int, tuple[int, tuple[Any, ...]]]
    """By resource id: its guide's id and its candidate values (`_decide`'s rows)."""
    generation: int
    """Raised whenever a row changes: a list decided from another generation is out of date."""


class CandidateCache:
    """The candidates of the problems lists, kept between requests, so an editor paging,
    filtering or coming back after a write costs about the page, not the whole list.

    Every list (all guides' or one's, the problems or the snoozed) is decided from one set of
    rows: the live resources whose link is not plainly working, that readers reported or that
    are snoozed, each with what deciding it reads. Each request looks at the data first (one
    row: the data version, raised on every write by any process, migration 0007; deletions;
    a marker of the readers' reports). When it moved, only the rows written since the last
    look (stamped by the database, migration 0011: curator.store.changes) and, when the
    reports moved, the reported ones are read again; a row that changed is decided again,
    the others keep their decisions. A list lapses when a snooze among it ends. Each process
    (each API worker) keeps its own.

    Only a session's reads outside an explicit `begin()` (a request's reads) use and advance
    what is kept: a transaction that writes might roll back what it read.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._seen: _Seen | None = None
        self._lock = asyncio.Lock()
        self._lists: OrderedDict[tuple[str | None, bool], tuple[int, datetime | None, _Listing]]
        self._lists = OrderedDict()
        self._decisions: OrderedDict[tuple[str | None, bool], Decisions] = OrderedDict()

    async def listing(
        self, session: AsyncSession, *, now: datetime, guide_slug: str | None, snoozed: bool
    ) -> _Listing:
        """One list's candidates, decided from the data as it is now."""
        seen = await self._look(session)
        key = (guide_slug, snoozed)
        entry = self._lists.get(key)
        if entry is not None:
            generation, until, kept = entry
            if generation == seen.generation and (until is None or now < until):
                self._lists.move_to_end(key)
                return kept
        rows: list[tuple[Any, ...]]
        if guide_slug is None:
            rows = [values for _, values in seen.rows.values()]
        else:
            guide_id = await session.scalar(select(Guide.id).where(Guide.slug == guide_slug))
            rows = [values for guide, values in seen.rows.values() if guide == guide_id]
        if snoozed:
            rows = [values for values in rows if values[1] is not None and values[1] > now]
        decide = functools.partial(
            _decide, rows, now=now, snoozed=snoozed, known=self._decisions.get(key) or {}
        )
        found, until, decided = (
            await asyncio.to_thread(decide) if len(rows) > OFF_LOOP_ROWS else decide()
        )
        listing = _Listing(found)
        _remember(self._lists, key, (seen.generation, until, listing), self._size)
        _remember(self._decisions, key, decided, self._size)
        return listing

    async def _look(self, session: AsyncSession) -> _Seen:
        """The rows as they are now: kept, or read again where the data changed since."""
        connection = await session.connection()
        transaction = session.sync_session.get_transaction()
        looked = session.info.get(_LOOKED)
        kept = self._seen
        if (
            kept is not None
            and looked is not None
            and looked[0] is transaction
            and looked[1] is kept
        ):
            return kept  # one look per page: its lists agree with each other
        async with self._lock:
            now_look = await look(connection, also=_REPORTS_MARKER)
            seen = self._seen
            if seen is not None and (now_look.version, now_look.deletions, now_look.extra) == (
                seen.look.version,
                seen.look.deletions,
                seen.look.extra,
            ):
                session.info[_LOOKED] = (transaction, seen)
                return seen
            changes = None
            if seen is not None and now_look.deletions == seen.look.deletions:
                changes = await _changed_rows(connection, seen, now_look)
            if changes is None:
                found = (await connection.execute(_ALL_ROWS)).all()
                rows = {row[0]: (row[-2], tuple(row[:-2])) for row in found}
                generation = seen.generation + 1 if seen is not None else 0
            else:
                rows, changed = changes
                generation = seen.generation + changed if seen is not None else 0
            self._seen = _Seen(now_look, rows, generation)
            session.info[_LOOKED] = (transaction, self._seen)
            return self._seen


_SINCE: BindParameter[int] = bindparam("since", type_=BigInteger)
_CHANGED = _shared_rows(union(*changed_resource_ids(_SINCE)))
"""The candidate rows of the resources written since a look (or whose link was)."""
_CHANGED_OR_REPORTED = _shared_rows(
    union(
        *changed_resource_ids(_SINCE),
        select(ReaderReport.resource_id).where(ReaderReport.resolved_at.is_(None)),
        select(Resource.id).where(Resource.id.in_(bindparam("reported", expanding=True))),
    )
)
"""Those, and the resources reported now or listed as reported before."""


async def _changed_rows(
    connection: Any, seen: _Seen, now_look: Look
) -> tuple[dict[int, tuple[int, tuple[Any, ...]]], bool] | None:
    """`seen`'s rows with those written since its look read again (and, when the readers'
    reports moved, those reported then or now); whether any of them changed. None when too
    many were reported to name them (read the rows whole again)."""
    if now_look.extra == seen.look.extra:
        found = await connection.execute(_CHANGED, {"since": seen.look.since})
    else:
        reported = [rid for rid, (_, values) in seen.rows.items() if values[_REPORTED]]
        if len(reported) > CHUNK:
            return None
        found = await connection.execute(
            _CHANGED_OR_REPORTED, {"since": seen.look.since, "reported": reported}
        )
    rows = seen.rows
    changed = False
    for row in found.all():
        values = tuple(row[:-2])
        now = (row[-2], values) if row[-1] is None and _needs_looking_at(values) else None
        if rows.get(row[0]) != now:
            if not changed:
                rows, changed = dict(rows), True
            if now is None:
                del rows[row[0]]
            else:
                rows[row[0]] = now
    return rows, changed


def _remember(kept: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    """Keep `value` under `key`, the least recently used beyond `size` let go."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > size:
        kept.popitem(last=False)


def _shares_kept(session: AsyncSession) -> bool:
    """The session reads outside an explicit `begin()`: what it reads is committed data (or
    its own writes, which it does not make: a request's reads)."""
    transaction = session.sync_session.get_transaction()
    return transaction is None or transaction.origin is not SessionTransactionOrigin.BEGIN


async def _listing(
    session: AsyncSession,
    *,
    now: datetime,
    guide_slug: str | None,
    snoozed: bool,
    cache: CandidateCache | None,
) -> _Listing:
    """The list's candidates: from `cache`, read again where the data changed, else read."""
    if cache is not None and _shares_kept(session):
        return await cache.listing(session, now=now, guide_slug=guide_slug, snoozed=snoozed)
    found, _, _ = await _candidates(session, now=now, guide_slug=guide_slug, snoozed=snoozed)
    return _Listing(found)


async def problem_page(
    session: AsyncSession,
    *,
    now: datetime,
    where: ProblemFilter | None = None,
    limit: int = PAGE_SIZE,
    after: str | None = None,
    snoozed: bool = False,
    cache: CandidateCache | None = None,
) -> ProblemPage:
    """A page of the live resources whose standing needs an editor (most severe first, then
    the oldest failure), or with `snoozed` of those snoozed as a false positive (soonest end
    first), after the cursor `after` (a page's `next_after`; BadCursor if it is not one).

    Its cost is bounded whatever the catalog's size: one query for the candidates (only rows
    whose link is not plainly working, that have open reports or a snooze), then the evidence
    and the readers' reports of the page's resources alone.
    """
    where = where or ProblemFilter()
    start = decode_cursor(after) if after is not None else None
    listing = await _listing(
        session, now=now, guide_slug=where.guide_slug, snoozed=snoozed, cache=cache
    )
    places, admitted = listing.admitted(where)
    first = bisect.bisect_right(places, start) if start is not None else 0
    chosen = admitted[first : first + max(1, limit)]
    more = first + len(chosen) < len(admitted)
    problems = await _with_evidence(session, chosen, now=now)
    return ProblemPage(
        problems=tuple(problems),
        matching=len(admitted),
        counts=listing.counts,
        next_after=encode_cursor(chosen[-1].place) if more else None,
    )


async def _with_evidence(
    session: AsyncSession, chosen: Sequence[_Candidate], *, now: datetime
) -> list[Problem]:
    """The chosen candidates as problems, with their titles, latest checks and open reports
    (a query each, over the page's resources alone)."""
    if not chosen:
        return []
    query = (
        select(
            Resource.id,
            Guide.slug,
            Guide.title,
            Resource.key,
            Resource.title,
            Resource.url,
            Section.title,
            LinkState.detail,
            LinkState.suggested_url,
            LinkState.last_check_id,
            LinkState,
        )
        .join(Guide, Resource.guide_id == Guide.id)
        .outerjoin(Section, Resource.section_id == Section.id)
        .outerjoin(LinkState, LinkState.url == Resource.url)
    )
    rows: dict[int, Any] = {}
    for ids in chunks([c.resource_id for c in chosen]):
        found = await session.execute(query.where(Resource.id.in_(ids)))
        rows.update((row[0], row) for row in found.tuples())
    reports = await open_reports(session, resource_ids=[c.resource_id for c in chosen])
    checks = await checks_by_id(session, ids=[row[9] for row in rows.values() if row[9]])
    made = []
    for c in chosen:
        _, slug, guide_title, key, title, url, section, detail, suggested, check_id, state = rows[
            c.resource_id
        ]
        check = checks.get(check_id) if check_id else None
        standing = standing_of(
            link_of(state),
            now=now,
            snoozed_until=c.snoozed_until,
            snooze_reason=c.snooze_reason,
            open_reports=c.open_reports,
        )
        made.append(
            Problem(
                resource_id=c.resource_id,
                guide=slug,
                guide_title=guide_title,
                key=key,
                title=title,
                url=url,
                section=section,
                standing=standing,
                last_verdict=c.last_verdict,
                detail=detail,
                suggested_url=suggested,
                evidence=evidence_of(check) if check is not None else None,
                reports=tuple(reports.get(c.resource_id, [])),
            )
        )
    return made


async def problems(
    session: AsyncSession,
    *,
    now: datetime,
    guide_slug: str | None = None,
    snoozed: bool = False,
) -> list[Problem]:
    """Every live resource whose standing needs an editor, most severe first, then oldest;
    with `snoozed`, instead every resource snoozed as a false positive, soonest end first.
    (Views page through `problem_page`; this is every page at once.)"""
    page = await problem_page(
        session,
        now=now,
        where=ProblemFilter(guide_slug=guide_slug),
        limit=sys.maxsize,
        snoozed=snoozed,
    )
    return list(page.problems)
