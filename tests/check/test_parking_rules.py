"""Parked, for-sale, expired and taken-over domains: known services by name, landers by the
signs they share, take-overs by the resource's words and the link's last good page; and the
small real pages that must stay `ok`."""

from __future__ import annotations

import pytest

from curator.check.classifier import classify
from curator.check.facts import Expectation, Outcome, Snapshot
from curator.check.parking_rules import harms_readers
from curator.check.text import fingerprint
from curator.domain import Verdict
from tests.check.examples import (
    HELPLINE,
    REAL_TEXT,
    URL,
    Example,
    chain,
    check,
    facts,
    page,
    table,
)

LAPSED = "https://sextortion-help.example/"
LAPSED_DEEP = "https://sextortion-help.example/advice/for-adults"
ADVICE = Expectation(title="Sextortion help for adults")

KNOWN = {
    "sedo-style-adblock-key": Example(
        facts(
            LAPSED,
            body=page(
                "",
                title="sextortion-help.example",
                scripts=2,
                markup='<html lang="en" data-adblockkey="MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKX7">'
                '<head><script src="/js/ls.js"></script>',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "parking_lander"},
    ),
    "adsense-for-domains-feed": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                "",
                title=None,
                scripts=2,
                markup='<script src="https://www.google.com/adsense/domains/caf.js"></script>',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
    ),
    "bodis-style-window-park": Example(
        facts(
            LAPSED,
            body=page("", title=None, scripts=1, markup='<script>window.park = "eyJ1dWlkIjoi";'),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
    ),
    "redirect-to-ww25-with-tracking": Example(
        facts(
            LAPSED,
            hops=chain(
                (LAPSED, 302),
                ("http://ww25.sextortion-help.example/?subid1=20261201-0412-24f1", 200),
            ),
            body=page("", title=None, scripts=1),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "parking_redirect"},
    ),
    "script-redirect-to-lander-path": Example(
        facts(
            LAPSED_DEEP,
            hops=chain((LAPSED_DEEP, 302), ("https://sextortion-help.example/lander", 200)),
            body=page("", title=None, scripts=1),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
    ),
    "script-sending-readers-to-a-lander-path": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                "",
                title=None,
                scripts=1,
                markup='<html><head><script>window.location.replace("/lander");</script>',
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "parking_redirect"},
    ),
    "registrar-expiry-en": Example(
        facts(
            LAPSED,
            body=page(
                "This domain has expired. If you are the registrant, renew it now to restore "
                "your website and email.",
                title="sextortion-help.example",
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        detail="has expired",
        evidence={"signature": "expired"},
    ),
    "registrar-expiry-de": Example(
        facts(LAPSED, body=page("Diese Domain ist abgelaufen. Jetzt verlängern.", title="x")),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "expired", "language": None},
    ),
    "registrar-expiry-fr-accented": Example(
        facts(LAPSED, body=page("Ce nom de domaine a expiré le 3 mars.", title="Expiré")),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "expired"},
    ),
    "broker-for-sale-nl": Example(
        facts(LAPSED, body=page("Deze domeinnaam is te koop. Doe een bod!", title="Te koop")),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "for_sale"},
    ),
    "broker-for-sale-es": Example(
        facts(LAPSED, body=page("Este dominio está en venta. Contacte con nosotros.", title="!")),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
    ),
    "for-sale-title-naming-the-domain": Example(
        facts(LAPSED, body=page("Secure checkout.", title="sextortion-help.example is for sale")),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        detail="is for sale",
    ),
    "registrar-placeholder": Example(
        facts(
            LAPSED,
            body=page(
                "Future home of something quite cool. If you're the site owner, log in to "
                "launch this site.",
                title="Coming Soon",
            ),
        ),
        Verdict.PARKED,
        "parked_domain",
        expectation=ADVICE,
        evidence={"signature": "placeholder"},
    ),
}


@table(KNOWN)
def test_known_parking_and_sale_pages(example: Example) -> None:
    check(example)


FARM_LINKS = tuple(f"/search?q={w}&afdToken=ChMI" for w in ("dating", "insurance", "loans", "vpn"))

