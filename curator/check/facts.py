"""What the fetcher saw: frozen facts, no verdicts. The classifier reads only these.

These values are the contract between `fetcher.py` (the only network code) and
`classifier.py` (pure rules). Foreign exceptions are translated once, at the fetcher's
boundary, into an `ErrorKind`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from curator.domain import Verdict


class ErrorKind(StrEnum):
    """Why a fetch ended without a usable final response; most specific first."""

    DNS_NXDOMAIN = "dns_nxdomain"
    """The name does not exist (NXDOMAIN / no address records)."""
    DNS_FAILURE = "dns_failure"
    """The resolver failed or timed out (SERVFAIL, no network): says nothing about the site."""
    BLOCKED_ADDRESS = "blocked_address"
    """The name resolves to a loopback, private or reserved address: refused, never connected."""
    CONNECT_REFUSED = "connect_refused"
    CONNECT_TIMEOUT = "connect_timeout"
    CONNECT_ERROR = "connect_error"
    """Unreachable network/host, or another failure before the connection was made."""
    TLS_EXPIRED = "tls_expired"
    TLS_SELF_SIGNED = "tls_self_signed"
    TLS_HOSTNAME = "tls_hostname"
    TLS_ERROR = "tls_error"
    READ_TIMEOUT = "read_timeout"
    DEADLINE = "deadline"
    """The whole fetch (all hops and body) passed its wall-clock deadline."""
    RESET = "reset"
    """The connection was reset or closed before a complete response."""
    PROTOCOL = "protocol"
    """A response curator cannot parse as HTTP (garbage, oversized headers)."""
    DECODING = "decoding"
    """The body's content encoding is invalid."""
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    INVALID_URL = "invalid_url"
    """The URL (or a redirect's Location) is not a fetchable http(s) URL."""
    CHECKER_ERROR = "checker_error"
    """curator itself failed while checking the URL (a bug, logged): says nothing about the
    site."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One request/response of a redirect chain, as evidence."""

    url: str
    status: int | None
    address: str | None = None
    """The IP address actually connected to."""
    location: str | None = None
    """The Location header (absolute), for 3xx."""
    elapsed_ms: int = 0


@dataclass(frozen=True, slots=True)
class Page:
    """What curator read of the final response's body (capped)."""

    content_type: str | None = None
    title: str | None = None
    headings: tuple[str, ...] = ()
    """h1 texts, then h2 texts, for error-page signatures and the page's main heading."""
    text: str = ""
    """Visible text, whitespace collapsed, scripts/styles/navigation removed."""
    chrome: str = ""
    """The text of the page's header, footer and navigation (a site's name, its helpline
    number), kept apart from `text` because every page of a site shares it."""
    meta_refresh: str | None = None
    """The absolute target of a <meta http-equiv=refresh>, if any."""
    canonical: str | None = None
    site_name: str | None = None
    """The site's own name (`og:site_name` or `application-name` meta), when it gives one."""
    bytes_read: int = 0
    truncated: bool = False
    """True when the body cap stopped reading."""
    fingerprint: str | None = None
    """A fingerprint of the visible text (see curator.check.text)."""
    markup_sample: str = ""
    """The start and the end of the decoded body as markup: parking scripts and bot-challenge
    scripts live in tags and attributes, not in visible text (see curator.check.quirks)."""
    links: tuple[str, ...] = ()
    """The first links' targets (href of <a>, as written, entities decoded), in page order."""
    scripts: int = 0
    """How many <script> elements the page has."""
    media: int = 0
    """How many images, frames, embeds, objects, videos, audios and canvases it has."""
    player: tuple[tuple[str, str], ...] = ()
    """Fields of a video player's data embedded in the page, as (field, value): what the
    player itself says of the video (see `curator.check.quirks.PLAYER_FIELDS`)."""
    parse_limit: str | None = None
    """Why only part of the page was parsed: "depth" (nesting flattened), "options" (a
    drop-down list's options past the limit left out), "tags" (reading stopped after too many
    tags), "time" (the CPU budget was spent); None when all of it was (see
    curator.check.markup)."""
    dialled: tuple[str, ...] = ()
    """The numbers the page offers as links to call or text (`tel:`, `sms:`, `callto:`), as
    written after the scheme: a "Call us free" button shows its number only there."""
    text_capped: bool = False
    """True when `text` is only the start of the page's text (its first MAX_TEXT_CHARS
    characters): what the page says further down was not read."""
    section_found: bool | None = None
    """Whether the page has the section the link's fragment names (`#reporting`: an element
    with that id, or an `<a name>`); None when the link names none, or the page cannot tell
    (its section anchors may be drawn by scripts, or only part of it was read)."""

    @property
    def read_in_part(self) -> bool:
        """True when only part of what the page says was read: its body was cut at the
        size cap, its text at MAX_TEXT_CHARS, or its reading stopped (too many tags, the
        CPU budget spent)."""
        return self.truncated or self.text_capped or self.parse_limit in ("tags", "time")

    @property
    def blank(self) -> bool:
        """True when the body has nothing in it: no bytes, or only whitespace."""
        if self.truncated or self.text.strip():
            return False
        if self.bytes_read == 0:
            return True
        kind = (self.content_type or "").split(";", 1)[0].strip().lower()
        return kind in _TEXTUAL and not self.markup_sample.strip()


