"""Bounding markup before it is parsed: a hostile page must not make parsing take seconds.

An HTML tree builder checks "is there an open element of this kind in scope?" by walking its
stack of open elements, so a page that nests tens of thousands of elements (a 2 MiB run of
`<div>` or of `<b>x</p>`) costs time proportional to nesting × elements: seconds, or minutes.
Browsers cap nesting depth; curator does the same before the parser sees the page: start
tags beyond `MAX_DEPTH` open elements are dropped (their text stays, flattened), end tags
closing nothing are dropped (parsers ignore them, but only after walking the whole stack),
and reading stops after `MAX_TAGS` tags. A `<select>` is the one element whose parsing grows
with the square of its content: each `<option>` costs the tree builder a walk of the options
before it (8,000 options take a quarter of a second, 64,000 over fifteen seconds), so
`<option>` tags beyond `MAX_OPTIONS` are dropped too (their text stays).

A page with few tags cannot be costly however it nests, and is handed over untouched. Nor
can a page whose nesting provably stays shallow: one scan of its tags in C (`_shallow`)
bounds its depth from above, which is how almost every real page, thousands of tags and all,
is handed over in about a millisecond. The others are read once, tag by tag, in linear time,
and reading also stops when the page's CPU budget is spent (see `Budget`): the parser then
sees only what was read.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

MAX_DEPTH = 160
"""Open elements kept nested; real pages stay well below 100."""
MAX_TAGS = 100_000
"""Tags read at most; the rest of the page is not parsed."""
SAFE_TAGS = 2_000
"""A page with at most this many tags parses quickly however it nests."""
MAX_OPTIONS = 2_000
"""`<option>` tags kept (real drop-down lists stay well below); see the module's note."""
_VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen frame "
    "basefont bgsound image".split()
)
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
# Elements closed by the next one of their kind, never nested by parsers, and the elements
# whose scope ends the search for that one (a list item inside a nested list stays open).
_SIBLINGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("li",), frozenset("ul ol menu dir table".split())),
    **dict.fromkeys(("dt", "dd"), frozenset("dl table".split())),
    **dict.fromkeys(("td", "th"), frozenset("tr table".split())),
    **dict.fromkeys(("tr",), frozenset("table tbody thead tfoot".split())),
    **dict.fromkeys(("option", "optgroup"), frozenset("select datalist".split())),
    **dict.fromkeys(("rb", "rt", "rtc", "rp"), frozenset(("ruby",))),
}
_P_SCOPE = frozenset("button table td th caption html template applet object marquee".split())
_TABLE_PARTS = frozenset("td th tr tbody thead tfoot caption col colgroup".split())
_LOOKBACK = 8
"""How far down the stack an implied end tag is looked for (bounded, so reading stays
linear; deeper, the estimate of depth only errs high)."""
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre search "
    "section summary table ul".split()
)
# A tag, or a comment; each alternative also matches an unterminated one up to the end, so no
# search ever fails after scanning the rest of the page (that would be quadratic).
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>]*?(/?)>|[^>]*\Z)|<!--.*?(?:-->|\Z)", re.DOTALL
)


CHECK_EVERY = 1024
"""Tags (or nodes) read between two looks at the budget."""


@dataclass(slots=True)
class Budget:
    """The CPU time reading one page may take, in seconds of the reading thread's own CPU
    (`time.thread_time`), so a loaded machine or a busy event loop does not spend it.

    Reading looks at it every `CHECK_EVERY` tags or nodes and stops once it is spent."""

    seconds: float
    start: float = field(default_factory=time.thread_time)
    spent: bool = False

    def over(self) -> bool:
        """True once the budget is spent (and from then on)."""
        if not self.spent and time.thread_time() - self.start > self.seconds:
            self.spent = True
        return self.spent


_END_TAGS: dict[str, re.Pattern[str]] = {}


def _end_tag(name: str) -> re.Pattern[str]:
    pattern = _END_TAGS.get(name)
    if pattern is None:
        pattern = _END_TAGS[name] = re.compile(f"</{name}[^>]*>?", re.IGNORECASE)
    return pattern


@dataclass(frozen=True, slots=True)
class Bounded:
    """Markup a parser can read in bounded time, and what was left out."""

    markup: str
    limit: str | None = None
    """Why the markup is not the page as served: "depth" (nesting flattened), "options"
    (`<option>` tags past MAX_OPTIONS dropped), "tags" (reading stopped after MAX_TAGS) or
    "time" (the CPU budget was spent); None when it is."""


