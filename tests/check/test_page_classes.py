"""Classes of pages curator met on sites it had never seen, written as each class is described
and served from loopback through the real fetcher and classifier (as tests/corpus does with
real pages): single-page-app shells that a host serves for every address, paid and members'
videos, scam and traffic-distribution pages on lapsed domains, hosting companies' "your site
is ready" and "under construction" pages in several languages, a video platform's page that
loads a bot-defence SDK, a page into which Cloudflare injects its bot-management script.
Each class has controls: real content that must stay as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from curator.check.facts import Expectation
from curator.domain import Verdict
from tests.corpus.harness import CorpusSites, corpus_settings
from tests.corpus.manifests import Corpus, Entry, Paths, Source

HERE = Source(
    repository="written/curator", path="tests/check/test_page_classes.py", commit="0" * 40
)
HTML = (("content-type", "text/html; charset=utf-8"),)
CHARITY = "https://old-charity.example.org.uk/"
CHARITY_TITLE = "Old Charity – support for young people"

_VITE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/vite.svg" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>{title}</title>
    <script type="module" crossorigin src="/assets/index-4f2a9c1b.js"></script>
    <link rel="stylesheet" href="/assets/index-1d2e3f4a.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
"""
_CRA = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"/><title>React App</title>'
    '<script defer="defer" src="/static/js/main.8c1e.js"></script></head><body><noscript>You '
    'need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>'
)

_CLOUDFLARE_JSD = (
    "<script>(function(){function c(){var b=a.contentDocument||a.contentWindow.document;if(b)"
    "{var d=b.createElement('script');d.innerHTML=\"window.__CF$cv$params={r:'8f56aec4ac540dbf',"
    "t:'MTczNDc3MTYzNi4wMDAwMDA='};var a=document.createElement('script');a.nonce='';a.src="
    "'/cdn-cgi/challenge-platform/h/b/scripts/jsd/787bc399e22f/main.js';document."
    "getElementsByTagName('head')[0].appendChild(a);\";b.getElementsByTagName('head')[0]."
    "appendChild(d)}}})();</script>"
)
"""What Cloudflare's bot management injects into the ordinary pages of the sites it serves."""


def _player(status: str, reason: str) -> str:
    return (
        "<html><head><title>Talk - YouTube</title></head><body><script>var "
        'ytInitialPlayerResponse = {"playabilityStatus":{"status":"'
        + status
        + '","reason":"'
        + reason
        + '","errorScreen":{}}};</script></body></html>'
    )


