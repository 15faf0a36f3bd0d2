"""CPU per page of reading a fetched body and classifying it, as a check run does.

    python -m bench.classify [--pages N] [--passes N] [--no-corpus]

Two sets of pages, each fetched once from loopback sites, then read and classified again
and again apart from the network:

- the page of `bench.check_vs_lychee` (`bench.site_process.AdvicePages`, about 1 KB),
  `--pages` different resources with their generated catalog entries;
- every page of the corpus (tests/corpus), as `bench.accuracy` checks them, split into small
  (at most `SMALL_BYTES`) and large pages.

A page's work is what a run does on the process that fetches, once its body has arrived:
`curator.check.readers.read` (parse, visible text, fingerprint), then the first reading of
`curator.check.checker.Sweep.read` (refresh target, the video host's look-up, `classify`,
`wants_baseline`) and, when the host's answer to a made-up address can change it, the second
classification. Pages are taken in turn, pass after pass, so what a run remembers per value
(`quirks.Prefilter`) serves only the page it was asked about, as in a run of distinct pages.
The bench prints µs of process CPU per page, split into reading and classifying.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench.scale import HOSTS
from bench.site_process import AdvicePages
from curator.check.checker import Checker, Sweep
from curator.check.classifier import baseline_tells, classify
from curator.check.evidence import final_url
from curator.check.facts import Expectation, Facts, Outcome, SiteBaseline
from curator.check.fetcher import Fetcher
from curator.check.readers import read
from curator.check.video import OEmbedLookup, OfflineVideoLookup, VideoLookup
from curator.domain import Verdict
from tests.corpus.harness import corpus_settings
from tests.corpus.manifests import CORPUS, load
from tests.sites import Sites

SMALL_BYTES = 16 * 1024
"""Corpus pages up to this size count as small."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One fetched page: its body, its facts and what the run classified it against."""

    name: str
    body: bytes
    facts: Facts
    expectation: Expectation
    refresh: Facts | None = None
    baseline: SiteBaseline | None = None
    verdict: Verdict | None = None
    """The verdict the run gave it, when it was checked as a run checks it."""


@dataclass(frozen=True, slots=True)
class Cost:
    """µs of process CPU per page: reading, classifying, both."""

    pages: int
    read_us: float
    classify_us: float

    @property
    def total_us(self) -> float:
        """Reading and classifying."""
        return self.read_us + self.classify_us


def expectation(index: int) -> Expectation:
    """What `bench.scale.generate_catalog` says of resource `index`."""
    title = f"Resource {index}" if index % 2 else f"Resource {index} – advice and support"
    kind, phone = "webpage", None
    if index % 10 == 0:
        kind, phone = "helpline", f"020 7946 0{index % 1000:03d}"
    elif index % 7 == 0:
        kind = "video"
    expect_text = (f"Organisation {index % HOSTS}", "advice") if index % 5 == 0 else ()
    return Expectation(
        title=title,
        kind=kind,
        expect_text=expect_text,
        phone=phone,
        description=f"A page of practical advice from organisation {index % HOSTS}, for young "
        "people and the adults who support them, with what to do next.",
    )


async def advice_samples(count: int) -> list[Sample]:
    """`count` resources' pages of `bench.check_vs_lychee`, fetched as its run fetches them."""
    pages = AdvicePages()
    kit = Sites()
    site = await kit.add("advice.bench", fallback=pages)
    with tempfile.TemporaryDirectory() as tmp:
        settings = corpus_settings(Path(tmp))
        async with Fetcher(settings.fetch_policy(), resolver=kit.resolver) as fetcher:
            urls = [
                f"http://{site.address}:{site.port}/advice/page-{i}" for i in range(1, count + 1)
            ]
            fetched = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
            baseline = await fetcher.probe(urls[0])
    await kit.aclose()
    samples = []
    for index, facts in enumerate(fetched, start=1):
        body = pages.answer(index).body
        samples.append(
            Sample(
                f"advice-{index}",
                body.encode() if isinstance(body, str) else body,
                facts,
                expectation(index),
                baseline=baseline,
            )
        )
    return samples


async def corpus_samples() -> list[Sample]:
    """Every corpus page, fetched and checked as `bench.accuracy` does."""
    from bench.accuracy import judge_all

    corpus = load(CORPUS)
    judgements = await judge_all(corpus)
    return [
        Sample(
            j.entry.id,
            corpus.page(j.entry.file),
            j.facts,
            j.entry.resource,
            refresh=j.refresh,
            baseline=j.baseline,
            verdict=j.outcome.verdict,
        )
        for j in judgements
    ]


def _settle(work: object) -> object:
    """The value of a coroutine that never waits (every fetch it asks for is done)."""
    try:
        work.send(None)  # type: ignore[attr-defined]
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the reading waited for something")


