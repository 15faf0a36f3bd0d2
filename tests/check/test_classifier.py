"""The classifier's rules, each with its own table of cases; first match wins."""

from __future__ import annotations

from curator.check.classifier import RULES, classify, refresh_target, wants_baseline
from curator.check.facts import (
    ErrorKind,
    Expectation,
    Page,
    SiteBaseline,
    VideoFacts,
)
from curator.check.text import fingerprint
from curator.domain import Verdict
from tests.check.examples import (
    CATCH_ALL_TEXT,
    HELPLINE,
    HOME,
    PLAIN,
    REAL_TEXT,
    URL,
    Example,
    chain,
    check,
    facts,
    page,
    table,
)


def test_rules_are_named_and_documented() -> None:
    names = [rule.__name__ for rule in RULES]
    assert len(set(names)) == len(names)
    assert names[-1] == "ok"
    for rule in RULES:
        assert rule.__doc__ and "\n" not in rule.__doc__.strip().splitlines()[0]
    order = names.index
    assert order("parked_domain") < order("moved_permanently")
    assert order("soft_404_home_redirect") < order("moved_permanently")
    assert order("bot_wall") < order("gone") < order("server_error")
    assert order("video_unavailable") < order("soft_404_like_random_path")


NETWORK = {
    "blocked-address": Example(
        facts(status=None, error=ErrorKind.BLOCKED_ADDRESS, detail="127.0.0.1"),
        Verdict.BROKEN,
        "blocked_address",
        detail="private or local network address (127.0.0.1)",
    ),
    "invalid-location": Example(
        facts(status=None, error=ErrorKind.INVALID_URL, detail="redirect to ftp://x/"),
        Verdict.BROKEN,
        "invalid_url",
    ),
    "nxdomain": Example(
        facts(status=None, error=ErrorKind.DNS_NXDOMAIN),
        Verdict.BROKEN,
        "dns_nxdomain",
        detail="helpline.example.org no longer exists",
        evidence={"error": "dns_nxdomain"},
    ),
    "dns-server-failure": Example(
        facts(status=None, error=ErrorKind.DNS_FAILURE),
        Verdict.TRANSIENT,
        "dns_failure",
    ),
    "tls-expired": Example(
        facts(status=None, error=ErrorKind.TLS_EXPIRED),
        Verdict.INSECURE,
        "tls_failure",
        detail="certificate of helpline.example.org has expired",
        evidence={"tls": "tls_expired"},
    ),
    "tls-self-signed": Example(
        facts(status=None, error=ErrorKind.TLS_SELF_SIGNED),
        Verdict.INSECURE,
        "tls_failure",
        detail="self-signed",
    ),
    "tls-wrong-host": Example(
        facts(status=None, error=ErrorKind.TLS_HOSTNAME),
        Verdict.INSECURE,
        "tls_failure",
        detail="for another name",
    ),
    "tls-other": Example(
        facts(status=None, error=ErrorKind.TLS_ERROR, detail="handshake failure"),
        Verdict.INSECURE,
        "tls_failure",
        detail="handshake failure",
    ),
    "redirect-loop": Example(
        facts(
            status=301,
            hops=chain((URL, 301), (URL + "/", 301), (URL, 301)),
            error=ErrorKind.REDIRECT_LOOP,
        ),
        Verdict.BROKEN,
        "redirect_loop",
        detail="in a loop",
    ),
    "too-many-redirects": Example(
        facts(
            status=302,
            hops=chain(*[(f"{URL}/{i}", 302) for i in range(11)]),
            error=ErrorKind.TOO_MANY_REDIRECTS,
        ),
        Verdict.BROKEN,
        "redirect_loop",
        detail="11 times",
    ),
    "connect-timeout": Example(
        facts(status=None, error=ErrorKind.CONNECT_TIMEOUT, attempts=3),
        Verdict.TRANSIENT,
        "network_failure",
        detail="(3 attempts)",
    ),
    "reset": Example(
        facts(status=None, error=ErrorKind.RESET), Verdict.TRANSIENT, "network_failure"
    ),
    "deadline": Example(
        facts(status=None, error=ErrorKind.DEADLINE), Verdict.TRANSIENT, "network_failure"
    ),
    "refused": Example(
        facts(status=None, error=ErrorKind.CONNECT_REFUSED), Verdict.TRANSIENT, "network_failure"
    ),
    "garbage-response": Example(
        facts(status=None, error=ErrorKind.PROTOCOL), Verdict.TRANSIENT, "network_failure"
    ),
}


