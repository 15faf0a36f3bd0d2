"""Getting a published guide page's HTML: from a local file, or through the checker's fetcher.

Import and audit never open a connection themselves: a URL is read by `FetcherPageReader`,
which goes through `curator.check.fetcher.Fetcher` (the address guard, the deadline, the body
cap). Tests and tools may pass any `PageReader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from curator.check.text import decode
from curator.errors import PageError

if TYPE_CHECKING:
    from curator.check.fetcher import Fetcher


@dataclass(frozen=True, slots=True)
class PublishedPage:
    """A guide page's HTML and the address it was read from (None for a local file)."""

    html: str
    url: str | None = None


class PageReader(Protocol):
    """Reads the published page at an http(s) address."""

    async def __call__(self, url: str) -> PublishedPage:
        """The page at `url`, or a PageError saying why not."""
        ...


_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
"""A source written as an address of some scheme (ftp://, file://…) rather than a path."""


def is_url(source: str) -> bool:
    """True when an import source is an http(s) address rather than a file."""
    return source.lower().startswith(("http://", "https://"))


def read_page_file(source: str | Path) -> PublishedPage:
    """A saved guide page from disk, or a PageError naming the file as it was given."""
    path = Path(source)
    named = str(source)  # as given: a Path folds "ftp://x" into "ftp:/x"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if _ADDRESS.match(named):
            raise PageError(
                named, "not an http(s) address (a page is imported from http(s) or a saved file)"
            ) from None
        raise PageError(named, "no such file") from None
    except OSError as exc:
        raise PageError(named, f"cannot be read ({exc.strerror})") from None
    return PublishedPage(decode(data, None))


class FetcherPageReader:
    """Reads pages through the checker's safe fetcher: only pages that answer 2xx with HTML."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    async def __call__(self, url: str) -> PublishedPage:
        """The page at `url` (after redirects), or a PageError with the fetcher's reason."""
        facts, html = await self._fetcher.fetch_document(url)
        if facts.error is not None:
            detail = facts.error_detail or facts.error.value.replace("_", " ")
            raise PageError(url, f"could not be fetched: {detail}")
        if facts.status is None or not 200 <= facts.status < 300:
            raise PageError(url, f"answered HTTP {facts.status}")
        if html is None:
            content_type = facts.page.content_type if facts.page else None
            raise PageError(url, f"is not an HTML page ({content_type or 'no content type'})")
        return PublishedPage(html, facts.final_url or url)
