"""What a run's summary says, in words (a completed, inconclusive, cancelled or interrupted run).

Plain wording with no database behind it: an ad-hoc check (`curator check URL…`), which stores
nothing, says the same as a run without loading the store.
"""

from __future__ import annotations

from collections.abc import Mapping

from curator.domain import Verdict
from curator.labels import verdict_count


def completed_summary(counts: Mapping[str, int], planned: int) -> str:
    """The summary of a completed run, each verdict in the words the tables, the dashboard
    and the report use ("Checked 9 addresses: 6 working; 1 broken; 2 temporary failures
    (no answer, 5xx).": a label may hold a comma, so semicolons part them)."""
    parts = "; ".join(verdict_count(v, counts[v.value]) for v in Verdict if counts.get(v.value))
    return f"Checked {planned} address{'es' if planned != 1 else ''}" + (
        f": {parts}." if parts else "."
    )


def down_summary(hosts: int, *, stored: bool = True) -> str:
    """What an inconclusive check says, plainly: a run (`stored`) kept its checks as evidence
    and changed no resource's state; an ad-hoc check stored nothing to begin with."""
    sites = "the only site" if hosts == 1 else f"all {hosts} sites"
    said = (
        f"Inconclusive: {sites} failed before answering (DNS or connect), so the checker's own "
        "network looks down."
    )
    if stored:
        said += " No resource's state was changed; the checks are kept as evidence."
    return said


def cancelled_summary(done: int, planned: int) -> str:
    """What a cancelled run (Ctrl-C) says: no link's state was changed."""
    return f"Interrupted after {done} of {planned} addresses; nothing changed."


def interrupted_summary(done: int, planned: int) -> str:
    """What a run stopped on request says."""
    return (
        f"Interrupted after {done} of {planned} addresses (stop requested); resume it to check "
        "the rest."
    )
