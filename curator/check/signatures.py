"""The signature tables: parking and domain-sale services, bot walls, error and placeholder
pages, removed and gated media. Data, not code: a new provider or wording is one more row.

Patterns are lower case and match lower-cased text (see `curator.check.quirks`). Where a
pattern names a provider, its row names the provider; wording rows name their language.
Signatures that count on any page (titles, headings, provider markers) must be specific;
wording that a long article might merely mention counts only on short pages (TEXT).
"""

from __future__ import annotations

import re

from curator.check.quirks import Signature, Table, Where, compile_signatures, sig
from curator.check.wording import (
    CONSENT_TITLES,
    CONSENT_WORDS,
    ERROR_HEADINGS,
    ERROR_TEXTS,
    EXPIRED,
    FOR_SALE,
    FOR_SALE_NAMED,
    MEDIA_GATED,
    MEDIA_GONE,
    MEDIA_PAID,
    MEDIA_PRIVATE,
    MEDIA_REGION,
    PARKED,
    PLACEHOLDER,
    PLATFORM_GONE,
    REDIRECTING,
    SCAM,
    SERVER_DEFAULT,
    SERVER_DEFAULT_TITLES,
    SERVER_WELCOME,
    SITE_GONE,
)

TITLE, HEADING, TEXT, MARKUP, URL, HEADER = (
    Where.TITLE,
    Where.HEADING,
    Where.TEXT,
    Where.MARKUP,
    Where.URL,
    Where.HEADER,
)


def _hosts(*domains: str) -> str:
    """A URL pattern for these domains and their subdomains."""
    names = "|".join(re.escape(d) for d in domains)
    return rf"^https?://(?:[^/?#@]*\.)?(?:{names})(?::\d+)?(?:[/?#]|$)"


def _wording(
    name: str,
    phrases: dict[str, str],
    *wheres: Where,
    short: bool = True,
    any_status: bool = False,
) -> tuple[Signature, ...]:
    """One signature per language and part for a dict of {language: pattern}; by default
    they count only on short pages, where such wording is the page's whole message."""
    return tuple(
        sig(name, where, pattern, lang=lang, short=short, any_status=any_status)
        for lang, pattern in phrases.items()
        for where in wheres
    )


# --- parked, for-sale and expired domains ------------------------------------------------------

_PLATFORM_HEADERS = (
    sig(
        "site_gone",
        HEADER,
        r"deployment_(?:not_found|deleted|disabled)",
        header="x-vercel-error",
        any_status=True,
    ),
    sig("site_gone", HEADER, r"^no-(?:server|deploy)", header="x-render-routing", any_status=True),
    sig("site_gone", MARKUP, r"herokucdn\.com/error-pages/no-such-app", short=True),
)
"""Headers with which platforms answer for a host that has no site any more."""

