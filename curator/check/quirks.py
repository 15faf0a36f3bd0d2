"""Site quirks as data: named signatures the classifier looks for, not `if` chains.

Each table entry names what it recognises (a parking service, a bot wall's vendor, an error
page's wording in one language, a video host), so an outcome can say which signature matched
and a new quirk is one more row. Patterns are case-insensitive and searched, not anchored,
unless they say otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Where(StrEnum):
    """The part of a response a signature is searched in."""

    TITLE = "title"
    HEADING = "heading"
    TEXT = "text"
    """Visible text; only on short pages (see `Signature.short_page_only`)."""
    MARKUP = "markup"
    """The first KiB of the body as markup (scripts, iframes, attributes)."""
    HOST = "host"
    """The final URL's host name."""
    HEADER = "header"
    """A response header, named by `Signature.header`."""


@dataclass(frozen=True, slots=True)
class Signature:
    """One named pattern, searched in one part of a response."""

    name: str
    where: Where
    pattern: re.Pattern[str]
    header: str | None = None
    short_page_only: bool = False
    """Count a TEXT match only on a short page: long pages may merely mention the words."""
    language: str | None = None
    any_status: bool = False
    """For bot walls: also counts on a success status (strong markers only)."""


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
    """A signature with its pattern compiled case-insensitively."""
    return Signature(
        name=name,
        where=where,
        pattern=re.compile(pattern, re.IGNORECASE),
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
    matched: str

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
        if self.signature.where in (Where.TEXT, Where.MARKUP):
            return self.matched
        return self.value


def first_match(
    signatures: Iterable[Signature],
    parts: Mapping[Where, Sequence[str]],
    *,
    headers: Mapping[str, str] | None = None,
    short_page: bool = True,
    success: bool = False,
) -> Found | None:
    """The first signature found in `parts` (and `headers`), honouring each one's limits."""
    for signature in signatures:
        if signature.short_page_only and not short_page:
            continue
        if success and not signature.any_status:
            continue
        if signature.where is Where.HEADER:
            value = (headers or {}).get(signature.header or "")
            values: Sequence[str] = (value,) if value is not None else ()
        else:
            values = parts.get(signature.where, ())
        for value in values:
            match = signature.pattern.search(value) if value else None
            if match is not None:
                return Found(signature, value, match.group())
    return None


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
    "youtube": "YouTube",
    "vimeo": "Vimeo",
}


def label(name: str) -> str:
    """A signature's or provider's name as an editor reads it ("dan_com" → "Dan.com …")."""
    return LABELS.get(name, name.replace("_", " "))


# --- parked and for-sale domains -------------------------------------------------------------

PARKING: tuple[Signature, ...] = (
    sig("sedo", Where.HOST, r"(^|\.)sedo(parking)?\.com$"),
    sig("sedo", Where.MARKUP, r"sedoparking\.com|img\.sedoparking|sedo\.com/search/details"),
    sig("sedo", Where.TEXT, r"\bsedo domain parking\b|offered for sale by its owner on sedo"),
    sig("dan_com", Where.HOST, r"(^|\.)dan\.com$"),
    sig("dan_com", Where.MARKUP, r"//(www\.)?dan\.com/(buy-domain|lander)|dan\.com/assets"),
    sig("afternic", Where.HOST, r"(^|\.)afternic\.com$"),
    sig("afternic", Where.MARKUP, r"afternic\.com/(forsale|domain)"),
    sig(
        "godaddy_parking",
        Where.MARKUP,
        r"wsimg\.com/parking-lander|parking\.godaddy|/parking-lander",
    ),
    sig("godaddy_parking", Where.TEXT, r"is parked free,? courtesy of godaddy"),
    sig("godaddy_forsale", Where.HOST, r"(^|\.)godaddy\.com$"),
    sig("hugedomains", Where.HOST, r"(^|\.)hugedomains\.com$"),
    sig("hugedomains", Where.MARKUP, r"hugedomains\.com"),
    sig("bodis", Where.MARKUP, r"bodis\.com|/bodis/|parking\.bodiscdn"),
    sig("parkingcrew", Where.MARKUP, r"parkingcrew\.net"),
    sig("above", Where.MARKUP, r"above\.com/(marketplace|parking)|trafficsales\.above"),
    sig("namecheap_parking", Where.MARKUP, r"parkingpage\.namecheap\.com"),
    sig("namecheap_parking", Where.TEXT, r"this domain is registered at namecheap"),
    sig("parking_script", Where.MARKUP, r"(/|\.)(domainpark|parklogic|parkingpage|park\.js)"),
    sig("for_sale", Where.TITLE, r"\b(domain|website) (name )?(is |may be )?for sale\b"),
    sig("for_sale", Where.TITLE, r"\bbuy this domain\b|\bis for sale\b"),
    sig("for_sale", Where.HEADING, r"\b(this|the) domain (name )?(is |may be )?for sale\b"),
    sig("for_sale", Where.TEXT, r"\bthis domain (name )?(may be|is) for sale\b"),
    sig("for_sale", Where.TEXT, r"\bbuy this domain\b|\bthe domain name \S+ is for sale\b"),
    sig("for_sale", Where.TEXT, r"\bmake an offer on this domain\b|\binquire about this domain\b"),
    sig("parked", Where.TEXT, r"\bthis domain (name )?(has been|is) (registered|parked)\b"),
    sig("parked", Where.TITLE, r"\bparked (domain|free)\b|\bdomain parking\b"),
)


