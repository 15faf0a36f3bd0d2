"""A run's summary says each verdict in the words its results are shown in (curator.labels)."""

from __future__ import annotations

from curator.runs.summaries import completed_summary, down_summary


def test_a_completed_run_says_verdicts_as_the_tables_and_dashboard_do() -> None:
    counts = {"ok": 6, "changed": 1, "transient": 2}
    assert completed_summary(counts, 9) == (
        "Checked 9 addresses: 6 working; 1 expected content missing; "
        "2 temporary failures (no answer, 5xx)."
    )
    assert completed_summary({"transient": 1, "soft_404": 2, "insecure": 3}, 6) == (
        "Checked 6 addresses: 2 soft 404s (error pages); 3 TLS failures; "
        "1 temporary failure (no answer, 5xx)."
    )
    assert completed_summary({}, 0) == "Checked 0 addresses."
    assert completed_summary({"ok": 1}, 1) == "Checked 1 address: 1 working."


def test_an_inconclusive_check_says_what_was_kept_only_when_it_kept_something() -> None:
    assert down_summary(9) == (
        "Inconclusive: all 9 sites failed before answering (DNS or connect), so the checker's "
        "own network looks down. No resource's state was changed; the checks are kept as "
        "evidence."
    )
    # An ad-hoc check stores nothing; one site is not "all 1 site".
    assert down_summary(1, stored=False) == (
        "Inconclusive: the only site failed before answering (DNS or connect), so the "
        "checker's own network looks down."
    )