LANDERS = {
    "bare-domain-title-and-only-scripts": Example(
        facts(LAPSED, body=page("", title="sextortion-help.example", scripts=3)),
        Verdict.PARKED,
        "parked_lander",
        expectation=ADVICE,
        detail="its title is just a domain name; it is only scripts",
    ),
    "related-searches-feed-with-a-domain-title": Example(
        facts(
            LAPSED,
            body=page(
                "Related Searches Online Dating Car Insurance Cheap Loans Best VPN",
                title="www.sextortion-help.example",
                links=FARM_LINKS,
            ),
        ),
        Verdict.PARKED,
        "parked_lander",
        expectation=ADVICE,
    ),
    "unknown-broker-carrying-the-domain": Example(
        facts(
            LAPSED,
            hops=chain(
                (LAPSED, 302),
                ("https://names.broker.example/buy?domain=sextortion-help.example", 200),
            ),
            body=page("Price £2,400. Secure escrow. Buy now or pay monthly.", title="Checkout"),
        ),
        Verdict.PARKED,
        "parked_lander",
        expectation=ADVICE,
        detail="sent to names.broker.example with the domain's name",
    ),
    "script-sending-readers-to-a-broker-with-the-domain": Example(
        facts(
            LAPSED,
            body=page(
                "",
                title=None,
                scripts=1,
                markup="<script>window.location.href = 'https://offers.broker.example/"
                "?domain=sextortion-help.example&src=dns';</script>",
            ),
        ),
        Verdict.PARKED,
        "parked_lander",
        expectation=ADVICE,
    ),
    "refresh-only-lander-whatever-its-target": Example(
        facts(
            LAPSED,
            body=page(
                "",
                title="sextortion-help.example",
                meta_refresh="https://sextortion-help.example/?js=1",
            ),
        ),
        Verdict.PARKED,
        "parked_lander",
        expectation=ADVICE,
        refresh=facts("https://sextortion-help.example/?js=1", status=404),
    ),
}


@table(LANDERS)
def test_landers_no_table_names(example: Example) -> None:
    check(example)


