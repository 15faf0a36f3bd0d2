"""All of curator's settings, read from the environment (prefix CURATOR_) by pydantic-settings.

Build one `Settings` at the edge (CLI, app factory, scheduler) and pass it in; tests construct
`Settings(...)` directly. There is no module-level instance.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from curator.check.policy import FetchPolicy, SearchLimits
from curator.check.state import ConfirmPolicy
from curator.cron import parse_cron, zone
from curator.errors import SettingsError
from curator.registration.bootstrap import Bootstrap, load_bootstrap
from curator.registration.warnings import WatchPolicy

DEFAULT_DATABASE_URL = "sqlite:///./curator.db"
DATABASE_VARIABLES = ("CURATOR_DATABASE_URL", "DATABASE_URL")
"""Where the database URL is read from, the first one set winning."""


def database_variable(environ: Mapping[str, str] | None = None) -> str:
    """The environment variable the database URL was read from: the first of
    DATABASE_VARIABLES that is set (in any case, as the settings read them), else
    CURATOR_DATABASE_URL, the one to set."""
    names = {name.upper() for name in (os.environ if environ is None else environ)}
    return next((v for v in DATABASE_VARIABLES if v in names), DATABASE_VARIABLES[0])


# Upper bounds of the settings that are times and counts: far beyond any sensible value, and
# within what timers, time spans and the databases' integers hold (a typo of 1e300 seconds is
# a bad setting, not an overflow deep in the scheduler).
SECONDS_MAX = 86_400.0
"""A day: the longest timeout, interval, deadline or grace period."""
HOURS_MAX = 8_760.0
"""A year, in hours."""
DAYS_MAX = 3_650
"""Ten years, in days."""
BYTES_MAX = 1 << 30
"""1 GiB: the largest body, sitemap or request read."""
CONTACT_URL = "https://github.com/safeguarding-hub/curator"


def default_page_processes(cpus: int | None) -> int:
    """Processes that read pages by default: one fewer than the CPUs (the event loop that
    fetches has one), at most 4; none on one CPU."""
    return min(4, max(0, (cpus or 1) - 1))


class Settings(BaseSettings):
    """curator's configuration; every field is documented in README.md."""

    model_config = SettingsConfigDict(
        env_prefix="CURATOR_", env_file=None, extra="ignore", populate_by_name=True
    )

    # --- store -----------------------------------------------------------------------------
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices(*DATABASE_VARIABLES, "database_url"),
        description="SQLAlchemy URL; sqlite:///… (embedded default) or postgresql+psycopg://…",
    )
    catalog_path: Path = Field(default=Path("resources.yaml"), description="the catalog file")

    # --- checker ---------------------------------------------------------------------------
    allow_private_addresses: bool = Field(
        default=False,
        description="let the fetcher connect to loopback/private addresses (tests, local setups)",
    )
    concurrency: int = Field(
        default=128, ge=1, le=10_000, description="URLs checked at once, in all"
    )
    per_host_concurrency: int = Field(
        default=2, ge=1, le=1_000, description="requests at once per host"
    )
    per_host_interval: float = Field(
        default=0.5,
        ge=0,
        le=SECONDS_MAX,
        description="seconds between the starts of two requests to one host",
    )
    connect_timeout: float = Field(default=10.0, gt=0, le=SECONDS_MAX)
    read_timeout: float = Field(default=15.0, gt=0, le=SECONDS_MAX)
    url_deadline: float = Field(
        default=30.0,
        gt=0,
        le=SECONDS_MAX,
        description="wall-clock seconds for one URL, all hops and body",
    )
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, le=BYTES_MAX)
    max_redirects: int = Field(default=10, ge=0, le=100)
    retries: int = Field(
        default=2, ge=0, le=100, description="extra tries after a transient failure"
    )
    retry_backoff: float = Field(
        default=1.0, ge=0, le=SECONDS_MAX, description="first backoff in seconds"
    )
    max_retry_after: float = Field(
        default=60.0, ge=0, le=SECONDS_MAX, description="longest Retry-After honoured, in seconds"
    )
    user_agent: str = Field(
        default=f"Mozilla/5.0 (compatible; curator/0.1; +{CONTACT_URL})",
        description="sent with every request; must not contain the word 'link'",
    )
    video_oembed: bool = Field(
        default=True,
        description="ask YouTube's and Vimeo's oEmbed endpoints whether a video is still there",
    )
    page_processes: int = Field(
        default_factory=lambda: default_page_processes(os.cpu_count()),
        ge=0,
        le=64,
        description="processes that read fetched pages during a check run (the API's own "
        "rechecks read them in threads); 0: threads only. Default: one fewer than the CPUs, "
        "at most 4",
    )
    silent_host_links: int = Field(
        default=3,
        ge=0,
        le=1_000_000,
        description="links of one host in a row left unanswered (timeouts, refused "
        "connections) after which its next links are not asked for CURATOR_SILENT_HOST_HOLD "
        "seconds, each ending in the same failure; 0: always ask",
    )
    silent_host_hold: float = Field(
        default=60.0,
        gt=0,
        le=SECONDS_MAX,
        description="seconds a host that stopped answering is not asked",
    )
    # --- where a broken link's page went (curator.replacements) -------------------------------
    replacement_search: bool = Field(
        default=True,
        description="look for a broken link's page on its own site (sitemaps, site links)",
    )
    replacement_deadline: float = Field(
        default=60.0, gt=0, le=SECONDS_MAX, description="wall-clock seconds for one link's search"
    )
    replacement_pages: int = Field(
        default=6, ge=1, le=50, description="candidate pages fetched for one link"
    )
    sitemap_max_files: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="sitemap files read per host per run (indexes included)",
    )
    sitemap_max_urls: int = Field(
        default=50_000, ge=1, le=10_000_000, description="addresses kept from one host's sitemaps"
    )
    sitemap_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        le=BYTES_MAX,
        description="bytes read of one sitemap file",
    )

    # --- domain watch: registrations over RDAP, certificates, warnings ----------------------
    rdap_lookups: bool = Field(
        default=True,
        description="look each catalogued domain's registration up over RDAP; false never asks",
    )
    rdap_bootstrap: Path | None = Field(
        default=None,
        description="an RDAP bootstrap file (IANA's dns.json format) instead of the bundled one",
    )
    rdap_cache_hours: float = Field(
        default=24.0,
        gt=0,
        le=HOURS_MAX,
        description="hours a domain's registration is kept before asking again",
    )
    rdap_retry_hours: float = Field(
        default=1.0, gt=0, le=HOURS_MAX, description="hours before a failed look-up is tried again"
    )
    rdap_deadline: float = Field(
        default=15.0,
        gt=0,
        le=SECONDS_MAX,
        description="wall-clock seconds for one registration look-up",
    )
    rdap_interval: float = Field(
        default=1.0,
        ge=0,
        le=SECONDS_MAX,
        description="seconds between two look-ups at one registry server",
    )
    domain_expiry_warn_days: int = Field(
        default=30,
        ge=1,
        le=DAYS_MAX,
        description="warn when a domain expires within this many days",
    )
    certificate_expiry_warn_days: int = Field(
        default=14,
        ge=1,
        le=DAYS_MAX,
        description="warn when a certificate expires within this many days",
    )

    @field_validator("rdap_bootstrap")
    @classmethod
    def _bootstrap(cls, value: Path | None) -> Path | None:
        if value is not None:
            try:
                load_bootstrap(value)
            except SettingsError as exc:
                raise ValueError(str(exc)) from None
        return value

    # --- confirmation policy: when a failure becomes `broken` --------------------------------
    confirm_failures: int = Field(default=3, ge=1, le=1_000, description="failed checks needed")
    confirm_days: float = Field(
        default=3.0, ge=0, le=DAYS_MAX, description="over at least this many days"
    )

    # --- scheduler ---------------------------------------------------------------------------
    full_check_cron: str = Field(default="0 3 * * mon", description="full check of every guide")
    confirm_check_cron: str = Field(default="0 6 * * *", description="recheck failing links")
    recheck_poll_seconds: float = Field(default=20.0, gt=0, le=SECONDS_MAX)
    timezone: str = Field(default="UTC")
    scheduler_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        le=SECONDS_MAX,
        description="a standby scheduler takes over within this after the active one dies",
    )
    shutdown_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        le=SECONDS_MAX,
        description="on SIGTERM, how long in-flight checks may take to finish",
    )

    @field_validator("full_check_cron", "confirm_check_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            parse_cron(value)
        except SettingsError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zone(value)
        except SettingsError as exc:
            raise ValueError(str(exc)) from None
        return value

    # --- API ---------------------------------------------------------------------------------
    public_base_url: str = Field(default="http://127.0.0.1:8000")
    cache_max_age: int = Field(
        default=300, ge=0, le=31_536_000, description="Cache-Control max-age, seconds"
    )
    report_rate_limit: int = Field(
        default=5, ge=1, le=1_000_000, description="reader reports per minute per client"
    )
    request_body_limit: int = Field(
        default=64 * 1024,
        ge=1024,
        le=BYTES_MAX,
        description="bytes of a request body (a report, an editor's action), refused with 413 "
        "before it is parsed when over",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("change-me"), description="signs the dashboard's cookies"
    )

    # --- mail --------------------------------------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1")
    smtp_port: int = Field(default=1025, ge=1, le=65_535)
    smtp_security: Literal["none", "starttls", "tls"] = Field(default="none")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = Field(default="curator@localhost")
    mail_to: str = Field(default="", description="comma-separated editors' addresses")

    @field_validator("mail_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        # The SMTP client refuses a sender it cannot put on its MAIL FROM line, at the first
        # email: say so at start, by the variable's name.
        address = parseaddr(value)[1]
        if _CONTROL.search(value) or not _MAILBOX.fullmatch(address):
            raise ValueError(
                "not an email address (curator@hub.example, or Curator <curator@hub.example>)"
            )
        return value

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        # Every link of every email starts with it: an address readers' browsers can open.
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or _CONTROL.search(value):
            raise ValueError("not an http(s) address (e.g. https://curator.hub.example)")
        return value

    @field_validator("user_agent")
    @classmethod
    def _no_link_word(cls, value: str) -> str:
        # A common mod_security rule blocks user agents containing "link".
        if "link" in value.lower():
            raise ValueError("must not contain the word 'link' (firewalls block it)")
        return value

    def fetch_policy(self) -> FetchPolicy:
        """The checker's fetch policy, as these settings configure it."""
        return FetchPolicy(
            **{name: getattr(self, name) for name in FetchPolicy.__dataclass_fields__}
        )

    def search_limits(self) -> SearchLimits | None:
        """The bounds of the search for a broken link's moved page; None when it is off."""
        if not self.replacement_search:
            return None
        return SearchLimits(
            deadline=self.replacement_deadline,
            fetch_deadline=min(self.url_deadline, self.replacement_deadline),
            pages=self.replacement_pages,
            sitemap_files=self.sitemap_max_files,
            sitemap_urls=self.sitemap_max_urls,
            sitemap_bytes=self.sitemap_max_bytes,
        )

    def confirm_policy(self) -> ConfirmPolicy:
        """When a failure is confirmed: CURATOR_CONFIRM_FAILURES over CURATOR_CONFIRM_DAYS."""
        return ConfirmPolicy(failures=self.confirm_failures, days=self.confirm_days)

    def watch_policy(self) -> WatchPolicy:
        """When registrations and certificates call for a warning."""
        return WatchPolicy(
            domain_expiry_days=self.domain_expiry_warn_days,
            certificate_expiry_days=self.certificate_expiry_warn_days,
        )

    def rdap_bootstrap_file(self) -> Bootstrap:
        """The RDAP bootstrap file: CURATOR_RDAP_BOOTSTRAP's, else the bundled snapshot."""
        return load_bootstrap(self.rdap_bootstrap)

    @property
    def mail_recipients(self) -> list[str]:
        """The editors' addresses from `mail_to`."""
        return [a.strip() for a in self.mail_to.split(",") if a.strip()]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAILBOX = re.compile(r"[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides taking precedence.

    Raises SettingsError with one line per bad variable (`CURATOR_CONCURRENCY: must be a
    whole number`).
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError("\n".join(settings_problems(exc))) from None


_PROBLEMS = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "missing": "is required",
}


def settings_problems(error: ValidationError) -> list[str]:
    """Each bad setting as `CURATOR_NAME: what it must be`, in the words of README's table."""
    lines = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        field = Settings.model_fields.get(name)
        variable = _variable(name, field)
        kind, context = problem["type"], problem.get("ctx") or {}
        if kind in _PROBLEMS:
            text = _PROBLEMS[kind]
        elif kind == "greater_than_equal":
            text = f"must be at least {_number(context['ge'])}"
        elif kind == "greater_than":
            text = f"must be more than {_number(context['gt'])}"
        elif kind == "less_than_equal":
            text = f"must be at most {_number(context['le'])}"
        elif kind == "less_than":
            text = f"must be less than {_number(context['lt'])}"
        elif kind == "literal_error":
            text = f"must be one of {context.get('expected', '')}".replace("'", "")
        elif kind == "value_error":
            text = str(context.get("error", problem["msg"]))
        else:
            text = problem["msg"][0].lower() + problem["msg"][1:] if problem["msg"] else kind
        lines.append(f"{variable}: {text}")
    return lines


def _number(value: float) -> str:
    """A bound as README writes it: 86400, 0.5, 1073741824."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _variable(name: str, field: object) -> str:
    """The environment variable a field is read from (the first alias when it has several;
    for the database URL, the one that is set)."""
    if name == "database_url":
        return database_variable()
    alias = getattr(field, "validation_alias", None)
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    return f"CURATOR_{name.upper()}" if name else "settings"
