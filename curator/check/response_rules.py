"""Rules for fetches that did not end in a page: no answer, a refusal, an error status.

Each rule is a small pure function of a `Case`, returning an `Outcome` or None; their order
lives in `curator.check.classifier.RULES`.
"""

from __future__ import annotations

from curator.check import lander, urls
from curator.check.case import Case, decide, reason
from curator.check.expect import quote
from curator.check.facts import ErrorKind, Outcome
from curator.check.quirks import BOT_WALL_STATUSES, status_quirk
from curator.check.signatures import BOT_WALLS, CONSENT_WALLS, COOKIE_RELOAD
from curator.domain import Verdict

# --- the fetch did not end in a response ------------------------------------------------------


def blocked_address(case: Case) -> Outcome | None:
    """The address is (or resolves to) a private or local one: readers cannot reach it.

    Broken, not unverifiable: readers on the internet cannot reach a loopback or private
    address either. The guard never connected, so nothing was disclosed; a local setup that
    means to check such addresses turns on CURATOR_ALLOW_PRIVATE_ADDRESSES.
    """
    if case.facts.error is not ErrorKind.BLOCKED_ADDRESS:
        return None
    name = urls.host(case.final)
    where = case.facts.error_detail or "a private address"
    setting = (
        "curator checks private and local addresses only when CURATOR_ALLOW_PRIVATE_ADDRESSES "
        "is true"
    )
    if urls.is_local_name(name):
        detail = (
            f"{name} is a private or local network address ({where}): readers on the internet "
            f"cannot reach it, and {setting}."
        )
    else:
        detail = (
            f"The domain {name} resolves to a private or local network address ({where}): "
            f"readers on the internet cannot reach it ({setting})."
        )
    return decide(case, Verdict.BROKEN, detail)


def invalid_url(case: Case) -> Outcome | None:
    """The address, or a redirect's Location, is not a fetchable http(s) URL."""
    if case.facts.error is not ErrorKind.INVALID_URL:
        return None
    return decide(
        case,
        Verdict.BROKEN,
        f"The address cannot be fetched: {case.facts.error_detail or 'not a valid web address'}.",
    )


def dns_nxdomain(case: Case) -> Outcome | None:
    """The domain name does not exist any more."""
    if case.facts.error is not ErrorKind.DNS_NXDOMAIN:
        return None
    return decide(
        case,
        Verdict.BROKEN,
        f"The domain name {urls.host(case.final)} no longer exists (DNS: no such name).",
    )


def dns_failure(case: Case) -> Outcome | None:
    """The name could not be looked up (DNS server failure): says nothing about the site."""
    if case.facts.error is not ErrorKind.DNS_FAILURE:
        return None
    return decide(
        case,
        Verdict.TRANSIENT,
        f"The domain name {urls.host(case.final)} could not be looked up (DNS server failure); "
        "curator will check again before calling it broken.",
    )


_TLS_DETAIL = {
    ErrorKind.TLS_EXPIRED: "The security certificate of {host} has expired",
    ErrorKind.TLS_SELF_SIGNED: "The security certificate of {host} is self-signed "
    "(not issued by a trusted authority)",
    ErrorKind.TLS_HOSTNAME: "The security certificate {host} presents is for another name",
    ErrorKind.TLS_ERROR: "The secure connection to {host} failed ({error})",
}


def tls_failure(case: Case) -> Outcome | None:
    """The secure connection failed: expired, self-signed, wrong host, or another TLS error."""
    kind = case.facts.error
    if kind is None or kind not in _TLS_DETAIL:
        return None
    what = _TLS_DETAIL[kind].format(
        host=urls.host(case.final), error=case.facts.error_detail or "TLS error"
    )
    return decide(case, Verdict.INSECURE, f"{what}: browsers warn readers away.", tls=kind.value)


def redirect_loop(case: Case) -> Outcome | None:
    """The address redirects in a loop, or more times than curator follows."""
    if case.facts.error is ErrorKind.REDIRECT_LOOP:
        chain = " → ".join(h.url for h in case.facts.hops[-4:])
        return decide(case, Verdict.BROKEN, f"The address redirects in a loop ({chain} → …).")
    if case.facts.error is ErrorKind.TOO_MANY_REDIRECTS:
        return decide(
            case,
            Verdict.BROKEN,
            f"The address redirects {len(case.facts.hops)} times without reaching a page.",
        )
    return None


_NETWORK_DETAIL = {
    ErrorKind.CONNECT_REFUSED: "the server refused the connection",
    ErrorKind.CONNECT_TIMEOUT: "connecting to the server timed out",
    ErrorKind.CONNECT_ERROR: "the server could not be reached",
    ErrorKind.READ_TIMEOUT: "the server stopped answering",
    ErrorKind.DEADLINE: "the page took too long to arrive",
    ErrorKind.RESET: "the connection was cut before the page arrived",
    ErrorKind.PROTOCOL: "the server's answer was not valid HTTP",
    ErrorKind.DECODING: "the page's compressed body was invalid",
}


