"""Field rules of the catalog: URLs the checker can fetch, one-line titles, email addresses."""

from __future__ import annotations

import random

import httpx
import pytest

from curator.catalog.schema import (
    ResourceSpec,
    check_email,
    check_http_url,
    check_line,
    check_text,
    check_title,
)

ACCEPTED = [
    "https://www.reportfraud.police.uk/",
    "http://example.org",
    "HTTPS://Example.ORG/Path?q=1#frag",
    "http://example.org:8080/x",
    "http://example.org:65535/",
    "http://example.org:1/",
    "http://user:pw@example.org/",
    "http://127.0.0.1:8000/",
    "http://[::1]:8000/",
    "http://[2001:db8::1]/",
    "https://bücher.example/straße",
    "https://a_b.example.org/",
    "https://example.org/%7Euser/",
    "https://example.org./",
    "https://xn--bcher-kva.example/",
]
REFUSED = [
    ("ftp", "ftp://example.org/"),
    ("no-scheme", "example.org/page"),
    ("no-host", "https:///page"),
    ("port-99999", "http://example.org:99999/"),
    ("port-minus-one", "http://example.org:-1/"),
    ("port-zero", "http://example.org:0/"),
    ("port-plus", "http://example.org:+80/"),
    ("port-letters", "http://example.org:http/"),
    ("ipv6-port", "http://[::1]:70000/"),
    ("bad-ipv6", "http://[zz::1]/"),
    ("bad-ipv4", "http://300.1.1.1/"),
    ("space", "https://example.org/a b"),
    ("nul", "https://example.org/\x00"),
    ("del", "https://example.org/\x7f"),
    ("percent-host", "https://exa%41mple.org/"),
    ("double-dot", "https://a..example/"),
    ("leading-hyphen", "https://-a.example/"),
    ("long", "https://example.org/" + "x" * 2000),
    ("long-in-bytes", "https://example.org/" + "é" * 1000),
]


@pytest.mark.parametrize("url", ACCEPTED)
def test_accepted_urls_are_urls_httpx_fetches_to_the_same_host_and_port(url: str) -> None:
    assert check_http_url(url) == url
    parsed = httpx.URL(url)
    assert parsed.scheme in ("http", "https") and parsed.host


@pytest.mark.parametrize("url", [c[1] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_urls(url: str) -> None:
    with pytest.raises(ValueError):
        check_http_url(url)


def test_whatever_the_rule_accepts_httpx_parses_alike() -> None:
    """Random mutations of URLs: whatever passes the rule, httpx reads with the same port."""
    rng = random.Random(18)
    alphabet = "ab:/?#[]@%.-_~!$&'()*+,;=0123456789é\x00\x7f \t"
    for _ in range(20000):
        base = list(rng.choice(ACCEPTED))
        for _ in range(rng.randint(1, 4)):
            base.insert(rng.randrange(len(base) + 1), rng.choice(alphabet))
        url = "".join(base)
        try:
            check_http_url(url)
        except ValueError:
            continue
        parsed = httpx.URL(url)  # must not raise
        assert parsed.port is None or 1 <= parsed.port <= 65535, url


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Line\nbreak", "must be one line (it contains a line break, U+000A)"),
        ("Carriage\rreturn", "must be one line (it contains a line break, U+000D)"),
        ("Unicode\u2028separator", "must be one line (it contains a line break, U+2028)"),
        ("Next\x85line", "must be one line (it contains a line break, U+0085)"),
        ("Tab\tinside", "must not contain control characters (U+0009)"),
        ("Nul\x00", "must not contain control characters (U+0000)"),
        ("   ", "must not be empty"),
        ("x" * 501, "must be at most 500 characters (it has 501)"),
    ],
    ids=["lf", "cr", "u2028", "nel", "tab", "nul", "blank", "long"],
)
def test_titles_are_one_line_of_text(value: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        check_title(value)
    assert str(info.value) == message


def test_free_text_keeps_lines_but_not_control_characters() -> None:
    assert check_text("Two\nlines\tand a tab") == "Two\nlines\tand a tab"
    with pytest.raises(ValueError, match="U\\+0000"):
        check_text("nul\x00")
    with pytest.raises(ValueError, match="at most 10,000"):
        check_text("x" * 10_001)
    assert check_line("Young people (13–18)") == "Young people (13–18)"


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("editor@hub.example", True),
        ("first.last+tag@sub.hub.example", True),
        ("rédaction@hub.example", True),
        ("not-an-email", False),
        ("a@b", False),
        ("a@@b.org", False),
        ("a@b.org, c@d.org", False),
        ("Name <a@b.org>", False),
        ("a@b.org\r\nBcc: c@d.org", False),
        ("a..b@c.org", False),
        ("x" * 250 + "@b.org", False),
    ],
)
def test_email_addresses(address: str, valid: bool) -> None:
    if valid:
        assert check_email(address) == address
    else:
        with pytest.raises(ValueError, match="not an email address"):
            check_email(address)


def test_resources_giving_the_same_fields_share_one_set_of_them() -> None:
    one, two, other = (
        ResourceSpec.model_validate({"title": t, "url": "https://a.example/", **more})
        for t, more in (("One", {}), ("Two", {}), ("Three", {"phone": "0345 6000 459"}))
    )
    assert one.model_fields_set == two.model_fields_set == {"title", "url"}
    assert one.__pydantic_fields_set__ is two.__pydantic_fields_set__
    assert other.model_fields_set == {"title", "url", "phone"}
    copied = one.model_copy(update={"notes": "edited"})
    assert copied.model_fields_set == {"title", "url", "notes"}
    assert one.model_fields_set == two.model_fields_set == {"title", "url"}
