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