@table(NETWORK)
def test_fetch_failures(example: Example) -> None:
    check(example)


CHALLENGE = page("Checking your browser before accessing the site.", title="Just a moment...")
STATUSES = {
    "cloudflare-header-403": Example(
        facts(status=403, body=page("", title=None), headers=(("cf-mitigated", "challenge"),)),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "cloudflare_challenge"},
    ),
    "cloudflare-just-a-moment-503": Example(
        facts(status=503, body=CHALLENGE), Verdict.UNVERIFIABLE, "bot_wall", detail="bot check"
    ),
    "cloudflare-challenge-on-200": Example(
        facts(status=200, body=CHALLENGE), Verdict.UNVERIFIABLE, "bot_wall"
    ),
    "cloudflare-attention-required": Example(
        facts(
            status=403,
            body=page("Sorry, you have been blocked", title="Attention Required! | Cloudflare"),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "cloudflare_block"},
    ),
    "akamai-access-denied": Example(
        facts(status=403, body=page("You don't have permission", title="Access Denied")),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "akamai"},
    ),
    "datadome-header": Example(
        facts(status=403, body=page("", title=None), headers=(("x-datadome", "protected"),)),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "datadome"},
    ),
    "perimeterx-markup": Example(
        facts(status=403, body=page("", title=None, markup='<div id="px-captcha"></div>')),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "perimeterx"},
    ),
    "imperva-markup": Example(
        facts(
            status=403, body=page("", title=None, markup='<iframe src="/_Incapsula_Resource?x">')
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "imperva"},
    ),
    "aws-waf-header": Example(
        facts(status=405, body=page("", title=None), headers=(("x-amzn-waf-action", "captcha"),)),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "aws_waf"},
    ),
    "plain-403": Example(
        facts(status=403, body=page("Forbidden", title="403 Forbidden")),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        detail="refuses automated requests (HTTP 403 Forbidden)",
    ),
    "login-401": Example(
        facts(status=401), Verdict.UNVERIFIABLE, "bot_wall", detail="asks for a login"
    ),
    "linkedin-999": Example(
        facts("https://www.linkedin.com/company/x", status=999),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "linkedin_999"},
    ),
    "429-after-retries": Example(
        facts(status=429, attempts=3),
        Verdict.UNVERIFIABLE,
        "rate_limited",
        detail="HTTP 429 after 3 attempts",
    ),
    "404": Example(facts(status=404), Verdict.BROKEN, "gone", detail="HTTP 404 Not Found"),
    "410": Example(facts(status=410), Verdict.BROKEN, "gone", detail="removed on purpose"),
    "400": Example(facts(status=400), Verdict.BROKEN, "gone", detail="HTTP 400 Bad Request"),
    "451": Example(facts(status=451), Verdict.BROKEN, "gone"),
    "500": Example(facts(status=500), Verdict.TRANSIENT, "server_error"),
    "503-plain": Example(
        facts(status=503, body=page("Down for maintenance", title="Maintenance"), attempts=3),
        Verdict.TRANSIENT,
        "server_error",
        detail="HTTP 503 Service Unavailable after 3 attempts",
    ),
    "408": Example(facts(status=408), Verdict.TRANSIENT, "server_error"),
    "final-300": Example(facts(status=300), Verdict.TRANSIENT, "unexpected_status"),
    "datadome-script-on-real-200-page": Example(
        facts(status=200, body=page(markup='<script src="https://js.captcha-delivery.com/x.js">')),
        Verdict.OK,
        "ok",
    ),
}