# --- bot walls: the site refuses automated checks --------------------------------------------

BOT_WALLS: tuple[Signature, ...] = (
    sig("cloudflare_challenge", Where.HEADER, r"challenge", header="cf-mitigated", any_status=True),
    sig("cloudflare_challenge", Where.TITLE, r"^\s*just a moment(\.\.\.|…)\s*$", any_status=True),
    sig("cloudflare_block", Where.TITLE, r"attention required! \| cloudflare", any_status=True),
    sig("cloudflare_challenge", Where.MARKUP, r"/cdn-cgi/challenge-platform/|_cf_chl_opt"),
    sig("akamai", Where.TITLE, r"^\s*access denied\s*$"),
    sig(
        "akamai", Where.TEXT, r"you don't have permission to access .* on this server.*reference #"
    ),
    sig("akamai", Where.MARKUP, r"errors\.edgesuite\.net"),
    sig("datadome", Where.HEADER, r".", header="x-datadome"),
    sig("datadome", Where.HEADER, r"datadome", header="server"),
    sig("datadome", Where.MARKUP, r"captcha-delivery\.com|geo\.captcha-delivery"),
    sig("perimeterx", Where.MARKUP, r"px-captcha|/captcha/captcha\.js|perimeterx"),
    sig("perimeterx", Where.TITLE, r"^\s*access to this page has been denied\.?\s*$"),
    sig("imperva", Where.HEADER, r".", header="x-iinfo"),
    sig("imperva", Where.MARKUP, r"_incapsula_resource|incapsula incident id"),
    sig("imperva", Where.TEXT, r"request unsuccessful\. incapsula incident id"),
    sig("aws_waf", Where.HEADER, r"captcha|challenge", header="x-amzn-waf-action", any_status=True),
    sig("aws_waf", Where.MARKUP, r"awswaf|aws-waf-token|captcha\.awswaf\.com"),
    sig("sucuri", Where.HEADER, r".", header="x-sucuri-block"),
    sig("sucuri", Where.TITLE, r"sucuri website firewall"),
    sig(
        "generic_captcha", Where.TITLE, r"\b(are you (a )?human|captcha|bot (check|verification))\b"
    ),
)

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


def status_quirk(status: int | None) -> StatusQuirk | None:
    """The quirk for a non-standard status, if curator knows it."""
    return next((q for q in STATUS_QUIRKS if q.status == status), None)


# --- error pages served with a success status ------------------------------------------------

_NOT_FOUND_404 = r"\b404\b"


def _lang(code: str, title: str, heading: str, text: str) -> tuple[Signature, ...]:
    return (
        sig(f"error_page_{code}", Where.TITLE, title, lang=code),
        sig(f"error_page_{code}", Where.HEADING, heading, lang=code),
        sig(f"error_page_{code}", Where.TEXT, text, lang=code),
    )


