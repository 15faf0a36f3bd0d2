"""Pages written as the classes curator met on held-out sites describe them: bot walls in
other languages and of unnamed vendors, consent walls and region-blocked videos; and the real
pages beside them that must keep their verdicts. (Default and error pages, spam:
tests/check/test_defaults_and_errors.py.)"""

from __future__ import annotations

from curator.check.facts import Expectation, Page
from curator.domain import Verdict
from tests.check.examples import (
    PLAIN,
    REAL_TEXT,
    URL,
    Example,
    baseline_like,
    chain,
    check,
    facts,
    page,
    table,
)

DEEP = "https://www.kinderschutz-beispiel.de/hilfe/beratung"
ADVICE = Expectation(title="Beratung für Eltern – Kinderschutz")
LAPSED_DEEP = "https://www.old-charity-example.org.uk/advice/online-safety/"
CHARITY = Expectation(title="Old Charity – support for young people")


def _same_everywhere(
    url: str, status: int, body: Page, *, verdict: Verdict, rule: str, expectation: Expectation
) -> Example:
    """A page a host answers on every path: what the random-path probe sees too."""
    return Example(
        facts(url, status, body=body),
        verdict,
        rule,
        expectation=expectation,
        baseline=baseline_like(body, host="www.kinderschutz-beispiel.de"),
    )