@table(STATUSES)
def test_statuses_and_bot_walls(example: Example) -> None:
    check(example)


PARKED_DOMAIN = "https://sextortion-help.example/"
CASINO = "https://best-casino.example/"
PARKED = {
    "sedo-markup": Example(
        facts(
            PARKED_DOMAIN,
            body=page(
                "",
                title="sextortion-help.example",
                markup='<script src="//img.sedoparking.com/js/x.js">',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "sedo"},
    ),
    "may-be-for-sale": Example(
        facts(PARKED_DOMAIN, body=page("This domain may be for sale! Enquire now.", title="x")),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "for_sale"},
    ),
    "hugedomains-redirect": Example(
        facts(
            PARKED_DOMAIN,
            hops=chain(
                (PARKED_DOMAIN, 302), ("https://www.hugedomains.com/domain_profile.cfm?d=x", 200)
            ),
            body=page("Buy now, payment plans", title="Domain for sale"),
        ),
        Verdict.PARKED,
        "parked_domain",
    ),
    "dan-com-lander": Example(
        facts(
            PARKED_DOMAIN,
            body=page("", title=None, markup='<a href="https://dan.com/buy-domain/x">'),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "dan_com"},
    ),
    "godaddy-parking-script": Example(
        facts(
            PARKED_DOMAIN,
            body=page(
                "",
                title=None,
                markup='<script src="https://img1.wsimg.com/parking-lander/static/js/main.js">',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "godaddy_parking"},
    ),
    "afternic-host": Example(
        facts(
            PARKED_DOMAIN,
            hops=chain((PARKED_DOMAIN, 301), ("https://www.afternic.com/forsale/x", 200)),
            body=page("Get this domain", title="x"),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "afternic"},
    ),
    "permanent-redirect-to-unrelated-site": Example(
        facts(
            URL,
            hops=chain((URL, 301), (CASINO, 200)),
            body=page("Spin the wheel and win big. Bonus offers every day.", title="Best Casino"),
        ),
        Verdict.PARKED,
        "parked_redirect",
        detail="unrelated site (best-casino.example)",
    ),
    "long-article-mentioning-domain-sales-is-not-parked": Example(
        facts(
            URL,
            body=page(REAL_TEXT + " Some say this domain is for sale, it is not. " + "word " * 400),
        ),
        Verdict.OK,
        "ok",
    ),
    "permanent-move-to-new-domain-with-same-words-is-moved": Example(
        facts(URL, hops=chain((URL, 301), ("https://rph.example.net/sextortion", 200))),
        Verdict.MOVED,
        "moved_permanently",
        detail="another domain (rph.example.net)",
        suggested="https://rph.example.net/sextortion",
    ),
}


@table(PARKED)
def test_parked(example: Example) -> None:
    check(example)


ERROR_PAGE_TEXT = "Sorry, we looked everywhere. Try the search box or go back to the home page."
SOFT = {
    "deep-link-to-home": Example(
        facts(URL, hops=chain((URL, 302), (HOME, 200))),
        Verdict.SOFT_404,
        "soft_404_home_redirect",
        detail="redirects to the home page of helpline.example.org",
    ),
    "deep-link-permanently-to-home": Example(
        facts(URL, hops=chain((URL, 301), ("https://helpline.example.org/en/", 200))),
        Verdict.SOFT_404,
        "soft_404_home_redirect",
    ),
    "home-to-home-https-is-moved": Example(
        facts(
            "http://helpline.example.org/",
            hops=chain(("http://helpline.example.org/", 301), (HOME, 200)),
        ),
        Verdict.MOVED,
        "moved_permanently",
        detail="secure address",
        suggested=HOME,
    ),
    "en-title": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Page not found | Helpline")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        detail="The page now says 'Page not found | Helpline' (HTTP 200 OK)",
        evidence={"language": "en"},
    ),
    "404-title": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="404 - File or directory not found.")),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "en-heading-oops": Example(
        facts(
            body=page(
                ERROR_PAGE_TEXT, title="Helpline", headings=("Oops! We can't find that page",)
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
        detail="The page now says 'Oops! We can't find that page'",
    ),
    "en-text-only": Example(
        facts(
            body=page(
                "The page you are looking for does not exist. " + ERROR_PAGE_TEXT, title="Helpline"
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "fr": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Page introuvable – Aide")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "fr"},
    ),
    "de": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Hilfe", headings=("Seite nicht gefunden",))),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "de"},
    ),
    "es": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Página no encontrada")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "es"},
    ),
    "it": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Pagina non trovata")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "it"},
    ),
    "nl": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Pagina niet gevonden")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "nl"},
    ),
    "pt": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Página não encontrada")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "pt"},
    ),
    "cy": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Tudalen heb ei chanfod")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "cy"},
    ),
    "law-section-404-stays-ok": Example(
        facts(body=page(REAL_TEXT, title="Section 404 of the Act explained")),
        Verdict.OK,
        "ok",
    ),
    "long-page-mentioning-not-found-stays-ok": Example(
        facts(
            body=page(REAL_TEXT + " If the page you are looking for does not exist, call. " * 40)
        ),
        Verdict.OK,
        "ok",
    ),
    "like-random-path": Example(
        facts(body=page(CATCH_ALL_TEXT, title="Welcome")),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/curator-probe-1f3a",
            title="Welcome",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
        evidence={"similarity": 1.0},
    ),
    "same-landing-as-random-path": Example(
        facts(
            URL,
            hops=chain((URL, 302), ("https://helpline.example.org/search?q=x", 200)),
            body=page("Search results: 0 results", title="Search"),
        ),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/search?q=x",
            title="Search",
            fingerprint=fingerprint("Search results: 0 results for curator probe"),
        ),
    ),
    "real-page-on-catch-all-site-stays-ok": Example(
        facts(body=page(REAL_TEXT)),
        Verdict.OK,
        "ok",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/curator-probe-1f3a",
            title="Revenge Porn Helpline",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
    ),
    "honest-404-baseline-never-soft": Example(
        facts(body=page(CATCH_ALL_TEXT, title="Welcome")),
        Verdict.OK,
        "ok",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=404,
            final_url=None,
            title="Welcome",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
        expectation=PLAIN,
    ),
}


