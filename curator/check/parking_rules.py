"""Rules for domains that are no longer the resource's: parked, for sale, expired, or taken
over by someone unrelated.

Known providers are recognised by name (`curator.check.signatures.PARKING`); landers nobody
named, by signs that every lander shares (`curator.check.lander`), counted together so that
a small real page stays `ok`; a take-over, by comparing the page with the resource and with
the link's last good page. Each rule is a small pure function of a `Case`; their order lives
in `curator.check.classifier.RULES`.
"""

from __future__ import annotations

from curator.check import evidence as ev
from curator.check import lander, urls
from curator.check.case import Case, decide, reason
from curator.check.expect import normal, quote
from curator.check.facts import Outcome, Snapshot
from curator.check.quirks import Found, Where
from curator.check.signatures import PARKING, SCAMS, SITE_GONE_PAGES
from curator.check.text import similarity
from curator.check.view import PageView
from curator.check.vocabulary import ENOUGH_IN_TITLE, trade_of
from curator.domain import Verdict

LANDER_SIGNS = 2
"""Lander signs that together make a parked domain."""
TAKEOVER_WORDS = 20
TAKEOVER_CHARS = 200
"""A page taken over by another site shows that site's words: at least this many (or this
many characters, for languages written without spaces), unless they are a trade's
vocabulary."""
UNRELATED_SIMILARITY = 0.80
"""Fingerprint similarity below which a page's text is not its last good page's text."""

_DETAILS = {
    "for_sale": "The domain {host} is for sale ({shown}): the resource is no longer there.",
    "expired": "The domain {host} has expired ({shown}): the resource is no longer there.",
    "placeholder": "The domain {host} shows a host's placeholder page ({shown}): the site "
    "that held the resource is gone.",
    "site_gone": "The site at {host} is gone from its hosting platform ({shown}): the "
    "resource is no longer there.",
}


def parked_domain(case: Case) -> Outcome | None:
    """A parking, for-sale or expired-domain page: a known service, or the page's own words."""
    view = case.view
    if not case.success or view is None:
        return None
    found = PARKING.first(
        case.parts(text=view.short), headers=dict(case.facts.headers), short_page=view.short
    )
    if found is None or _said_in_passing(case, found):
        return None
    host = urls.host(case.facts.url)
    template = _DETAILS.get(found.name)
    if template is not None:
        detail = template.format(host=host, shown=quote(view.shown(found)))
    else:
        detail = (
            f"The domain {host} is parked or for sale ({found.label} page): the resource is "
            "no longer there."
        )
    return decide(case, Verdict.PARKED, detail, signature=found.name)


def parked_scam(case: Case) -> Outcome | None:
    """A lapsed domain's new owner's scam: a fake check asking to allow notifications, a fake
    prize or survey (before bot walls: "verify you are not a robot" is its bait)."""
    view = case.view
    if not case.success or view is None or not view.short or case.shows_resource:
        return None
    found = SCAMS.first(case.parts(), short_page=True)
    if found is None:
        return None
    what = "asks to send notifications" if found.signature.language == "push" else "offers a prize"
    return decide(
        case,
        Verdict.PARKED,
        f"The domain {urls.host(case.facts.url)} now shows a scam page that {what} "
        f"({quote(view.shown(found))}), not the resource: the domain belongs to someone else "
        "now.",
        signature=found.name,
        scam=found.signature.language,
    )


PLATFORM_STATUSES = frozenset({400, 402, 403, 404, 410, 421})
"""Statuses with which platforms and web servers answer for a host that has no site (Shopify
answers 402, Payment Required, for a shop frozen or closed for its unpaid plan)."""
PLATFORM_ERROR_STATUSES = frozenset({500, 502, 503})
"""Statuses with which a CDN answers for a host none of its services has (Fastly's "unknown
domain" is a 500): only a page titled as the platform's "no site here" counts with these, as
a passing server failure is never titled so."""
PASSING_MENTION_WORDS = 150
"""A page that shows the resource with more words than this is the resource, whatever its text
says in passing ("this site is under construction, many pages are incomplete")."""


def _said_in_passing(case: Case, found: Found) -> bool:
    """True when a parking or placeholder phrase is only in the body of a page that shows the
    resource at length: a real page's aside, not a lander (names and titles still count)."""
    view = case.view
    return (
        found.signature.where is Where.TEXT
        and view is not None
        and view.words > PASSING_MENTION_WORDS
        and case.shows_resource is True
    )


def parked_platform(case: Case) -> Outcome | None:
    """A platform's "no site here" page or a web server's default page answered with an error
    status (a 404 of GitHub Pages, Heroku or Vercel; a distribution's Apache test page with
    403): the whole site is gone from its host, not one page of it."""
    view = case.view
    if view is None or case.status not in PLATFORM_STATUSES | PLATFORM_ERROR_STATUSES:
        return None
    found = SITE_GONE_PAGES.first(
        case.parts(text=view.short), headers=dict(case.facts.headers), short_page=view.short
    )
    if found is None:
        return None
    if case.status in PLATFORM_ERROR_STATUSES and not (
        found.name == "site_gone" and found.signature.where is Where.TITLE
    ):
        return None
    template = _DETAILS["site_gone" if found.name == "site_gone" else "placeholder"]
    detail = template.format(host=urls.host(case.final), shown=quote(view.shown(found)))
    return decide(
        case,
        Verdict.PARKED,
        f"{detail[:-1]} ({reason(case.status or 404)}).",
        signature=found.name,
    )


