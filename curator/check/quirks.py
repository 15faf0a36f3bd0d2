"""Site quirks as data: named signatures the classifier looks for, not `if` chains.

Each table entry names what it recognises (a parking service, a bot wall's vendor, an error
page's wording in one language, a video host), so an outcome can say which signature matched
and a new quirk is one more row. Patterns are written in lower case, match lower-cased text
and are searched, not anchored, unless they say otherwise. The tables themselves live in
`curator.check.signatures`; this module holds the machinery and the small tables of sites.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import re2


class Where(StrEnum):
    """The part of a response a signature is searched in."""

    TITLE = "title"
    HEADING = "heading"
    TEXT = "text"
    """Visible text; only on short pages (see `Signature.short_page_only`)."""
    MARKUP = "markup"
    """The start and end of the body as markup (scripts, iframes, attributes)."""
    HOST = "host"
    """The final URL's host name."""
    URL = "url"
    """Every address the chain went through after the first, and a meta refresh's target."""
    HEADER = "header"
    """A response header, named by `Signature.header`."""

    __hash__ = str.__hash__  # as its value hashes, in C (an Enum's own hash is Python code)


@dataclass(frozen=True, slots=True)
class Signature:
    """One named pattern, searched in one part of a response.

    Patterns are written in lower case and searched in lower-cased text: one combined pattern
    per part is much faster than case-insensitive matching, pattern by pattern.
    """

    name: str
    where: Where
    pattern: str
    header: str | None = None
    short_page_only: bool = False
    """Count a match only on a short page: long pages may merely mention the words."""
    language: str | None = None
    any_status: bool = False
    """For bot walls: also counts on a success status (strong markers only)."""


_UPPER = re.compile(r"[A-Z]")
_ESCAPE = re.compile(r"\\.")
_MARKS = re.compile("[\u0300-\u036f]")
_FOLD = (
    ("‘", "'"),
    ("’", "'"),
    ("‚", "'"),
    ("ʼ", "'"),
    ("“", '"'),
    ("”", '"'),
    ("–", "-"),
    ("—", "-"),
    ("\xa0", " "),
)
"""Typographic characters and the plain ones they fold to (each is looked for, then replaced
where present: a translation table costs a dictionary look-up per character)."""


def fold(text: str) -> str:
    """`text` as signatures read it: lower case, accents dropped ("é" → "e"), typographic
    quotes and dashes made plain. Patterns are folded the same way, so they may be written
    with accents or without."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered  # nothing to fold: every quote, dash and accent is non-ASCII
    return without_accents(_plain(lowered))


def _plain(text: str) -> str:
    """`text` with its typographic quotes, dashes and no-break spaces made plain."""
    for typographic, plain in _FOLD:
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


def without_accents(text: str) -> str:
    """`text` with its letters' accents dropped ("é" → "e"; "ł", "ß" and other scripts kept)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", text)))


def compile_signatures(pattern: str) -> Any:
    """A pattern compiled by RE2: linear in the text, and one combined pattern costs about
    what one pattern does (Python's own engine tries each alternative at every position)."""
    return re2.compile(pattern)


def sig(
    name: str,
    where: Where,
    pattern: str,
    *,
    header: str | None = None,
    short: bool = False,
    lang: str | None = None,
    any_status: bool = False,
) -> Signature:
    """A signature; its pattern is checked to be written in lower case, and is folded as the
    text it is searched in is (see `fold`). It is compiled when first searched for (RE2 takes
    about half a millisecond a pattern, and most are never needed by a run); `Table.compile`
    compiles a table's at once, as the tests do for every table."""
    if _UPPER.search(_ESCAPE.sub("", pattern)):
        raise ValueError(f"signature {name}: write the pattern in lower case: {pattern!r}")
    pattern = without_accents(_plain(pattern))
    return Signature(
        name=name,
        where=where,
        pattern=pattern,
        header=header,
        short_page_only=short or where is Where.TEXT,
        language=lang,
        any_status=any_status,
    )


SHORT_PAGE_WORDS = 350
"""A page of at most this many words may be an error or parking page by its text alone."""


