"""Settling a run: what its stored checks say about the network, and the link states after.

Link states are applied from the stored checks, in the order they completed, skipping any check
not newer than the URL's state: a resumed run settles the interrupted run's checks too, and
settling twice changes nothing.

Whatever the run's size, settling holds a page of it at a time (`curator.store.runs.RUN_PAGE`
URLs): each page's checks and link states are read, decided, written and let go before the
next, and what the checks say about the network is gathered the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.outage import tally
from curator.check.state import ConfirmPolicy, LinkStatus, advance
from curator.runs.records import (
    attempt_of,
    check_snapshot,
    outcome_of,
    state_values,
    to_status,
)
from curator.store import link_states, runs
from curator.store.models import Check, LinkState
from curator.store.runs import RUN_PAGE


async def settle_states(
    session: AsyncSession, *, run_ids: Sequence[int], policy: ConfirmPolicy, page: int = RUN_PAGE
) -> None:
    """Apply the checks of `run_ids` (a run and those it resumes) to their URLs' link states,
    `page` URLs at a time (the caller commits): two reads a page (its checks, its URLs'
    states, as plain rows: no ORM object) and the changed states written in bulk."""
    after: str | None = None
    while True:
        checks = await runs.settling_page(session, run_ids=run_ids, after=after, limit=page)
        if not checks:
            return
        last = checks[-1].url  # the page is in the database's order of URLs
        states = await link_states.settling_states(session, run_ids=run_ids, after=after, last=last)
        await _write(session, _advanced(checks, states, policy))
        if len({check.url for check in checks}) < page:
            return
        after = last


async def attempted_hosts(session: AsyncSession, *, run_ids: Sequence[int]) -> dict[str, bool]:
    """Each host the checks of `run_ids` tried, and whether every try of it failed before any
    answer (`curator.check.outage`): read a page of checks at a time. The network looks down
    when there is a host and every one is True (as `curator.check.outage.network_down`)."""
    hosts: dict[str, bool] = {}
    after = 0
    while True:
        rows = await runs.attempts_page(session, run_ids=run_ids, after_id=after)
        for row in rows:
            tally(hosts, attempt_of(row))
        if len(rows) < RUN_PAGE:
            return hosts
        after = rows[-1].id


async def apply_states(
    session: AsyncSession, checks: Sequence[Check | Row[Any]], policy: ConfirmPolicy
) -> None:
    """Advance the link state of each check's URL, and write the changed states in bulk (the
    caller commits). `checks` are in the order they completed."""
    rows = await link_states.link_states(
        session, urls=list({c.url for c in checks}), for_update=True
    )
    await _write(session, _advanced(checks, rows, policy))


def _advanced(
    checks: Sequence[Check | Row[Any]],
    rows: Mapping[str, LinkState | Row[Any]],
    policy: ConfirmPolicy,
) -> dict[str, tuple[LinkStatus, int]]:
    """Each URL's state after its `checks` (in the order they completed, for each URL), from
    its stored state in `rows`, with the id of the check that decided it; only the URLs whose
    state changes (a check not newer than the state is already applied, or older)."""
    states: dict[str, LinkStatus] = {}
    changed: dict[str, tuple[LinkStatus, int]] = {}
    for check in checks:
        url, checked_at = check.url, check.checked_at
        state = states.get(url)
        if state is None:
            state = to_status(rows.get(url))
        if state.last_checked_at is not None and checked_at <= state.last_checked_at:
            states[url] = state
            continue  # already applied (an earlier finish of this chain) or older
        state = states[url] = advance(
            state, outcome_of(check), checked_at, policy, snapshot=check_snapshot(check)
        )
        changed[url] = (state, check.id)
    return changed


async def _write(session: AsyncSession, changed: Mapping[str, tuple[LinkStatus, int]]) -> None:
    await link_states.upsert_link_states(
        session,
        states={url: (state_values(state), check_id) for url, (state, check_id) in changed.items()},
    )
