"""The checker's values as the store's rows, and back: the one place they are mapped.

The store knows rows, not the checker's facts; the checker knows facts, not rows. A run
stores `check_row(...)`, settles link states through `to_status` and `state_values`, and
reads what a stored check says about the network through `attempt_of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from curator.check.facts import SNAPSHOT_TEXT_CHARS, ErrorKind, Facts, Outcome, Snapshot
from curator.check.outage import Attempt
from curator.check.state import LinkStatus
from curator.check.urls import host
from curator.runs.suggest import redirect_suggestion
from curator.store.link_states import LINK_STATE_FIELDS, snapshot_rows
from curator.store.models import Check, LinkState


def hops_of(facts: Facts) -> list[dict[str, Any]]:
    """The redirect chain as a check row stores it."""
    return [
        {
            "url": h.url,
            "status": h.status,
            "address": h.address,
            "location": h.location,
            "elapsed_ms": h.elapsed_ms,
        }
        for h in facts.hops
    ]


def check_values(
    *, run_id: int, facts: Facts, outcome: Outcome, checked_at: datetime
) -> dict[str, Any]:
    """The column values that store one URL's facts and verdict in a run."""
    return {
        "run_id": run_id,
        "url": facts.url,
        "checked_at": checked_at,
        **facts_values(facts),
        **outcome_values(facts, outcome),
    }


def facts_values(facts: Facts) -> dict[str, Any]:
    """The columns of a check that the fetch decides."""
    page = facts.page
    return {
        "status_code": facts.status,
        "final_url": facts.final_url,
        "elapsed_ms": facts.elapsed_ms,
        "error_kind": facts.error.value if facts.error is not None else None,
        "attempts": facts.attempts,
        "title": page.title if page is not None else None,
        "hops": hops_of(facts),
        "fingerprint": page.fingerprint if page is not None else None,
        "heading": page.headings[0] if page is not None and page.headings else None,
        "site_name": page.site_name if page is not None else None,
        "text_sample": (page.text[:SNAPSHOT_TEXT_CHARS] or None) if page is not None else None,
        "cert_expires_at": facts.certificate.expires_at if facts.certificate else None,
        "cert_issuer": facts.certificate.issuer if facts.certificate else None,
    }


def outcome_values(facts: Facts, outcome: Outcome) -> dict[str, Any]:
    """The columns of a check that its classification decides (what the probe may refine)."""
    redirected = redirect_suggestion(facts, outcome)
    return {
        "verdict": outcome.verdict,
        "detail": outcome.detail,
        "suggested_url": outcome.suggested_url,
        "evidence": {"rule": outcome.rule, **outcome.evidence},
        "suggestion": redirected.to_json() if redirected is not None else None,
    }


def check_row(*, run_id: int, facts: Facts, outcome: Outcome, checked_at: datetime) -> Check:
    """The row that stores one URL's facts and verdict in a run."""
    return Check(**check_values(run_id=run_id, facts=facts, outcome=outcome, checked_at=checked_at))


def check_snapshot(check: Check | Row[Any]) -> Snapshot | None:
    """The snapshot of the page a stored check saw; None when it saw neither title nor text."""
    title, text = check.title, check.text_sample
    if not (title or text):
        return None
    return Snapshot(
        title=title,
        heading=check.heading,
        site_name=check.site_name,
        text=text or "",
        fingerprint=check.fingerprint,
    )


def outcome_of(check: Check | Row[Any]) -> Outcome:
    """A stored check's verdict with the rule that decided it and its evidence, as
    confirmation reads it."""
    evidence = dict(check.evidence or {})
    rule = evidence.pop("rule", "")
    return Outcome(
        check.verdict, check.detail, check.suggested_url, rule=str(rule or ""), evidence=evidence
    )


def attempt_of(check: Check | Row[Any]) -> Attempt:
    """What a stored check says about the network (the host it last tried, how it ended)."""
    last = check.hops[-1]["url"] if check.hops else check.url
    return Attempt(
        host=host(str(last)) or host(check.url),
        error=ErrorKind(check.error_kind) if check.error_kind else None,
        status=check.status_code,
    )


NEVER_CHECKED = LinkStatus()
"""The state of a URL no check has reached yet (a value: shared by every such URL)."""


def to_status(row: LinkState | Row[Any] | None) -> LinkStatus:
    """The pure value of a link-state row, an object or a plain row (an empty state for a URL
    never checked)."""
    if row is None:
        return NEVER_CHECKED
    return LinkStatus(
        **{name: getattr(row, name) for name in LINK_STATE_FIELDS},
        snapshot=_snapshot(row),
        snapshot_at=row.snapshot_at,
    )


def _snapshot(row: LinkState | Row[Any]) -> Snapshot | None:
    if row.snapshot_at is None:
        return None
    return Snapshot(
        title=row.snapshot_title,
        heading=row.snapshot_heading,
        site_name=row.snapshot_site_name,
        text=row.snapshot_text or "",
        fingerprint=row.snapshot_fingerprint,
    )


def state_values(status: LinkStatus) -> dict[str, Any]:
    """A link state's values as `curator.store.link_states.upsert_link_state` writes them; the
    snapshot's only when there is one (a state without one keeps the stored snapshot)."""
    values = {name: getattr(status, name) for name in LINK_STATE_FIELDS}
    snapshot = status.snapshot
    if snapshot is not None:
        values |= {
            "snapshot_title": snapshot.title,
            "snapshot_heading": snapshot.heading,
            "snapshot_site_name": snapshot.site_name,
            "snapshot_text": snapshot.text,
            "snapshot_fingerprint": snapshot.fingerprint,
            "snapshot_at": status.snapshot_at,
        }
    return values


async def snapshots(session: AsyncSession, *, urls: Sequence[str]) -> dict[str, Snapshot]:
    """The last good page of each of `urls` that has one."""
    found: dict[str, Snapshot] = {}
    for row in await snapshot_rows(session, urls=urls):
        snapshot = _snapshot(row)
        if snapshot is not None:
            found[row.url] = snapshot
    return found