def _page(title: str, body: str, head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


# (id, page, url, resource, verdict wanted, how other paths answer)
Case = tuple[str, str, str, Expectation, Verdict, Paths]

APP_SHELLS: list[Case] = [
    (
        "vite-shell-not-naming-the-resource",
        _VITE.format(title="Vite + React"),
        "https://support-hub.example.org/help/online-safety",
        Expectation("Online safety advice for parents"),
        Verdict.UNVERIFIABLE,
        "same",
    ),
    (
        "react-shell-with-noscript",
        _CRA,
        "https://kidsafe.example.org/resources/grooming",
        Expectation("Grooming: signs and support"),
        Verdict.UNVERIFIABLE,
        "same",
    ),
    (
        "shell-with-no-title",
        '<!doctype html><html><head><title></title><script type="module" src="/src/main.tsx">'
        '</script></head><body><div id="app"></div></body></html>',
        "https://kidsafe.example.org/resources/grooming",
        Expectation("Grooming: signs and support"),
        Verdict.UNVERIFIABLE,
        "same",
    ),
    (
        "control-shell-naming-the-resource",
        _VITE.format(title="Online safety advice for parents | Support Hub"),
        "https://support-hub.example.org/help/online-safety",
        Expectation("Online safety advice for parents"),
        Verdict.OK,
        "same",
    ),
    (
        "control-shell-on-a-site-that-answers-404",
        _VITE.format(title="Vite + React"),
        "https://support-hub.example.org/help/online-safety",
        Expectation("Online safety advice for parents"),
        Verdict.OK,
        "404",
    ),
    (
        "control-shell-at-the-home-page",
        _VITE.format(title="Vite + React"),
        "https://support-hub.example.org/",
        Expectation("Online safety advice for parents"),
        Verdict.OK,
        "same",
    ),
    (
        "control-shell-saying-not-found",
        _VITE.format(title="Page not found"),
        "https://support-hub.example.org/help/online-safety",
        Expectation("Online safety advice for parents"),
        Verdict.SOFT_404,
        "same",
    ),
]

PAID_VIDEOS: list[Case] = [
    (
        "youtube-requires-payment",
        _player("UNPLAYABLE", "This video requires payment to watch."),
        "https://www.youtube.com/watch?v=abcdefghijk",
        Expectation("Talk", kind="video"),
        Verdict.UNVERIFIABLE,
        "404",
    ),
    (
        "youtube-members-only",
        _player(
            "UNPLAYABLE",
            "Join this channel to get access to members-only content like this video, and "
            "other exclusive perks.",
        ),
        "https://www.youtube.com/watch?v=abcdefghijl",
        Expectation("Talk", kind="video"),
        Verdict.UNVERIFIABLE,
        "404",
    ),
    (
        "on-demand-rent-or-buy",
        _page(
            "Breaking Silence on Vimeo On Demand",
            "<h1>Breaking Silence</h1><p>Watch the trailer</p><p>Rent $4.99 — watch for 48 "
            "hours. Buy $12.99 — watch anytime.</p><p>This video is not available to watch "
            "without purchase.</p>",
        ),
        "https://vimeo.com/ondemand/breakingsilence",
        Expectation("Breaking Silence", kind="video"),
        Verdict.UNVERIFIABLE,
        "404",
    ),
    (
        "members-only-video-on-a-course-site",
        _page(
            "Safeguarding 101",
            "<h1>Safeguarding 101</h1><p>This video is available to members only. Subscribe "
            'to watch this video.</p><video poster="p.jpg"></video>',
        ),
        "https://learn.example.com/videos/safeguarding-101",
        Expectation("Safeguarding 101", kind="video"),
        Verdict.UNVERIFIABLE,
        "404",
    ),
    (
        "youtube-premium-members",
        _player("UNPLAYABLE", "This video is only available to Music Premium members"),
        "https://www.youtube.com/watch?v=abcdefghijo",
        Expectation("Talk", kind="video"),
        Verdict.UNVERIFIABLE,
        "404",
    ),
    (
        "control-removed-video-stays-changed",
        _player("ERROR", "Video unavailable"),
        "https://www.youtube.com/watch?v=abcdefghijm",
        Expectation("Talk", kind="video"),
        Verdict.CHANGED,
        "404",
    ),
    (
        "control-playable-video-with-a-subscribe-button",
        _page(
            "Talk - YouTube",
            '<script>var ytInitialPlayerResponse = {"playabilityStatus":{"status":"OK"}};'
            "</script><h1>Talk</h1><button>Subscribe</button><p>Join the conversation.</p>",
        ),
        "https://www.youtube.com/watch?v=abcdefghijn",
        Expectation("Talk", kind="video"),
        Verdict.OK,
        "404",
    ),
]

SCAMS: list[Case] = [
    (
        "push-allow-not-a-robot",
        _page(
            "Press Allow",
            '<h1>Press "Allow" to verify that you are not a robot</h1><p>Click Allow to '
            'continue</p><script src="/push.js"></script>',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "push-allow-to-watch",
        _page(
            "Your video is ready",
            "<h1>Click “Allow” to watch the video</h1><p>Your file is ready.</p>",
        ),
        CHARITY + "help",
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "push-allow-french",
        _page("Vérification", "<h1>Cliquez sur « Autoriser » pour continuer</h1>").replace(
            "« Autoriser »", "Autoriser"
        ),
        "https://ancienne-asso.example.fr/",
        Expectation("Ancienne Association – aide aux victimes"),
        Verdict.PARKED,
        "same",
    ),
    (
        "traffic-distribution-page",
        _page(
            "Redirecting...",
            "<p>You are being redirected...</p>",
            head='<script>setTimeout(function(){window.location.href="https://trk.example.net'
            '/click?c=123&sub=old-charity";},1000)</script>',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "traffic-distribution-please-wait",
        _page(
            "Please wait",
            "<p>Please wait, you are being redirected to the requested page.</p><script>"
            'location.replace("https://go.tds.example.net/?u=abc")</script>',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "fake-prize",
        _page(
            "Congratulations!",
            "<h1>Congratulations, you have been selected!</h1><p>You are today's lucky "
            "visitor. Answer 3 short questions to claim your reward: a brand new phone.</p>"
            "<button>Claim now</button>",
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "fake-survey",
        _page(
            "Customer Survey",
            "<h2>Dear user, congratulations!</h2><p>You have been chosen to participate in our "
            "survey. It takes 30 seconds and you will receive a fantastic prize.</p>",
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "traffic-distribution-by-refresh",
        _page(
            "Redirecting",
            "<p>You are being redirected...</p>",
            head='<meta http-equiv="refresh" content="0;url=https://trk.example.net/go?cid=998'
            '&sub=abc">',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "push-page-drawn-by-scripts",
        '<html><head><title>Click Allow</title><script src="/sw-push.js"></script></head>'
        '<body><div id="app"></div></body></html>',
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "push-tap-allow-at-the-end",
        _page("18+", "<h1>If you are 18+, tap Allow.</h1>"),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "fake-prize-for-randomly-selected-users",
        _page(
            "Dear Chrome user",
            "<h2>Dear Chrome user,</h2><p>You are one of 10 randomly selected users to get a "
            "chance to win a gift. Offer ends today.</p>",
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "fake-security-alert",
        _page(
            "Security Warning",
            "<h1>Windows Security Alert</h1><p>Your computer has been infected with a virus. "
            "Call Microsoft Support toll-free now: +1-800-000-0000.</p>",
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "control-refresh-to-a-new-home-with-a-campaign-tag",
        _page(
            "Redirecting",
            "<p>You are being redirected...</p>",
            head='<meta http-equiv="refresh" content="0;url=https://new-charity.example.org/'
            '?utm_source=old-site">',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.BROKEN,  # judged by its target (which does not exist here), not as a lander
        "404",
    ),
    (
        "control-advice-about-push-scams",
        _page(
            "Notification scams | Old Charity",
            "<h1>Notification scams</h1><p>Old Charity helps young people stay safe online. "
            "If a website asks you to click Allow to verify that you are not a robot, close "
            "it: it wants to send you adverts. Talk to us if you are worried.</p>",
        ),
        CHARITY + "advice/notification-scams",
        Expectation(CHARITY_TITLE),
        Verdict.OK,
        "404",
    ),
    (
        "control-a-real-bot-wall-stays-unverifiable",
        _page(
            "Just a moment...",
            "<p>Verify you are human by completing the action below.</p>",
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.UNVERIFIABLE,
        "same",
    ),
    (
        "control-site-forwarding-to-its-new-address",
        _page(
            "Redirecting...",
            "<p>You are being redirected...</p>",
            head='<script>window.location.href="https://newcharity.example.org/";</script>',
        ),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.OK,
        "same",
    ),
]

PLACEHOLDERS: list[Case] = [
    (
        f"placeholder-{name}",
        _page(title, body),
        url,
        Expectation(resource),
        Verdict.PARKED,
        "same",
    )
    for name, title, body, url, resource in (
        (
            "en-hosting-ready",
            "Account Ready",
            "<h1>Your website is ready!</h1><p>Your hosting account has been set up. Upload "
            "your files to public_html to replace this page.</p>",
            CHARITY,
            CHARITY_TITLE,
        ),
        (
            "en-coming-soon",
            "Coming Soon",
            "<h1>Coming Soon</h1><p>Our new website is on its way. Stay tuned!</p>",
            CHARITY,
            CHARITY_TITLE,
        ),
        (
            "en-under-construction",
            "Under Construction",
            "<h1>Site under construction</h1><p>We are working on something awesome.</p>",
            CHARITY,
            CHARITY_TITLE,
        ),
        (
            "fr-hebergement-pret",
            "Votre hébergement est prêt",
            "<h1>Félicitations !</h1><p>Votre hébergement est prêt. Vous pouvez dès "
            "maintenant mettre en ligne votre site.</p>",
            "https://ancienne-asso.example.fr/",
            "Ancienne Association – aide aux victimes",
        ),
        (
            "de-webspace-bereit",
            "Willkommen",
            "<h1>Ihr Webspace ist bereit</h1><p>Hier entsteht demnächst ein neuer "
            "Internetauftritt.</p>",
            "https://alter-verein.example.de/",
            "Alter Verein – Hilfe für Opfer",
        ),
        (
            "de-im-aufbau",
            "Baustelle",
            "<h1>Diese Seite befindet sich im Aufbau</h1><p>Bald online.</p>",
            "https://alter-verein.example.de/",
            "Alter Verein – Hilfe für Opfer",
        ),
        (
            "es-alojamiento-listo",
            "Próximamente",
            "<h1>Tu alojamiento está listo</h1><p>Muy pronto.</p>",
            "https://vieja-asociacion.example.es/",
            "Vieja Asociación – ayuda",
        ),
        (
            "nl-in-aanbouw",
            "Binnenkort online",
            "<h1>Deze website is in aanbouw</h1><p>Binnenkort vindt u hier onze nieuwe "
            "website.</p>",
            "https://oude-stichting.example.nl/",
            "Oude Stichting – hulp",
        ),
        (
            "fr-site-est-en-construction",
            "Bienvenue",
            "<h1>Ce site est en construction</h1>",
            "https://ancienne-asso.example.fr/",
            "Ancienne Association – aide aux victimes",
        ),
        (
            "de-bald-online",
            "Willkommen",
            "<h1>Unsere Website ist bald online</h1>",
            "https://alter-verein.example.de/",
            "Alter Verein – Hilfe für Opfer",
        ),
        (
            "it-in-costruzione",
            "Sito in costruzione",
            "<h1>Sito in costruzione</h1><p>Torna presto a trovarci.</p>",
            "https://vecchia-associazione.example.it/",
            "Vecchia Associazione – aiuto",
        ),
    )
] + [
    (
        "control-charity-news-mentions-a-new-site",
        _page(
            "News | Old Charity",
            "<h1>News</h1><p>Old Charity has supported young people since 1990. Our helpline "
            "is open every day. Work on our new website is under way and we will tell you when "
            "it is ready. Meanwhile, call us or read our advice pages.</p>",
        ),
        CHARITY + "news",
        Expectation(CHARITY_TITLE),
        Verdict.OK,
        "404",
    ),
]

VIDEO_PLATFORMS: list[Case] = [
    (
        "twitch-clip-loading-kasada-sdk",
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Funny moment - '
        'Twitch</title><meta property="og:site_name" content="Twitch"><script>window.KPSDK={};'
        'KPSDK.now=Date.now.bind(Date);KPSDK.start=KPSDK.now();</script><script src="https://'
        "k.twitchcdn.net/149e9513-01fa-4fb0-aad4-566afd725d1b/2d206a39-8ed7-437e-a3be-"
        '862e0f06eea3/p.js"></script><script src="https://static.twitchcdn.net/assets/core.js">'
        '</script></head><body><div id="root"></div></body></html>',
        "https://clips.twitch.tv/FunnyMomentAbc",
        Expectation("Funny moment", kind="video"),
        Verdict.OK,
        "same",
    ),
    (
        "page-with-cloudflare-bot-management-script",
        _page(
            "Sextortion advice | Safe Online",
            "<h1>Sextortion advice</h1><p>If someone threatens to share intimate images of you, "
            "do not pay. Stop contact, keep evidence and report it.</p>" + _CLOUDFLARE_JSD,
        ),
        "https://safe-online.example.org/advice/sextortion",
        Expectation("Sextortion advice"),
        Verdict.OK,
        "404",
    ),
    (
        "control-cloudflare-challenge-stays-unverifiable",
        _page(
            "Just a moment...",
            "<script>window._cf_chl_opt={cvId: '3',cType: 'managed'};</script>",
        ),
        "https://safe-online.example.org/advice/sextortion",
        Expectation("Sextortion advice"),
        Verdict.UNVERIFIABLE,
        "same",
    ),
    (
        "control-kasada-refusal-stays-unverifiable",
        '<html><head><script>window.KPSDK={};</script><script src="/149e9513-01fa-4fb0-aad4-'
        '566afd725d1b/2d206a39-8ed7-437e-a3be-862e0f06eea3/ips.js"></script></head><body>'
        "</body></html>",
        "https://shop.example.com/item",
        Expectation("Item"),
        Verdict.UNVERIFIABLE,
        "same",
    ),
]

ALL = APP_SHELLS + PAID_VIDEOS + SCAMS + PLACEHOLDERS + VIDEO_PLATFORMS
STATUS = {"control-kasada-refusal-stays-unverifiable": 429}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("written")
    (root / "pages").mkdir()
    entries = []
    for name, html, url, resource, verdict, paths in ALL:
        (root / "pages" / f"{name}.html").write_text(html, encoding="utf-8")
        entries.append(
            Entry(
                id=name,
                file=f"{name}.html",
                url=url,
                status=STATUS.get(name, 200),
                headers=HTML,
                resource=resource,
                expect=verdict,
                klass="written",
                source=HERE,
                note="written as the class is described",
                manifest="tests/check/test_page_classes.py",
                paths=paths,
            )
        )
    return Corpus(root, tuple(entries))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(
    written: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[CorpusSites]:
    settings = corpus_settings(Path(tmp_path_factory.mktemp("settings")))
    async with CorpusSites(written, settings) as sites:
        yield sites


def test_names_are_unique() -> None:
    names = [case[0] for case in ALL]
    assert len(set(names)) == len(names)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", [case[0] for case in ALL])
async def test_verdict(name: str, written: Corpus, served: CorpusSites) -> None:
    entry = next(e for e in written.entries if e.id == name)
    judgement = await served.judge(entry)
    assert judgement.outcome.verdict is entry.expect, judgement.explain()


@pytest.mark.asyncio(loop_scope="module")
async def test_an_app_shell_unlike_the_resource_says_why(
    written: Corpus, served: CorpusSites
) -> None:
    entry = next(e for e in written.entries if e.id == "vite-shell-not-naming-the-resource")
    outcome = (await served.judge(entry)).outcome
    assert outcome.rule == "app_shell_like_random_path"
    assert "answers every address with the same app shell" in outcome.detail
    assert outcome.evidence["app_shell"] is True


@pytest.mark.asyncio(loop_scope="module")
async def test_a_paid_video_is_not_called_removed(written: Corpus, served: CorpusSites) -> None:
    entry = next(e for e in written.entries if e.id == "youtube-requires-payment")
    outcome = (await served.judge(entry)).outcome
    assert outcome.evidence["media"] == "paid"
    assert "not removed" in outcome.detail