PARKING = Table(
    # The parking and domain-sale services' own sites, reached by a redirect.
    sig("sedo", URL, _hosts("sedo.com", "sedoparking.com")),
    sig("dan_com", URL, _hosts("dan.com")),
    sig("afternic", URL, _hosts("afternic.com")),
    sig("hugedomains", URL, _hosts("hugedomains.com")),
    sig("godaddy_forsale", URL, _hosts("godaddy.com")),
    sig("bodis", URL, _hosts("bodis.com")),
    sig("parkingcrew", URL, _hosts("parkingcrew.net")),
    sig("above", URL, _hosts("above.com")),
    sig(
        "domain_market",
        URL,
        _hosts(
            "undeveloped.com",
            "domainmarket.com",
            "buydomains.com",
            "brandbucket.com",
            "squadhelp.com",
            "atom.com",
            "efty.com",
            "uniregistry.com",
            "domainnamesales.com",
            "domainlore.co.uk",
            "domainagents.com",
            "flippa.com",
            "dynadot.com",
            "sav.com",
            "epik.com",
            "namebright.com",
            "parklogic.com",
            "dsparking.com",
            "rookmedia.net",
            "skenzo.com",
            "fabulous.com",
            "voodoo.com",
            "domainsponsor.com",
        ),
    ),
    sig(
        "registrar",
        URL,
        _hosts(
            "namecheap.com",
            "porkbun.com",
            "123-reg.co.uk",
            "networksolutions.com",
            "register.com",
            "ionos.com",
            "ionos.co.uk",
            "1and1.com",
            "fasthosts.co.uk",
            "gandi.net",
            "tucows.com",
            "hover.com",
            "namesilo.com",
            "enom.com",
            "name.com",
            "domain.com",
            "names.co.uk",
            "heartinternet.uk",
            "lcn.com",
            "easily.co.uk",
            "krystal.uk",
            "hostinger.com",
        ),
    ),
    # Bodis's and ParkingCrew's landers live on ww<N>.<domain> with tracking parameters.
    sig("parking_redirect", URL, r"^https?://ww\d+\.[^/?#]+/.*[?&](?:subid\d?|sub\d|usid|tdfs)="),
    sig("parking_redirect", URL, r"^https?://[^/?#]+/lander(?:[/?#]|$)"),
    # Their loaders in the page's markup (landers are short pages).
    sig("sedo", MARKUP, r"sedoparking\.com|sedo\.com/search/details|sedoparkingurl", short=True),
    sig("parking_lander", MARKUP, r"<html[^>]{0,200}\sdata-adblockkey=", short=True),
    sig("parking_lander", MARKUP, r"adsense/domains/caf\.js|window\.park\s*=", short=True),
    sig(
        "dan_com", MARKUP, r"//(?:www\.)?dan\.com/(?:buy-domain|lander)|dan\.com/assets", short=True
    ),
    sig("afternic", MARKUP, r"afternic\.com/(?:forsale|domain)", short=True),
    sig(
        "godaddy_parking",
        MARKUP,
        r"wsimg\.com/parking-lander|parking\.godaddy|/parking-lander",
        short=True,
    ),
    sig("hugedomains", MARKUP, r"hugedomains\.com/domain_profile", short=True),
    sig("bodis", MARKUP, r"bodis\.com/|/bodis/|parking\.bodiscdn|bodiscdn\.com", short=True),
    sig("parkingcrew", MARKUP, r"parkingcrew\.net", short=True),
    sig("above", MARKUP, r"above\.com/(?:marketplace|parking)|trafficsales\.above", short=True),
    sig("namecheap_parking", MARKUP, r"parkingpage\.namecheap\.com", short=True),
    sig(
        "parking_script",
        MARKUP,
        r"[/.](?:domainpark|parklogic|parkingpage|park\.js|dsparking)|/js/parking[._-]",
        short=True,
    ),
    sig("godaddy_parking", TEXT, r"is parked free,? courtesy of godaddy"),
    sig("namecheap_parking", TEXT, r"this domain is registered at namecheap"),
    sig("sedo", TEXT, r"\bsedo domain parking\b|offered for sale by its owner on sedo"),
    # Wording, in many languages.
    *_wording("for_sale", FOR_SALE_NAMED, TITLE, HEADING, short=False),
    *_wording("for_sale", FOR_SALE, TITLE, HEADING, TEXT),
    *_wording("expired", EXPIRED, TITLE, HEADING, TEXT),
    *_wording("parked", PARKED, TITLE, HEADING, TEXT),
    *_wording("placeholder", PLACEHOLDER, TITLE, HEADING, TEXT),
    *_wording("placeholder", SERVER_DEFAULT, TITLE, HEADING, TEXT),
    *_wording("placeholder", SERVER_DEFAULT_TITLES, TITLE, HEADING),
    *_wording("placeholder", SERVER_WELCOME, TITLE, HEADING, short=False),
    *_wording("site_gone", {"en": SITE_GONE} | PLATFORM_GONE, TITLE, HEADING, TEXT),
    *_PLATFORM_HEADERS,
)
"""Strong evidence of a parked, for-sale or expired domain, or of a site gone from its host:
each row decides alone."""

