"""Reading pages: charset, title, headings, visible text, refresh, canonical, fingerprints."""

from __future__ import annotations

import pytest

from curator.check.expect import missing_phone
from curator.check.facts import Page
from curator.check.text import (
    MAX_TEXT_CHARS,
    decode,
    extract_page,
    fingerprint,
    is_parsable,
    similarity,
)

PAGE = """<!doctype html><html><head>
<title>  Childline \n – Get help </title>
<meta http-equiv="Refresh" content="5; URL='/new-home'">
<link rel="alternate canonical" href="../canonical-page">
<style>body { color: red }</style><script>var hidden = "script text";</script>
</head><body>
<header><h1>Childline</h1><nav>Home | Donate | About</nav></header>
<main><h2>Call   us free</h2><div>Phone <b>0800</b> 1111</div>any time<p hidden>secret</p>
<template>template text</template><noscript>enable js</noscript><svg><text>svg</text></svg></main>
<footer>Registered charity</footer></body></html>"""


def page_of(
    html: str | bytes, content_type: str | None = "text/html", url: str = "https://a.test/x/y"
) -> Page:
    data = html.encode() if isinstance(html, str) else html
    return extract_page(
        data, content_type=content_type, base_url=url, bytes_read=len(data), truncated=False
    )


def test_a_page_is_read_into_title_headings_text_and_links() -> None:
    data = PAGE.encode()
    page = extract_page(
        data,
        content_type="text/html; charset=utf-8",
        base_url="https://a.test/x/y",
        bytes_read=9,
        truncated=True,
    )
    assert page.title == "Childline – Get help"
    assert page.headings == ("Childline", "Call us free")
    assert page.text == "Call us free Phone 0800 1111 any time"
    assert page.meta_refresh == "https://a.test/new-home"
    assert page.canonical == "https://a.test/canonical-page"
    assert page.bytes_read == 9 and page.truncated
    assert page.fingerprint is not None and len(page.fingerprint) == 16
    assert page.markup_sample.startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("html", "kept", "dropped"),
    [
        ("<p>a</p><script>b()</script>", "a", "b()"),
        ("<p>a</p><style>.b{}</style>", "a", ".b{}"),
        ("<p>a</p><nav>menu</nav>", "a", "menu"),
        ("<p>a</p><footer>foot</footer>", "a", "foot"),
        ("<header>top</header><p>a</p>", "a", "top"),
        ("<p>a</p><template>tpl</template>", "a", "tpl"),
        ("<p>a</p><noscript>nojs</noscript>", "a", "nojs"),
        ("<p>a</p><div hidden>secret</div>", "a", "secret"),
    ],
    ids=["script", "style", "nav", "footer", "header", "template", "noscript", "hidden"],
)
def test_visible_text_leaves_out_code_and_chrome(html: str, kept: str, dropped: str) -> None:
    page = page_of(f"<html><body>{html}</body></html>")
    assert kept in page.text
    assert dropped not in page.text


def test_code_chrome_and_hidden_elements_written_in_capitals_are_left_out_too() -> None:
    page = page_of(
        '<HTML><HEAD><BASE HREF="https://b.test/"><LINK REL=canonical HREF="/c">'
        '<META HTTP-EQUIV="Refresh" CONTENT="5; url=/r"><META PROPERTY="og:site_name" '
        'CONTENT="Site"></HEAD><BODY><NAV>menu</NAV><P>a</P><SCRIPT>b()</SCRIPT>'
        "<SVG><TEXT>drawn</TEXT></SVG><DIV HIDDEN>secret</DIV><FOOTER>foot</FOOTER></BODY>"
    )
    assert page.text == "a" and page.chrome == "menu foot"
    assert (page.canonical, page.meta_refresh) == ("https://b.test/c", "https://b.test/r")
    assert page.site_name == "Site"


def test_blocks_are_separated_and_inline_words_are_not_split() -> None:
    page = page_of("<body><div>one</div>two<p>thr<b>ee</b></p><li>four</li><br>five</body>")
    assert page.text == "one two three four five"


