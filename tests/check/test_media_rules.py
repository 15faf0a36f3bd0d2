"""Videos removed, private or gated, on any host: the host's oEmbed first, then the page's
own words and its player's embedded data."""

from __future__ import annotations

from curator.check.facts import Expectation, VideoFacts
from curator.domain import Verdict
from tests.check.examples import Example, check, facts, page, table

YOUTUBE = "https://www.youtube.com/watch?v=abc123def45"
DAILYMOTION = "https://www.dailymotion.com/video/x8abcde"
ELSEWHERE = "https://media.police.example/videos/sextortion-explained"
FILM = Expectation(title="Sextortion explained (film)", kind="video")
PLAYER_TEXT = "About Press Copyright Contact us Creators Advertise Developers Terms Privacy"


def youtube(status: str, reason: str | None = None) -> tuple[tuple[str, str], ...]:
    """The playabilityStatus fields a watch page embeds."""
    fields = [("youtube_status", status)]
    if reason is not None:
        fields.append(("youtube_reason", reason))
    return tuple(fields)


REMOVED = {
    "youtube-player-error-without-oembed": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title=" - YouTube",
                player=youtube("ERROR", "This video isn't available any more"),
            ),
        ),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
        detail="This video isn't available any more",
        evidence={"media": "removed"},
    ),
    "youtube-player-private": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT, title="YouTube", player=youtube("LOGIN_REQUIRED", "Private video")
            ),
        ),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
        detail="The video is private",
    ),
    "dailymotion-page-words": Example(
        facts(
            DAILYMOTION,
            body=page("This video is no longer available. Watch more videos.", title="Dailymotion"),
        ),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
    ),
    "any-host-short-page-saying-video-removed-in-french": Example(
        facts(ELSEWHERE, body=page("Cette vidéo a été supprimée.", title="Vidéo")),
        Verdict.CHANGED,
        "media_removed",
        expectation=FILM,
    ),
    "oembed-says-removed-whatever-the-page-says": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=youtube("LOGIN_REQUIRED", "Sign in to confirm you're not a bot"),
            ),
        ),
        Verdict.CHANGED,
        "video_unavailable",
        expectation=FILM,
        video=VideoFacts(provider="youtube", available=False, status=404, detail="removed"),
    ),
}


@table(REMOVED)
def test_removed_and_private_videos(example: Example) -> None:
    check(example)


GATED = {
    "youtube-age-check": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=youtube("LOGIN_REQUIRED", "Sign in to confirm your age"),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_gated",
        expectation=FILM,
        detail="Sign in to confirm your age",
    ),
    "youtube-age-check-although-oembed-refuses-embedding": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT, title="YouTube", player=youtube("AGE_VERIFICATION_REQUIRED", "")
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_gated",
        expectation=FILM,
        video=VideoFacts(provider="youtube", available=False, status=401, detail="private"),
    ),
    "youtube-bot-check": Example(
        facts(
            YOUTUBE,
            body=page(
                PLAYER_TEXT,
                title="YouTube",
                player=youtube("LOGIN_REQUIRED", "Sign in to confirm you’re not a bot"),
            ),
        ),
        Verdict.UNVERIFIABLE,
        "media_gated",
        expectation=FILM,
    ),
    "members-only-words": Example(
        facts(
            ELSEWHERE,
            body=page("Log in to watch this video. Members-only content.", title="Watch"),
        ),
        Verdict.UNVERIFIABLE,
        "media_gated",
        expectation=FILM,
    ),
}


@table(GATED)
def test_gated_videos_cannot_be_seen(example: Example) -> None:
    check(example)


PLAYING = {
    "youtube-player-ok": Example(
        facts(
            YOUTUBE,
            body=page(PLAYER_TEXT, title="Sextortion explained - YouTube", player=youtube("OK")),
        ),
        Verdict.OK,
        "ok",
        expectation=FILM,
    ),
    "oembed-available": Example(
        facts(YOUTUBE, body=page(PLAYER_TEXT, title="YouTube")),
        Verdict.OK,
        "ok",
        expectation=FILM,
        video=VideoFacts(provider="youtube", available=True, status=200, title="Sextortion"),
    ),
    "long-article-mentioning-an-unavailable-video": Example(
        facts(
            body=page(
                "Sextortion explained. " * 200 + " This video is unavailable in some countries.",
                title="Sextortion explained",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Sextortion explained"),
    ),
}


@table(PLAYING)
def test_playing_videos_and_articles_stay_ok(example: Example) -> None:
    check(example)