SITE_GONE_PAGES = Table(
    *_PLATFORM_HEADERS,
    *_wording("site_gone", {"en": SITE_GONE} | PLATFORM_GONE, TITLE, HEADING, TEXT),
    *_wording("placeholder", SERVER_DEFAULT, TITLE, HEADING, TEXT),
    *_wording("placeholder", SERVER_DEFAULT_TITLES, TITLE, HEADING),
    *_wording("placeholder", SERVER_WELCOME, TITLE, HEADING, short=False),
    *_wording("placeholder", PLACEHOLDER, TITLE, HEADING),
)
"""A platform's or web server's page for a host with no site, whatever status it answers
with (GitHub Pages, Heroku, Vercel and Azure answer 404; a distribution's Apache test page
answers 403): the site is gone, not one page of it."""


AD_FEED = Table(
    sig(
        "ad_feed",
        TEXT,
        r"\b(?:related|sponsored|top|popular|trending) (?:searches|links|listings)\b",
    ),
    sig("ad_feed", TEXT, r"\bsponsored (?:listings|results|ads)\b|\bads by\b"),
    sig("ad_feed", HEADING, r"\b(?:related|sponsored|top|popular) (?:searches|links|listings)\b"),
    sig("ad_feed", TEXT, r"\bverwandte suchbegriffe\b|\brecherches (?:associ|connex)"),
    sig("ad_feed", TEXT, r"\bb[úu]squedas relacionadas\b|\bricerche correlate\b"),
    sig("ad_feed", TEXT, r"\bgerelateerde zoekopdrachten\b|\bpesquisas relacionadas\b"),
)
"""An ad feed's wording ("related searches"): weak evidence, counted with others."""

SCAMS = Table(*_wording("scam", SCAM, TITLE, HEADING, TEXT))
"""A lapsed domain's new owner monetising its visitors: fake push-notification checks, fake
prizes and surveys. Short pages only; they decide alone (see `parking_rules.parked_scam`)."""

REDIRECTING_WORDS = Table(
    sig("redirecting", TITLE, REDIRECTING, short=True),
    sig("redirecting", HEADING, REDIRECTING, short=True),
    sig("redirecting", TEXT, REDIRECTING),
)
"""A page saying it sends readers elsewhere: weak evidence, counted with others."""


# --- bot walls: the site refuses automated checks --------------------------------------------

_CHALLENGE = (
    r"\bcheck(?:ing)? (?:if )?(?:the site connection is secure|your browser)\b"
    r"|\bverify(?:ing)? (?:that )?you(?:'re| are) (?:a )?human\b"
    r"|\bverify(?:ing)? (?:that )?you(?:'re| are) not a (?:robot|bot)\b"
    r"|\bconfirm (?:that )?you(?:'re| are) (?:a human|not a (?:robot|bot))\b"
    r"|\bare you (?:a )?(?:human|robot)\b|\bi'm not a robot\b"
    r"|\b(?:please )?(?:enable|turn on) (?:javascript|js) and cookies\b"
    r"|\benable cookies (?:and|&) (?:javascript|js)\b"
    r"|\bpress (?:&|and) hold\b|\bperforming security verification\b"
    r"|\bunusual traffic from your (?:computer|network)\b"
    r"|\b(?:browser|security|bot) (?:check|validation|verification)\b"
    r"|\bddos protection by\b|\bplease wait while we (?:verify|check)\b"
    r"|\bpowered and protected by\b|\bplease (?:complete|solve) the (?:security check|captcha)\b"
    r"|\bautomat(?:ed|ion) (?:tools|queries|requests|access)\b"
    r"|\bverif(?:y|ying) (?:your|the) (?:browser|connection|request|visit)\b"
    r"|\bchecking (?:your|the) (?:connection|request|visit)\b"
    r"|\bwe need to (?:verify|check|make sure|confirm) (?:that )?you(?:'re| are)\b"
    r"|\b(?:your|this) (?:request|visit|access) (?:is being|will be|must be) (?:verified|checked)\b"
)
"""A challenge's words in English; `CHALLENGE_WORDS` has other languages."""