@dataclass(frozen=True, slots=True)
class Found:
    """A signature that matched, and the value it matched in (a title, a heading…)."""

    signature: Signature
    value: str
    """The (lower-cased) value it matched in."""
    matched: str
    index: int = 0
    """Which value of its part it matched in (the n-th heading…)."""
    span: tuple[int, int] = (0, 0)
    """Where in that value it matched."""

    @property
    def name(self) -> str:
        """The signature's name, for evidence."""
        return self.signature.name

    @property
    def label(self) -> str:
        """The signature's name as an editor reads it."""
        return label(self.signature.name)

    @property
    def shown(self) -> str:
        """What to quote to an editor: a whole title or heading, the matched words of a text."""
        if self.signature.where in (Where.TEXT, Where.MARKUP, Where.URL):
            return self.matched
        return self.value


@dataclass(slots=True)
class _Group:
    """Signatures searched together: the same part, header and limits."""

    where: Where
    header: str | None
    short_page_only: bool
    any_status: bool
    members: tuple[Signature, ...]
    keys: frozenset[int]
    """The members' patterns' numbers in the prefilter of their part (see `Prefilter`)."""
    _pattern: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @property
    def pattern(self) -> Any:
        """The members' patterns as one (see `compile_signatures`), compiled on first use."""
        compiled = self._pattern
        if compiled is None:
            for member in self.members:
                try:
                    compile_signatures(member.pattern)
                except re2.error as exc:
                    raise ValueError(
                        f"signature {member.name}: the pattern does not compile ({exc}): "
                        f"{member.pattern!r}"
                    ) from None
            compiled = self._pattern = compile_signatures(
                "|".join(f"(?P<s{i}>{m.pattern})" for i, m in enumerate(self.members))
            )
        return compiled


class Prefilter:
    """Every table's patterns, one RE2 set per part: which of them occur in a value is one
    scan of it, however many signatures and tables there are.

    A table searches a value with one of its combined patterns only when the set found one of
    that pattern's members in it; most pages match no signature at all, so a check costs one
    scan per value instead of one search per table and group. The answer is exact (a set
    reports every pattern that matches somewhere), so what a table finds is unchanged. Values
    are remembered for a while, by identity: the rules of one check ask about the same title,
    text and markup (the same strings) many times, and a string's identity is known without
    hashing its text.
    """

    REMEMBERED = 256
    """How many values' answers are kept before the memo starts over."""

    def __init__(self) -> None:
        self._numbers: dict[Where, dict[str, int]] = {}
        self._sets: dict[Where, Any] = {}
        self._memo: dict[tuple[Where, int], tuple[str, frozenset[int]]] = {}
        """(part, id of a value) → (the value, kept so that its id stays its own; its hits)."""
        self.generation = 0
        """Changes whenever a pattern is added: what `Parts` found before is out of date."""

    def add(self, where: Where, pattern: str) -> int:
        """The number of `pattern` in `where`'s set (the same pattern keeps one number)."""
        numbers = self._numbers.setdefault(where, {})
        number = numbers.get(pattern)
        if number is None:
            number = numbers[pattern] = len(numbers)
            self._sets.pop(where, None)  # compiled again, with it, on next use
            self._memo.clear()
            self.generation += 1
        return number

    def wheres(self) -> tuple[Where, ...]:
        """The parts some pattern is searched in."""
        return tuple(self._numbers)

    def patterns(self, where: Where) -> tuple[str, ...]:
        """The patterns of `where`, in number order."""
        return tuple(self._numbers.get(where, {}))

    def hits(self, where: Where, value: str) -> frozenset[int]:
        """The numbers of the patterns of `where` that occur in `value`."""
        key = (where, id(value))
        known = self._memo.get(key)
        if known is not None and known[0] is value:
            return known[1]
        matched = self._set(where).Match(value)
        found = frozenset(matched) if matched else _NOTHING
        if len(self._memo) >= self.REMEMBERED:
            self._memo.clear()
        self._memo[key] = (value, found)
        return found

    def _set(self, where: Where) -> Any:
        compiled = self._sets.get(where)
        if compiled is None:
            compiled = re2.Set.SearchSet()
            for pattern in self.patterns(where):
                compiled.Add(pattern)
            compiled.Compile()
            self._sets[where] = compiled
        return compiled


_NOTHING: frozenset[int] = frozenset()

PREFILTER = Prefilter()
"""The prefilter every table registers its patterns with."""


