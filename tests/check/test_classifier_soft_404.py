"""The classifier's soft-404 and meta-refresh rules and their tables of cases."""

from __future__ import annotations

from curator.check.classifier import classify, refresh_target, wants_baseline
from curator.check.facts import (
    ErrorKind,
    SiteBaseline,
)
from curator.check.text import fingerprint
from curator.domain import Verdict
from tests.check.examples import (
    CATCH_ALL_TEXT,
    HELPLINE,
    HOME,
    PLAIN,
    REAL_TEXT,
    URL,
    Example,
    chain,
    check,
    facts,
    page,
    table,
)

ERROR_PAGE_TEXT = "Sorry, we looked everywhere. Try the search box or go back to the home page."
SOFT = {
    "deep-link-to-home": Example(
        facts(URL, hops=chain((URL, 302), (HOME, 200))),
        Verdict.SOFT_404,
        "soft_404_home_redirect",
        detail="redirects to the home page of helpline.example.org",
    ),
    "deep-link-permanently-to-home": Example(
        facts(URL, hops=chain((URL, 301), ("https://helpline.example.org/en/", 200))),
        Verdict.SOFT_404,
        "soft_404_home_redirect",
    ),
    "home-to-home-https-is-moved": Example(
        facts(
            "http://helpline.example.org/",
            hops=chain(("http://helpline.example.org/", 301), (HOME, 200)),
        ),
        Verdict.MOVED,
        "moved_permanently",
        detail="secure address",
        suggested=HOME,
    ),
    "en-title": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Page not found | Helpline")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        detail="The page now says 'Page not found | Helpline' (HTTP 200 OK)",
        evidence={"language": "en"},
    ),
    "404-title": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="404 - File or directory not found.")),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "en-heading-oops": Example(
        facts(
            body=page(
                ERROR_PAGE_TEXT, title="Helpline", headings=("Oops! We can't find that page",)
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
        detail="The page now says 'Oops! We can't find that page'",
    ),
    "en-text-only": Example(
        facts(
            body=page(
                "The page you are looking for does not exist. " + ERROR_PAGE_TEXT, title="Helpline"
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page",
    ),
    "fr": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Page introuvable – Aide")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "fr"},
    ),
    "de": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Hilfe", headings=("Seite nicht gefunden",))),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "de"},
    ),
    "es": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Página no encontrada")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "es"},
    ),
    "it": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Pagina non trovata")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "it"},
    ),
    "nl": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Pagina niet gevonden")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "nl"},
    ),
    "pt": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Página não encontrada")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "pt"},
    ),
    "cy": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="Tudalen heb ei chanfod")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "cy"},
    ),
    "ar": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="عذراً، الصفحة المطلوبة غير موجودة")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "ar"},
    ),
    "fa": Example(
        # As Docusaurus words it in Persian ("the page you were looking for was not found").
        facts(body=page(ERROR_PAGE_TEXT, headings=("صفحه ای که دنبال آن بودید پیدا نشد.",))),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "fa"},
    ),
    "fa-joined": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="خطا: صفحه\u200cای که دنبالش بودید یافت نشد")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "fa"},
    ),
    "he": Example(
        facts(body=page(ERROR_PAGE_TEXT, title="אופס! הדף שחיפשת לא נמצא")),
        Verdict.SOFT_404,
        "soft_404_error_page",
        evidence={"language": "he"},
    ),
    "arabic-helpline-page-stays-ok": Example(
        facts(body=page(REAL_TEXT, title="خط المساعدة: اتصل بنا إذا كنت بحاجة إلى الدعم")),
        Verdict.OK,
        "ok",
    ),
    "law-section-404-stays-ok": Example(
        facts(body=page(REAL_TEXT, title="Section 404 of the Act explained")),
        Verdict.OK,
        "ok",
    ),
    "long-page-mentioning-not-found-stays-ok": Example(
        facts(
            body=page(REAL_TEXT + " If the page you are looking for does not exist, call. " * 40)
        ),
        Verdict.OK,
        "ok",
    ),
    "like-random-path": Example(
        facts(body=page(CATCH_ALL_TEXT, title="Welcome")),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/curator-probe-1f3a",
            title="Welcome",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
        evidence={"similarity": 1.0},
    ),
    "same-landing-as-random-path": Example(
        facts(
            URL,
            hops=chain((URL, 302), ("https://helpline.example.org/search?q=x", 200)),
            body=page("Search results: 0 results", title="Search"),
        ),
        Verdict.SOFT_404,
        "soft_404_like_random_path",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/search?q=x",
            title="Search",
            fingerprint=fingerprint("Search results: 0 results for curator probe"),
        ),
    ),
    "real-page-on-catch-all-site-stays-ok": Example(
        facts(body=page(REAL_TEXT)),
        Verdict.OK,
        "ok",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=200,
            final_url="https://helpline.example.org/curator-probe-1f3a",
            title="Revenge Porn Helpline",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
    ),
    "honest-404-baseline-never-soft": Example(
        facts(body=page(CATCH_ALL_TEXT, title="Welcome")),
        Verdict.OK,
        "ok",
        baseline=SiteBaseline(
            host="helpline.example.org",
            probe_url="https://helpline.example.org/curator-probe-1f3a",
            status=404,
            final_url=None,
            title="Welcome",
            fingerprint=fingerprint(CATCH_ALL_TEXT),
        ),
        expectation=PLAIN,
    ),
}