CHALLENGE_WORDS: dict[str, str] = {
    "ru": r"проверка (?:вашего )?браузера|подтвердите, что вы не робот"
    r"|доступ (?:ограничен|запрещен)",
    "de": r"\bbitte bestätigen sie, dass sie ein mensch sind\b|\bbrowser wird überprüft\b"
    r"|\bsicherheitsüberprüfung\b|\büberprüfung ihres browsers\b",
    "fr": r"\bvérification (?:de sécurité|de votre navigateur|en cours)\b"
    r"|\bconfirme[rz] que vous (?:êtes (?:un )?humain|n'êtes pas un robot)\b",
    "es": r"\bverificando (?:tu|su) navegador\b|\bverificación de seguridad\b"
    r"|\bconfirm(?:a|e) que (?:eres|es) (?:un )?humano\b|\bno soy un robot\b",
    "pt": r"\bverificando (?:o )?seu navegador\b|\bverificação de segurança\b"
    r"|\bconfirme que (?:você )?(?:é humano|não é um robô)\b",
    # Whole phrases only: text without spaces between words always counts as a short page.
    "zh": r"请(?:完成|进行)(?:下方|以下)的?(?:安全)?验证"
    r"|(?:按住|拖动|向右滑动)(?:下方|左边)?的?滑块|正在(?:验证|检测|检查)您的(?:浏览器|访问|请求)"
    r"|您的(?:访问|请求)(?:已经?)?被(?:拦截|阻断|阻止)"
    r"|可能对网站造成安全威胁|访问过于频繁|请(?:确认|证明)您?不是机器人",
    "ja": r"ロボットではないことを確認",
    "ko": r"로봇이 아닙니다|자동입력 ?방지 ?문자를 입력",
}
"""A challenge's words in other languages than English."""

CHALLENGE_TITLES: dict[str, str] = {
    "zh": r"^\W*(?:(?:访问|安全|人机|身份|浏览器)验证|网站防火墙|访问受限|访问被拒绝|安全检测)",
    "ja": r"^\W*(?:セキュリティチェック|アクセスが(?:制限|拒否)されました)",
    "ko": r"^\W*(?:보안 ?확인|자동입력 ?방지|접근이 차단)",
}
"""A challenge page's title in scripts written without spaces (titles only: such words are
common in the headings of technical documents)."""
_BLOCKED = (
    r"\b(?:access|request)(?: to this (?:page|site|resource))? (?:has been |was |is )?"
    r"(?:denied|blocked|rejected)\b.{0,300}\b(?:incident|request|support|reference|event|ray|case)"
    r"(?: id| number| #|#|:)"
    r"|\bthe requested url was rejected\b|\byou have been blocked\b"
    r"|\byour (?:ip(?: address)?|request|access|connection) (?:has been|was|is) "
    r"(?:blocked|denied|limited)\b"
    r"|\b(?:blocked|denied) by (?:the |a )?(?:security (?:rules|policy|service)|web application "
    r"firewall|waf|firewall)\b"
    r"|\bthis (?:website|site) is using a security service\b|\bblocked your request\b"
    r"|\bgenerated by (?:wordfence|mod_?security|cloudfront)\b|\bwhy have i been blocked\b"
    r"|\bhas banned your (?:access|ip)\b|\byou (?:were|are|have been) blocked\b"
    r"|\bcurrent session has been terminated\b|\bthe request is blocked\b"
    r"|\byour access to this (?:site|website|page) has been limited\b"
)

