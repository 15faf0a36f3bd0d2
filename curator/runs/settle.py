"""Settling a run: what its stored checks say about the network, and the link states after.

Link states are applied from the stored checks, in the order they completed, skipping any check
not newer than the URL's state: a resumed run settles the interrupted run's checks too, and
settling twice changes nothing.

Whatever the run's size, settling holds a page of it at a time (`curator.store.runs.RUN_PAGE`
URLs): each page's checks and link states are read, decided, written and let go before the
next, and what the checks say about the network is gathered the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.state import ConfirmPolicy, LinkStatus, advance
from curator.runs.records import (
    attempt_of,
    check_snapshot,
    outcome_of,
    state_values,
    to_status,
)
from curator.store import link_states, runs
from curator.store.models import Check
from curator.store.runs import RUN_PAGE


async def settle_states(
    session: AsyncSession, *, run_ids: Sequence[int], policy: ConfirmPolicy
) -> None:
    """Apply the checks of `run_ids` (a run and those it resumes) to their URLs' link states,
    a page of URLs at a time (the caller commits)."""
    after: str | None = None
    while True:
        urls = await runs.checked_urls_page(session, run_ids=run_ids, after=after)
        if not urls:
            return
        checks = await runs.settling_checks(session, run_ids=run_ids, urls=urls)
        await apply_states(session, checks, policy)
        if len(urls) < RUN_PAGE:
            return
        after = urls[-1]


async def attempted_hosts(session: AsyncSession, *, run_ids: Sequence[int]) -> dict[str, bool]:
    """Each host the checks of `run_ids` tried, and whether every try of it failed before any
    answer (`curator.check.outage`): read a page of checks at a time. The network looks down
    when there is a host and every one is True (as `curator.check.outage.network_down`)."""
    hosts: dict[str, bool] = {}
    after = 0
    while True:
        rows = await runs.attempts_page(session, run_ids=run_ids, after_id=after)
        for row in rows:
            attempt = attempt_of(row)
            hosts[attempt.host] = hosts.get(attempt.host, True) and attempt.network_level
        if len(rows) < RUN_PAGE:
            return hosts
        after = rows[-1].id


async def apply_states(
    session: AsyncSession, checks: Sequence[Check], policy: ConfirmPolicy
) -> None:
    """Advance the link state of each check's URL, and write the changed states in bulk (the
    caller commits). `checks` are in the order they completed; `settle_states` gives them a
    page at a time."""
    rows = await link_states.link_states(
        session, urls=list({c.url for c in checks}), for_update=True
    )
    states = {url: to_status(row) for url, row in rows.items()}
    changed: dict[str, tuple[LinkStatus, int]] = {}
    for check in checks:
        state = states.get(check.url) or to_status(None)
        if state.last_checked_at is not None and check.checked_at <= state.last_checked_at:
            continue  # already applied (an earlier finish of this chain) or older
        state = states[check.url] = advance(
            state, outcome_of(check), check.checked_at, policy, snapshot=check_snapshot(check)
        )
        changed[check.url] = (state, check.id)
    await link_states.upsert_link_states(
        session,
        states={url: (state_values(state), check_id) for url, (state, check_id) in changed.items()},
    )