class Parts:
    """The lower-cased values of one response's parts, by where signatures look, and which of
    a prefilter's patterns occur in them: each part is read and scanned once, on first use,
    however many tables ask about it.

    A table first asks which patterns occur anywhere in the parts (`found`, one scan of each
    part for every table at once): on most pages none of its own, and it is done.
    """

    def __init__(self, read: Callable[[Where], Sequence[str]]) -> None:
        self._read = read
        self._values: dict[Where, Sequence[str]] = {}
        self._seen: dict[tuple[Prefilter, Where], tuple[int, tuple[frozenset[int], ...]]] = {}
        self._found: dict[Prefilter, tuple[int, frozenset[tuple[Where, int]]]] = {}

    @classmethod
    def of(cls, values: Mapping[Where, Sequence[str]]) -> Parts:
        """Parts holding `values` (any part not named has none)."""
        held = {where: tuple(found) for where, found in values.items()}
        return cls(lambda where: held.get(where, ()))

    def replacing(self, values: Mapping[Where, Sequence[str]]) -> Parts:
        """These parts with other `values` for some parts: what was found in the others is
        kept (only the new values are scanned)."""
        held = {where: tuple(found) for where, found in values.items()}
        parts = Parts(lambda where: held[where] if where in held else self.values(where))
        for (prefilter, where), seen in self._seen.items():
            if where not in held:
                parts._seen[(prefilter, where)] = seen
        return parts

    def values(self, where: Where) -> Sequence[str]:
        """The values of `where` (a title, each heading…)."""
        values = self._values.get(where)
        if values is None:
            values = self._values[where] = self._read(where)
        return values

    def seen(self, prefilter: Prefilter, where: Where) -> tuple[frozenset[int], ...]:
        """For each value of `where`, the numbers of `prefilter`'s patterns that occur in it."""
        known = self._seen.get((prefilter, where))
        if known is not None and known[0] == prefilter.generation:
            return known[1]
        hits = prefilter.hits
        seen = tuple([hits(where, value) if value else _NOTHING for value in self.values(where)])
        self._seen[(prefilter, where)] = (prefilter.generation, seen)
        return seen

    def found(self, prefilter: Prefilter) -> frozenset[tuple[Where, int]]:
        """(part, pattern number) of every pattern of `prefilter` occurring in these parts."""
        known = self._found.get(prefilter)
        if known is not None and known[0] == prefilter.generation:
            return known[1]
        pairs: list[tuple[Where, int]] = []
        for where in prefilter.wheres():
            for numbers in self.seen(prefilter, where):
                if numbers:
                    pairs.extend([(where, number) for number in numbers])
        found = frozenset(pairs)
        self._found[prefilter] = (prefilter.generation, found)
        return found


