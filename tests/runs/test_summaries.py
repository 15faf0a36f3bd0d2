"""A run's summary says each verdict in the words its results are shown in (curator.labels)."""

from __future__ import annotations

from curator.runs.summaries import completed_summary


def test_a_completed_run_says_verdicts_as_the_tables_and_dashboard_do() -> None:
    counts = {"ok": 6, "changed": 1, "transient": 2}
    assert completed_summary(counts, 9) == (
        "Checked 9 addresses: 6 working; 1 expected content missing; "
        "2 temporary failure (timeout, 5xx)."
    )
    assert completed_summary({}, 0) == "Checked 0 addresses."
    assert completed_summary({"ok": 1}, 1) == "Checked 1 address: 1 working."
