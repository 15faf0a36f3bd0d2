"""Pages that arrived: empty pages, error pages and pages about errors, the random-path probe
as evidence (not a verdict), phone numbers among the expected texts, parked meta refreshes."""

from __future__ import annotations

from curator.check.facts import Expectation, Page
from curator.domain import Verdict
from tests.check.examples import (
    CATCH_ALL_TEXT,
    HELPLINE,
    PLAIN,
    REAL_TEXT,
    URL,
    Example,
    baseline_like,
    check,
    facts,
    page,
    table,
)

EMPTY = {
    "no-body": Example(
        facts(body=Page(content_type="text/html", bytes_read=0)),
        Verdict.SOFT_404,
        "soft_404_empty",
        expectation=PLAIN,
        detail="an empty body",
    ),
    "only-whitespace": Example(
        facts(body=Page(content_type="text/html", bytes_read=6, markup_sample="  \n\t \n")),
        Verdict.SOFT_404,
        "soft_404_empty",
        expectation=PLAIN,
    ),
    "an-empty-document": Example(
        facts(
            body=Page(
                content_type="text/html",
                bytes_read=40,
                markup_sample="<html><head></head><body></body></html>",
            )
        ),
        Verdict.SOFT_404,
        "soft_404_empty",
        expectation=PLAIN,
        detail="an empty page",
    ),
    "app-shell-with-scripts-is-not-empty": Example(
        facts(
            body=Page(
                content_type="text/html",
                bytes_read=90,
                markup_sample='<html><body><div id="root"></div><script src="/app.js"></script>',
                scripts=1,
            )
        ),
        Verdict.OK,
        "ok",
        expectation=PLAIN,
    ),
    "a-pdf-is-not-empty": Example(
        facts(body=Page(content_type="application/pdf", bytes_read=5_000)),
        Verdict.OK,
        "ok",
        expectation=PLAIN,
    ),
    "a-frameset-is-not-empty": Example(
        facts(
            body=Page(
                content_type="text/html",
                bytes_read=80,
                markup_sample='<frameset><frame src="/main.html"></frameset>',
                media=1,
            )
        ),
        Verdict.OK,
        "ok",
        expectation=PLAIN,
    ),
}


@table(EMPTY)
def test_empty_answers(example: Example) -> None:
    check(example)


ABOUT_ERRORS = {
    "a-post-about-custom-404-pages": Example(
        facts(
            body=page(
                "Create a page for the URLs your site no longer has. Whoops, the page you're "
                "looking for cannot be found, it says, with a link to the archives.",
                title="Octopress: Custom 404 page - Jane Doe",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Octopress: custom 404 page"),
    ),
    "an-error-page-that-names-the-site-only": Example(
        facts(
            body=page(
                "Sorry, we looked everywhere.", title="Page not found – Revenge Porn Helpline"
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "an-aspnet-error": Example(
        facts(
            body=page(
                "Server Error in '/' Application. The resource cannot be found.",
                title="The resource cannot be found.",
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "a-german-page-gone": Example(
        facts(body=page("Leider.", title="Die gesuchte Seite gibt's nicht mehr...")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "de"},
    ),
    "a-platform-without-the-site": Example(
        facts(
            body=page(
                "There isn't a GitHub Pages site here. If you're trying to publish one, read "
                "the full documentation.",
                title="Site not found · GitHub Pages",
            )
        ),
        Verdict.PARKED,
        "parked_domain",
        detail="gone from its hosting platform",
    ),
    "a-web-server-default-page-is-a-domain-with-no-site": Example(
        facts(
            body=page(
                "If you see this page, the nginx web server is working.", title="Welcome to nginx!"
            )
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "placeholder"},
    ),
}


@table(ABOUT_ERRORS)
def test_error_pages_and_pages_about_errors(example: Example) -> None:
    check(example)


SHELL = page("", title="Revenge Porn Helpline", scripts=3)
CATCH_ALL = page(CATCH_ALL_TEXT, title="Welcome")
ERRORISH = page("We looked everywhere for it.", title="Oops – Helpline")
ONE_PAGE = page(REAL_TEXT)

PROBE = {
    "equal-and-nothing-of-the-resource": Example(
        facts(body=CATCH_ALL),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=baseline_like(CATCH_ALL),
        detail="and shows nothing of the resource",
    ),
    "equal-and-looks-like-an-error": Example(
        facts(body=ERRORISH),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=baseline_like(ERRORISH),
        detail="and says 'Oops – Helpline'",
    ),
    "app-shell-answering-every-path": Example(
        facts(body=SHELL),
        Verdict.OK,
        "ok",
        baseline=baseline_like(SHELL),
        detail="answers every address with this same page",
    ),
    "one-page-site-answering-every-path": Example(
        facts(body=ONE_PAGE),
        Verdict.OK,
        "ok",
        baseline=baseline_like(ONE_PAGE),
        detail="answers every address with this same page",
    ),
    "bot-wall-answering-200-on-every-path": Example(
        facts(
            body=page("Checking your browser before accessing the site.", title="Just a moment...")
        ),
        Verdict.UNVERIFIABLE,
        "bot_wall",
        baseline=baseline_like(
            page("Checking your browser before accessing the site.", title="Just a moment...")
        ),
    ),
}


@table(PROBE)
def test_the_probe_is_evidence_not_a_verdict(example: Example) -> None:
    check(example)


NUMBERS = {
    "phone-as-expected-text-grouped-otherwise": Example(
        facts(body=page("Call 03456 000 459 today.")),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Helpline", expect_text=("0345 6000 459",)),
    ),
    "international-phone-as-expected-text": Example(
        facts(body=page("Press office: +49 30 85 40 40")),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Press", expect_text=("+49 30 854040",)),
    ),
    "phone-in-the-site-header": Example(
        facts(body=page("Our advice for adults.", chrome="Helpline 0345 6000 459 Donate")),
        Verdict.OK,
        "ok",
    ),
    "phone-as-expected-text-missing": Example(
        facts(body=page("Call Report Fraud on 0300 123 2040.")),
        Verdict.CHANGED,
        "expectation_missing",
        expectation=Expectation(title="Helpline", expect_text=("0345 6000 459",)),
        detail="no longer shows '0345 6000 459'",
    ),
    "a-year-is-not-a-phone-number": Example(
        facts(body=page("Founded 2009.")),
        Verdict.CHANGED,
        "expectation_missing",
        expectation=Expectation(title="Helpline", expect_text=("Since 2009",)),
    ),
    "app-shell-cannot-be-read": Example(
        facts(body=SHELL),
        Verdict.OK,
        "ok",
        expectation=HELPLINE,
        detail="drawn by scripts",
    ),
}


@table(NUMBERS)
def test_phone_numbers_among_expected_texts(example: Example) -> None:
    check(example)


LANDER_TARGET = "https://sextortion-help.example/lander"
PARKED_REFRESH = {
    "refresh-to-a-lander-path": Example(
        facts(body=page("", title=None, meta_refresh=LANDER_TARGET)),
        Verdict.PARKED,
        "parked_domain",
        refresh=facts(LANDER_TARGET, status=404),
    ),
    "refresh-to-a-parked-page": Example(
        facts(body=page("Redirecting…", title="Redirecting", meta_refresh=URL + "/x")),
        Verdict.PARKED,
        "meta_refresh_to_broken",
        refresh=facts(URL + "/x", body=page("This domain may be for sale!", title="x")),
        detail="which is parked",
    ),
}


@table(PARKED_REFRESH)
def test_parking_pages_that_forward(example: Example) -> None:
    check(example)
