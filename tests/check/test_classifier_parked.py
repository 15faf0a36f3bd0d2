"""The classifier's parked-domain rules and their table of cases."""

from __future__ import annotations

from curator.domain import Verdict
from tests.check.examples import (
    REAL_TEXT,
    URL,
    Example,
    chain,
    check,
    facts,
    page,
    table,
)

PARKED_DOMAIN = "https://sextortion-help.example/"
CASINO = "https://best-casino.example/"
PARKED = {
    "sedo-markup": Example(
        facts(
            PARKED_DOMAIN,
            body=page(
                "",
                title="sextortion-help.example",
                markup='<script src="//img.sedoparking.com/js/x.js">',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "sedo"},
    ),
    "may-be-for-sale": Example(
        facts(PARKED_DOMAIN, body=page("This domain may be for sale! Enquire now.", title="x")),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "for_sale"},
    ),
    "hugedomains-redirect": Example(
        facts(
            PARKED_DOMAIN,
            hops=chain(
                (PARKED_DOMAIN, 302), ("https://www.hugedomains.com/domain_profile.cfm?d=x", 200)
            ),
            body=page("Buy now, payment plans", title="Domain for sale"),
        ),
        Verdict.PARKED,
        "parked_domain",
    ),
    "dan-com-lander": Example(
        facts(
            PARKED_DOMAIN,
            body=page("", title=None, markup='<a href="https://dan.com/buy-domain/x">'),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "dan_com"},
    ),
    "godaddy-parking-script": Example(
        facts(
            PARKED_DOMAIN,
            body=page(
                "",
                title=None,
                markup='<script src="https://img1.wsimg.com/parking-lander/static/js/main.js">',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "godaddy_parking"},
    ),
    "afternic-host": Example(
        facts(
            PARKED_DOMAIN,
            hops=chain((PARKED_DOMAIN, 301), ("https://www.afternic.com/forsale/x", 200)),
            body=page("Get this domain", title="x"),
        ),
        Verdict.PARKED,
        "parked_domain",
        evidence={"signature": "afternic"},
    ),
    "permanent-redirect-to-unrelated-site": Example(
        facts(
            URL,
            hops=chain((URL, 301), (CASINO, 200)),
            body=page("Spin the wheel and win big. Bonus offers every day.", title="Best Casino"),
        ),
        Verdict.PARKED,
        "parked_redirect",
        detail="unrelated site (best-casino.example)",
    ),
    "long-article-mentioning-domain-sales-is-not-parked": Example(
        facts(
            URL,
            body=page(REAL_TEXT + " Some say this domain is for sale, it is not. " + "word " * 400),
        ),
        Verdict.OK,
        "ok",
    ),
    "permanent-move-to-new-domain-with-same-words-is-moved": Example(
        facts(URL, hops=chain((URL, 301), ("https://rph.example.net/sextortion", 200))),
        Verdict.MOVED,
        "moved_permanently",
        detail="another domain (rph.example.net)",
        suggested="https://rph.example.net/sextortion",
    ),
}


@table(PARKED)
def test_parked(example: Example) -> None:
    check(example)
