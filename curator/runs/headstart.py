"""A run's head start: its first URLs fetched while the run is still being set up.

    async with HeadStart.of(checker, catalog_urls) as head:    # the first requests go out
        ...  # load the store, migrate, sync the catalog: the fetches go on meanwhile
        report = await execute_run(sessions, checker, selection, sweep=head.sweep, ...)

`curator check --catalog` knows its URLs as soon as the file is validated, but a run can start
only once the database is migrated and the catalog synced: on a first check of 2,000 links
that set-up took as long as 500 of the links' fetches. A head start spends it on the network
instead: the URLs the run will take first (the catalog's, in the order the run's plan takes
them, `curator.check.politeness.spread_by_host`) are fetched through the sweep the run then
checks with, so the run finds those fetches in flight or landed and never repeats them.

Only fetching starts early. Nothing is classified or stored before the run exists (a check
needs the resources' expectations and history, which the database holds), so what a head
start fetched is lost only as the fetches in flight of any run are, and a run that never
starts (the database unreachable, another run going on) cancels what is still in flight on
the way out and stores nothing. The fetcher's politeness applies as to any fetch: a head start
asks no host more often than the run would.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from types import TracebackType
from typing import Self

from curator.check.checker import Checker, Sweep
from curator.check.politeness import spread_by_host

HEAD_START_WAVES = 2
"""How many of the checker's waves (`Checker.concurrency` URLs each) a head start fetches at
most: enough to keep the network busy while a run is set up, and a bound on the pages held
when that set-up is slow (a large catalog's first sync)."""


class HeadStart:
    """The first URLs of a run fetching through the sweep the run will check with."""

    def __init__(self, sweep: Sweep, urls: Iterable[str]) -> None:
        self.sweep = sweep
        """The sweep to give the run (`execute_run(sweep=...)`): the head start's fetches."""
        self.urls = tuple(urls)
        """The URLs fetched ahead, in the order the run takes them."""

    @classmethod
    def of(
        cls, checker: Checker, urls: Iterable[str], *, waves: int = HEAD_START_WAVES
    ) -> HeadStart:
        """The head start of a run of `urls` (in catalog order, each once or more): the
        first `waves` × the checker's concurrency of them, in the order the run's plan takes
        them (`curator.runs.targets.Plan.of` spreads each host's links the same way)."""
        order = spread_by_host(dict.fromkeys(urls))
        return cls(checker.sweep(), islice(order, max(0, waves * checker.concurrency)))

    def start(self) -> None:
        """Start the fetches (each host's probe with its first deep link, as a run does)."""
        for url in self.urls:
            self.sweep.expect(url)
            self.sweep.start(url)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # A run that took the sweep has let go of what it checked and cancelled the rest; a
        # run that never started leaves the head start's fetches to stop here.
        self.sweep.cancel()