def network_failure(case: Case) -> Outcome | None:
    """Timeouts, refused or reset connections, garbled answers: not yet evidence."""
    if case.facts.error is None:
        return None
    what = _NETWORK_DETAIL.get(case.facts.error, f"the fetch failed ({case.facts.error.value})")
    tries = f" ({case.facts.attempts} attempts)" if case.facts.attempts > 1 else ""
    return decide(
        case,
        Verdict.TRANSIENT,
        f"{what[0].upper()}{what[1:]}{tries}; curator will check again before calling it broken.",
    )


# --- a response arrived, but not a page ------------------------------------------------------


CHALLENGE_STATUSES = frozenset({202, 403, 429, 503})
"""Statuses a JavaScript challenge answers with (a page that is only a script)."""


def bot_wall(case: Case) -> Outcome | None:
    """The site refuses automated checks: a login, a bot challenge, a plain 403, a 999."""
    status = case.status
    if status is None:
        return None
    quirk = status_quirk(status)
    if quirk is not None:
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            quirk.detail + " A person should look.",
            signature=quirk.name,
        )
    short = case.view is None or case.view.short
    signature = BOT_WALLS.first(
        case.parts(text=short),
        headers=dict(case.facts.headers),
        short_page=short,
        success=status not in BOT_WALL_STATUSES,
    )
    if signature is not None and _quoted_wall(case, signature.name):
        signature = None  # a page about such checks, naming the resource, quotes their words
    if signature is not None:
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            f"The site shows a bot check ({signature.label}, {reason(status)}): "
            "curator cannot verify it; a person should look.",
            signature=signature.name,
        )
    view = case.view
    if view is not None and lander.script_only(view) and COOKIE_RELOAD.search(view.markup):
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            f"The site answers {reason(status)} with a script that sets a cookie and reloads the "
            "page, as bot checks do: curator cannot verify it; a person should look.",
            signature="script_challenge",
        )
    if status in CHALLENGE_STATUSES and case.view is not None and lander.script_only(case.view):
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            f"The site answers {reason(status)} with a page that is only a script, as bot "
            "checks do: curator cannot verify it; a person should look.",
            signature="script_challenge",
        )
    if status in (401, 407):
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            f"The page asks for a login ({reason(status)}): curator cannot see it.",
        )
    if status == 403:
        return decide(
            case,
            Verdict.UNVERIFIABLE,
            f"The site refuses automated requests ({reason(status)}): curator cannot verify it.",
        )
    return None


def _quoted_wall(case: Case, name: str) -> bool:
    """True when a bot wall's words (no vendor's marker) are on a success page that shows the
    resource: an advice page quoting them, not a wall."""
    return (
        name.startswith("generic_")
        and case.success
        and case.view is not None
        and case.shows_resource is True
    )


def consent_wall(case: Case) -> Outcome | None:
    """A cookie-consent page stands in front of the page (Google's and YouTube's "Before you
    continue", reached directly, by a redirect to their consent host or by a refresh): the
    page behind it exists, curator cannot see it."""
    if case.status is None:
        return None
    short = case.view is None or case.view.short
    found = CONSENT_WALLS.first(case.parts(text=short), short_page=short)
    if found is None:
        return None
    shown = case.view.shown(found) if case.view is not None else found.shown
    return decide(
        case,
        Verdict.UNVERIFIABLE,
        f"A consent page stood in front of the page ({found.label}: {quote(shown)}): curator "
        "cannot see the page behind it; a person should look.",
        signature=found.name,
    )


def rate_limited(case: Case) -> Outcome | None:
    """429 Too Many Requests even after the fetcher's retries."""
    if case.status != 429:
        return None
    return decide(
        case,
        Verdict.UNVERIFIABLE,
        f"The site kept asking curator to slow down (HTTP 429 after {case.facts.attempts} "
        "attempts): it cannot be verified now.",
    )


_NOT_DEFINITIVE = frozenset({401, 403, 407, 408, 425, 429})


def gone(case: Case) -> Outcome | None:
    """404, 410 and other definitive 4xx: the page is not there."""
    status = case.status
    if status is None or not 400 <= status < 500 or status in _NOT_DEFINITIVE:
        return None
    if status == 410:
        detail = "The page was removed on purpose (HTTP 410 Gone)."
    elif status == 404:
        detail = "The page is gone (HTTP 404 Not Found)."
    else:
        detail = f"The site refuses this address ({reason(status)})."
    return decide(case, Verdict.BROKEN, detail)


def server_error(case: Case) -> Outcome | None:
    """5xx, 408 and 425: the server is in trouble now; not yet evidence."""
    status = case.status
    if status is None or not (status >= 500 or status in (408, 425)):
        return None
    tries = f" after {case.facts.attempts} attempts" if case.facts.attempts > 1 else ""
    return decide(
        case,
        Verdict.TRANSIENT,
        f"The server had a problem ({reason(status)}{tries}); curator will check again "
        "before calling it broken.",
    )


def unexpected_status(case: Case) -> Outcome | None:
    """A final 1xx or 3xx (a redirect without a usable Location): odd, not yet evidence."""
    if case.status is None or case.success:
        return None
    return decide(
        case,
        Verdict.TRANSIENT,
        f"The server answered with an unexpected {reason(case.status)}; curator will check "
        "again before calling it broken.",
    )


# --- a page arrived: is it still the resource? --------------------------------------------------
