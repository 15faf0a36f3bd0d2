"""The classifier's expectation and media rules (`changed`) and their table of cases."""

from __future__ import annotations

from curator.check.facts import (
    Expectation,
    Page,
    VideoFacts,
)
from curator.check.text import MAX_TEXT_CHARS
from curator.domain import Verdict
from tests.check.examples import (
    Example,
    check,
    facts,
    page,
    read,
    table,
)

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
    "phone-only-in-a-link-to-call": Example(
        facts(body=page("Talk to us any time. Call us free.", dialled=("+443456000459",))),
        Verdict.OK,
        "ok",
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


def test_what_a_long_page_read_only_in_part_lacks_is_no_evidence() -> None:
    """An expected text or helpline number further down a long page than curator reads (its
    text past the first 50,000 characters, its body past the size cap, reading stopped) is
    not called gone: the page works, and the detail says what could not be checked."""
    expectation = Expectation(
        title="Helpline", expect_text=("Don't Panic and Don't Pay",), phone="0345 6000 459"
    )
    for part in ({"text_capped": True}, {"truncated": True}, {"parse_limit": "time"}):
        body = Page(content_type="text/html", title="Helpline", text="Advice. " * 50, **part)
        check(
            Example(
                facts(body=body),
                Verdict.OK,
                "ok",
                expectation=expectation,
                detail="Its expected text is not in the part of this long page curator reads",
            )
        )
    # Read whole, the same page has lost them.
    whole = Page(content_type="text/html", title="Helpline", text="Advice. " * 50)
    check(
        Example(facts(body=whole), Verdict.CHANGED, "expectation_missing", expectation=expectation)
    )


def test_a_long_page_says_its_text_was_cut() -> None:
    def long_page(paragraphs: int) -> Page:
        markup = "<p>Advice for professionals on what to do next.</p>" * paragraphs
        return read(f"<html><body>{markup}<p>Call 0345 6000 459</p></body></html>".encode())

    assert not long_page(10).text_capped
    long = long_page(3000)
    assert long.text_capped and len(long.text) == MAX_TEXT_CHARS and "0345" not in long.text