BOT_WALLS = Table(
    # Headers that only challenges and blocks carry.
    sig("cloudflare_challenge", HEADER, r"challenge", header="cf-mitigated", any_status=True),
    sig("aws_waf", HEADER, r"captcha|challenge", header="x-amzn-waf-action", any_status=True),
    sig("vercel", HEADER, r"challenge|deny", header="x-vercel-mitigated", any_status=True),
    sig("sucuri", HEADER, r".", header="x-sucuri-block", any_status=True),
    sig("datadome", HEADER, r".", header="x-datadome"),
    sig("kasada", HEADER, r".", header="x-kpsdk-ct"),
    # Chinese CDN and host firewalls set their challenge's cookie with the challenge page.
    sig(
        "cn_waf",
        HEADER,
        r"\b(?:yunsuo_session_verify|security_session_(?:mid_)?verify|__jsl_clearance(?:_s)?"
        r"|acw_sc__v2)=",
        header="set-cookie",
        short=True,
        any_status=True,
    ),
    # Titles of challenge and block pages.
    sig("cloudflare_challenge", TITLE, r"^\s*just a moment(?:\.\.\.|…)?\s*$", any_status=True),
    sig("cloudflare_block", TITLE, r"attention required! \| cloudflare", any_status=True),
    sig("perimeterx", TITLE, r"^\s*access to this page has been denied\.?\s*$", any_status=True),
    sig("imperva", TITLE, r"^\s*pardon our interruption", any_status=True),
    sig("vercel", TITLE, r"^\s*vercel security checkpoint", any_status=True),
    sig("sucuri", TITLE, r"sucuri website firewall", any_status=True),
    sig("ddos_guard", TITLE, r"^\s*ddos-guard\s*$", any_status=True),
    sig("radware", TITLE, r"^\s*unauthorized request blocked", any_status=True),
    sig(
        "generic_captcha",
        TITLE,
        r"\b(?:are you (?:a )?(?:human|robot)|captcha|bot (?:check|verification)"
        r"|human verification|security (?:check|checkpoint|verification)|browser check"
        r"|(?:site|access|browser|visitor|request) (?:verification|validation|check)"
        r"|verifying (?:your )?(?:browser|connection)|checking your browser|one more step"
        r"|ddos protection|anti-?bot)\b",
        short=True,
        any_status=True,
    ),
    *_wording("generic_captcha", CHALLENGE_WORDS, TITLE, HEADING, TEXT, any_status=True),
    *_wording("generic_captcha", CHALLENGE_TITLES, TITLE, any_status=True),
    sig("akamai", TITLE, r"^\s*access denied\s*$"),
    # Markers in the page's markup.
    # Cloudflare injects its bot-management script (/cdn-cgi/challenge-platform/h/b/scripts/
    # jsd/…, __CF$cv$params) into ordinary pages: only the challenge's own markers count on 200.
    sig(
        "cloudflare_challenge",
        MARKUP,
        r"_cf_chl_opt|cf-browser-verification|cf_chl_prog"
        r"|/cdn-cgi/challenge-platform/h/[a-z]/orchestrate/",
        any_status=True,
    ),
    sig(
        "cloudflare_challenge",
        MARKUP,
        r"/cdn-cgi/challenge-platform/|/cdn-cgi/bm/|__cf\$cv\$params",
    ),
    sig("datadome", MARKUP, r"\bvar dd\s*=\s*\{\s*'rt'", short=True, any_status=True),
    sig("datadome", MARKUP, r"captcha-delivery\.com", short=True),
    sig(
        "perimeterx",
        MARKUP,
        r"\bid=[\"']?px-captcha\b|perimeterx\.(?:net|com)/whywasiblocked",
        short=True,
        any_status=True,
    ),
    sig("perimeterx", MARKUP, r"client\.perimeterx\.(?:net|com)|_pxappid"),
    sig("imperva", MARKUP, r"incapsula incident id", any_status=True),
    sig(
        "imperva",
        MARKUP,
        r"___utmvc|setincapcookie|incapsula\.com/jstest|\bincap_ses_",
        short=True,
        any_status=True,
    ),
    sig("imperva", MARKUP, r"_incapsula_resource", short=True),
    sig(
        "aws_waf",
        MARKUP,
        r"\bgokuprops\b|awswafintegration\.forcerefreshtoken",
        short=True,
        any_status=True,
    ),
    sig("aws_waf", MARKUP, r"awswaf\.com|aws-waf-token", short=True),
    sig(
        "akamai",
        MARKUP,
        r"/_sec/cp_challenge|\bbm-verify\b|\bsec-if-cpt\b|errors\.edgesuite\.net",
        short=True,
        any_status=True,
    ),
    sig(
        "sucuri",
        MARKUP,
        r"sucuri_cloudproxy_js|cloudproxy@sucuri|cdn\.sucuri\.net/sucuri[-_]firewall",
        any_status=True,
    ),
    # Kasada's SDK (KPSDK, its p.js) loads on every page of the sites it guards (Twitch's
    # video pages among them): only its challenge script, or the SDK on a refusal, is a wall.
    sig(
        "kasada",
        MARKUP,
        r"/[0-9a-f]{8}-[0-9a-f-]{27}/[0-9a-f]{8}-[0-9a-f-]{27}/ips\.js",
        short=True,
        any_status=True,
    ),
    sig("kasada", MARKUP, r"\bkpsdk\b", short=True),
    sig("vercel", MARKUP, r"/\.well-known/vercel/security/", short=True, any_status=True),
    sig("ddos_guard", MARKUP, r"ddos-guard\.net/", short=True, any_status=True),
    # Chinese CDN and host firewalls: Yunsuo, Safedog, Jiasule (Knownsec), Alibaba Cloud.
    sig(
        "cn_waf",
        MARKUP,
        r"yunsuo_session_verify|yunsuoautojump|security_(?:verify|session_verify)_(?:data|img)"
        r"|\bsafedog(?:site)?\b|/_guard/(?:auto|html|slide|captcha)\.js|\baliyun_waf_(?:aa|bb)\b"
        r"|__jsl_clearance|\bacw_sc__v2\b|/punish\?x5secdata|\bx5secdata\b|\bbt_?waf\b",
        short=True,
        any_status=True,
    ),
    sig(
        "generic_captcha",
        MARKUP,
        r"hcaptcha\.com/1/api|google\.com/recaptcha|challenges\.cloudflare\.com/turnstile",
        short=True,
    ),
    # Wording, on short pages.
    sig("f5", TEXT, r"\bthe requested url was rejected\b.{0,200}\bsupport id\b", any_status=True),
    sig(
        "akamai", TEXT, r"you don't have permission to access .{0,200}reference #", any_status=True
    ),
    sig("imperva", TEXT, r"request unsuccessful\. incapsula incident id", any_status=True),
    sig("perimeterx", TEXT, r"\bpress (?:&|and) hold\b", any_status=True),
    sig("generic_challenge", TEXT, _CHALLENGE, any_status=True),
    sig("generic_block", TEXT, _BLOCKED, any_status=True),
    sig("generic_challenge", HEADING, _CHALLENGE, short=True, any_status=True),
    sig("generic_block", HEADING, _BLOCKED, short=True, any_status=True),
)
"""Bot walls and challenges: strong markers count on any status (some answer 200), weak ones
only on the statuses bot walls use (`curator.check.quirks.BOT_WALL_STATUSES`)."""