def test_visible_text_is_capped() -> None:
    page = page_of("<body><p>" + "word " * 20_000 + "</p></body>")
    assert len(page.text) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("content", "target"),
    [
        ("0; url=https://b.test/", "https://b.test/"),
        ("0;URL=/home", "https://a.test/home"),
        ("3, url = 'next.html'", "https://a.test/x/next.html"),
        ("0; url='/q?x=1'", "https://a.test/q?x=1"),
        ("0; /direct", "https://a.test/direct"),
        ("10", None),
        ("0; url=javascript:alert(1)", None),
    ],
)
def test_meta_refresh_targets_are_absolute(content: str, target: str | None) -> None:
    page = page_of(f'<head><meta http-equiv="refresh" content="{content}"></head><body>x</body>')
    assert page.meta_refresh == target


def test_base_href_anchors_relative_links() -> None:
    page = page_of('<head><base href="https://cdn.test/root/"><link rel=canonical href="p"></head>')
    assert page.canonical == "https://cdn.test/root/p"


CHARSETS = [
    ("café".encode("latin-1"), "text/html; charset=iso-8859-1", "café"),
    ("café".encode("cp1252"), "text/html; charset=windows-1252", "café"),
    ('<meta charset="iso-8859-1">café'.encode("latin-1"), "text/html", "café"),
    (
        b'<meta http-equiv="content-type" content="text/html; charset=koi8-r">'
        + "мир".encode("koi8-r"),
        None,
        "мир",
    ),
    ("café".encode(), "text/html", "café"),
    ("café".encode("latin-1"), "text/html", "café"),
    ("\ufeffcafé".encode("utf-8"), "text/html; charset=latin-1", "café"),
    ("café".encode("utf-16"), None, "café"),
    ("café".encode(), "text/html; charset=no-such-charset", "café"),
    ('<meta charset="utf-16">café'.encode(), None, "café"),
]


@pytest.mark.parametrize(("data", "content_type", "expected"), CHARSETS)
def test_charsets_from_bom_header_meta_or_guess(
    data: bytes, content_type: str | None, expected: str
) -> None:
    assert expected in decode(data, content_type)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\xfd<p>broken",
        b"<html><body>\x00\x01\x02</body>",
        bytes(range(256)) * 8,
        b"<<<>>></p></div>",
    ],
)
def test_undecodable_or_malformed_bodies_never_crash(data: bytes) -> None:
    page = extract_page(
        data,
        content_type="text/html; charset=utf-8",
        base_url="http://a.test/",
        bytes_read=len(data),
        truncated=False,
    )
    assert isinstance(page.text, str)


def test_bodies_that_are_not_html_or_text_keep_only_their_size() -> None:
    data = b"%PDF-1.7 <title>not a title</title>"
    page = extract_page(
        data,
        content_type="application/pdf",
        base_url="http://a.test/",
        bytes_read=999,
        truncated=True,
    )
    assert page.content_type == "application/pdf"
    assert page.title is None and page.text == "" and page.fingerprint is None
    assert page.bytes_read == 999 and page.truncated


def test_plain_text_is_read_as_text() -> None:
    page = page_of("Call  0800 1111\n<b>not markup</b>", content_type="text/plain; charset=utf-8")
    assert page.text == "Call 0800 1111 <b>not markup</b>"
    assert page.title is None


@pytest.mark.parametrize(
    ("content_type", "data", "parsable"),
    [
        ("text/html; charset=utf-8", b"", True),
        ("application/xhtml+xml", b"", True),
        ("TEXT/PLAIN", b"", True),
        ("application/pdf", b"<html>", False),
        ("image/png", b"", False),
        (None, b"  <!DOCTYPE html><html>", True),
        (None, b"%PDF-1.4", False),
    ],
)
def test_which_bodies_are_parsed(content_type: str | None, data: bytes, parsable: bool) -> None:
    assert is_parsable(content_type, data) is parsable


ARTICLE = (
    "Childline is a free private and confidential service where you can talk about anything. "
    "Whatever your worry, whenever you need help, we are here for you online and on the phone. "
    "You can call us on 0800 1111 or get in touch online with a counsellor any time of day. "
)


