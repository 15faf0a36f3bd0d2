"""Link states as confirmation makes them: outcomes replayed through `advance`, so a test's
seed holds no state the checker could not have produced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import Outcome
from curator.check.state import ConfirmPolicy, LinkStatus, advance
from curator.domain import Verdict
from curator.runs.records import check_snapshot, outcome_of, state_values
from curator.standing import Link
from curator.store import runs
from curator.store.models import Check, LinkState, Run

POLICY = ConfirmPolicy()
"""The default confirmation policy: three failed checks over three days."""


def replay_checks(checks: Sequence[Check], *, policy: ConfirmPolicy = POLICY) -> LinkState:
    """The state a run's settling leaves after these stored checks of one URL (oldest first,
    flushed, so each has its id)."""
    status = LinkStatus()
    for check in checks:
        status = advance(
            status, outcome_of(check), check.checked_at, policy, snapshot=check_snapshot(check)
        )
    last = checks[-1]
    return LinkState(url=last.url, last_check_id=last.id, **state_values(status))


def state_after(
    last: Check,
    *,
    earlier: Sequence[tuple[datetime, Verdict]] = (),
    policy: ConfirmPolicy = POLICY,
) -> LinkState:
    """The state after checks that ended in `earlier` verdicts (not stored) and then `last`
    (stored and flushed): a link's history in brief."""
    status = LinkStatus()
    for at, verdict in earlier:
        status = advance(status, Outcome(verdict, verdict.value), at, policy)
    status = advance(
        status, outcome_of(last), last.checked_at, policy, snapshot=check_snapshot(last)
    )
    return LinkState(url=last.url, last_check_id=last.id, **state_values(status))


def link_after(
    checks: Sequence[tuple[datetime, Verdict | Outcome]], *, policy: ConfirmPolicy = POLICY
) -> Link | None:
    """What confirmation believes after checks ending in these verdicts (oldest first; an
    outcome where the rule and evidence matter), as a standing reads it; None without
    checks."""
    if not checks:
        return None
    status = LinkStatus()
    for at, ended in checks:
        found = ended if isinstance(ended, Outcome) else Outcome(ended, ended.value)
        status = advance(status, found, at, policy)
    return Link(**{name: getattr(status, name) for name in LINK_FIELDS})


LINK_FIELDS = tuple(f.name for f in fields(Link))


def status_after(
    checks: Sequence[tuple[datetime, Verdict | Outcome]], *, policy: ConfirmPolicy = POLICY
) -> LinkStatus:
    """Confirmation's state after checks ending in these verdicts (oldest first; an outcome
    where the rule and evidence matter), to be written as a settled run writes it
    (`curator.runs.records.state_values`)."""
    status = LinkStatus()
    for at, ended in checks:
        found = ended if isinstance(ended, Outcome) else Outcome(ended, ended.value)
        status = advance(status, found, at, policy)
    return status


TAKEOVER = Outcome(
    Verdict.PARKED,
    "The page now shows a gambling site (casino, free spins, jackpot) with none of the "
    "resource's words: the domain may belong to someone else now.",
    rule="parked_takeover",
    evidence={"trade": "gambling", "terms": ["casino", "free spins", "jackpot"]},
)
"""A check that found a casino where the resource was: harmful to readers."""


async def create_run(session: AsyncSession, **values: Any) -> Run:
    """A new `running` run as `curator.store.runs.start_run` inserts it (`values` are its
    keywords), loaded. IntegrityError when another run that is not a recheck is running."""
    run_id = await runs.start_run(session, **values)
    return await runs.require_run(session, run_id=run_id)