COOKIE_RELOAD = compile_signatures(
    r"document\.cookie\s*=[^;]{0,300};.{0,400}?(?:location\.reload\(\)"
    r"|location(?:\.href)?\s*=\s*(?:window\.|document\.)?(?:location(?:\.href)?|url)\b"
    r"|location\.replace\(\s*(?:window\.|document\.)?(?:location(?:\.href)?|url)\b)"
)
"""A script that sets a cookie and reloads the page: a JavaScript challenge, whoever runs it,
when it is all the page has (a real page may set a cookie and reload for its own reasons)."""


# --- consent walls: a cookie-consent page stands in front of the page ------------------------

CONSENT_WALLS = Table(
    # Google's and YouTube's consent hosts, reached by a redirect or named by a refresh.
    sig(
        "google_consent",
        URL,
        r"^https?://consent\.(?:youtube|google)\.[a-z.]{2,12}(?::\d+)?(?:[/?#]|$)",
    ),
    # The consent form posts to them.
    sig(
        "google_consent",
        MARKUP,
        r"<form[^>]{0,300}action=[\"']?https://consent\.(?:youtube|google)\.[a-z.]{2,12}/",
    ),
    *_wording("google_consent", CONSENT_TITLES, TITLE, HEADING, short=False),
    *_wording("consent_wall", CONSENT_WORDS, TITLE, HEADING),
)
"""A cookie-consent interstitial instead of the page (Google's and YouTube's "Before you
continue", in any language): the page behind it exists, curator cannot see it."""


