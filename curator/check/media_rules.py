"""Rules for videos: removed, private, or behind a login, an age check or a payment.

A video host's oEmbed endpoint is asked first when curator knows the host (YouTube, Vimeo);
when it is off, fails or does not apply, the page speaks for itself: its own words, and the
data its player embeds (YouTube's `playabilityStatus`). A login, an age check, a payment, a
rental or a members' gate is not evidence that the video is gone: curator cannot see it, a
person should look. Each rule is a small pure function of a `Case`; their order lives in
`curator.check.classifier.RULES`.
"""

from __future__ import annotations

import re

from curator.check import urls
from curator.check.case import Case, decide, per_case
from curator.check.expect import quote
from curator.check.facts import Outcome
from curator.check.quirks import VIDEO_PAGE_HOSTS, PlayerState, label, player_state
from curator.check.signatures import (
    MEDIA_GATED_WORDS,
    MEDIA_GONE_WORDS,
    MEDIA_PAID_WORDS,
    MEDIA_PRIVATE_WORDS,
    MEDIA_REGION_WORDS,
)
from curator.domain import Verdict

_AGE = re.compile(r"\bage|inappropriate|âge|edad|alters", re.IGNORECASE)
VIDEO_PAGE_WORDS = 2_000
"""A video host's page is read whole up to this many words (its words are about the video)."""


_WORDS = (
    (PlayerState.REGION, MEDIA_REGION_WORDS),
    (PlayerState.GATED, MEDIA_GATED_WORDS),
    (PlayerState.PAID, MEDIA_PAID_WORDS),
    (PlayerState.PRIVATE, MEDIA_PRIVATE_WORDS),
    (PlayerState.REMOVED, MEDIA_GONE_WORDS),
)
"""What a video page's words may say of its video, in the order they are looked for."""


@per_case
def media_state(case: Case) -> tuple[PlayerState, str] | None:
    """What the page says of its video: the player's data first, then its words."""
    view = case.view
    if view is None:
        return None
    said = player_state(view.page.player)
    if said is not None and said[0] is not PlayerState.REMOVED:
        return said
    video_page = case.expectation.kind == "video" or any(
        urls.host(u).endswith(VIDEO_PAGE_HOSTS) for u in (case.facts.url, case.final)
    )
    whole = view.short or (video_page and view.words <= VIDEO_PAGE_WORDS)
    parts = case.parts(text=whole)
    if said is not None:
        # "Video unavailable": the page's words may still say it is only this country's.
        region = MEDIA_REGION_WORDS.first(parts, short_page=whole)
        return (PlayerState.REGION, view.shown(region)) if region is not None else said
    for state, table in _WORDS:
        found = table.first(parts, short_page=whole)
        if found is not None:
            return state, view.shown(found)
    return None


def media_region_blocked(case: Case) -> Outcome | None:
    """The video is not shown in the country curator checks from: it is there, curator cannot
    see it (whatever the host's oEmbed says, which may refuse such a video too)."""
    if not case.success:
        return None
    said = media_state(case)
    if said is None or said[0] is not PlayerState.REGION:
        return None
    return decide(
        case,
        Verdict.UNVERIFIABLE,
        f"The video is not shown in the country curator checks from ({quote(said[1])}): it "
        "still exists, but curator cannot see it; a person should look.",
        media=said[0].value,
    )


def media_gated(case: Case) -> Outcome | None:
    """The video plays only after a login, an age check or a payment: curator cannot see it."""
    if not case.success:
        return None
    said = media_state(case)
    if said is None or said[0] not in (PlayerState.GATED, PlayerState.PAID):
        return None
    paid = said[0] is PlayerState.PAID
    if case.video is not None and not case.video.available and not (paid or _AGE.search(said[1])):
        return None  # the host says it is gone or private; only an age check or a payment
        # explains that
    if paid:
        detail = (
            f"The video plays only for viewers who pay, rent it or are members "
            f"({quote(said[1])}): it is not removed, but curator cannot see it; a person "
            "should look."
        )
    else:
        detail = (
            f"The video asks viewers to sign in or confirm their age ({quote(said[1])}): "
            "curator cannot see it; a person should look."
        )
    return decide(case, Verdict.UNVERIFIABLE, detail, media=said[0].value)


def video_unavailable(case: Case) -> Outcome | None:
    """The video host says the video is removed or private."""
    video = case.video
    if video is None or video.available:
        return None
    host = label(video.provider)
    status = f", oEmbed HTTP {video.status}" if video.status is not None else ""
    return decide(
        case,
        Verdict.CHANGED,
        f"The {host} video is {video.detail or 'no longer available'}{status}.",
        video={"provider": video.provider, "status": video.status, "detail": video.detail},
    )


def media_removed(case: Case) -> Outcome | None:
    """The page says its video is removed or private (when its host gave no answer)."""
    if not case.success or case.video is not None:
        return None
    said = media_state(case)
    if said is None or said[0] not in (PlayerState.REMOVED, PlayerState.PRIVATE):
        return None
    what = "private" if said[0] is PlayerState.PRIVATE else "no longer available"
    return decide(
        case,
        Verdict.CHANGED,
        f"The video is {what}: its page says {quote(said[1])}.",
        media=said[0].value,
    )