class Table:
    """Named signatures compiled into one combined pattern per part and limit.

    A combined pattern is searched only where the prefilter saw one of its members, so a
    check costs one scan per part's value whatever the number of tables and signatures,
    and a table none of whose patterns occur in a page costs one set comparison (see
    `Prefilter` and `Parts`). Parts are searched in the order the table first names them;
    within a part, the match found first in the text decides which signature is reported.
    """

    def __init__(self, *signatures: Signature, prefilter: Prefilter = PREFILTER) -> None:
        self.signatures = signatures
        keyed: dict[tuple[Where, str | None, bool, bool], list[Signature]] = {}
        for signature in signatures:
            key = (
                signature.where,
                signature.header,
                signature.short_page_only,
                signature.any_status,
            )
            keyed.setdefault(key, []).append(signature)
        self._groups = tuple(
            _Group(
                where,
                header,
                short,
                strong,
                tuple(members),
                frozenset(
                    prefilter.add(where, m.pattern) for m in members if where is not Where.HEADER
                ),
            )
            for (where, header, short, strong), members in keyed.items()
        )
        self._prefilter = prefilter
        self._keys = frozenset(
            (group.where, number) for group in self._groups for number in group.keys
        )
        """Every (part, pattern number) of the table's groups in the prefilter."""
        self._headers = frozenset(
            group.header or "" for group in self._groups if group.where is Where.HEADER
        )

    def first(
        self,
        parts: Parts,
        *,
        headers: Mapping[str, str] | None = None,
        short_page: bool = True,
        success: bool = False,
    ) -> Found | None:
        """The first signature found in `parts` (and `headers`), honouring each one's limits.

        `parts` and `headers` hold lower-cased text; `success` keeps to the signatures
        that count on a success status (`any_status`)."""
        prefilter = self._prefilter
        if self._keys.isdisjoint(parts.found(prefilter)) and (
            not headers or self._headers.isdisjoint(headers)
        ):
            return None  # none of the table's patterns occurs anywhere, and no header it reads
        for group in self._groups:
            if group.short_page_only and not short_page:
                continue
            if success and not group.any_status:
                continue
            seen: Sequence[frozenset[int]] | None
            if group.where is Where.HEADER:
                value = (headers or {}).get(group.header or "")
                values: Sequence[str] = (fold(value),) if value is not None else ()
                seen = None  # a header is short: searched whenever it is sent
            else:
                values = parts.values(group.where)
                seen = parts.seen(prefilter, group.where)
            for index, value in enumerate(values):
                if not value or (seen is not None and group.keys.isdisjoint(seen[index])):
                    continue
                match = group.pattern.search(value)
                if match is not None and match.lastgroup is not None:
                    member = group.members[int(match.lastgroup[1:])]
                    return Found(member, value, match.group(), index, match.span())
        return None

    def compile(self) -> None:
        """Compile every pattern of the table now (a pattern that does not compile is a
        ValueError naming its signature); otherwise each group compiles on first use."""
        for group in self._groups:
            group.pattern  # noqa: B018 - compiled on access

    def names(self) -> frozenset[str]:
        """Every signature name in the table."""
        return frozenset(s.name for s in self.signatures)


LABELS: dict[str, str] = {
    "sedo": "Sedo parking",
    "dan_com": "Dan.com for-sale",
    "afternic": "Afternic for-sale",
    "godaddy_parking": "GoDaddy parking",
    "godaddy_forsale": "GoDaddy for-sale",
    "hugedomains": "HugeDomains for-sale",
    "bodis": "Bodis parking",
    "parkingcrew": "ParkingCrew parking",
    "above": "Above.com parking",
    "namecheap_parking": "Namecheap parking",
    "parking_script": "parking script",
    "for_sale": "for-sale",
    "parked": "parked-domain",
    "cloudflare_challenge": "Cloudflare challenge",
    "cloudflare_block": "Cloudflare block",
    "akamai": "Akamai",
    "datadome": "DataDome",
    "perimeterx": "PerimeterX",
    "imperva": "Imperva/Incapsula",
    "aws_waf": "AWS WAF",
    "sucuri": "Sucuri firewall",
    "generic_captcha": "CAPTCHA",
    "cn_waf": "site firewall",
    "script_challenge": "script challenge",
    "google_consent": "Google consent",
    "consent_wall": "cookie consent",
    "youtube": "YouTube",
    "vimeo": "Vimeo",
}


def label(name: str) -> str:
    """A signature's or provider's name as an editor reads it ("dan_com" → "Dan.com …")."""
    return LABELS.get(name, name.replace("_", " "))


# --- statuses some sites answer to automated requests -------------------------------------

BOT_WALL_STATUSES = frozenset({202, 400, 403, 405, 406, 429, 503})
"""Statuses on which a bot wall's weaker markers count (strong ones count on any status)."""


@dataclass(frozen=True, slots=True)
class StatusQuirk:
    """A non-standard status a known site answers to automated requests."""

    status: int
    name: str
    detail: str


STATUS_QUIRKS: tuple[StatusQuirk, ...] = (
    StatusQuirk(999, "linkedin_999", "LinkedIn refuses automated requests (HTTP 999)."),
    StatusQuirk(430, "shopify_430", "The shop's host refuses automated requests (HTTP 430)."),
    StatusQuirk(498, "token_required", "The site wants a token from a browser (HTTP 498)."),
)


_QUIRK_OF_STATUS = {quirk.status: quirk for quirk in reversed(STATUS_QUIRKS)}


def status_quirk(status: int | None) -> StatusQuirk | None:
    """The quirk for a non-standard status, if curator knows it."""
    return _QUIRK_OF_STATUS.get(status) if status is not None else None