@table(SOFT)
def test_soft_404(example: Example) -> None:
    check(example)


def test_the_home_page_itself_is_never_compared_with_the_baseline() -> None:
    baseline = SiteBaseline(
        host="helpline.example.org",
        probe_url="https://helpline.example.org/x",
        status=200,
        final_url=HOME,
        title="Revenge Porn Helpline",
        fingerprint=fingerprint(REAL_TEXT),
    )
    home = facts(HOME)
    assert classify(home, HELPLINE, baseline).verdict is Verdict.OK
    assert not wants_baseline(home, classify(home, HELPLINE))
    assert wants_baseline(facts(), classify(facts(), HELPLINE))
    assert not wants_baseline(facts(status=404), classify(facts(status=404), HELPLINE))


REFRESH_TARGET = "https://helpline.example.org/new-place"
REFRESHING = page("Redirecting…", title="Redirecting", meta_refresh=REFRESH_TARGET)
REFRESH = {
    "to-404": Example(
        facts(body=REFRESHING),
        Verdict.BROKEN,
        "meta_refresh_to_broken",
        refresh=facts(REFRESH_TARGET, status=404),
        detail=f"(meta refresh) to {REFRESH_TARGET}, which is broken: the page is gone",
        evidence={"refresh_verdict": "broken"},
    ),
    "to-nxdomain": Example(
        facts(body=REFRESHING),
        Verdict.BROKEN,
        "meta_refresh_to_broken",
        refresh=facts(REFRESH_TARGET, status=None, error=ErrorKind.DNS_NXDOMAIN),
    ),
    "to-working-page": Example(
        facts(body=REFRESHING),
        Verdict.OK,
        "meta_refresh_target",
        refresh=facts(REFRESH_TARGET),
    ),
    "to-page-without-the-phone": Example(
        facts(body=REFRESHING),
        Verdict.CHANGED,
        "meta_refresh_target",
        refresh=facts(REFRESH_TARGET, body=page("We moved our helpline.")),
    ),
    "deep-link-to-home": Example(
        facts(body=REFRESHING),
        Verdict.SOFT_404,
        "meta_refresh_target",
        refresh=facts(HOME),
    ),
    "error-page-forwarding-home": Example(
        facts(
            body=page(
                "404 Not Found. アクセス頂いたURLに該当するページが見つかりませんでした。",
                title="404",
                meta_refresh=HOME,
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page_forwarding",
        refresh=facts(HOME, body=page("404 Not Found", title="404", meta_refresh=HOME)),
    ),
    "error-page-forwarding-to-a-working-page": Example(
        facts(
            body=page(
                "Page not found. Taking you to our search…",
                title="Page not found",
                meta_refresh=REFRESH_TARGET,
            )
        ),
        Verdict.SOFT_404,
        "soft_404_error_page_forwarding",
        refresh=facts(REFRESH_TARGET),
    ),
}


@table(REFRESH)
def test_meta_refresh(example: Example) -> None:
    check(example)


def test_refresh_target_only_for_pages_forwarding_elsewhere() -> None:
    assert refresh_target(facts(body=REFRESHING)) == REFRESH_TARGET
    assert refresh_target(facts(body=page(meta_refresh=URL))) is None  # reloads itself
    assert refresh_target(facts(status=404, body=REFRESHING)) is None
    assert refresh_target(facts()) is None
