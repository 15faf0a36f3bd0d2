"""Classes of pages curator met on sites it had never seen, written as each class is described
and served from loopback through the real fetcher and classifier (as tests/corpus does with
real pages): single-page-app shells that a host serves for every address, paid and members'
videos, a video platform's page that loads a bot-defence SDK, a page into which Cloudflare
injects its bot-management script. Each class has controls: real content that must stay as
it is. (Lander classes: tests/check/test_lander_classes.py.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from curator.check.facts import Expectation
from curator.domain import Verdict
from tests.check.written_pages import (
    Case,
    html_page,
    write_corpus,
)
from tests.corpus.harness import CorpusSites, corpus_settings
from tests.corpus.manifests import Corpus

MANIFEST = "tests/check/test_page_classes.py"

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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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
        html_page(
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


ALL = APP_SHELLS + PAID_VIDEOS + VIDEO_PLATFORMS
STATUS = {"control-kasada-refusal-stays-unverifiable": 429}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return write_corpus(tmp_path_factory.mktemp("written"), ALL, MANIFEST, STATUS)


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
