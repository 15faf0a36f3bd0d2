"""Responses that are not the page: bot walls and challenges by vendor and by their words,
whatever status they answer with; addresses curator will not fetch."""

from __future__ import annotations

from curator.check.facts import ErrorKind, Expectation
from curator.domain import Verdict
from tests.check.examples import REAL_TEXT, Example, check, facts, page, table

SHORT_WALL = "Please stand by."

CHALLENGES = {
    "cloudflare-managed-challenge-200-by-header": Example(
        facts(
            status=200,
            body=page("", title=None, scripts=2),
            headers=(("cf-mitigated", "challenge"),),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "cloudflare_challenge"},
    ),
    "cloudflare-enable-javascript-and-cookies-403": Example(
        facts(
            status=403,
            body=page(
                "Enable JavaScript and cookies to continue",
                title="Just a moment...",
                markup="<script>window._cf_chl_opt={cvId: '3'}</script>",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "cloudflare_challenge"},
    ),
    "cloudflare-bot-fight-script-only-503": Example(
        facts(
            status=503,
            body=page(
                "",
                title=None,
                scripts=2,
                markup="<script src='/cdn-cgi/bm/cv/669835187/api.js'></script>",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "cloudflare_challenge"},
    ),
    "unknown-vendor-script-only-429": Example(
        facts(status=429, body=page("", title=None, scripts=1, markup="<script src=/x.js>")),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "script_challenge"},
    ),
    "imperva-js-challenge-200": Example(
        facts(
            status=200,
            body=page(
                "",
                title=None,
                scripts=1,
                markup='<script>createCookie("___utmvc", res, 20)</script>'
                '<iframe src="//content.incapsula.com/jsTest.html"></iframe>',
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "imperva"},
    ),
    "imperva-pardon-our-interruption-200": Example(
        facts(
            status=200,
            body=page(
                "As you were browsing something about your browser made us think you were a bot.",
                title="Pardon Our Interruption",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "imperva"},
    ),
    "datadome-block-page-403": Example(
        facts(
            status=403,
            body=page(
                "",
                title="example.org",
                markup="<script>var dd={'rt':'c','cid':'AHrlqAAA','hsh':'14D062F'}</script>"
                "<script src='https://ct.captcha-delivery.com/c.js'></script>",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "datadome"},
    ),
    "human-press-and-hold-200": Example(
        facts(
            status=200,
            body=page(
                "Press & Hold to confirm you are a human (and not a bot).",
                title="Access to this page has been denied",
                markup='<div id="px-captcha"></div>',
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "perimeterx"},
    ),
    "aws-waf-challenge-202": Example(
        facts(
            status=202,
            body=page(
                "",
                title=None,
                scripts=2,
                markup="<script>window.gokuProps = {key: 'AQID'};</script>",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "aws_waf"},
    ),
    "akamai-access-denied-reference-403": Example(
        facts(
            status=403,
            body=page(
                'You don\'t have permission to access "http://www.example.org/" on this '
                "server. Reference #18.2d351ab8.1557333295.a4e16ab",
                title="Access Denied",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "akamai"},
    ),
    "f5-request-rejected-200": Example(
        facts(
            status=200,
            body=page(
                "The requested URL was rejected. Please consult with your administrator. "
                "Your support ID is: 11386954381418421370",
                title="Request Rejected",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "f5"},
    ),
    "sucuri-cloudproxy-200": Example(
        facts(
            status=200,
            body=page(
                "You are being redirected...",
                title=None,
                scripts=1,
                markup="<script>S='...';document.cookie='sucuri_cloudproxy_uuid_1=2';"
                "</script><noscript>sucuri_cloudproxy_js</noscript>",
            ),
            headers=(("server", "Sucuri/Cloudproxy"),),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "sucuri"},
    ),
    "kasada-429": Example(
        facts(
            status=429,
            body=page(
                "",
                title=None,
                scripts=1,
                markup='<script src="/149e9513-01fa-4fb0-aad4-566afd725d1b/2d206a39-8ed7-437e-'
                'a3be-862e0f06eea3/ips.js?KP_UIDz=abc"></script>',
            ),
            headers=(("x-kpsdk-ct", "0aBc"),),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
    ),
    "vercel-checkpoint-429": Example(
        facts(
            status=429,
            body=page("We're verifying your browser", title="Vercel Security Checkpoint"),
            headers=(("x-vercel-mitigated", "challenge"),),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "vercel"},
    ),
    "unknown-waf-block-naming-an-incident-200": Example(
        facts(
            status=200,
            body=page(
                "Request blocked. Your request was denied by the security rules of this site. "
                "Incident ID: 7f3a-11be",
                title="Blocked",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "generic_block"},
    ),
    "browser-signature-ban-200": Example(
        facts(
            status=200,
            body=page(
                "The owner of this website (www.example.org) has banned your access based on "
                "your browser's signature. Why have I been blocked?",
                title="Access denied",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "generic_block"},
    ),
    "unknown-challenge-verify-you-are-human-200": Example(
        facts(
            status=200,
            body=page("Verifying you are human. This may take a few seconds.", title="Wait"),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        evidence={"signature": "generic_challenge"},
    ),
    "german-press-and-hold-style-wording-on-403-is-still-a-plain-403": Example(
        facts(status=403, body=page(SHORT_WALL, title="Zugriff verweigert")),
        Verdict.UNVERIFIABLE,
        "bot_wall",
    ),
}


@table(CHALLENGES)
def test_bot_walls_and_challenges(example: Example) -> None:
    check(example)


REAL_PAGES = {
    "real-page-with-cloudflare-detection-script": Example(
        facts(
            status=200,
            body=page(
                markup="<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>",
                scripts=1,
            ),
            headers=(("server", "cloudflare"), ("cf-ray", "8a1b2c3d4e5f-LHR")),
        ),
        Verdict.OK,
        "ok",
    ),
    "real-contact-page-with-a-recaptcha": Example(
        facts(
            status=200,
            body=page(
                markup='<script src="https://www.google.com/recaptcha/api.js"></script>', scripts=1
            ),
        ),
        Verdict.OK,
        "ok",
    ),
    "real-page-with-a-human-sensor": Example(
        facts(
            status=200,
            body=page(markup="<script>window._pxAppId='PXabc';</script>", scripts=1),
        ),
        Verdict.OK,
        "ok",
    ),
    "real-page-about-browser-security-checks": Example(
        facts(
            status=200,
            body=page(
                REAL_TEXT + " Run a browser security check before you share images. " * 60,
                title="Online security check for parents",
            ),
        ),
        Verdict.OK,
        "ok",
    ),
    "single-page-app-shell-behind-a-cdn-200": Example(
        facts(
            status=200,
            body=page("", title="Revenge Porn Helpline", scripts=3),
            headers=(("cf-ray", "8a1b2c3d4e5f-LHR"),),
        ),
        Verdict.OK,
        "ok",
    ),
    "origin-down-behind-a-cdn-503-is-transient": Example(
        facts(
            status=503,
            body=page("The server is temporarily unable to service your request.", title="503"),
            headers=(("server", "cloudflare"), ("x-iinfo", "9-1-0 NNNN")),
        ),
        Verdict.TRANSIENT,
        "server_error",
    ),
}


@table(REAL_PAGES)
def test_real_pages_behind_bot_protection_are_not_walls(example: Example) -> None:
    check(example)


LOCAL = Expectation(title="Intranet page")
BLOCKED = {
    "loopback-address": Example(
        facts(
            "http://127.0.0.1:8000/guide",
            status=None,
            error=ErrorKind.BLOCKED_ADDRESS,
            detail="refused to connect to 127.0.0.1 (127.0.0.1: loopback (127.0.0.0/8))",
        ),
        Verdict.BROKEN,
        "blocked_address",
        expectation=LOCAL,
        detail="127.0.0.1 is a private or local network address",
    ),
    "localhost": Example(
        facts("http://localhost/guide", status=None, error=ErrorKind.BLOCKED_ADDRESS),
        Verdict.BROKEN,
        "blocked_address",
        expectation=LOCAL,
        detail="CURATOR_ALLOW_PRIVATE_ADDRESSES",
    ),
    "public-name-resolving-to-a-private-address": Example(
        facts(
            status=None,
            error=ErrorKind.BLOCKED_ADDRESS,
            detail="refused to connect to helpline.example.org (10.0.0.5: private network)",
        ),
        Verdict.BROKEN,
        "blocked_address",
        detail="The domain helpline.example.org resolves to a private or local network address",
    ),
}


@table(BLOCKED)
def test_private_addresses_say_so_and_name_the_setting(example: Example) -> None:
    check(example)
    from curator.check.classifier import classify

    outcome = classify(example.facts, example.expectation)
    assert "CURATOR_ALLOW_PRIVATE_ADDRESSES" in outcome.detail
    assert "taken over" not in outcome.detail
