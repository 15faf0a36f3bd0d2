"""The catalog's schema: guides → sections → resources, as resources.yaml writes them.

Unknown fields are refused so a typo (`expect_txt`) never silently disables a check.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from curator import phones
from curator.domain import ResourceKind, next_review_due, parse_interval

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PHONE_REGION = phones.REGION

# Lengths the database stores (String(n) columns, and PostgreSQL's limit on an index entry for
# the indexed URL), and bounds that keep a catalog's values to what an editor writes.
SLUG_MAX = 120
TITLE_MAX = 500
TEXT_MAX = 10_000
LINE_MAX = 500
URL_MAX_BYTES = 2_000
PHONE_MAX = 40
INTERVAL_MAX = 40
EMAIL_MAX = 254
LIST_MAX = 100

# Characters that end a line (and so would end an email header) or are not text at all.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\Z")
_EMAIL_PART = r"[^@\s,;:<>()\[\]\\\"\x00-\x1f\x7f]+"
_EMAIL = re.compile(rf"{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}\Z")


def slugify(text: str) -> str:
    """A resource id from a title: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:SLUG_MAX].strip("-")


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def check_line(value: str, limit: int = LINE_MAX) -> str:
    """One line of text (a title, a region) within `limit` characters, else a ValueError.

    Line breaks and control characters are refused: a title ends up in an email's subject,
    where a line break would end the header.
    """
    bad = _NOT_ONE_LINE.search(value)
    if bad is not None:
        if bad.group() in _LINE_BREAKS:
            raise ValueError(
                f"must be one line (it contains a line break, {_codepoint(bad.group())})"
            )
        raise ValueError(f"must not contain control characters ({_codepoint(bad.group())})")
    if len(value) > limit:
        raise ValueError(f"must be at most {limit:,} characters (it has {len(value):,})")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_title(value: str) -> str:
    """A title: one line, not empty, at most TITLE_MAX characters."""
    return check_line(value, TITLE_MAX)


def check_text(value: str, limit: int = TEXT_MAX) -> str:
    """Free text (a description, notes): lines allowed, control characters and NUL not."""
    bad = _NOT_TEXT.search(value)
    if bad is not None:
        raise ValueError(f"must not contain control characters ({_codepoint(bad.group())})")
    if len(value) > limit:
        raise ValueError(f"must be at most {limit:,} characters (it has {len(value):,})")
    return value


def check_email(value: str) -> str:
    """An email address (name@example.org) that fits an email header as it is."""
    if len(value) > EMAIL_MAX or not _EMAIL.match(value) or ".." in value:
        raise ValueError("not an email address (e.g. editor@example.org)")
    return value


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host and a valid port, that the database can index.

    Stricter than httpx's parser (which takes ports such as 99999 or -1), so that every URL
    the catalog holds is one the checker can fetch.
    """
    if not isinstance(value, str) or any(c.isspace() for c in value):
        raise ValueError("not an http(s) URL (it contains spaces)")
    bad = _NOT_ONE_LINE.search(value)
    if bad is not None:
        raise ValueError(
            f"not an http(s) URL (it contains a control character, {_codepoint(bad.group())})"
        )
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > URL_MAX_BYTES:
        raise ValueError(f"must be at most {URL_MAX_BYTES:,} bytes long (it has {size:,})")
    scheme, separator, rest = value.partition("://")
    if not separator or scheme.lower() not in ("http", "https"):
        raise ValueError("not an http(s) URL")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("["):
        literal, closing, port = host_port[1:].partition("]")
        if not closing or port and not port.startswith(":"):
            raise ValueError("not an http(s) URL (its host is not valid)")
        port = port[1:]
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            raise ValueError("not an http(s) URL (its IPv6 address is not valid)") from None
    else:
        host, _, port = host_port.partition(":")
        _check_host(host)
    if port and not (
        port.isascii() and port.isdigit() and len(port) <= 5 and 1 <= int(port) <= 65535
    ):
        raise ValueError(f"not an http(s) URL (port {port!r} is not a number from 1 to 65535)")
    return value


def _check_host(host: str) -> None:
    if not host:
        raise ValueError("not an http(s) URL")
    lowered = host.lower()
    if not lowered.isascii():
        import idna  # only for internationalised names; httpx encodes them with it

        try:
            lowered = idna.encode(lowered).decode("ascii")
        except idna.IDNAError:
            raise ValueError("not an http(s) URL (its host name is not valid)") from None
    labels = lowered.removesuffix(".").split(".")
    if len(lowered) > 253 or not all(
        len(label) <= 63 and _HOST_LABEL.match(label) for label in labels
    ):
        raise ValueError("not an http(s) URL (its host name is not valid)")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(lowered.removesuffix("."))
        except ValueError:
            raise ValueError("not an http(s) URL (its IPv4 address is not valid)") from None


def check_phone(value: str) -> str:
    """A phone number valid for the UK, or a UK short number (see `curator.phones`), kept
    as printed."""
    check_line(value, PHONE_MAX)
    return phones.check(value)


_DAYS_IN = {"day": 1, "week": 7, "month": 31, "year": 366}
_LONGEST_INTERVAL_DAYS = 10 * 366


def _check_interval(value: str) -> str:
    interval = parse_interval(value)
    if not value.isascii() or interval.count * _DAYS_IN[interval.unit] > _LONGEST_INTERVAL_DAYS:
        raise ValueError("a review interval of at most 10 years")
    return value


HttpUrl = Annotated[str, AfterValidator(check_http_url)]
SHORT_NUMBER_DIGITS = 6


def _phone_as_printed(value: Any) -> Any:
    """A short number written without quotes (`phone: 111`) is read by YAML as an integer:
    its digits are the number as printed. A longer one may have lost its + or leading 0 (or
    been read as octal): it must be written in quotes."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 < value < 10**SHORT_NUMBER_DIGITS:
            return str(value)
        raise ValueError(
            "read as an integer, which loses a + or a leading 0: write the number in quotes "
            'as printed ("+44 345 6000 459")'
        )
    return value


