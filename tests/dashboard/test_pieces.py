"""The small pieces every row of a dashboard page shows, built in Python: escaped as the
templates would escape them, a link only for an http(s) URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from markupsafe import Markup

from api.dashboard.pages import actions, link_to, status_chip, templates, time_tag


@pytest.mark.parametrize(
    ("url", "html"),
    [
        (
            "https://example.org/a?b=1&c=2",
            '<a class="url" href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">'
            "https://example.org/a?b=1&amp;c=2</a>",
        ),
        ('javascript:alert("x")', '<span class="url">javascript:alert(&#34;x&#34;)</span>'),
        (
            'https://e.org/"><script>',
            '<a class="url" href="https://e.org/&#34;&gt;&lt;script&gt;"'
            ' rel="noopener noreferrer">https://e.org/&#34;&gt;&lt;script&gt;</a>',
        ),
        (None, '<span class="url">None</span>'),
    ],
    ids=["web", "not a web URL", "hostile", "none"],
)
def test_a_url_is_a_link_only_when_it_is_a_web_url_and_always_escaped(
    url: str | None, html: str
) -> None:
    assert link_to(url) == Markup(html)


def test_times_and_status_chips() -> None:
    moment = datetime(2026, 11, 24, 16, 20, tzinfo=UTC)
    assert time_tag(moment) == Markup(
        '<time datetime="2026-11-24T16:20:00+00:00">24 Nov 2026, 16:20 UTC</time>'
    )
    assert time_tag(None) == "never"
    assert status_chip(None) == Markup('<span class="status bad" title="no response">none</span>')
    assert status_chip(404) == Markup('<span class="status bad">404</span>')
    assert status_chip(301) == Markup('<span class="status redirect">301</span>')
    assert status_chip(200) == Markup('<span class="status">200</span>')


def test_templates_use_them_as_markup() -> None:
    page = templates.env.from_string("{{ link_to(u) }} {{ time_tag(none) }} {{ status_chip(503) }}")
    assert page.render(u="https://e.org/<b>") == (
        '<a class="url" href="https://e.org/&lt;b&gt;" rel="noopener noreferrer">'
        'https://e.org/&lt;b&gt;</a> never <span class="status bad">503</span>'
    )


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"

    def __str__(self) -> str:
        return "<b>unsafe</b>"


VALUES = [
    "https://example.org/a?b=1&c=2'x'",
    'http://e.org/<i>"q"</i>',
    "mailto:a@b.example",
    Markup("https://e.org/<kept>"),
    _Html(),
    None,
    42,
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:30] for v in VALUES])
def test_pieces_are_what_markup_format_gives(value: object) -> None:
    """Built from f-strings of escaped values, byte for byte what Markup templates gave."""
    web = Markup('<a class="url" href="{0}" rel="noopener noreferrer">{0}</a>')
    text = Markup('<span class="url">{0}</span>')
    expected = (web if isinstance(value, str) and value.startswith("http") else text).format(value)
    assert str(link_to(value)) == str(expected)


@pytest.mark.parametrize("code", [None, 200, 204, 301, 308, 399, 400, 404, 503])
def test_status_chips_are_what_markup_format_gives(code: int | None) -> None:
    if code is None:
        expected = Markup('<span class="status bad" title="no response">none</span>')
    else:
        kind = "bad" if code >= 400 else "redirect" if code >= 300 else ""
        template = {
            "bad": Markup('<span class="status bad">{0}</span>'),
            "redirect": Markup('<span class="status redirect">{0}</span>'),
            "": Markup('<span class="status">{0}</span>'),
        }[kind]
        expected = template.format(code)
    assert str(status_chip(code)) == str(expected)


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 11, 24, 16, 20, tzinfo=UTC), datetime(2027, 1, 2, 3, 4, 5, 678, tzinfo=UTC)],
)
def test_times_are_what_markup_format_gives(moment: datetime) -> None:
    from api.dashboard.timeline import format_moment

    expected = Markup('<time datetime="{0}">{1}</time>').format(
        moment.isoformat(), format_moment(moment)
    )
    assert str(time_tag(moment)) == str(expected)


# The Jinja macro the forms were written by, kept as the reference the Python must equal.
ACTIONS_MACRO = (Path(__file__).parent / "actions_macro.html").read_text()


@dataclass(frozen=True)
class _Item:
    resource_id: int
    title: str
    suggested_url: str | None
    snoozable: bool = True


@dataclass(frozen=True)
class _Browser:
    csrf: str


def _href(name: str, **params: object) -> str:
    return f"/root/editor/{name}/{params['resource_id']}?x=1&y=2"


@pytest.mark.parametrize("on_resource_page", [False, True], ids=["problems", "resource page"])
@pytest.mark.parametrize(
    "item",
    [
        _Item(7, "Report Remove", None),
        _Item(12, 'A "quoted" <title> & {braces}', "https://e.org/new?a=1&b=2"),
        _Item(3, Markup("<b>kept</b>"), ""),
        _Item(5, "Working link", None, snoozable=False),
    ],
    ids=["plain", "hostile, with a suggestion", "markup, empty suggestion", "working"],
)
@pytest.mark.parametrize("csrf", ["t0k3n", 'a"b<c>&{0}'], ids=["token", "hostile token"])
def test_actions_are_what_the_macro_wrote(item: _Item, csrf: str, on_resource_page: bool) -> None:
    """Every problem of a page shows them: Python, byte for byte what the macro wrote."""
    reference = templates.env.from_string(
        ACTIONS_MACRO
        + "{{ actions(item, browser, href, today, later, back, on_resource_page=on) }}"
    )
    values = {
        "item": item,
        "browser": _Browser(csrf),
        "href": _href,
        "today": date(2026, 12, 2),
        "later": date(2027, 1, 1),
        "back": '/editor/problems?guide=g&state="x"',
        "on": on_resource_page,
    }
    expected = reference.render(values)
    built = actions(
        values["item"],
        values["browser"],
        _href,
        date(2026, 12, 2),
        date(2027, 1, 1),
        str(values["back"]),
        on_resource_page=on_resource_page,
    )
    assert isinstance(built, Markup)
    assert str(built) == expected
    via_template = templates.env.from_string(
        "{{ actions(item, browser, href, today, later, back, on_resource_page=on) }}"
    ).render(values)
    assert via_template == expected
