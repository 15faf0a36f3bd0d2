"""The bounds of the search for a moved page: the narrow policy the search is given.

The search never reads `Settings`; the composition roots build `SearchLimits` with
`Settings.search_limits()` (README, "Settings": CURATOR_REPLACEMENT_* and CURATOR_SITEMAP_*).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SearchLimits:
    """The bounds of the search for one link, and of what it reads of a host."""

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
