"""Verdict accuracy on the real-page corpus: exact verdicts, false alarms and misses per class,
and the CPU per page of the classifier and of page parsing.

    python -m bench.accuracy [--corpus DIR] [--json]

Every entry of the corpus (tests/corpus, or another directory in the same format) is served
from loopback and checked as tests/corpus/test_corpus.py does. A false alarm is a page an
editor wants working or unknown that curator puts in the broken group; a miss is a page an
editor wants in the broken group that curator calls working, update or unknown. CPU figures
are per page, measured apart from the network: the classifier alone (replaying the run's
classification of the recorded facts, probe baseline included) and the parsing and text
extraction of the page's bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from curator.check.classifier import classify, wants_baseline
from curator.check.facts import Outcome
from curator.check.text import extract_page
from curator.domain import Group, group_of
from tests.corpus.harness import CorpusSites, Judgement, corpus_settings
from tests.corpus.manifests import CORPUS, Corpus, load

CLASSIFY_REPEAT = 50
PARSE_REPEAT = 5
CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class PageResult:
    """One entry's verdict against the wanted one, and its CPU costs in microseconds."""

    id: str
    klass: str
    expect: str
    verdict: str
    rule: str
    detail: str
    false_alarm: bool
    miss: bool
    classify_us: float
    parse_us: float


@dataclass(frozen=True, slots=True)
class ClassSummary:
    """The figures of one class (or of the whole corpus)."""

    name: str
    pages: int
    exact: int
    false_alarms: int
    misses: int
    classify_median_us: float
    classify_p95_us: float
    parse_median_us: float
    parse_p95_us: float


def is_false_alarm(judgement: Judgement) -> bool:
    """Wanted working or unknown, got a broken-group verdict."""
    wanted, got = group_of(judgement.entry.expect), group_of(judgement.outcome.verdict)
    return wanted in (Group.WORKING, Group.UNKNOWN) and got is Group.BROKEN


def is_miss(judgement: Judgement) -> bool:
    """Wanted a broken-group verdict, got working, update or unknown."""
    wanted, got = group_of(judgement.entry.expect), group_of(judgement.outcome.verdict)
    return wanted is Group.BROKEN and got is not Group.BROKEN


def cpu_us(work: Callable[[], object], repeat: int) -> float:
    """Mean process CPU time of `work` in microseconds, over `repeat` runs."""
    start = time.process_time_ns()
    for _ in range(repeat):
        work()
    return (time.process_time_ns() - start) / repeat / 1000


def replay(judgement: Judgement) -> Outcome:
    """The run's classification of the recorded facts: once, then with the probe's baseline
    when the first verdict asks for it (as curator.runs.execute does)."""
    facts, expectation = judgement.facts, judgement.entry.resource
    outcome = classify(facts, expectation, None, None, refresh=judgement.refresh)
    if judgement.baseline is not None and wants_baseline(facts, outcome):
        if judgement.baseline.error is None:
            outcome = classify(
                facts, expectation, judgement.baseline, None, refresh=judgement.refresh
            )
    return outcome


def measure(corpus: Corpus, judgement: Judgement) -> PageResult:
    """The entry's verdict and CPU figures."""
    entry = judgement.entry
    replayed = replay(judgement)
    if replayed.verdict is not judgement.outcome.verdict:
        raise AssertionError(
            f"{entry.id}: replaying gives {replayed.verdict}, the run gave "
            f"{judgement.outcome.verdict}: the replay no longer follows the run"
        )
    body = corpus.page(entry.file)
    content_type = dict(entry.headers).get("content-type")
    return PageResult(
        id=entry.id,
        klass=entry.klass,
        expect=entry.expect.value,
        verdict=judgement.outcome.verdict.value,
        rule=judgement.outcome.rule,
        detail=judgement.outcome.detail,
        false_alarm=is_false_alarm(judgement),
        miss=is_miss(judgement),
        classify_us=cpu_us(lambda: replay(judgement), CLASSIFY_REPEAT),
        parse_us=cpu_us(
            lambda: extract_page(
                body,
                content_type=content_type,
                base_url=entry.url,
                bytes_read=len(body),
                truncated=False,
            ),
            PARSE_REPEAT,
        ),
    )


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(name: str, results: Sequence[PageResult]) -> ClassSummary:
    """The figures of `results` under `name`."""
    classify_us = [r.classify_us for r in results]
    parse_us = [r.parse_us for r in results]
    return ClassSummary(
        name=name,
        pages=len(results),
        exact=sum(r.verdict == r.expect for r in results),
        false_alarms=sum(r.false_alarm for r in results),
        misses=sum(r.miss for r in results),
        classify_median_us=statistics.median(classify_us) if results else 0.0,
        classify_p95_us=percentile(classify_us, 0.95),
        parse_median_us=statistics.median(parse_us) if results else 0.0,
        parse_p95_us=percentile(parse_us, 0.95),
    )


async def judge_all(corpus: Corpus) -> list[Judgement]:
    """Every entry of `corpus` served and checked, in manifest order."""
    gate = asyncio.Semaphore(CONCURRENCY)
    with tempfile.TemporaryDirectory() as tmp:
        async with CorpusSites(corpus, corpus_settings(Path(tmp))) as served:

            async def one(index: int) -> Judgement:
                async with gate:
                    return await served.judge(corpus.entries[index])

            return list(await asyncio.gather(*(one(i) for i in range(len(corpus.entries)))))


def render(summaries: Sequence[ClassSummary], results: Sequence[PageResult]) -> str:
    """The per-class table, then every entry whose verdict is not the wanted one."""
    head = (
        f"{'class':14} {'pages':>5} {'exact':>5} {'false alarms':>12} {'misses':>6}"
        f" {'classify µs med/p95':>20} {'parse µs med/p95':>18}"
    )
    lines = [head, "-" * len(head)]
    for s in summaries:
        if s.name == "all":
            lines.append("-" * len(head))
        lines.append(
            f"{s.name:14} {s.pages:5} {s.exact:5} {s.false_alarms:12} {s.misses:6}"
            f" {s.classify_median_us:9.0f} /{s.classify_p95_us:8.0f}"
            f" {s.parse_median_us:8.0f} /{s.parse_p95_us:7.0f}"
        )
    wrong = [r for r in results if r.verdict != r.expect]
    if wrong:
        lines += ["", "not exact (want → got, rule):"]
        for r in wrong:
            flag = " FALSE ALARM" if r.false_alarm else " MISS" if r.miss else ""
            lines.append(f"  {r.id}: {r.expect} → {r.verdict} ({r.rule}){flag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the corpus and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__)
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="a directory with manifest/ and pages/"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    corpus = load(args.corpus)
    for problem in corpus.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if not corpus.entries:
        parser.exit(2, f"no valid entries in {args.corpus}\n")
    judgements = asyncio.run(judge_all(corpus))
    results = [measure(corpus, j) for j in judgements]
    summaries = [
        summarise(name, [r for r in results if r.klass == name]) for name in corpus.classes()
    ]
    summaries.append(summarise("all", results))
    if args.json:
        print(
            json.dumps(
                {
                    "corpus": str(args.corpus),
                    "classes": [asdict(s) for s in summaries],
                    "pages": [asdict(r) for r in results],
                    "problems": list(corpus.problems),
                },
                indent=2,
            )
        )
    else:
        print(render(summaries, results))


if __name__ == "__main__":
    main()
