"""How the checker fetches: the narrow policy the fetcher and its transport are given.

The checker never reads `Settings`; the composition roots (CLI, API, scheduler) build a
`FetchPolicy` with `Settings.fetch_policy()` and pass it in. The fields mean what the
settings of the same names mean (README, "Settings").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits, manners and safety of every fetch."""

    allow_private_addresses: bool
    """Connect to loopback/private addresses (tests, local setups); refused when False."""
    concurrency: int
    """URLs fetched at once, in all."""
    per_host_concurrency: int
    per_host_interval: float
    """Seconds between the starts of two requests to one host."""
    connect_timeout: float
    read_timeout: float
    url_deadline: float
    """Wall-clock seconds for one URL: every hop and the body."""
    max_body_bytes: int
    max_redirects: int
    retries: int
    """Extra tries after a transient failure."""
    retry_backoff: float
    max_retry_after: float
    user_agent: str
    video_oembed: bool
    """Ask video hosts' oEmbed endpoints whether a video is still there."""
    page_processes: int = 0
    """Processes that read pages over a few kilobytes (see `curator.check.readers`); 0 reads
    them in threads."""
    silent_host_links: int = 3
    """Links of a host in a row left unanswered after which its next links are not asked for
    `silent_host_hold` seconds (0: always ask); see `curator.check.politeness.SilentHosts`."""
    silent_host_hold: float = 60.0


@dataclass(frozen=True, slots=True)
class SearchLimits:
    """The bounds of the search for a broken link's moved page (`curator.replacements`), and
    of what it reads of a host; built by `Settings.search_limits()`."""

    deadline: float = 60.0
    """Wall-clock seconds for one link's search, however many requests."""
    fetch_deadline: float = 15.0
    """Wall-clock seconds for one request of the search."""
    pages: int = 6
    """Candidate pages fetched for one link."""
    parents: int = 3
    """Parent paths of the old address whose links are read (the home page besides)."""
    sitemap_files: int = 10
    """Sitemap files (indexes and probes of the usual places included) read per host."""
    sitemap_urls: int = 50_000
    """Addresses kept from a host's sitemaps."""
    sitemap_bytes: int = 10 * 1024 * 1024
    """Bytes read of one sitemap file, after gzip."""
    robots_bytes: int = 512 * 1024
