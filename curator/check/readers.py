"""Where a fetched body is read into a `Page`: on the event loop, in threads, or in processes.

Reading a page (parsing, visible text, fingerprint) is the checker's biggest share of CPU on
real pages: about 6 ms for a 180 KB article, against about 1 ms for everything else a check
of it costs. So:

- a body of at most `INLINE_PAGE_BYTES` is read where it arrived: at most about a
  millisecond, less than the trip to a thread and back;
- a larger one never on the event loop that fetches (the API's included, when a reader's
  report or an editor asks for a recheck): in the fetcher's `PAGE_THREADS` threads, or, where
  the policy gives it processes (`FetchPolicy.page_processes`, what a check run uses on a
  machine with more than one CPU), in processes of its own, so that reading pages uses the
  machine's other CPUs while the event loop fetches and classifies: handing a page over
  costs the fetching process well under a millisecond.

Every page is read within the parser's bounds on depth and tags and, over 64 KB, within
`PAGE_CPU_BUDGET` seconds of CPU (see `curator.check.text.extract_page`). A reading process
that dies (killed, out of memory) takes no check with it: the pages it held are read again
in the threads, and the next page starts a new process.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from curator.check.facts import Page
from curator.check.text import extract_page

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)

INLINE_PAGE_BYTES = 8 * 1024
"""Bodies up to this size are read on the event loop (at most about a millisecond of CPU)."""
PAGE_THREADS = 2
"""Threads that read larger pages, per fetcher, when it has no processes for them."""
PAGE_CPU_BUDGET = 2.0
"""Seconds of CPU reading one page may take; past it, the page is what was read by then
(its `parse_limit` says "time"). Real pages take milliseconds."""


def read(
    data: bytes,
    *,
    content_type: str | None,
    base_url: str,
    bytes_read: int,
    truncated: bool,
    fingerprinted: bool = True,
    section: str | None = None,
) -> Page:
    """`extract_page` within `PAGE_CPU_BUDGET` (what every reader runs, wherever it runs)."""
    return extract_page(
        data,
        content_type=content_type,
        base_url=base_url,
        bytes_read=bytes_read,
        truncated=truncated,
        fingerprinted=fingerprinted,
        budget=PAGE_CPU_BUDGET,
        section=section,
    )


def _reader_started() -> None:
    """A reading process leaves Ctrl-C to the process it reads for (which stops the run and
    says so), instead of printing a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PageReaders:
    """Reads a fetcher's pages: inline, in its threads, or in `processes` processes."""

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._threads = ThreadPoolExecutor(PAGE_THREADS, thread_name_prefix="curator-page")
        self._pool: ProcessPoolExecutor | None = None

    async def read(
        self,
        data: bytes,
        *,
        content_type: str | None,
        base_url: str,
        bytes_read: int,
        truncated: bool,
        fingerprinted: bool = True,
        section: str | None = None,
    ) -> Page:
        """The body read into a Page, where its size says (see the module's note)."""
        work = functools.partial(
            read,
            data,
            content_type=content_type,
            base_url=base_url,
            bytes_read=bytes_read,
            truncated=truncated,
            fingerprinted=fingerprinted,
            section=section,
        )
        if len(data) <= INLINE_PAGE_BYTES:
            return work()
        loop = asyncio.get_running_loop()
        if self.processes:
            from concurrent.futures.process import BrokenProcessPool

            pool = self._process_pool()
            try:
                return await loop.run_in_executor(pool, work)
            except BrokenProcessPool:
                self._lost(pool)
        return await loop.run_in_executor(self._threads, work)

    def _process_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Loaded here: a fetcher that reads in threads (the API's) never pays for them.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import forkserver, resource_tracker

            # A fork server (started once, with the program and the reading code loaded)
            # forks each reader, ready at once: forking this process itself would copy its
            # threads' locks mid-use, and spawning would load everything again per reader.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["__main__", __name__])
            # Ctrl-C is this process's to handle (it stops the run and says so): the fork
            # server starts with it blocked, and so do the readers it forks, instead of each
            # printing a traceback of its own. One pressed meanwhile arrives once unblocked.
            # (The resource tracker first: it starts itself so, then unblocks the signal.)
            resource_tracker.ensure_running()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                forkserver.ensure_running()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=context, initializer=_reader_started
            )
        return self._pool

    def _lost(self, pool: ProcessPoolExecutor) -> None:
        """A reading process died: the pages it held are read in the threads; the next page
        starts new processes."""
        if self._pool is pool:
            log.warning("a page-reading process ended unexpectedly; starting another")
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop reading: pages not started are dropped; the processes end."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
