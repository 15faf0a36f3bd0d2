"""Reading pages is bounded and off the event loop: a page bigger than a few kilobytes is
parsed in the fetcher's own threads, within a CPU budget, so a hostile page never holds up
the other URLs of a run (or the API that asked for a recheck), and a page over its budget is
judged on what was read."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from curator.check import readers
from curator.check.classifier import classify
from curator.check.facts import Expectation, Facts
from curator.check.text import extract_page
from curator.domain import Verdict
from curator.settings import Settings
from tests.sites import Response, Sites, page

MIB = 1024 * 1024
DEEP = ("<html><head><title>Deep</title></head><body>" + "<div>" * (2 * MIB // 5)).encode()
"""A 2 MiB page of nested elements: unbounded, it took minutes of one URL's check."""


def _long_page(paragraphs: int) -> bytes:
    body = "".join(f"<div><p>Paragraph {i} of a long guide.</p></div>" for i in range(paragraphs))
    return f"<html><head><title>Guide</title></head><body>{body}</body></html>".encode()


def test_a_page_over_its_budget_is_what_was_read_by_then() -> None:
    data = _long_page(20_000)
    whole = extract_page(
        data, content_type="text/html", base_url="https://a.test/", bytes_read=len(data),
        truncated=False,
    )  # fmt: skip
    cut = extract_page(
        data, content_type="text/html", base_url="https://a.test/", bytes_read=len(data),
        truncated=False, budget=0.0,
    )  # fmt: skip
    assert whole.parse_limit is None
    assert cut.parse_limit == "time"
    assert cut.title == "Guide"
    assert len(cut.text) < len(whole.text)
    assert whole.text.startswith(cut.text[:200])


def test_a_page_over_its_budget_is_classified_with_the_fact_named() -> None:
    data = _long_page(20_000)
    page_ = extract_page(
        data, content_type="text/html", base_url="https://a.test/", bytes_read=len(data),
        truncated=False, budget=0.0,
    )  # fmt: skip
    facts = Facts(
        url="https://a.test/guide", status=200, final_url="https://a.test/guide", page=page_
    )
    outcome = classify(facts, Expectation("Guide"))
    assert outcome.verdict is Verdict.OK
    assert outcome.evidence["parse_limit"] == "time"


async def test_pages_are_read_in_the_fetchers_threads_not_on_the_event_loop(
    sites: Sites, fetch_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = readers.extract_page

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "extract_page", recording)
    text = "Call 0800 1111 any time. " * 400
    assert len(text) > readers.INLINE_PAGE_BYTES
    site = await sites.add(
        "helpline.test", {"/": page("Helpline", text), "/short": page("Helpline", "Call us")}
    )
    threaded = fetch_settings.model_copy(update={"page_processes": 0})
    async with sites.fetcher(threaded) as fetcher:
        facts = await fetcher.fetch(site.url("/"))
        assert facts.page is not None and facts.page.title == "Helpline"
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert all(t.name.startswith("curator-page") for t in threads)

        # A small body costs less to read than to hand to a thread and back: read on the loop.
        threads.clear()
        facts = await fetcher.fetch(site.url("/short"))
    assert facts.page is not None and facts.page.text and "Call us" in facts.page.text
    assert threads == [threading.main_thread()]


async def test_a_deeply_nested_page_does_not_hold_up_the_other_urls_of_a_run(
    sites: Sites, fetch_settings: Settings
) -> None:
    settings = fetch_settings.model_copy(
        update={"max_body_bytes": 4 * MIB, "url_deadline": 30.0, "read_timeout": 10.0}
    )
    routes = {f"/page-{i}": page(f"Helpline {i}", f"Call us, page {i}") for i in range(6)}
    routes["/deep"] = Response(body=DEEP)
    site = await sites.add("mixed.test", routes)
    expectations = {path: Expectation(f"Helpline {path[-1]}") for path in routes}
    expectations["/deep"] = Expectation("Deep")

    async with sites.checker(settings) as checker:
        sweep = checker.sweep()

        async def check(path: str) -> tuple[Facts, Verdict]:
            facts = await sweep.fetch(site.url(path))
            return facts, (await sweep.classify(facts, expectations[path], None)).verdict

        try:
            # Generous: the whole run ends within one URL's deadline.
            async with asyncio.timeout(settings.url_deadline):
                results = dict(zip(routes, await asyncio.gather(*map(check, routes)), strict=True))
        finally:
            sweep.cancel()
    deep_facts, deep_verdict = results.pop("/deep")
    assert deep_facts.error is None and deep_facts.page is not None
    assert deep_facts.page.parse_limit in ("depth", "tags", "time")
    assert deep_verdict is not Verdict.UNVERIFIABLE
    for facts, verdict in results.values():
        assert facts.error is None and verdict is Verdict.OK


def _article(words: int) -> bytes:
    body = " ".join(
        f"<p>Advice paragraph {i}: call the helpline on 0800 1111.</p>" for i in range(words)
    )
    head = "<html><head><title>Article</title></head>"
    return f"{head}<body><h1>Advice</h1>{body}</body></html>".encode()


async def test_pages_can_be_read_in_processes_of_their_own() -> None:
    # A check run reads larger pages in other processes (the machine's other CPUs); what it
    # reads is what the event loop's own reading gives.
    data = _article(2_000)
    assert len(data) > readers.INLINE_PAGE_BYTES
    kwargs = {"content_type": "text/html", "base_url": "https://a.test/", "truncated": False}
    pages = readers.PageReaders(processes=1)
    try:
        loop = asyncio.get_running_loop()
        pid = await loop.run_in_executor(pages._process_pool(), os.getpid)
        assert pid != os.getpid()
        page = await pages.read(data, bytes_read=len(data), **kwargs)
        assert page == readers.read(data, bytes_read=len(data), **kwargs)
        assert page.title == "Article" and page.fingerprint
    finally:
        pages.close()


async def test_a_reading_process_that_dies_takes_no_page_with_it() -> None:
    data = _article(2_000)
    kwargs = {"content_type": "text/html", "base_url": "https://a.test/", "truncated": False}
    pages = readers.PageReaders(processes=1)
    try:
        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(pages._process_pool(), os.getpid)
        os.kill(first, signal.SIGKILL)
        # The pages under way when it died are read in the threads; the next starts anew.
        read = await asyncio.gather(
            *(pages.read(data, bytes_read=len(data), **kwargs) for _ in range(3))
        )
        assert all(page.title == "Article" for page in read)
        second = await loop.run_in_executor(pages._process_pool(), os.getpid)
        assert second != first
        page = await pages.read(data, bytes_read=len(data), **kwargs)
        assert page.title == "Article"
    finally:
        pages.close()