@table(SOFT)
def test_soft_404(example: Example) -> None:
    check(example)


def test_the_home_page_itself_is_never_compared_with_the_baseline() -> None:
    baseline = SiteBaseline(
        host="helpline.example.org",
        probe_url="https://helpline.example.org/x",
        status=200,
        final_url=HOME,
        title="Revenge Porn Helpline",
        fingerprint=fingerprint(REAL_TEXT),
    )
    home = facts(HOME)
    assert classify(home, HELPLINE, baseline).verdict is Verdict.OK
    assert not wants_baseline(home, classify(home, HELPLINE))
    assert wants_baseline(facts(), classify(facts(), HELPLINE))
    assert not wants_baseline(facts(status=404), classify(facts(status=404), HELPLINE))


REFRESH_TARGET = "https://helpline.example.org/new-place"
REFRESHING = page("Redirecting…", title="Redirecting", meta_refresh=REFRESH_TARGET)
REFRESH = {
    "to-404": Example(
        facts(body=REFRESHING),
        Verdict.BROKEN,
        "meta_refresh_to_broken",
        refresh=facts(REFRESH_TARGET, status=404),
        detail=f"(meta refresh) to {REFRESH_TARGET}, which is broken: the page is gone",
        evidence={"refresh_verdict": "broken"},
    ),
    "to-nxdomain": Example(
        facts(body=REFRESHING),
        Verdict.BROKEN,
        "meta_refresh_to_broken",
        refresh=facts(REFRESH_TARGET, status=None, error=ErrorKind.DNS_NXDOMAIN),
    ),
    "to-working-page": Example(
        facts(body=REFRESHING),
        Verdict.OK,
        "meta_refresh_target",
        refresh=facts(REFRESH_TARGET),
    ),
    "to-page-without-the-phone": Example(
        facts(body=REFRESHING),
        Verdict.CHANGED,
        "meta_refresh_target",
        refresh=facts(REFRESH_TARGET, body=page("We moved our helpline.")),
    ),
    "deep-link-to-home": Example(
        facts(body=REFRESHING),
        Verdict.SOFT_404,
        "meta_refresh_target",
        refresh=facts(HOME),
    ),
}