# --- the site's home page ---------------------------------------------------------------------


@functools.cache
def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """`patterns` as one, each with its own case rule: searched once instead of once each."""
    return re.compile(
        "|".join(
            f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})" for p in patterns
        )
    )


HOME_PATHS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^/?$"),
    re.compile(r"^/(index|default|home)(\.(html?|php|aspx?|jsp))?/?$", re.IGNORECASE),
    re.compile(r"^/(en|en-gb|en-us|en_gb|cy|cy-gb|uk|gb|home|welcome|start)/?$", re.IGNORECASE),
    re.compile(r"^/(en|en-gb|en-us|cy)/(index|home)(\.(html?|php|aspx?))?/?$", re.IGNORECASE),
)
"""Paths that are a site's home page: where sites send deep links they no longer have."""


_ANY_HOME_PATH = _any_of(HOME_PATHS)


@functools.lru_cache(maxsize=4096)
def is_home_path(path: str) -> bool:
    """True when `path` is a home page path ("/", "/index.html", "/en/")."""
    return _ANY_HOME_PATH.match(path) is not None


# --- video hosts and their oEmbed endpoints ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class VideoHost:
    """A video host whose oEmbed endpoint tells whether a video is still there."""

    name: str
    url_patterns: tuple[re.Pattern[str], ...]
    oembed: str
    """The endpoint; the video's URL goes into its `url` query parameter."""
    status_meaning: tuple[tuple[int, bool, str], ...]
    """(oEmbed status, available, what it means for an editor)."""
    params: tuple[tuple[str, str], ...] = ()
    """Query parameters the endpoint needs besides `url`."""
    _pattern: re.Pattern[str] = dataclasses.field(init=False, repr=False, compare=False)
    """`url_patterns` as one (see `_any_of`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", _any_of(self.url_patterns))

    def matches(self, url: str) -> bool:
        """True when `url` is a video address on this host."""
        return self._pattern.search(url) is not None

    def meaning(self, status: int) -> tuple[bool, str] | None:
        """(available, meaning) for an oEmbed status, or None when it says nothing definite."""
        for code, available, meaning in self.status_meaning:
            if code == status:
                return available, meaning
        return None


def _url(pattern: str) -> re.Pattern[str]:
    return re.compile(r"^https?://" + pattern, re.IGNORECASE)


VIDEO_HOSTS: tuple[VideoHost, ...] = (
    VideoHost(
        name="youtube",
        url_patterns=(
            _url(r"(www\.|m\.|music\.)?youtube\.com/(watch\?(.*&)?v=|embed/|shorts/|live/|v/)"),
            _url(r"(www\.)?youtube-nocookie\.com/embed/"),
            _url(r"youtu\.be/[\w-]+"),
        ),
        oembed="https://www.youtube.com/oembed",
        params=(("format", "json"),),
        status_meaning=(
            (200, True, "available"),
            (401, False, "private, or its owner disabled embedding"),
            (403, False, "private, or its owner disabled embedding"),
            (404, False, "removed or never existed"),
            (400, False, "not a valid video address"),
        ),
    ),
    VideoHost(
        name="vimeo",
        url_patterns=(
            _url(r"(www\.)?vimeo\.com/(channels/[\w-]+/|groups/[\w-]+/videos/)?\d+"),
            _url(r"player\.vimeo\.com/video/\d+"),
        ),
        oembed="https://vimeo.com/api/oembed.json",
        status_meaning=(
            (200, True, "available"),
            (403, False, "private, or its owner disabled embedding"),
            (404, False, "removed or never existed"),
        ),
    ),
)


def video_host(url: str) -> VideoHost | None:
    """The video host serving `url`, if it is one curator can ask."""
    return next((h for h in VIDEO_HOSTS if h.matches(url)), None)


# --- what a video player embedded in its page says ---------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayerField:
    """A field of a video player's data that a page embeds in a script."""

    name: str
    needle: str
    """A literal the page must contain before `pattern` is tried (cheap to look for)."""
    pattern: re.Pattern[str]
    """Group 1 is the field's value."""