def test_fingerprints_of_near_copies_are_close_and_of_unrelated_texts_are_not() -> None:
    original = fingerprint(ARTICLE * 3)
    edited = fingerprint((ARTICLE * 3).replace("any time of day", "at any hour"))
    unrelated = fingerprint(
        "Domain for sale. This domain may be for sale, make an offer today " * 5
    )
    assert original is not None and edited is not None and unrelated is not None
    assert similarity(original, original) == 1.0
    assert similarity(original, edited) >= 0.8
    assert similarity(original, unrelated) < 0.75


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("one", "34f2ddaa8b7615c9"),
        ("one two", "07cb8d1ae909ec5d"),
        ("one two three", "64f5901153c23b37"),
        (ARTICLE, "fa3893b47f1517a9"),
        (ARTICLE * 3, "fa3893b67f1517a9"),
        (" ".join(f"word{i % 997} next{i % 13}" for i in range(6000)), "a59f5b5f7d87b52b"),
        ("Élan vital – ça va? Straße ΑΒΓ 東京 déjà vu", "83e42126d33241cc"),
    ],
    ids=["one-word", "two-words", "three-words", "article", "repeated", "capped", "scripts"],
)
def test_fingerprints_are_those_earlier_checks_stored(text: str, stored: str) -> None:
    # Checks keep their fingerprints and later ones are compared with them: the same text
    # must always give the same fingerprint (repeated shingles, the shingle cap, any script).
    assert fingerprint(text) == stored


def test_fingerprint_ignores_case_and_spacing_and_needs_words() -> None:
    assert fingerprint("Hello   World, again") == fingerprint("hello world again")
    assert fingerprint("  ...  ") is None
    assert fingerprint("one") is not None


@pytest.mark.parametrize(
    ("head", "site_name"),
    [
        ('<meta property="og:site_name" content=" NSPCC  Learning ">', "NSPCC Learning"),
        ('<meta name="application-name" content="Childline">', "Childline"),
        (
            '<meta name="application-name" content="App"><meta property="og:site_name" '
            'content="Site">',
            "Site",
        ),
        ('<meta property="og:site_name" content="  ">', None),
        ("", None),
    ],
    ids=["open-graph", "application-name", "open-graph-first", "blank", "none"],
)
def test_the_site_names_itself(head: str, site_name: str | None) -> None:
    assert page_of(f"<html><head>{head}</head><body>x</body></html>").site_name == site_name


def test_main_headings_come_first() -> None:
    page = page_of("<h2>Contents</h2><h1>Sextortion advice</h1><h2>Get help</h2>")
    assert page.headings == ("Sextortion advice", "Contents", "Get help")


LANDER = """<!doctype html><html data-adblockkey="MFww"><head><title>example.org</title>
<script src="/js/a.js"></script><script>window.park = "x";</script></head><body>
<a href="/search?q=dating&amp;s=1">Dating</a><a href='https://ads.example/c?k=loans'>Loans</a>
<A HREF=/plain>Plain</A><img src=x.png><iframe src="/f"></iframe>
</body></html>"""


def test_links_scripts_and_media_are_counted() -> None:
    page = page_of(LANDER)
    assert page.links == ("/search?q=dating&s=1", "https://ads.example/c?k=loans", "/plain")
    assert page.scripts == 2
    assert page.media == 2
    assert page.parse_limit is None


def test_the_markup_sample_keeps_the_start_and_the_end() -> None:
    document = "<html><head><title>T</title></head><body>" + "x " * 40_000
    document += "<script>window._cf_chl_opt={}</script></body></html>"
    sample = page_of(document).markup_sample
    assert sample.startswith("<html><head><title>T</title>")
    assert sample.endswith("window._cf_chl_opt={}</script></body></html>")
    assert len(sample) < 40_000


def test_header_footer_and_navigation_are_read_apart() -> None:
    page = page_of(
        "<body><header>Helpline <b>0345</b> 6000 459</header><main>Advice</main>"
        "<footer>Registered charity 1234</footer></body>"
    )
    assert page.text == "Advice"
    assert page.chrome == "Helpline 0345 6000 459 Registered charity 1234"


@pytest.mark.parametrize(
    ("markup", "player"),
    [
        (
            'var ytInitialPlayerResponse = {"responseContext":{},"playabilityStatus":'
            '{"status":"ERROR","reason":"This video isn\\u0027t available any more",'
            '"errorScreen":{}}};',
            (
                ("youtube_status", "ERROR"),
                ("youtube_reason", "This video isn't available any more"),
            ),
        ),
        (
            '{"playabilityStatus":{"status":"OK","playableInEmbed":true}}',
            (("youtube_status", "OK"),),
        ),
        ("<p>No player here.</p>", ()),
    ],
    ids=["removed", "playable", "none"],
)
def test_embedded_player_data_is_read(markup: str, player: tuple[tuple[str, str], ...]) -> None:
    assert page_of(f"<html><body><script>{markup}</script></body></html>").player == player