# --- error pages served with a success status ------------------------------------------------

_NOT_FOUND_404 = r"\b404\b"
_THING = r"(?:page|document|file|resource|content|blog|article|post|site)"

ERROR_PAGES = Table(
    sig("error_page_404", TITLE, rf"^\W*(?:error\s*)?{_NOT_FOUND_404}(?:\W|$)"),
    sig("error_page_404", TITLE, rf"{_NOT_FOUND_404}.{{0,12}}(?:not found|error)"),
    # "404 page" may be a page about 404 pages; an error page says it in few words.
    sig("error_page_404", TITLE, rf"{_NOT_FOUND_404}.{{0,12}}page", short=True),
    sig(
        "error_page_404",
        HEADING,
        rf"^\W*(?:error\s*)?{_NOT_FOUND_404}\W*(?:(?:page |file |document )?not found|error)?\W*$",
    ),
    sig(
        "error_page_en",
        TITLE,
        rf"\b{_THING} (?:was )?not found\b|^\W*not found\W*$"
        rf"|\b{_THING} (?:does not|doesn't) exist\b"
        rf"|\b{_THING} (?:cannot|can't|could not|couldn't) be found\b|\bpage unavailable\b",
        lang="en",
    ),
    sig(
        "error_page_en",
        HEADING,
        rf"\b{_THING} (?:was )?not found\b|^\W*not found\W*$"
        rf"|\b{_THING} (?:does not|doesn't) exist\b"
        rf"|\b{_THING} (?:cannot|can't|could not|couldn't) be found\b"
        r"|\bpage (?:has been|was) removed\b"
        r"|\b(?:sorry|oops)\b.{0,40}\b(?:can't|cannot|couldn't|could not) find\b",
        lang="en",
    ),
    sig(
        "error_page_en",
        TEXT,
        r"\bthe page you (?:requested|are looking for|were looking for"
        r"|tried to access).{0,40}\b(?:not be found|cannot be found|can't be found|does not exist"
        r"|doesn't exist|no longer exists|has been (?:re)?moved|is not available)"
        r"|\bwe (?:can't|cannot|couldn't|could not) find (?:the|that|this) page\b"
        r"|\b(?:might|may|could) have been removed, had its name changed\b"
        # Hosts of images, pastes and posts: "it's probably been deleted or may not have
        # existed at all", "may have been removed or never existed".
        r"|\bbeen (?:deleted|removed|taken down)\b.{0,40}\bor (?:it )?(?:may|might|could)? ?"
        r"(?:not|never) (?:have )?existed\b",
        lang="en",
    ),
    *_wording(
        "error_page",
        {
            "fr": r"\bpage (?:introuvable|non trouv[ée]e|inexistante)\b|\berreur 404\b"
            r"|\bcette page n'existe (?:pas|plus)\b",
            "de": r"\b(?:seite|blog|datei|dokument|inhalt) (?:wurde )?nicht gefunden\b"
            r"|\bfehler 404\b|\bseite (?:existiert|gibt es|gibt's) (?:leider )?nicht(?: mehr)?\b",
            "es": r"\bp[áa]gina no encontrada\b|\b(?:la|esta) p[áa]gina no existe\b",
            "it": r"\bpagina non trovata\b|\bpagina inesistente\b|\berrore 404\b"
            r"|\b(?:la|questa) pagina non esiste\b",
            "nl": r"\bpagina niet gevonden\b|\bfout 404\b|\b(?:deze|de) pagina bestaat niet\b",
            "pt": r"\bp[áa]gina n[ãa]o encontrada\b|\berro 404\b"
            r"|\b(?:a|esta) p[áa]gina n[ãa]o existe\b",
            "cy": r"\btudalen heb ei (?:ch|g)anfod\b|\bgwall 404\b|\bdim tudalen\b"
            r"|\bnid yw'r dudalen (?:hon )?(?:yn bodoli|ar gael)\b",
            "pl": r"\bnie znaleziono strony\b|\bstrona nie (?:istnieje|zosta[łl]a znaleziona)\b",
        },
        TITLE,
        HEADING,
        short=False,
    ),
    # How CMS themes word their error page's title and heading ("Hoppla! Diese Seite kann
    # nicht gefunden werden.", "Oups ! Cette page est introuvable."), in several languages:
    # whole phrases about *the page*, so that a page about errors does not match.
    *_wording("error_page", ERROR_HEADINGS, TITLE, HEADING, short=False),
    *_wording("error_page", ERROR_TEXTS, TEXT),
    *_wording(
        "error_page",
        {
            "fr": r"\bla page (?:que vous|demand[ée]e).{0,60}(?:n'existe pas|n'existe plus"
            r"|introuvable|n'a pas [ée]t[ée] trouv[ée]e)",
            "de": r"\bdie (?:von ihnen )?(?:angeforderte|gesuchte) seite.{0,60}"
            r"(?:nicht gefunden|existiert nicht|nicht mehr verf[üu]gbar)",
            "es": r"\bla p[áa]gina (?:que (?:buscas|busca|solicitaste)|solicitada).{0,60}"
            r"(?:no existe|no se (?:ha podido encontrar|encuentra)|no est[áa] disponible)",
            "it": r"\bla pagina (?:che (?:stai cercando|cerchi)|richiesta).{0,60}"
            r"(?:non esiste|non [èe] stata trovata|non [èe] disponibile)",
            "nl": r"\bde pagina die u (?:zoekt|probeert te bereiken).{0,60}"
            r"(?:bestaat niet|niet gevonden)",
            "pt": r"\ba p[áa]gina que (?:voc[êe] )?(?:procura|est[áa] procurando).{0,60}"
            r"(?:n[ãa]o existe|n[ãa]o foi encontrada)",
            "cy": r"\bheb ddod o hyd i'r dudalen\b"
            r"|\bnid yw'r dudalen.{0,40}(?:yn bodoli|ar gael)\b",
        },
        TEXT,
    ),
    sig("directory_listing", TITLE, r"^\s*index of /"),
)
"""An error page served with a success status: a site that is not there, a page that is not."""


