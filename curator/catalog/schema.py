"""The catalog's schema: guides → sections → resources, as resources.yaml writes them.

Unknown fields are refused so a typo (`expect_txt`) never silently disables a check.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated

import httpx
import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from curator.domain import ResourceKind, next_review_due, parse_interval

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PHONE_REGION = "GB"


def slugify(text: str) -> str:
    """A resource id from a title: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:120].strip("-")


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host, else a ValueError saying so."""
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        raise ValueError("not an http(s) URL (it contains spaces)")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not an http(s) URL ({exc})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("not an http(s) URL")
    return value


def check_phone(value: str) -> str:
    """A phone number phonenumbers can read for the UK, kept as printed."""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(
            f"not a phone number phonenumbers can read for region {PHONE_REGION}"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number for region {PHONE_REGION}")
    return value


def phone_e164(value: str) -> str:
    """The E.164 form of a catalog phone number ("0345 6000 459" → "+443456000459")."""
    return phonenumbers.format_number(
        phonenumbers.parse(value, PHONE_REGION), phonenumbers.PhoneNumberFormat.E164
    )


def _check_interval(value: str) -> str:
    parse_interval(value)
    return value


HttpUrl = Annotated[str, AfterValidator(check_http_url)]
Phone = Annotated[str, AfterValidator(check_phone)]
ReviewInterval = Annotated[str, AfterValidator(_check_interval)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class ResourceSpec(_Strict):
    """One resource as the catalog file gives it."""

    id: Slug | None = None
    title: Text
    url: HttpUrl
    kind: ResourceKind = ResourceKind.WEBPAGE
    description: str | None = None
    phone: Phone | None = None
    expect_text: list[Text] = Field(default_factory=list)
    audience: str | None = None
    region: str | None = None
    notes: str | None = None

    @property
    def key(self) -> str:
        """The resource's identity within its guide: its id, else derived from its title."""
        return self.id or slugify(self.title)


class SectionSpec(_Strict):
    """A heading of a guide's resource list."""

    title: Text
    resources: list[ResourceSpec] = Field(default_factory=list)


class GuideSpec(_Strict):
    """A guide and its resource list."""

    slug: Slug
    title: Text
    source_url: HttpUrl | None = None
    review_every: ReviewInterval | None = None
    last_reviewed: date | None = None
    editors: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = Field(
        default_factory=list
    )
    sections: list[SectionSpec] = Field(default_factory=list)

    def next_review_due(self) -> date | None:
        """When the guide's next review falls due, if it has an interval and a last review."""
        return next_review_due(self.review_every, self.last_reviewed)

    def all_resources(self) -> list[tuple[SectionSpec, ResourceSpec]]:
        """Every resource with its section, in the order of the file."""
        return [(s, r) for s in self.sections for r in s.resources]


class Catalog(_Strict):
    """The whole catalog file."""

    guides: list[GuideSpec]

    def guide(self, slug: str) -> GuideSpec | None:
        """The guide with this slug, if the catalog has it."""
        return next((g for g in self.guides if g.slug == slug), None)