@pytest.mark.parametrize(
    ("page", "blank"),
    [
        (Page(content_type="text/html", bytes_read=0), True),
        (Page(content_type="text/html", bytes_read=3, markup_sample=" \n "), True),
        (Page(content_type="text/html", bytes_read=9, markup_sample="<html/>"), False),
        (Page(content_type="application/pdf", bytes_read=900), False),
        (Page(content_type="text/html", bytes_read=0, truncated=True), False),
    ],
    ids=["no-bytes", "whitespace", "markup", "pdf", "cut-off"],
)
def test_a_blank_body(page: Page, blank: bool) -> None:
    assert page.blank is blank


def test_fingerprints_only_when_asked() -> None:
    data = b"<p>Some words on a page that did not answer with success.</p>"
    page = extract_page(
        data,
        content_type="text/html",
        base_url="https://a.test/",
        bytes_read=len(data),
        truncated=False,
        fingerprinted=False,
    )
    assert page.fingerprint is None and page.text


def _simhash_by_definition(text: str) -> str | None:
    """The fingerprint as its definition reads: every shingle of three words hashed, each bit
    set when most hashes have it (one step per shingle and bit)."""
    import hashlib
    import re

    words = re.findall(r"\w+", text.lower())
    if not words:
        return None
    width = min(3, len(words))
    shingles = [" ".join(words[i : i + width]) for i in range(len(words) - width + 1)][:5_000]
    votes = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            votes[bit] += (value >> bit) & 1
    result = sum(1 << bit for bit in range(64) if 2 * votes[bit] > len(shingles))
    return f"{result:016x}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "one two",
        "Call 0800 1111 any time. " * 40,
        "snake_case and Don't-stop: __init__ 42x",
        "Appelez le 0800 – été, où, naïve; İstanbul K (Kelvin)",
        "日本語のテキスト 漢字 かな",
        " ".join(f"word{i}" for i in range(400)),
    ],
    ids=["empty", "one", "two", "repeated", "ascii-marks", "accents", "cjk", "long"],
)
def test_the_fingerprint_is_the_simhash_of_its_definition(text: str) -> None:
    assert fingerprint(text) == _simhash_by_definition(text)


@pytest.mark.parametrize("repeat", [1, 60], ids=["small", "large"])
def test_chrome_is_the_menus_in_document_order_then_the_last_footers(repeat: int) -> None:
    body = "<header>a<nav>b</nav></header><p>x</p><footer>c</footer><NAV>d</NAV>" * repeat
    page = page_of(f"<title>t</title><body>{body}<p>main</p></body>")
    # A header, the nav inside it, the other navs: 40 elements at most; then the page's last
    # three footers.
    menus, footers = ("ab b d", "c") if repeat == 1 else ("ab b d " * 13 + "ab", "c c c")
    assert page.chrome == f"{menus} {footers}"
    assert page.text == " ".join(["x"] * repeat + ["main"])


def test_a_footer_after_long_menus_is_read() -> None:
    """A ministry's menus list every country, a newspaper puts a header on every teaser: the
    page's footer, with its phone number, is still read (found missing on real pages before)."""
    countries = "".join(f"<li><a href='/c{i}'>Country number {i}</a></li>" for i in range(400))
    teasers = "<article><header>Teaser</header><p>story</p></article>" * 60
    body = f"<nav><ul>{countries}</ul></nav>{teasers}<footer>Press office: 0300 123 4567</footer>"
    page = page_of(f"<title>t</title><body>{body}</body>")
    assert page.chrome.endswith("Press office: 0300 123 4567")
    assert missing_phone(page, "0300 123 4567") is None


def test_an_articles_own_header_and_footer_are_its_text() -> None:
    body = (
        "<header>Site name <nav>Home | News</nav></header>"
        "<article><header><h1>Sextortion advice</h1><figure><figcaption>Photo: a phone"
        "</figcaption></figure></header><p>Do not pay.</p><footer>Filed under safety</footer>"
        "</article><footer>Charity no. 123</footer>"
    )
    page = page_of(f"<title>t</title><body>{body}</body>")
    assert page.chrome == "Site name Home | News Home | News Charity no. 123"
    assert page.text == "Sextortion advice Photo: a phone Do not pay. Filed under safety"