# Every tag as `_flatten` reads it, in one C scan: a comment, a raw-text element with its
# content (its end tag, or the rest of the page), or a start or end tag (groups: the raw-text
# element's name; "/" for an end tag; the tag's name).
_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes)(?![a-zA-Z0-9:-])"
    r"(?:[^>]*>|[^>]*\Z).*?(?:</\1[^>]*>?|\Z)"
    r"|<plaintext(?![a-zA-Z0-9:-]).*\Z"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>?",
    re.DOTALL | re.ASCII,
)
"""Searched in the lower-cased page."""
_LOWER_TO_ASCII = ("\u0130", "\u212a")
"""The only characters whose lower case holds an ASCII letter (İ → i̇, the Kelvin sign → k):
in the lower-cased page they could make a tag of what is text."""


def bound(document: str, budget: Budget | None = None) -> Bounded:
    """The page's markup with its nesting and tag count bounded (see the module's note)."""
    if document.count("<") <= SAFE_TAGS or _shallow(document):
        return Bounded(document)
    return _flatten(document, budget)


def _shallow(document: str, lowered: str | None = None) -> bool:
    """True when `_flatten` would keep every tag of `document` but stray end tags: at most
    `MAX_TAGS` tags, never `MAX_DEPTH` elements open.

    The depth counted here bounds `_flatten`'s from above: every start tag but a void or
    raw-text one opens its element (even "/>" inside SVG), an end tag closes only the one
    element it names when one is open (never those above it) and no end tag is implied, so
    for every name at least as many elements are open here as there. A page whose count stays
    below the limit needs no flattening; the stray end tags it keeps each cost the parser a
    walk down a stack of fewer than `MAX_DEPTH` elements. A page over it (deep, or with many
    unclosed `<p>` or `<li>`) is read by `_flatten`, which decides."""
    if document.count("<") > MAX_TAGS:
        return False
    if not document.isascii() and any(c in document for c in _LOWER_TO_ASCII):
        return False
    depth = 0
    options = 0
    open_count: dict[str, int] = {}
    get = open_count.get
    for _raw, closing, name in _TOKENS.findall(document.lower() if lowered is None else lowered):
        if not name:
            continue  # a comment or a raw-text element: nothing stays open
        if name == "option" and not closing:
            options += 1
            if options > MAX_OPTIONS:
                return False
        if closing:
            count = get(name)
            if count:
                open_count[name] = count - 1
                depth -= 1
        elif name not in _VOID:
            open_count[name] = get(name, 0) + 1
            depth += 1
            if depth >= MAX_DEPTH:
                return False
    return True


def _flatten(document: str, budget: Budget | None = None) -> Bounded:
    """Drop start tags past MAX_DEPTH and end tags that close nothing; stop after MAX_TAGS,
    or when `budget` is spent."""
    pieces: list[str] = []
    stack: list[str] = []
    open_count: dict[str, int] = {}
    limit: str | None = None
    kept_from = 0
    position = 0
    tags = 0
    options = 0

    def pop_to(name: str) -> None:
        while stack:
            top = stack.pop()
            open_count[top] -= 1
            if top == name:
                return

    def close_implied(name: str, scope: frozenset[str]) -> None:
        """Close an open `name` near the top of the stack, unless `scope` is nearer."""
        for open_name in reversed(stack[-_LOOKBACK:]):
            if open_name == name:
                pop_to(name)
                return
            if open_name in scope:
                return

    while True:
        match = _TAG.search(document, position)
        if match is None:
            break
        tags += 1
        if tags > MAX_TAGS:
            pieces.append(document[kept_from : match.start()])
            return Bounded("".join(pieces), "tags")
        if budget is not None and tags % CHECK_EVERY == 0 and budget.over():
            pieces.append(document[kept_from : match.start()])
            return Bounded("".join(pieces), "time")
        position = match.end()
        name = (match.group(2) or "").lower()
        if not name:
            continue  # a comment
        if match.group(1):  # an end tag
            if open_count.get(name, 0) > 0:
                pop_to(name)
            else:
                # Closes nothing: a parser would walk the whole stack to ignore it.
                pieces.append(document[kept_from : match.start()])
                kept_from = position
            continue
        if name in _RAW_TEXT:
            end = _end_tag(name).search(document, position) if name != "plaintext" else None
            position = len(document) if end is None else end.end()
            continue
        if name in _VOID:
            continue
        if name == "option":
            options += 1
            if options > MAX_OPTIONS:
                pieces.append(document[kept_from : match.start()])
                kept_from = position
                limit = limit or "options"
                continue
        if match.group(3) and (open_count.get("svg", 0) or open_count.get("math", 0)):
            continue  # "/>" closes an element only inside SVG and MathML
        if name in _TABLE_PARTS and not open_count.get("table", 0):
            continue  # parsers ignore table parts outside a table
        scope = _SIBLINGS.get(name)
        if scope is not None:
            close_implied(name, scope)
        if name in _CLOSES_P and open_count.get("p", 0) > 0:
            close_implied("p", _P_SCOPE)
        if len(stack) >= MAX_DEPTH:
            pieces.append(document[kept_from : match.start()])
            kept_from = position
            limit = "depth"
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
    pieces.append(document[kept_from:])
    return Bounded("".join(pieces), limit)