Phone = Annotated[str, BeforeValidator(_phone_as_printed), AfterValidator(check_phone)]
ReviewInterval = Annotated[str, Field(max_length=INTERVAL_MAX), AfterValidator(_check_interval)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
Title = Annotated[str, AfterValidator(check_title)]
Line = Annotated[str, AfterValidator(check_line)]
LongText = Annotated[str, AfterValidator(check_text)]
Email = Annotated[str, AfterValidator(check_email)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


_GIVEN: dict[frozenset[str], set[str]] = {}
"""One set of given field names per combination of fields resources give (see ResourceSpec)."""


class ResourceSpec(_Strict):
    """One resource as the catalog file gives it."""

    id: Slug | None = None
    title: Title
    url: HttpUrl
    kind: ResourceKind = ResourceKind.WEBPAGE
    description: LongText | None = None
    phone: Phone | None = None
    expect_text: list[Line] = Field(default_factory=list, max_length=LIST_MAX)
    audience: Line | None = None
    region: Line | None = None
    notes: LongText | None = None

    @property
    def key(self) -> str:
        """The resource's identity within its guide: its id, else derived from its title."""
        return self.id or slugify(self.title)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of which fields the file gave with every resource that gave the same
        ones: pydantic keeps a set per model (about 700 bytes, half of what a resource's model
        holds besides its values), and a catalog of 50,000 resources has a handful of such
        sets. A frozen model's set is never changed in place (a copy gets its own)."""
        given = self.__pydantic_fields_set__
        object.__setattr__(
            self, "__pydantic_fields_set__", _GIVEN.setdefault(frozenset(given), given)
        )


class SectionSpec(_Strict):
    """A heading of a guide's resource list."""

    title: Title
    resources: list[ResourceSpec] = Field(default_factory=list)


class GuideSpec(_Strict):
    """A guide and its resource list."""

    slug: Slug
    title: Title
    source_url: HttpUrl | None = None
    review_every: ReviewInterval | None = None
    last_reviewed: date | None = None
    editors: list[Email] = Field(default_factory=list, max_length=LIST_MAX)
    sections: list[SectionSpec] = Field(default_factory=list)

    def next_review_due(self) -> date | None:
        """When the guide's next review falls due, if it has an interval and a last review."""
        return next_review_due(self.review_every, self.last_reviewed)

    def all_resources(self) -> list[tuple[SectionSpec, ResourceSpec]]:
        """Every resource with its section, in the order of the file."""
        return [(s, r) for s in self.sections for r in s.resources]


def _exclude_pattern(value: str) -> str:
    if len(value) > LINE_MAX:
        raise ValueError(f"at most {LINE_MAX} characters")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc})") from None
    return value


ExcludePattern = Annotated[str, AfterValidator(_exclude_pattern)]
"""A regular expression (Python's syntax) that leaves out of every check the addresses it
finds something in (`curator check`'s `--exclude` too)."""


class Catalog(_Strict):
    """The whole catalog file."""

    exclude: list[ExcludePattern] = Field(default_factory=list, max_length=LIST_MAX)
    guides: list[GuideSpec]

    def guide(self, slug: str) -> GuideSpec | None:
        """The guide with this slug, if the catalog has it."""
        return next((g for g in self.guides if g.slug == slug), None)