ERROR_PAGES: tuple[Signature, ...] = (
    sig("error_page_404", Where.TITLE, rf"^\W*(error\s*)?{_NOT_FOUND_404}(\W|$)"),
    sig("error_page_404", Where.TITLE, rf"{_NOT_FOUND_404}.{{0,12}}(not found|error|page)"),
    sig("error_page_404", Where.HEADING, rf"^\W*(error\s*)?{_NOT_FOUND_404}\W*$"),
    *_lang(
        "en",
        r"\bpage (was )?not found\b|^\W*not found\W*$|\bpage (does not|doesn't) exist\b"
        r"|\bpage (cannot|can't|could not|couldn't) be found\b|\bpage unavailable\b",
        r"\bpage (was )?not found\b|^\W*not found\W*$|\b(page|content) (does not|doesn't) exist\b"
        r"|\bpage (cannot|can't|could not|couldn't) be found\b|\bpage (has been|was) removed\b"
        r"|\b(sorry|oops)\b.{0,40}\b(can't|cannot|couldn't|could not) find\b",
        r"\bthe page you (requested|are looking for|were looking for|tried to access)"
        r".{0,40}\b(not be found|cannot be found|can't be found|does not exist|doesn't exist"
        r"|no longer exists|has been (re)?moved|is not available)"
        r"|\bwe (can't|cannot|couldn't|could not) find (the|that|this) page\b",
    ),
    *_lang(
        "fr",
        r"\bpage (introuvable|non trouv[ée]e|inexistante)\b|\berreur 404\b",
        r"\bpage (introuvable|non trouv[ée]e|inexistante)\b"
        r"|\bcette page n.existe (pas|plus)\b",
        r"\bla page (que vous|demand[ée]e).{0,60}(n.existe pas|n.existe plus|introuvable"
        r"|n.a pas [ée]t[ée] trouv[ée]e)",
    ),
    *_lang(
        "de",
        r"\bseite nicht gefunden\b|\bfehler 404\b|\bseite existiert nicht\b",
        r"\bseite (wurde )?nicht gefunden\b|\b(diese|die) seite existiert nicht\b",
        r"\bdie (von ihnen )?(angeforderte|gesuchte) seite.{0,60}"
        r"(nicht gefunden|existiert nicht|nicht mehr verf[üu]gbar)",
    ),
    *_lang(
        "es",
        r"\bp[áa]gina no encontrada\b|\bp[áa]gina no existe\b",
        r"\bp[áa]gina no encontrada\b|\b(la|esta) p[áa]gina no existe\b",
        r"\bla p[áa]gina (que (buscas|busca|solicitaste)|solicitada).{0,60}"
        r"(no existe|no se (ha podido encontrar|encuentra)|no est[áa] disponible)",
    ),
    *_lang(
        "it",
        r"\bpagina non trovata\b|\bpagina inesistente\b|\berrore 404\b",
        r"\bpagina non trovata\b|\b(la|questa) pagina non esiste\b",
        r"\bla pagina (che (stai cercando|cerchi)|richiesta).{0,60}"
        r"(non esiste|non [èe] stata trovata|non [èe] disponibile)",
    ),
    *_lang(
        "nl",
        r"\bpagina niet gevonden\b|\bfout 404\b",
        r"\bpagina niet gevonden\b|\b(deze|de) pagina bestaat niet\b",
        r"\bde pagina die u (zoekt|probeert te bereiken).{0,60}(bestaat niet|niet gevonden)",
    ),
    *_lang(
        "pt",
        r"\bp[áa]gina n[ãa]o encontrada\b|\berro 404\b",
        r"\bp[áa]gina n[ãa]o encontrada\b|\b(a|esta) p[áa]gina n[ãa]o existe\b",
        r"\ba p[áa]gina que (voc[êe] )?(procura|est[áa] procurando).{0,60}"
        r"(n[ãa]o existe|n[ãa]o foi encontrada)",
    ),
    *_lang(
        "cy",
        r"\btudalen heb ei (ch|g)anfod\b|\bgwall 404\b|\bdim tudalen\b",
        r"\btudalen heb ei (ch|g)anfod\b|\bni (ellir|allwn) (dod o hyd i|ddod o hyd i)"
        r"|\bnid yw.r dudalen (hon )?(yn bodoli|ar gael)\b",
        r"\bheb ddod o hyd i.r dudalen\b|\bnid yw.r dudalen.{0,40}(yn bodoli|ar gael)\b",
    ),
)


# --- the site's home page ---------------------------------------------------------------------

HOME_PATHS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^/?$"),
    re.compile(r"^/(index|default|home)(\.(html?|php|aspx?|jsp))?/?$", re.IGNORECASE),
    re.compile(r"^/(en|en-gb|en-us|en_gb|cy|cy-gb|uk|gb|home|welcome|start)/?$", re.IGNORECASE),
    re.compile(r"^/(en|en-gb|en-us|cy)/(index|home)(\.(html?|php|aspx?))?/?$", re.IGNORECASE),
)
"""Paths that are a site's home page: where sites send deep links they no longer have."""


def is_home_path(path: str) -> bool:
    """True when `path` is a home page path ("/", "/index.html", "/en/")."""
    return any(p.match(path) for p in HOME_PATHS)


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

    def matches(self, url: str) -> bool:
        """True when `url` is a video address on this host."""
        return any(p.search(url) for p in self.url_patterns)

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
