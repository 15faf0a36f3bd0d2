"""The small pieces every row of a dashboard page shows, built in Python: escaped as the
templates would escape them, a link only for an http(s) URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markupsafe import Markup

from api.dashboard.pages import link_to, status_chip, templates, time_tag


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