PLAYER_FIELDS: tuple[PlayerField, ...] = (
    PlayerField(
        "youtube_status",
        '"playabilityStatus"',
        re.compile(r'"playabilityStatus"\s*:\s*\{\s*"status"\s*:\s*"([A-Z_]{2,40})"'),
    ),
    PlayerField(
        "youtube_reason",
        '"playabilityStatus"',
        re.compile(
            r'"playabilityStatus"\s*:\s*\{[^{}]{0,300}?"(?:reason|messages)"\s*:\s*\[?\s*'
            r'"((?:[^"\\]|\\.){1,200})"'
        ),
    ),
    PlayerField(
        "youtube_subreason",
        '"subreason"',
        re.compile(
            r'"subreason"\s*:\s*\{\s*"(?:simpleText|runs"\s*:\s*\[\s*\{\s*"text)"\s*:\s*'
            r'"((?:[^"\\]|\\.){1,200})"'
        ),
    ),
    PlayerField(
        "youtube_error",
        '"playerErrorMessageRenderer"',
        re.compile(
            r'"playerErrorMessageRenderer"\s*:\s*\{.{0,400}?"reason"\s*:\s*\{\s*"simpleText"'
            r'\s*:\s*"((?:[^"\\]|\\.){1,200})"'
        ),
    ),
)
"""Player data curator reads from a page (the rest of a player's data says nothing)."""


class PlayerState(StrEnum):
    """What a player's data says of its video."""

    PLAYABLE = "playable"
    REMOVED = "removed"
    PRIVATE = "private"
    GATED = "gated"
    """It plays only after a login or an age check."""
    PAID = "paid"
    """It plays only for viewers who pay, rent it or are members."""
    REGION = "region"
    """It is there, but not shown in the country curator checks from."""


_REGION = re.compile(
    r"\b(?:in|from) your (?:country|region|location)\b|\bcountry\b.{0,40}\bcopyright grounds\b"
    r"|\bnot available in (?:this|your) (?:country|region)\b",
    re.I,
)
PLAYER_STATES: tuple[tuple[str, re.Pattern[str], PlayerState], ...] = (
    ("youtube_status", re.compile(r"^OK$"), PlayerState.PLAYABLE),
    ("youtube_subreason", _REGION, PlayerState.REGION),
    ("youtube_reason", _REGION, PlayerState.REGION),
    ("youtube_status", re.compile(r"^LIVE_STREAM_OFFLINE$"), PlayerState.PLAYABLE),
    ("youtube_reason", re.compile(r"\bprivate\b", re.I), PlayerState.PRIVATE),
    (
        "youtube_reason",
        re.compile(
            r"\b(?:payment|purchase|rent(?:al)?|buy|members?(?:hip)?|join this channel"
            r"|premium|subscri(?:be|ption))\b",
            re.I,
        ),
        PlayerState.PAID,
    ),
    (
        "youtube_reason",
        re.compile(r"\b(?:age|bot|sign in|inappropriate)\b", re.I),
        PlayerState.GATED,
    ),
    (
        "youtube_status",
        re.compile(r"^(?:AGE_\w+|CONTENT_CHECK_REQUIRED|LOGIN_REQUIRED)$"),
        PlayerState.GATED,
    ),
    ("youtube_status", re.compile(r"^(?:ERROR|UNPLAYABLE)$"), PlayerState.REMOVED),
)
"""(field, value pattern, state), first match wins: reasons before bare statuses."""


def player_state(fields: Sequence[tuple[str, str]]) -> tuple[PlayerState, str] | None:
    """What a page's embedded player data says of its video, with the player's own words."""
    if not fields:
        return None
    values = dict(fields)
    reason = values.get("youtube_reason") or values.get("youtube_error", "")
    if reason:
        values.setdefault("youtube_reason", reason)
    for field, pattern, state in PLAYER_STATES:
        value = values.get(field)
        if value is not None and pattern.search(value):
            return state, value if state is PlayerState.REGION else reason or value
    return None


VIDEO_PAGE_HOSTS: tuple[str, ...] = (
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "vimeo.com",
    "dailymotion.com",
    "dai.ly",
    "wistia.com",
    "ted.com",
    "tiktok.com",
    "twitch.tv",
    "rumble.com",
    "bitchute.com",
    "streamable.com",
    "loom.com",
    "brightcove.com",
    "vidyard.com",
)
"""Hosts whose pages are mostly a video: their words about the video are the page's message."""