@table(REFRESH)
def test_meta_refresh(example: Example) -> None:
    check(example)


def test_refresh_target_only_for_pages_forwarding_elsewhere() -> None:
    assert refresh_target(facts(body=REFRESHING)) == REFRESH_TARGET
    assert refresh_target(facts(body=page(meta_refresh=URL))) is None  # reloads itself
    assert refresh_target(facts(status=404, body=REFRESHING)) is None
    assert refresh_target(facts()) is None


VIDEO = "https://www.youtube.com/watch?v=abc123def45"
FILM = Expectation(title="Sextortion (cyber-enabled blackmail)", kind="video")
CHANGED = {
    "expect-text-missing": Example(
        facts(body=page("We have a new phone number: 0345 6000 459.")),
        Verdict.CHANGED,
        "expectation_missing",
        expectation=Expectation(title="Helpline", expect_text=("Don't Panic and Don't Pay",)),
        detail="The page no longer shows 'Don't Panic and Don't Pay'",
        evidence={"missing_text": ["Don't Panic and Don't Pay"]},
    ),
    "expect-text-case-whitespace-and-quotes-insensitive": Example(
        facts(body=page("Our advice:  DON’T   panic\nand don't pay. 0345 6000 459")),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Helpline", expect_text=("Don't Panic and Don't Pay",)),
    ),
    "phone-missing": Example(
        facts(body=page("Call Report Fraud on 0300 123 2040.")),
        Verdict.CHANGED,
        "expectation_missing",
        detail="no longer shows the helpline number 0345 6000 459 (numbers on it: 0300 123 2040)",
        evidence={"missing_phone": "0345 6000 459", "phones_found": ["0300 123 2040"]},
    ),
    "phone-written-differently": Example(
        facts(body=page("Call 03456 000 459 today.")), Verdict.OK, "ok"
    ),
    "phone-international": Example(
        facts(body=page("From abroad: +44 345 6000 459.")), Verdict.OK, "ok"
    ),
    "phone-with-bracketed-zero": Example(
        facts(body=page("Phone +44 (0)345 6000 459.")), Verdict.OK, "ok"
    ),
    "text-and-phone-missing": Example(
        facts(body=page("Nothing here any more.")),
        Verdict.CHANGED,
        "expectation_missing",
        expectation=Expectation(title="Helpline", phone="0345 6000 459", expect_text=("Mon–Fri",)),
        detail="The page no longer shows 'Mon–Fri' or the helpline number 0345 6000 459.",
    ),
    "pdf-cannot-be-read-stays-ok": Example(
        facts(body=Page(content_type="application/pdf", bytes_read=5000)),
        Verdict.OK,
        "ok",
        detail="cannot be read from application/pdf",
    ),
    "video-removed": Example(
        facts(VIDEO, body=page("YouTube", title="YouTube")),
        Verdict.CHANGED,
        "video_unavailable",
        expectation=FILM,
        video=VideoFacts(
            provider="youtube", available=False, status=404, detail="removed or never existed"
        ),
        detail="The YouTube video is removed or never existed, oEmbed HTTP 404.",
    ),
    "video-private": Example(
        facts(VIDEO, body=page("YouTube", title="YouTube")),
        Verdict.CHANGED,
        "video_unavailable",
        expectation=FILM,
        video=VideoFacts(provider="youtube", available=False, status=401, detail="private"),
    ),
    "video-available": Example(
        facts(VIDEO, body=page("YouTube", title="YouTube")),
        Verdict.OK,
        "ok",
        expectation=FILM,
        video=VideoFacts(provider="youtube", available=True, status=200, title="Sextortion"),
    ),
}


