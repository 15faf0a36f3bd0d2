"""`curator check --format json` is written one result at a time, and reads exactly as
`json.dumps(as_json(report), indent=2)` would: the same bytes, with no result or none."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import pytest

from curator.check.facts import Certificate, ErrorKind, Expectation, Facts, Hop, Outcome
from curator.cli.check_cmds import as_json, write_json
from curator.cli.check_output import JsonResults
from curator.domain import RunStatus, RunTrigger, Verdict
from curator.runs.execute import CheckResult, RunReport
from curator.runs.targets import Target
from curator.suggestions import Confidence, Suggestion, SuggestionSource

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


SUGGESTIONS = (
    None,
    Suggestion(
        "https://site.example/nouvelle-page",
        SuggestionSource.SITEMAP,
        Confidence.POSSIBLE,
        # Nested values, empty ones, booleans and floats: written as the indenting encoder would.
        {"score": 0.94, "same_title": True, "words": ["aide", "écoute"], "hops": [], "seen": {}}
        | {"titles": {"old": 'Aide\t"ici"', "new": None}, "count": 3},
    ),
    Suggestion("https://site.example/", SuggestionSource.REDIRECT, Confidence.CONFIDENT),
)


def target(i: int, url: str) -> Target:
    return Target(i, "guide", f"r{i}", f'Résumé {i} "quoted"\n', url, Expectation(title="t"))


def report(count: int) -> RunReport:
    urls = [f'https://site{i}.example/é?q="{i}"' for i in range(count)]
    targets = [target(i, url) for i, url in enumerate(urls)]
    if urls:
        targets.append(target(99, urls[0]))  # a second resource listing the first URL
    results = tuple(
        CheckResult(
            url=url,
            facts=Facts(
                url=url,
                hops=(Hop(url=url, status=200),),
                status=None if i % 2 else 200,
                error=ErrorKind.CONNECT_ERROR if i % 2 else None,
                certificate=Certificate(host="site.example", expires_at=T0, issuer="CA"),
            ),
            outcome=Outcome(Verdict.OK, "Reachable;\nline two", rule="ok"),
            targets=(target(i, url),),
            check_id=i + 1,
            checked_at=T0,
            position=i + 1,
            planned=count,
            suggestion=SUGGESTIONS[i % len(SUGGESTIONS)],
        )
        for i, url in enumerate(urls)
    )
    return RunReport(
        run_id=7,
        status=RunStatus.COMPLETED,
        trigger=RunTrigger.CLI,
        started_at=T0,
        finished_at=T0,
        counts={"ok": count},
        results=results,
        targets=tuple(targets),
        summary="Checked.",
        planned=count,
    )


@pytest.mark.parametrize("count", [0, 1, 3, 4])
def test_json_is_written_as_one_dump_would(count: int, capsys: pytest.CaptureFixture[str]) -> None:
    made = report(count)
    write_json(made)
    written = capsys.readouterr().out
    assert written == json.dumps(as_json(made), ensure_ascii=False, indent=2) + "\n"
    assert len(json.loads(written)["results"]) == (count + 1 if count else 0)


AD_HOC_RESULT = {
    "url": 'https://site.example/é?q="1"',
    "verdict": "ok",
    "group": "working",
    "status_code": 200,
    "final_url": None,
    "suggested_url": None,
    "detail": "Works (HTTP 200 OK).\tÉcoute",
    "elapsed_ms": 154,
    "rule": "ok",
    "error": None,
    "attempts": 1,
}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_an_ad_hoc_checks_json_is_written_as_one_dump_would(
    count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # `curator check URL… --format json` prints its results one at a time through the same
    # writer: the bytes `json.dumps(document, ensure_ascii=False, indent=2)` would print.
    head = {"summary": "Checked 3 addresses: 2 ok, 1 gone.", "inconclusive": False}
    head |= {"counts": {"ok": 2, "gone": 1} if count else {}}
    results = [AD_HOC_RESULT | {"attempts": i, "extra": [i, {"é": None}] * i} for i in range(count)]
    writer = JsonResults(sys.stdout.write)
    writer.start(head)
    for result in results:
        writer.add(result)
    writer.finish()
    written = capsys.readouterr().out
    assert written == json.dumps(head | {"results": results}, ensure_ascii=False, indent=2) + "\n"
