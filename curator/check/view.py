"""A response as the rules read it: lower-cased parts and measures, each worked out once, on
first use, so a rule that never needs the page's words never pays for them.

Signatures match folded text (lower case, no accents, plain quotes: see
`curator.check.quirks.fold`); the view folds each part the first time a rule asks for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urljoin

from curator.check import urls
from curator.check.evidence import final_url
from curator.check.expect import distinctive_words, expected_words, normal
from curator.check.facts import Expectation, Facts, Page, Snapshot
from curator.check.lazy import lazy
from curator.check.quirks import SHORT_PAGE_WORDS, Found, Parts, Where, fold
from curator.check.vocabulary import SHARED_WORDS

SCRIPT_PAGE_WORDS = 10
"""A page with at most this many words is what its scripts make of it."""
MAX_SCRIPT_TARGETS = 5
_SCRIPT_REDIRECT = re.compile(
    r"""(?:location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\()\s*["']([^"'\s]{1,500})["']""",
    re.IGNORECASE,
)
HAYSTACK_CHARS = 20_000
"""How much of a page's text is read for the resource's words (a page names its subject
early)."""
_WORD = re.compile(r"[^\W\d_]{4,}")
_LABEL = re.compile(r"[a-z0-9]+")
_WORD_CHAR = re.compile(r"\w")
_SEPARATORS = re.compile(r"\s+[|•·:»«-]\s+|\s*\|\s*|\s+[-]{1,2}\s+|\s::\s")


class PageView:
    """One page of a check, read lazily (see the module's note)."""

    def __init__(self, page: Page, facts: Facts) -> None:
        self.page = page
        self.facts = facts
        self.final = final_url(facts)

    @lazy
    def words(self) -> int:
        """How many words of visible text the page has (its text is whitespace-collapsed)."""
        text = self.page.text
        return text.count(" ") + 1 if text else 0

    @lazy
    def short(self) -> bool:
        """True when the page, chrome included, is short enough to be an error, parking or
        challenge page."""
        chrome = self.page.chrome
        return self.words + (chrome.count(" ") + 1 if chrome else 0) <= SHORT_PAGE_WORDS

    @lazy
    def title(self) -> str:
        """The title, folded."""
        return fold(self.page.title or "")

    @lazy
    def headings(self) -> tuple[str, ...]:
        """The headings, folded."""
        return tuple(fold(h) for h in self.page.headings)

    @lazy
    def text(self) -> str:
        """The visible text and the page's chrome, folded: on the short pages where their
        words count, a lander's or an error page's message may sit in either."""
        page = self.page
        return fold(f"{page.text} {page.chrome}" if page.chrome else page.text)

    @lazy
    def markup(self) -> str:
        """The markup sample, lower-cased."""
        return self.page.markup_sample.lower()

    @lazy
    def chain(self) -> tuple[str, ...]:
        """Every address after the first the chain went through, and a refresh's target."""
        later = [h.url for h in self.facts.hops[1:]]
        if self.final not in later and self.final != self.facts.url:
            later.append(self.final)
        if self.page.meta_refresh:
            later.append(self.page.meta_refresh)
        if self.words <= SCRIPT_PAGE_WORDS and self.page.scripts:
            later.extend(self.script_targets)
        return tuple(u.lower() for u in later)

    @lazy
    def script_targets(self) -> tuple[str, ...]:
        """Where the page's own scripts send readers (`location.href = "…"`), absolute; read
        on pages with (almost) no text, where the script is the page."""
        found = []
        for match in _SCRIPT_REDIRECT.finditer(self.page.markup_sample):
            target = urljoin(self.final, match.group(1).strip())
            if target.startswith(("http://", "https://")):
                found.append(target)
            if len(found) >= MAX_SCRIPT_TARGETS:
                break
        return tuple(found)

    def parts(self, *, text: bool = True) -> Parts:
        """The parts signatures search; the visible text only when `text` (it may be long)."""
        return self._parts if text else self._parts_without_text

    @lazy
    def _parts(self) -> Parts:
        return Parts(self._values)

    @lazy
    def _parts_without_text(self) -> Parts:
        return Parts(lambda where: () if where is Where.TEXT else self._values(where))

    def _values(self, where: Where) -> Sequence[str]:
        read = _READERS.get(where)
        return read(self) if read is not None else ()

    def shown(self, found: Found) -> str:
        """What a found signature matched, as the page wrote it: a whole title or heading,
        or the matched words of its text."""
        where = found.signature.where
        if where is Where.TITLE:
            original = self.page.title or ""
        elif where is Where.HEADING and found.index < len(self.page.headings):
            original = self.page.headings[found.index]
        elif where is Where.TEXT:
            page = self.page
            original = f"{page.text} {page.chrome}" if page.chrome else page.text
        else:
            return found.shown
        if len(original) != len(found.value):
            return found.shown  # lower-casing changed its length: quote it lower-cased
        if where is Where.TEXT:
            return original[found.span[0] : found.span[1]]
        return original

    @lazy
    def said(self) -> tuple[str, ...]:
        """The title, the headings and the chrome (those the page has), folded for comparison
        (see `expect.normal`)."""
        page = self.page
        return tuple(normal(t) for t in (page.title, " ".join(page.headings), page.chrome) if t)

    def shows_any(self, words: frozenset[str]) -> bool:
        """True when the title, headings, chrome or the start of the text show one of `words`
        as a word; read in that order, so a page naming its subject early costs little."""
        if not words:
            return False
        return any(_shows_word(said, words) for said in self.said) or _shows_word(
            self.opening, words
        )

    def shown_words(self, words: frozenset[str]) -> frozenset[str]:
        """Which of `words` the title, headings, chrome or the start of the text show."""
        texts = (*self.said, self.opening)
        return frozenset(w for w in words if any(_shows_word(text, (w,)) for text in texts))

    def names_itself(self, words: frozenset[str]) -> bool:
        """True when the page's title or site name shows one of `words`."""
        page = self.page
        return any(
            said and _shows_word(normal(said), words) for said in (page.title, page.site_name)
        )

    @lazy
    def opening(self) -> str:
        """The start of the visible text, folded for comparison (see `expect.normal`)."""
        return normal(self.page.text[:HAYSTACK_CHARS])

    @lazy
    def own_names(self) -> frozenset[str]:
        """Words naming the site's own domain (its labels): a page always shows them, so they
        prove nothing about what it is."""
        return _labels(urls.host(self.facts.url)) | _labels(urls.host(self.final))

    def wanted_words(self, expectation: Expectation, history: Snapshot | None) -> frozenset[str]:
        """The distinctive words of the resource's title, of its expected texts and of its
        last good title, heading and site name, the domain's own name aside."""
        wanted = set(expected_words(expectation))
        for text in expectation.expect_text:
            wanted |= distinctive_words(text)
        if history is not None:
            for said in (history.title, history.heading, history.site_name):
                if said:
                    wanted |= distinctive_words(said)
        return frozenset(wanted - self.own_names - SHARED_WORDS)

    def title_naming(self, words: frozenset[str]) -> str | None:
        """The part of the title (between separators such as "|" and " - ") that holds two or
        more of `words`: where the page names the resource; None when no part does."""
        for segment in _SEPARATORS.split(self.title):
            if len(words & set(_WORD.findall(normal(segment)))) >= 2:
                return segment
        return None


_READERS: dict[Where, Callable[[PageView], Sequence[str]]] = {
    Where.TITLE: lambda view: (view.title,),
    Where.HEADING: lambda view: view.headings,
    Where.TEXT: lambda view: (view.text,),
    Where.MARKUP: lambda view: (view.markup,),
    Where.HOST: lambda view: (urls.host(view.final),),
    Where.URL: lambda view: view.chain,
}
"""How a view reads each part (a header is read from the facts, not from the view)."""


@functools.lru_cache(maxsize=1024)
def _labels(host: str) -> frozenset[str]:
    """The labels of a host name (runs of letters and digits)."""
    return frozenset(_LABEL.findall(host))


def _shows_word(text: str, words: Iterable[str]) -> bool:
    """True when one of `words` (each made of letters) stands in `text` as a whole word (no
    word character, `\\w`, on either side): each is looked for as a substring, then its
    edges are checked, so no pattern is compiled for one page's words."""
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if (start == 0 or _WORD_CHAR.match(text, start - 1) is None) and (
                end == len(text) or _WORD_CHAR.match(text, end) is None
            ):
                return True
            start = text.find(word, start + 1)
    return False


def no_page_parts(facts: Facts) -> Parts:
    """The parts of a response without a page: only where it ended."""
    return Parts.of({Where.HOST: (urls.host(final_url(facts)),)})