@table(CHANGED)
def test_changed(example: Example) -> None:
    check(example)


OLD = "https://www.actionfraud.police.uk/sextortion"
NEW = "https://www.reportfraud.police.uk/sextortion"
MOVED = {
    "301": Example(
        facts(URL, hops=chain((URL, 301), (URL + "-help", 200))),
        Verdict.MOVED,
        "moved_permanently",
        suggested=URL + "-help",
        detail=f"Moved permanently to {URL}-help: update the link.",
    ),
    "308": Example(
        facts(URL, hops=chain((URL, 308), (URL + "/", 200))),
        Verdict.MOVED,
        "moved_permanently",
        suggested=URL + "/",
    ),
    "http-to-https": Example(
        facts(
            URL.replace("https", "http"),
            hops=chain((URL.replace("https", "http"), 301), (URL, 200)),
        ),
        Verdict.MOVED,
        "moved_permanently",
        suggested=URL,
        detail="secure address",
    ),
    "cross-domain-same-content": Example(
        facts(OLD, hops=chain((OLD, 301), (NEW, 200)), body=page("Report Fraud: sextortion scams")),
        Verdict.MOVED,
        "moved_permanently",
        expectation=Expectation(title="Action Fraud – a sextortion scam email"),
        suggested=NEW,
    ),
    "permanent-then-temporary-suggests-permanent-target": Example(
        facts(URL, hops=chain((URL, 301), (URL + "-v2", 302), (URL + "-v2?session=1", 200))),
        Verdict.MOVED,
        "moved_permanently",
        suggested=URL + "-v2",
    ),
    "temporary-then-permanent-is-ok": Example(
        facts(URL, hops=chain((URL, 302), (URL + "-v2", 301), (URL + "-v3", 200))),
        Verdict.OK,
        "ok",
    ),
    "302-to-working-page-is-ok": Example(
        facts(URL, hops=chain((URL, 302), (URL + "?lang=en", 200))),
        Verdict.OK,
        "ok",
        detail="temporary redirect",
    ),
    "307-is-ok": Example(facts(URL, hops=chain((URL, 307), (URL + "/", 200))), Verdict.OK, "ok"),
    "plain-200": Example(facts(), Verdict.OK, "ok", detail="Works (HTTP 200 OK)."),
}


@table(MOVED)
def test_moved_and_ok(example: Example) -> None:
    check(example)


def test_moved_yields_to_a_missing_expectation() -> None:
    moved_away = facts(
        URL, hops=chain((URL, 301), (URL + "-v2", 200)), body=page("New helpline soon.")
    )
    assert classify(moved_away, HELPLINE).verdict is Verdict.CHANGED


def test_evidence_carries_the_chain() -> None:
    outcome = classify(facts(URL, hops=chain((URL, 301), (URL + "/", 200))), HELPLINE)
    assert outcome.evidence["status"] == 200
    assert outcome.evidence["final_url"] == URL + "/"
    assert outcome.evidence["hops"] == [
        {"url": URL, "status": 301, "address": None, "location": URL + "/"},
        {"url": URL + "/", "status": 200, "address": None, "location": None},
    ]
    assert outcome.evidence["title"] == "Revenge Porn Helpline"