BOT_WALLS = {
    "chinese-access-verification-200": _same_everywhere(
        DEEP,
        200,
        page("请完成下方安全验证后继续访问", title="访问验证", scripts=2),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "chinese-security-verification-slider": _same_everywhere(
        DEEP,
        200,
        page("安全验证 请拖动下方滑块完成验证", title="", scripts=3),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "unnamed-vendor-site-verification": _same_everywhere(
        DEEP,
        200,
        page(
            "Please wait a moment. We are checking your connection before you reach the site.",
            title="Site verification",
            scripts=1,
        ),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "checking-your-browser-without-a-name": _same_everywhere(
        DEEP,
        200,
        page("Checking your browser before accessing the website.", title="One moment"),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "cookie-and-reload-script": _same_everywhere(
        DEEP,
        200,
        page(
            "",
            title=None,
            scripts=1,
            markup='<html><script>document.cookie="srcurl=6874;path=/";'
            "window.location.href=window.location.href;</script></html>",
        ),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "cookie-banner-reload-on-a-real-page-stays-ok": Example(
        facts(
            URL,
            body=page(
                REAL_TEXT,
                title="Revenge Porn Helpline",
                scripts=1,
                markup="<html><body><p>We use cookies.</p><script>function ok(){"
                'document.cookie="consent=1;path=/";location.reload();}</script></body></html>',
            ),
        ),
        Verdict.OK,
        "ok",
    ),
    "cdnfly-guard-script": _same_everywhere(
        DEEP,
        200,
        page(
            "",
            title=None,
            scripts=1,
            markup='<html><head><script src="/_guard/auto.js"></script></head></html>',
        ),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "yunsuo-marker": _same_everywhere(
        DEEP,
        200,
        page(
            "",
            title=None,
            scripts=1,
            markup='<html><script>function stringToHex(s){}; var x = "yunsuo_session_verify";',
        ),
        verdict=Verdict.UNVERIFIABLE,
        rule="bot_wall",
        expectation=ADVICE,
    ),
    "yunsuo-cookie-on-a-script-page": Example(
        facts(
            DEEP,
            200,
            body=page("", title=None, scripts=1),
            headers=(("set-cookie", "yunsuo_session_verify=d21eb089dde2f05fd34ee94b269914f2"),),
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        expectation=ADVICE,
        evidence={"signature": "cn_waf"},
    ),
    "heroku-no-such-app-by-its-link": Example(
        facts(
            LAPSED_DEEP,
            404,
            body=page(
                "",
                title="No such app",
                markup='<iframe src="//www.herokucdn.com/error-pages/no-such-app.html"></iframe>',
            ),
        ),
        Verdict.PARKED,
        "parked_platform",
        expectation=CHARITY,
    ),
    "russian-browser-check": Example(
        facts(DEEP, 200, body=page("Проверка браузера перед переходом на сайт", title="")),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        expectation=ADVICE,
    ),
}


@table(BOT_WALLS)
def test_bot_walls_in_other_languages_and_of_unnamed_vendors(example: Example) -> None:
    check(example)


YOUTUBE = "https://www.youtube.com/watch?v=abc123def45"
FILM = Expectation(title="Sextortion explained (film)", kind="video")
CONSENT_MARKUP = (
    '<form action="https://consent.youtube.com/save" method="POST">'
    '<input type="hidden" name="continue" value="https://www.youtube.com/watch?v=abc123def45">'
)

CONSENT = {
    "youtube-before-you-continue-spanish": Example(
        facts(
            YOUTUBE,
            body=page(
                "Usamos cookies y datos para ofrecer y mantener los servicios de Google. "
                "Aceptar todo Rechazar todo",
                title="Antes de ir a YouTube",
                markup=CONSENT_MARKUP,
            ),
        ),
        Verdict.UNVERIFIABLE,
        "consent_wall",
        expectation=FILM,
        detail="A consent page stood in front of the page",
    ),
    "google-consent-german-heading": Example(
        facts(
            "https://www.google.com/maps/place/Beratungsstelle",
            body=page(
                "Wir verwenden Cookies und Daten, um Google-Dienste bereitzustellen.",
                title="Google Maps",
                headings=("Bevor Sie zu Google Maps weitergehen",),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "consent_wall",
        expectation=PLAIN,
    ),
    "redirected-to-consent-host": Example(
        facts(
            YOUTUBE,
            hops=chain(
                (YOUTUBE, 302),
                ("https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com", 200),
            ),
            body=page("", title="YouTube", scripts=2),
        ),
        Verdict.UNVERIFIABLE,
        "consent_wall",
        expectation=FILM,
        evidence={"signature": "google_consent"},
    ),
    "consent-page-refreshing-to-itself": Example(
        facts(
            YOUTUBE,
            body=page(
                "",
                title="Before you continue to YouTube",
                meta_refresh=YOUTUBE,
                markup=CONSENT_MARKUP,
            ),
        ),
        Verdict.UNVERIFIABLE,
        "consent_wall",
        expectation=FILM,
    ),
    "article-about-consent-stays-ok": Example(
        facts(
            URL,
            body=page(
                REAL_TEXT + " Before you continue, read our cookie policy.",
                title="Revenge Porn Helpline – Before you continue: what cookies we use",
            ),
        ),
        Verdict.OK,
        "ok",
    ),
}


@table(CONSENT)
def test_consent_walls_are_unverifiable(example: Example) -> None:
    check(example)


def _player(*fields: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return fields


PLAYER_TEXT = "About Press Copyright Contact us Creators Advertise Developers Terms Privacy"
REGION = {
    "uploader-not-made-it-available-in-your-country": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=_player(
                    ("youtube_status", "UNPLAYABLE"),
                    (
                        "youtube_reason",
                        "The uploader has not made this video available in your country.",
                    ),
                ),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_region_blocked",
        expectation=FILM,
        detail="not shown in the country curator checks from",
        evidence={"media": "region"},
    ),
    "video-unavailable-with-region-subreason": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=_player(
                    ("youtube_status", "UNPLAYABLE"),
                    ("youtube_reason", "Video unavailable"),
                    ("youtube_subreason", "This video is not available in your country"),
                ),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_region_blocked",
        expectation=FILM,
    ),
    "login-required-with-region-reason": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=_player(
                    ("youtube_status", "LOGIN_REQUIRED"),
                    (
                        "youtube_reason",
                        "This video contains content from SME, who has blocked it in your "
                        "country on copyright grounds.",
                    ),
                ),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_region_blocked",
        expectation=FILM,
    ),
    "region-words-on-another-host": Example(
        facts(
            "https://www.player.example/episodes/online-safety",
            body=page(
                "This programme is not available in your location. Sign in. Help.",
                title="Online safety – Player",
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_region_blocked",
        expectation=FILM,
    ),
    "removed-video-stays-changed": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=_player(
                    ("youtube_status", "ERROR"),
                    ("youtube_reason", "This video has been removed by the uploader"),
                ),
            ),
        ),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
    ),
    "private-video-stays-changed": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=_player(
                    ("youtube_status", "LOGIN_REQUIRED"), ("youtube_reason", "Private video")
                ),
            ),
        ),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
    ),
}


@table(REGION)
def test_region_blocked_videos_exist_but_cannot_be_seen(example: Example) -> None:
    check(example)