_TEXTUAL = frozenset({"", "text/html", "text/plain", "application/xhtml+xml"})


SNAPSHOT_TEXT_CHARS = 1000
"""How much of a good page's visible text its snapshot keeps."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A link's last good page, kept as history: what the resource read like when it worked.

    The classifier compares today's page with it (a lapsed domain now showing another site),
    and suggestions match moved pages against it.
    """

    title: str | None = None
    heading: str | None = None
    """The page's main heading (its first h1, else its first h2)."""
    site_name: str | None = None
    text: str = ""
    """The start of its visible text (at most `SNAPSHOT_TEXT_CHARS` characters)."""
    fingerprint: str | None = None

    @classmethod
    def of(cls, page: Page | None) -> Snapshot | None:
        """What to remember of a working page; None when it has neither title nor text."""
        if page is None or not (page.title or page.text):
            return None
        return cls(
            title=page.title,
            heading=page.headings[0] if page.headings else None,
            site_name=page.site_name,
            text=page.text[:SNAPSHOT_TEXT_CHARS],
            fingerprint=page.fingerprint,
        )


@dataclass(frozen=True, slots=True)
class Certificate:
    """The TLS certificate the final response came with (https only)."""

    host: str
    expires_at: datetime
    """Its notAfter, UTC."""
    issuer: str | None = None
    """The issuing CA's organisation and common name ("Let's Encrypt R11")."""


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the fetcher learned about one URL."""

    url: str
    hops: tuple[Hop, ...] = ()
    status: int | None = None
    """The final response's status; None when no final response arrived."""
    final_url: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """The final response's headers (lower-case names), a bounded number of them."""
    page: Page | None = None
    error: ErrorKind | None = None
    error_detail: str | None = None
    attempts: int = 1
    elapsed_ms: int = 0
    retry_after: float | None = None
    """Seconds from a Retry-After header of the last response, if any."""
    certificate: Certificate | None = None
    """The final response's TLS certificate, when it came over https."""

    def header(self, name: str) -> str | None:
        """The final response's header `name` (case-insensitive), if present."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k == lowered), None)


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What a video host's oEmbed endpoint says of a video URL."""

    provider: str
    available: bool
    status: int | None
    title: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class SiteBaseline:
    """What a host returns for a random path that cannot exist (the soft-404 probe)."""

    host: str
    probe_url: str
    status: int | None
    final_url: str | None
    title: str | None
    fingerprint: str | None
    text_sample: str = ""
    error: ErrorKind | None = None
    """Why the probe got no usable answer (then the baseline says nothing about the site)."""
    headings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a resource promises to show: from the catalog entry."""

    title: str
    kind: str = "webpage"
    expect_text: tuple[str, ...] = ()
    phone: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict of one check, with its human detail and evidence."""

    verdict: Verdict
    detail: str
    suggested_url: str | None = None
    rule: str = ""
    """The name of the classifier rule that decided."""
    evidence: dict[str, object] = field(default_factory=dict)
