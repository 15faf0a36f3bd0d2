"""Lander classes curator met on sites it had never seen, written as each class is described and
served from loopback through the real fetcher and classifier (as tests/corpus does with real
pages): scam and traffic-distribution pages on lapsed domains, and hosting companies' "your
site is ready" and "under construction" pages in several languages. Each class has controls:
real content that must stay as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from curator.check.facts import Expectation
from curator.domain import Verdict
from tests.check.written_pages import (
    CHARITY,
    CHARITY_TITLE,
    Case,
    html_page,
    write_corpus,
)
from tests.corpus.harness import CorpusSites, corpus_settings
from tests.corpus.manifests import Corpus

MANIFEST = "tests/check/test_lander_classes.py"

SCAMS: list[Case] = [
    (
        "push-allow-not-a-robot",
        html_page(
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
        html_page(
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
        html_page("Vérification", "<h1>Cliquez sur « Autoriser » pour continuer</h1>").replace(
            "« Autoriser »", "Autoriser"
        ),
        "https://ancienne-asso.example.fr/",
        Expectation("Ancienne Association – aide aux victimes"),
        Verdict.PARKED,
        "same",
    ),
    (
        "traffic-distribution-page",
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page("18+", "<h1>If you are 18+, tap Allow.</h1>"),
        CHARITY,
        Expectation(CHARITY_TITLE),
        Verdict.PARKED,
        "same",
    ),
    (
        "fake-prize-for-randomly-selected-users",
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(title, body),
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
        html_page(
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


ALL = SCAMS + PLACEHOLDERS


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return write_corpus(tmp_path_factory.mktemp("written"), ALL, MANIFEST)


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