_ERROR_WORDS = (
    r"\b(?:error|oops|sorry|not available|unavailable|missing|no results|nothing found|lost"
    r"|can't find|cannot find|not exist|be found|not found|no longer|gone|removed|expired"
    r"|introuvable|nicht gefunden|nicht mehr|existiert nicht|no encontrada|non trovata"
    r"|niet gevonden|nao encontrada|erreur|fehler)\b|\b40[34]\b"
)
WEAK_ERROR = Table(
    sig("error_words", TITLE, _ERROR_WORDS),
    sig("error_words", HEADING, _ERROR_WORDS),
)
"""Words an error page uses that a real page may too: evidence only with other evidence
(the page is also what the site answers for a made-up address)."""


# --- removed, private and gated media ----------------------------------------------------------

MEDIA_GATED_WORDS = Table(*_wording("media_gated", MEDIA_GATED, TITLE, HEADING, TEXT))
"""A video page asking for a login or an age check."""
MEDIA_PAID_WORDS = Table(*_wording("media_paid", MEDIA_PAID, TITLE, HEADING, TEXT))
"""A video page asking viewers to pay, rent the video or join as members."""
MEDIA_PRIVATE_WORDS = Table(*_wording("media_private", MEDIA_PRIVATE, TITLE, HEADING, TEXT))
"""A video page saying its video is private."""
MEDIA_GONE_WORDS = Table(*_wording("media_removed", MEDIA_GONE, TITLE, HEADING, TEXT))
"""A video page saying its video is gone."""
MEDIA_REGION_WORDS = Table(*_wording("media_region", MEDIA_REGION, TITLE, HEADING, TEXT))
"""A video page saying its video is not shown in the viewer's country."""