class Reader:
    """A run's reading of one page, without the network: what `Sweep.read` and `refine` do."""

    def __init__(self, video: VideoLookup) -> None:
        self.loop = asyncio.new_event_loop()
        self.sweep = Sweep(Checker(None, video, concurrency=1))  # type: ignore[arg-type]

    def page(self, sample: Sample) -> Facts:
        """The sample's facts with its body read again, as the fetcher reads it."""
        facts = sample.facts
        if facts.page is None:
            return facts
        status = facts.status or 0
        page = read(
            sample.body,
            content_type=facts.header("content-type"),
            base_url=final_url(facts),
            bytes_read=facts.page.bytes_read,
            truncated=facts.page.truncated,
            fingerprinted=200 <= status < 300,
        )
        return replace(facts, page=page)

    def classify(self, sample: Sample, facts: Facts) -> Outcome:
        """The run's classification of `facts`: first reading, then with the baseline."""
        if sample.refresh is not None:
            done = self.loop.create_future()
            done.set_result(sample.refresh)
            self.sweep.fetches[sample.refresh.url] = done  # type: ignore[assignment]
        reading = _settle(self.sweep.read(facts, sample.expectation, None))
        assert not isinstance(reading, Outcome) and reading is not None
        outcome: Outcome = reading.outcome  # type: ignore[attr-defined]
        if reading.wants_baseline and sample.baseline is not None:  # type: ignore[attr-defined]
            if baseline_tells(sample.baseline):
                outcome = classify(
                    facts,
                    sample.expectation,
                    sample.baseline,
                    reading.video,  # type: ignore[attr-defined]
                    refresh=reading.refresh,  # type: ignore[attr-defined]
                )
        return outcome


def cost(samples: Sequence[Sample], reader: Reader, passes: int) -> tuple[Cost, list[Outcome]]:
    """Mean µs of CPU per page over `passes` passes over `samples`, taken in turn."""
    reading = classifying = 0
    outcomes: list[Outcome] = []
    clock = time.process_time_ns
    for turn in range(passes):
        for sample in samples:
            start = clock()
            facts = reader.page(sample)
            middle = clock()
            outcome = reader.classify(sample, facts)
            end = clock()
            reading += middle - start
            classifying += end - middle
            if turn == 0:
                outcomes.append(outcome)
    pages = len(samples) * passes
    return Cost(len(samples), reading / pages / 1000, classifying / pages / 1000), outcomes


def best(samples: Sequence[Sample], reader: Reader, passes: int, rounds: int) -> Cost:
    """The round with the least CPU in all (others ran beside it on a shared machine)."""
    costs = [cost(samples, reader, passes)[0] for _ in range(rounds)]
    return min(costs, key=lambda c: c.total_us)


def line(name: str, figure: Cost) -> str:
    """One row of the table."""
    return (
        f"{name:24} {figure.pages:6} {figure.read_us:9.0f} {figure.classify_us:11.0f}"
        f" {figure.total_us:9.0f}"
    )


def check_verdicts(samples: Sequence[Sample], outcomes: Sequence[Outcome]) -> None:
    """Every page read again must be classified as the run classified it."""
    for sample, outcome in zip(samples, outcomes, strict=True):
        if sample.verdict is not None and outcome.verdict is not sample.verdict:
            raise AssertionError(
                f"{sample.name}: the run gave {sample.verdict.value}, reading it again gives "
                f"{outcome.verdict.value}: the bench no longer follows the run"
            )


def main(argv: list[str] | None = None) -> None:
    """Fetch the pages once, then print the CPU per page of reading and classifying them."""
    parser = argparse.ArgumentParser(prog="python -m bench.classify", description=__doc__)
    parser.add_argument("--pages", type=int, default=500, help="check_vs_lychee pages")
    parser.add_argument("--passes", type=int, default=4, help="passes over the pages per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the best is printed)")
    parser.add_argument("--no-corpus", action="store_true", help="only the check_vs_lychee page")
    args = parser.parse_args(argv)

    print(f"{'pages':24} {'count':>6} {'read µs':>9} {'classify µs':>11} {'total µs':>9}")
    client = httpx.AsyncClient()  # never used: no advice page is a video host's
    advice = asyncio.run(advice_samples(args.pages))
    reader = Reader(OEmbedLookup(client))
    _, outcomes = cost(advice, reader, 1)
    verdicts = statistics.multimode(o.verdict.value for o in outcomes)
    print(
        line(
            f"check_vs_lychee ({len(advice[0].body)} B)",
            best(advice, reader, args.passes, args.rounds),
        )
        + f"   verdict {'/'.join(verdicts)}"
    )
    if args.no_corpus:
        return
    corpus = asyncio.run(corpus_samples())
    reader = Reader(OfflineVideoLookup())
    _, outcomes = cost(corpus, reader, 1)
    check_verdicts(corpus, outcomes)
    small = [s for s in corpus if len(s.body) <= SMALL_BYTES]
    large = [s for s in corpus if len(s.body) > SMALL_BYTES]
    groups: list[tuple[str, list[Sample], Callable[[int], int]]] = [
        (f"corpus small (≤{SMALL_BYTES // 1024} KB)", small, lambda n: n),
        ("corpus large", large, lambda n: max(1, n // 4)),
    ]
    for name, group, passes in groups:
        if group:
            print(line(name, best(group, reader, passes(args.passes), args.rounds)))


if __name__ == "__main__":
    main()
