"""The classifier's rules, each with its own table of cases; first match wins."""

from __future__ import annotations

from curator.check.classifier import RULES, classify
from curator.check.facts import (
    ErrorKind,
    Expectation,
)
from curator.domain import Verdict
from tests.check.examples import (
    HELPLINE,
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