def parked_lander(case: Case) -> Outcome | None:
    """A lander no table names: signs of a parked domain that agree, none of the resource."""
    view = case.view
    if not case.success or view is None or not view.short or case.shows_resource:
        return None
    signs = list(lander.signs(view))
    carried = lander.carried_domain(view)
    if carried is not None:
        signs.append(f"it was sent to {urls.host(carried)} with the domain's name")
    alone = carried is not None and case.shows_resource is False
    if len(signs) < LANDER_SIGNS and not alone:
        return None
    return decide(
        case,
        Verdict.PARKED,
        f"The domain {urls.host(case.facts.url)} now shows a lander, not the resource: "
        f"{'; '.join(signs)}.",
        signature="lander",
        signs=signs,
    )


def parked_redirect(case: Case) -> Outcome | None:
    """A permanent redirect to an unrelated domain whose page shows none of the expected words."""
    if not case.success or case.facts.page is None or not ev.any_permanent(case.facts):
        return None
    if urls.registrable_domain(urls.host(case.facts.url)) == urls.registrable_domain(
        urls.host(case.final)
    ):
        return None
    if case.shows_resource is not False:
        return None
    return decide(
        case,
        Verdict.PARKED,
        f"The address now redirects permanently to an unrelated site ({urls.host(case.final)}) "
        "that shows none of the resource's words: the domain may belong to someone else now.",
    )


def parked_takeover(case: Case) -> Outcome | None:
    """The page now reads as another site: none of the resource's words, and unlike its last
    good page, or a gambling, adult, pharmacy, crypto or loans site. Such a site's long pages
    happen to hold a word of a title now and then ("financial", an Italian "possono" no list
    of common words has): on a page whose vocabulary is a trade's, one word of a resource
    named by several is chance, not the resource, unless the page names itself with it (its
    title or site name: "GamCare - Gambling support" is GamCare's page, whatever casinos it
    warns of)."""
    view = case.view
    if not case.success or view is None or case.shows_resource is None:
        return None
    page = view.page
    shown: frozenset[str] = frozenset()
    if case.shows_resource:
        words = case.resource_words
        if len(words) < 2 or view.names_itself(words):
            return None
        shown = view.shown_words(words)
        if len(shown) >= 2:
            return None
    # The site's own menus and footer name its trade too ("Sportsbook", "Casino", "Please
    # gamble responsibly"), where an advice page has its charity's.
    trade = trade_of(*view.said, view.opening) or trade_of(
        normal(page.title or ""), enough=ENOUGH_IN_TITLE
    )
    if shown and trade is None:
        return None
    sells = f" ({trade.name}: {', '.join(trade.terms[:4])})" if trade is not None else ""
    history = case.history
    different = (
        view.words >= TAKEOVER_WORDS or len(page.text) >= TAKEOVER_CHARS or trade is not None
    )
    if not shown and history is not None and different and _reads_differently(view, history):
        was, now = _name(history), _name(Snapshot.of(page))
        return decide(
            case,
            Verdict.PARKED,
            f"The page now reads as another site{sells}: was {quote(was)}, now {quote(now)}. "
            "The domain may belong to someone else now.",
            was=was,
            now=now,
            trade=trade.name if trade is not None else None,
        )
    if trade is None:
        return None
    of_resource = (
        f"with only {quote(next(iter(shown)))} of the resource's words"
        if shown
        else "with none of the resource's words"
    )
    return decide(
        case,
        Verdict.PARKED,
        f"The page now shows a {trade.name} site ({', '.join(trade.terms[:4])}) {of_resource}: "
        "the domain may belong to someone else now.",
        trade=trade.name,
        terms=list(trade.terms),
        shown_words=sorted(shown) or None,
    )


def harms_readers(outcome: Outcome) -> bool:
    """True when a check found a site harmful to the resource's readers where the resource
    was: a take-over by a trade's site (gambling, adult, pharmacy, crypto, loans: evidence
    `trade`) or a scam page. The one definition: confirmation records it
    (`curator.check.state.advance`) and a resource's standing hides the resource at once.
    A page that only reads as another site (a plumber's) harms nobody: it waits for
    confirmation like any broken page."""
    if outcome.verdict is not Verdict.PARKED:
        return False
    if outcome.rule == parked_scam.__name__:
        return True
    return outcome.rule == parked_takeover.__name__ and bool(outcome.evidence.get("trade"))


def parked_link_directory(case: Case) -> Outcome | None:
    """The page is now a directory of links to other sites with little prose and none of the
    resource's words: a lapsed domain turned into a link farm."""
    view = case.view
    if not case.success or view is None or case.shows_resource is not False:
        return None
    found = lander.link_directory(view)
    if found is None:
        return None
    links, sites = found
    return decide(
        case,
        Verdict.PARKED,
        f"The domain {urls.host(case.facts.url)} now shows a directory of links to other sites "
        f"({links} links to {sites} sites, little else) with none of the resource's words: the "
        "domain may belong to someone else now.",
        signature="link_directory",
        links=links,
        sites=sites,
    )


def _reads_differently(view: PageView, history: Snapshot) -> bool:
    """True when nothing of the last good page is left: title, site name and text."""
    page = view.page
    if history.title and normal(history.title) == normal(page.title or ""):
        return False
    if history.site_name and page.site_name and normal(history.site_name) == normal(page.site_name):
        return False
    if history.fingerprint and page.fingerprint:
        return similarity(history.fingerprint, page.fingerprint) < UNRELATED_SIMILARITY
    return True


def _name(snapshot: Snapshot | None) -> str:
    """What a page calls itself: its title, else its main heading, else its site name."""
    if snapshot is None:
        return "(nothing)"
    return snapshot.title or snapshot.heading or snapshot.site_name or snapshot.text[:80]