SMALL_REAL = {
    "small-site-titled-with-its-domain": Example(
        facts(
            "https://revengepornhelpline.org.uk/",
            body=page(REAL_TEXT, title="revengepornhelpline.org.uk", scripts=2),
        ),
        Verdict.OK,
        "ok",
    ),
    "app-shell-titled-with-its-name": Example(
        facts(body=page("", title="Revenge Porn Helpline", scripts=4)),
        Verdict.OK,
        "ok",
    ),
    "tiny-real-page-with-a-script": Example(
        facts(body=page("Revenge Porn Helpline: call 0345 6000 459.", title="Help", scripts=1)),
        Verdict.OK,
        "ok",
    ),
    "real-page-with-related-links": Example(
        facts(
            body=page(
                REAL_TEXT,
                headings=("Related links",),
                links=("/search?q=sextortion", "/search?q=helpline", "/about", "/contact"),
            )
        ),
        Verdict.OK,
        "ok",
    ),
    "domain-move-naming-the-old-domain": Example(
        facts(
            URL,
            hops=chain((URL, 301), ("https://rph.example.net/?from=helpline.example.org", 200)),
        ),
        Verdict.MOVED,
        "moved_permanently",
        suggested="https://rph.example.net/?from=helpline.example.org",
    ),
    "share-link-naming-its-shortener": Example(
        facts(
            "https://youtu.be/m8uHb5jIGN8",
            hops=chain(
                ("https://youtu.be/m8uHb5jIGN8", 303),
                ("https://www.youtube.com/watch?v=m8uHb5jIGN8&feature=youtu.be", 200),
            ),
            body=page("About Press Copyright", title="YouTube", scripts=9),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="A survivor's story", kind="video"),
    ),
    "rebrand-tagging-the-old-domain-as-source": Example(
        facts(
            URL,
            hops=chain(
                (URL, 301), ("https://newname.example/?utm_source=helpline.example.org", 200)
            ),
            body=page("Welcome to our new website.", title="New Name", scripts=1),
        ),
        Verdict.MOVED,
        "moved_permanently",
        expectation=Expectation(title="Helpline"),
        suggested="https://newname.example/?utm_source=helpline.example.org",
    ),
    "app-shell-sending-readers-to-a-login": Example(
        facts(
            body=page(
                "",
                title="Revenge Porn Helpline",
                scripts=2,
                markup="<script>location.href = 'https://login.example/sso?client=rph';</script>",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Revenge Porn Helpline"),
    ),
    "charity-shop-selling-items": Example(
        facts(
            body=page(
                REAL_TEXT + " Items for sale in our charity shop support the helpline.",
                title="Shop",
            )
        ),
        Verdict.OK,
        "ok",
    ),
}


@table(SMALL_REAL)
def test_small_real_pages_stay_ok(example: Example) -> None:
    check(example)


CASINO_TEXT = (
    "Best online casino UK 2026. Claim 200 free spins and a no deposit bonus today. Play "
    "roulette, blackjack and online slots with a jackpot every hour. Live casino tables open. "
) * 3
PLUMBER_TEXT = (
    "Smith and Sons Plumbing: boilers serviced, radiators fitted, emergency call-outs across "
    "Leeds and Bradford. Gas Safe registered engineers, fixed prices, same-day repairs. "
) * 3
WAS = Snapshot(
    title="Revenge Porn Helpline | Support for adults",
    heading="Get help with intimate image abuse",
    site_name="Revenge Porn Helpline",
    text=REAL_TEXT[:1000],
    fingerprint=fingerprint(REAL_TEXT),
)

TAKEOVERS = {
    "was-the-helpline-now-a-casino": Example(
        facts(body=page(CASINO_TEXT, title="Best Online Casino UK - Free Spins")),
        Verdict.PARKED,
        "parked_takeover",
        history=WAS,
        detail="was 'Revenge Porn Helpline | Support for adults', now 'Best Online Casino UK",
        evidence={"trade": "gambling"},
    ),
    "was-the-helpline-now-a-plumber": Example(
        facts(body=page(PLUMBER_TEXT, title="Smith and Sons Plumbing Leeds")),
        Verdict.PARKED,
        "parked_takeover",
        history=WAS,
        detail="now reads as another site: was",
    ),
    "no-history-but-a-casino-with-none-of-the-resource": Example(
        facts(body=page(CASINO_TEXT, title="Casino")),
        Verdict.PARKED,
        "parked_takeover",
        detail="gambling site",
        evidence={"trade": "gambling"},
    ),
    "adult-site-on-the-revenge-porn-helpline-domain": Example(
        facts(
            body=page(
                "Free porn videos and live sex cams. Hot singles, xxx clips and sex chat every "
                "night. Porn tube updated daily. " * 3,
                title="Free Porn Videos",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        evidence={"trade": "adult"},
    ),
    "a-few-words-of-an-adult-site": Example(
        facts(body=page("XXX porn tube: live sex cams.", title="XXX", media=30)),
        Verdict.PARKED,
        "parked_takeover",
        history=WAS,
    ),
    "pharmacy-spam": Example(
        facts(
            body=page(
                "Buy viagra and cialis online without prescription. Generic viagra, "
                "tadalafil and sildenafil from our online pharmacy, delivered discreetly. " * 2,
                title="Cheap pills",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        evidence={"trade": "pharmacy"},
    ),
    "a-sportsbook-whose-menus-and-footer-name-its-trade": Example(
        facts(
            body=page(
                "Join now. Football, tennis, horse racing and cricket markets, all in one "
                "account. Remember me. Forgot your password?",
                title="Online Betting » Get a free £20 bet",
                chrome="Sportsbook Casino Poker Bingo. Please gamble responsibly. Licensed by the "
                "Malta Gaming Authority.",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=Expectation(title="Young people's gambling support service"),
        evidence={"trade": "gambling"},
    ),
    "a-betting-site-sharing-only-a-common-word-of-a-spanish-title": Example(
        facts(
            body=page(
                "Apuestas online para todos: casino en ligne, poker, bingo y apuestas deportivas. "
                "Regístrate hoy. " * 2,
                title="Apuestas online » La casa de apuestas más grande",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=Expectation(title="Ayuda para familias afectadas por el juego"),
        evidence={"trade": "gambling"},
    ),
    "a-frameset-named-by-its-trade-in-its-title-alone": Example(
        facts(
            body=page(
                "Casino188: Situs Judi Casino Online Terpercaya",
                title="Casino188: Situs Judi Casino Online Terpercaya",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=Expectation(title="Young carers' support network"),
        evidence={"trade": "gambling"},
    ),
    "an-online-pharmacy-named-in-russian": Example(
        facts(
            body=page(
                "Сравнивайте цены и бронируйте лекарства.",
                title="Интернет-аптека: заказать лекарства онлайн",
            )
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=Expectation(title="Drug advice for young people"),
        evidence={"trade": "pharmacy"},
    ),
    "a-casino-showing-one-word-of-a-title-it-does-not-carry": Example(
        facts(body=page(CASINO_TEXT + " Financial limits apply.", title="Casino")),
        Verdict.PARKED,
        "parked_takeover",
        expectation=Expectation(title="Financial abuse of older people"),
        detail="with only 'financial' of the resource's words",
        evidence={"trade": "gambling", "shown_words": ["financial"]},
    ),
}


@table(TAKEOVERS)
def test_pages_now_reading_as_another_site(example: Example) -> None:
    check(example)


SAME_SITE = {
    "redesign-keeps-the-name": Example(
        facts(
            body=page(
                "Welcome to the new Revenge Porn Helpline website. We have moved things around "
                "so that you can find support faster. Call us or use the web chat. " * 2,
                title="Home - Revenge Porn Helpline",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Revenge Porn Helpline"),
        history=WAS,
    ),
    "same-site-new-wording-same-site-name": Example(
        facts(
            body=page(
                "Intimate image abuse is a crime. Our team can help you report images and "
                "get them taken down from platforms. " * 3,
                title="Report images",
                site_name="Revenge Porn Helpline",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Taking images down"),
        history=WAS,
    ),
    "the-helpline-itself-speaks-of-porn": Example(
        facts(
            body=page(
                "Revenge porn is sharing private sexual images without consent. The Revenge "
                "Porn Helpline helps adults remove intimate images, including from porn sites "
                "and porn tube uploads. " * 3,
                title="What is revenge porn?",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Revenge Porn Helpline"),
    ),
    "gambling-support-charity-speaks-of-casinos": Example(
        facts(
            body=page(
                "GamCare supports anyone harmed by gambling. If online casino games, free spins "
                "offers, roulette or jackpot adverts worry you, call the National Gambling "
                "Helpline. " * 3,
                title="GamCare - Gambling support",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="GamCare: support for gambling harms"),
    ),
    "spanish-gambling-help-speaks-of-betting": Example(
        facts(
            body=page(
                "Jugar Bien ayuda a familias afectadas por el juego. Las apuestas deportivas, "
                "el casino en ligne, el poker y el bingo pueden crear adicción. " * 3,
                title="Jugar Bien - Ayuda para familias",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Jugar Bien: ayuda para familias afectadas por el juego"),
    ),
    "sextortion-advice-speaks-of-bitcoin": Example(
        facts(
            body=page(
                "Sextortion scammers often demand payment in Bitcoin or another crypto "
                "currency. Do not pay. Stop contact, keep evidence and report it. " * 3,
                title="Sextortion advice",
            )
        ),
        Verdict.OK,
        "ok",
        expectation=ADVICE,
    ),
}


@table(SAME_SITE)
def test_same_site_and_topic_pages_stay_ok(example: Example) -> None:
    check(example)


def test_helpline_expectation_checks_still_come_first_for_a_real_page() -> None:
    check(
        Example(
            facts(body=page("Call Report Fraud on 0300 123 2040.")),
            Verdict.CHANGED,
            "expectation_missing",
            expectation=HELPLINE,
            history=WAS,
        )
    )


HARMFUL = {
    "a-casino-where-the-helpline-was": (TAKEOVERS["was-the-helpline-now-a-casino"], True),
    "a-casino-with-none-of-the-resource": (
        TAKEOVERS["no-history-but-a-casino-with-none-of-the-resource"],
        True,
    ),
    "an-adult-site": (TAKEOVERS["adult-site-on-the-revenge-porn-helpline-domain"], True),
    "pharmacy-spam": (TAKEOVERS["pharmacy-spam"], True),
    "a-plumber-is-another-site-not-a-harmful-one": (
        TAKEOVERS["was-the-helpline-now-a-plumber"],
        False,
    ),
    "a-domain-for-sale": (KNOWN["sedo-style-adblock-key"], False),
}


@pytest.mark.parametrize(("example", "harmful"), list(HARMFUL.values()), ids=list(HARMFUL))
def test_harms_readers_of_classified_pages(example: Example, harmful: bool) -> None:
    outcome = classify(
        example.facts,
        example.expectation,
        example.baseline,
        example.video,
        refresh=example.refresh,
        history=example.history,
    )
    assert outcome.rule == example.rule
    assert harms_readers(outcome) is harmful


OUTCOMES = {
    "a-scam": (Outcome(Verdict.PARKED, "scam", rule="parked_scam"), True),
    "a-trade-s-takeover": (
        Outcome(Verdict.PARKED, "casino", rule="parked_takeover", evidence={"trade": "crypto"}),
        True,
    ),
    "a-takeover-with-no-trade": (
        Outcome(Verdict.PARKED, "other", rule="parked_takeover", evidence={"trade": None}),
        False,
    ),
    "a-parked-domain": (Outcome(Verdict.PARKED, "parked", rule="parked_domain"), False),
    "a-404": (Outcome(Verdict.BROKEN, "gone", rule="gone"), False),
    "an-outcome-with-no-rule": (Outcome(Verdict.PARKED, "parked"), False),
}


@pytest.mark.parametrize(("outcome", "harmful"), list(OUTCOMES.values()), ids=list(OUTCOMES))
def test_harms_readers_is_a_trade_s_takeover_or_a_scam(outcome: Outcome, harmful: bool) -> None:
    assert harms_readers(outcome) is harmful
