"""The checker on uvloop's event loop as on asyncio's own.

uvicorn runs the API process on uvloop whenever uvloop is installed (`uvicorn[standard]`
installs it), and the API process fetches: readers' reports and editors' rechecks, and the
runs editors start from the dashboard. uvloop's transports are not asyncio's classes, so
nothing on the fetch path may depend on them: every fetch once failed there, a whole run of
links reported as failing at the fetch stage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import uvloop

from curator.check.facts import ErrorKind, Expectation, Facts
from curator.domain import Verdict
from curator.settings import Settings
from tests.check.test_fetcher import free_port, tuned
from tests.sites import Garbage, Hang, ResetMidBody, Sites, page, redirect

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}

Seen = dict[str, tuple[Facts, Verdict | None]]


async def _check_everything(settings: Settings) -> tuple[str, Seen]:
    """Fetch an answering page, a redirect, pages over TLS and servers that fail, each on its
    own site; the loop's module and every fetch's facts (with a verdict where it has one)."""
    loop_module = type(asyncio.get_running_loop()).__module__
    kit = Sites()
    try:
        plain = await kit.add(
            "advice.test",
            {
                "/": page("Helpline", "Call the helpline on 0800 1111"),
                "/old": redirect("/", 301),
            },
        )
        secure = await kit.add("secure.test", {"/": page("Helpline", "Call us")}, tls="valid")
        expired = await kit.add("expired.test", {"/": page("Helpline", "Call us")}, tls="expired")
        hanging = await kit.add("hang.test", {"/": Hang()})
        resetting = await kit.add("reset.test", {"/": ResetMidBody()})
        garbled = await kit.add("garbage.test", {"/": Garbage()})
        kit.resolver.add("closed.test", "127.0.0.250")
        urls = {
            "page": plain.url("/"),
            "moved": plain.url("/old"),
            "tls": secure.url("/"),
            "tls-expired": expired.url("/"),
            "refused": f"http://closed.test:{free_port('127.0.0.250')}/",
            "read-timeout": hanging.url("/"),
            "reset": resetting.url("/"),
            "garbage": garbled.url("/"),
        }
        seen: Seen = {}
        async with kit.checker(settings) as checker:
            sweep = checker.sweep()
            try:
                for name, url in urls.items():
                    facts = await sweep.fetch(url)
                    verdict = None
                    if name in ("page", "moved", "tls"):
                        outcome = await sweep.classify(facts, Expectation("Helpline"), None)
                        verdict = outcome.verdict
                    seen[name] = (facts, verdict)
            finally:
                sweep.cancel()
    finally:
        await kit.aclose()
    return loop_module, seen


@pytest.mark.parametrize("loop", list(LOOPS), ids=list(LOOPS))
def test_fetching_and_its_failures_read_the_same_on_either_loop(
    loop: str, fetch_settings: Settings
) -> None:
    settings = tuned(fetch_settings, read_timeout=0.3, url_deadline=5.0)
    with asyncio.Runner(loop_factory=LOOPS[loop]) as runner:
        loop_module, seen = runner.run(_check_everything(settings))
    assert loop_module.split(".")[0] == loop
    assert seen["page"][0].status == 200 and seen["page"][1] is Verdict.OK
    moved, moved_verdict = seen["moved"]
    assert moved.status == 200 and [hop.status for hop in moved.hops] == [301, 200]
    assert moved_verdict is not None
    assert seen["tls"][0].status == 200 and seen["tls"][0].certificate is not None
    assert seen["tls"][1] is Verdict.OK
    errors = {name: facts.error for name, (facts, _) in seen.items()}
    assert errors == {
        "page": None,
        "moved": None,
        "tls": None,
        "tls-expired": ErrorKind.TLS_EXPIRED,
        "refused": ErrorKind.CONNECT_REFUSED,
        "read-timeout": ErrorKind.READ_TIMEOUT,
        "reset": ErrorKind.RESET,
        "garbage": ErrorKind.PROTOCOL,
    }
