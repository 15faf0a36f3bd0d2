"""Reading a published guide page: the sextortion guide as WordPress publishes it, and variants."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from curator.catalog import GuideSpec, load_catalog
from curator.catalog.chrome import is_chrome
from curator.catalog.importer import parse_guide
from curator.catalog.kinds import guess_kind
from curator.catalog.matching import normalise_url, without_tracking
from curator.phones import e164 as phone_e164

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sextortion-guide.html"
PAGE_URL = "https://safeguardinghub.example/sextortion-guide-and-resources/"

# The page names three resources as the guide's text links them; the catalog's editors gave
# them fuller titles. Every other title on the page is the catalog's title.
PAGE_TITLES = {
    "cleveland-police-sextortion-advice": "Cleveland Police",
    "action-fraud-sextortion-scam": "Action Fraud",
    "bbc-sextortion-topic": "BBC topics page",
}
# Hosts of the page's chrome and of links outside the resource list: none is a resource.
NOT_RESOURCES = {
    "safeguardinghub.example",
    "training.safeguardinghub.example",
    "facebook.com",
    "twitter.com",
    "linkedin.com",
    "legislation.gov.uk",
    "ceop.police.uk",
    "childline.org.uk",
    "counselling-practice.example",
    "safeguardinghub.us21.list-manage.com",
    "wordpress.org",
}


def _imported() -> GuideSpec:
    return parse_guide(FIXTURE.read_text(encoding="utf-8"))


def _host(url: str) -> str:
    return httpx.URL(url).host.removeprefix("www.")


def _links(html: str) -> list[LexborNode]:
    return [a for a in LexborHTMLParser(html).css("a[href]") if a.attributes["href"] or ""]


def test_fixture_gives_the_shipped_guides_sections_and_resources(shipped_catalog: Path) -> None:
    (shipped,) = load_catalog(shipped_catalog).guides
    imported = _imported()

    assert [s.title for s in imported.sections] == [s.title for s in shipped.sections]
    assert [len(s.resources) for s in imported.sections] == [1, 4, 1, 3]
    assert [len(s.resources) for s in imported.sections] == [
        len(s.resources) for s in shipped.sections
    ]
    pairs = list(zip(imported.all_resources(), shipped.all_resources(), strict=True))
    for (_, page), (_, catalog) in pairs:
        assert page.title == PAGE_TITLES.get(catalog.key, catalog.title)
        assert page.kind is catalog.kind, catalog.key
        assert page.url == catalog.url
    helpline = imported.sections[0].resources[0]
    shipped_helpline = shipped.sections[0].resources[0]
    assert helpline.phone == "03456 000 459"  # as the page prints it
    assert shipped_helpline.phone is not None
    assert phone_e164(helpline.phone) == phone_e164(shipped_helpline.phone)
    assert [r.phone for _, r in imported.all_resources()].count(None) == 8


def test_fixture_chrome_and_prose_links_are_left_out() -> None:
    # The page does link to all of these (header, menus, share bars, prose, comments, sidebar,
    # footer), so leaving them out is the importer's doing.
    on_page = {_host(a.attributes["href"] or "") for a in _links(FIXTURE.read_text())}
    assert NOT_RESOURCES <= on_page
    urls = {r.url for _, r in _imported().all_resources()}
    assert len(urls) == 8  # nine resources; two share the NCA's address
    assert {_host(u) for u in urls} == {
        "revengepornhelpline.org.uk",
        "cleveland.police.uk",
        "nationalcrimeagency.gov.uk",
        "actionfraud.police.uk",
        "cps.gov.uk",
        "bbc.co.uk",
        "getsafeonline.org",
    }


def test_fixture_guide_title_address_and_ids() -> None:
    imported = _imported()
    assert imported.title == "Sextortion – Guide and Resources"
    assert imported.slug == "sextortion-guide-and-resources"
    assert imported.source_url == PAGE_URL
    ids = [r.key for _, r in imported.all_resources()]
    assert len(set(ids)) == 9
    assert ids[0] == "revenge-porn-helpline"
    assert all(len(i) <= 60 for i in ids)


def test_fixture_descriptions_are_the_sentence_around_the_link() -> None:
    resources = {r.title: r for _, r in _imported().all_resources()}
    assert resources["Revenge Porn Helpline"].description == (
        "Home Office funded Helpline established in 2015 alongside the introduction of new "
        "legislation in which disclosing private sexual images and videos without someone’s "
        "consent became against the law."
    )
    assert resources["Sextortion (cyber-enabled blackmail)"].description == (
        "A video from the National Crime Agency highlighting the dangers of sextortion."
    )
    assert resources["Cleveland Police"].description == (
        "Webpage from Cleveland Police given good practical advice on being a victim of Sextortion."
    )
    assert resources["Action Fraud"].description == (
        "From Action Fraud – an article on a sextortion scam."
    )
    cps = next(r for t, r in resources.items() if t.startswith("CPS:"))
    assert cps.description is None


def _page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def test_a_page_without_an_article_container_relies_on_its_landmarks() -> None:
    html = _page(
        """
        <header><a href="https://social.example/hub">Follow us</a></header>
        <nav><ul><li><a href="https://partner.example/">Partner</a></li></ul></nav>
        <h1>Stalking</h1>
        <p>About stalking, see <a href="https://prose.example/">this study</a>.</p>
        <h2>Useful links</h2>
        <h3>Charities</h3>
        <ul>
          <li><a href="https://www.stalkinghelpline.org/">National Stalking Helpline</a> –
              advice. Call 0808 802 0300.</li>
          <li><a href="https://paladinservice.co.uk/report.pdf">Paladin annual report</a></li>
        </ul>
        <div class="share-bar"><a href="https://news.example/shared">Shared elsewhere</a></div>
        <aside><a href="https://ads.example/">Sponsored</a></aside>
        <footer><a href="https://privacy.example/">Privacy</a></footer>
        """,
        head="<title>Stalking | Safeguarding Hub</title>",
    )
    guide = parse_guide(html)
    assert guide.title == "Stalking"
    assert [s.title for s in guide.sections] == ["Charities"]
    trust, report = guide.sections[0].resources
    assert (trust.title, trust.kind.value, trust.phone) == (
        "National Stalking Helpline",
        "helpline",
        "0808 802 0300",
    )
    assert (report.title, report.kind.value) == ("Paladin annual report", "document")


def test_bold_paragraphs_are_headings_and_a_phone_on_its_own_line_belongs_to_the_link_above() -> (
    None
):
    html = _page(
        """
        <article><div class="entry-content">
        <h2>The Resources</h2>
        <p><strong>Helplines</strong></p>
        <p><a href="https://www.samaritans.org/">Samaritans</a> listen, day or night.</p>
        <p>Tel: 0330 094 5717</p>
        <p><b>Videos</b></p>
        <p><a href="https://youtu.be/abc123">What is grooming?</a></p>
        <p><a href="https://vimeo.com/1234">Online safety for parents</a> – short film.</p>
        <p><strong>Thanks for reading</strong></p>
        </div></article>
        """
    )
    guide = parse_guide(html)
    assert [s.title for s in guide.sections] == ["Helplines", "Videos"]
    (samaritans,) = guide.sections[0].resources
    assert (samaritans.kind.value, samaritans.phone) == ("helpline", "0330 094 5717")
    assert [r.kind.value for r in guide.sections[1].resources] == ["video", "video"]


def test_a_short_number_a_guide_offers_belongs_to_its_link_and_999_to_none() -> None:
    html = _page(
        """
        <article>
        <h2>Where to get help</h2>
        <p><a href="https://www.samaritans.org/">Samaritans</a>: call free on 116 123.</p>
        <p><a href="https://giveusashout.org/">Shout</a> is a text service.</p>
        <p>Text SHOUT to 85258.</p>
        <p><a href="https://www.police.uk/">Police advice</a>. Call 999 in an emergency.</p>
        </article>
        """
    )
    samaritans, shout, police = parse_guide(html).sections[0].resources
    assert (samaritans.phone, samaritans.kind.value) == ("116 123", "helpline")
    assert (shout.phone, shout.kind.value) == ("85258", "helpline")
    assert police.phone is None


def test_same_site_share_and_non_web_links_are_not_resources() -> None:
    html = _page(
        """
        <main>
        <h2>Further reading</h2>
        <p><a href="/other-guide/">Our guide on sexting</a>,
           <a href="https://www.hub.example/contact/">contact us</a>,
           <a href="https://learn.hub.example/course">our course</a>,
           <a href="mailto:editors@hub.example">email</a>, <a href="tel:08001111">call</a>,
           <a href="javascript:void(0)">open</a>, <a href="#top">top</a>,
           <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>,
           <a href="https://twitter.com/intent/tweet?url=x">Tweet</a>,
           <a href="https://www.ceop.police.uk/" rel="nofollow">CEOP</a>.</p>
        </main>
        """,
        head='<link rel="canonical" href="https://hub.example/sextortion/">',
    )
    guide = parse_guide(html, url="https://hub.example/sextortion/?from=menu")
    assert [(r.title, r.url) for _, r in guide.all_resources()] == [
        ("CEOP", "https://www.ceop.police.uk/")
    ]
    assert [s.title for s in guide.sections] == ["Further reading"]
    assert guide.source_url == "https://hub.example/sextortion/"


def test_the_list_ends_at_a_heading_as_high_as_the_resources_heading() -> None:
    html = _page(
        """
        <article>
        <h2>The Resources</h2>
        <h3>From the Police</h3>
        <p><a href="https://www.police.uk/advice/">Police advice</a></p>
        <h2>About the author</h2>
        <p><a href="https://author.example/">The author's blog</a></p>
        </article>
        """
    )
    assert [r.title for _, r in parse_guide(html).all_resources()] == ["Police advice"]


def test_without_a_resources_heading_every_heading_with_links_is_a_section() -> None:
    html = _page(
        """
        <article>
        <h1>County lines</h1>
        <p><a href="https://www.childrenssociety.org.uk/">The Children's Society</a> runs
           a county lines project.</p>
        <h2>Police</h2>
        <p><a href="https://www.nationalcrimeagency.gov.uk/county-lines">NCA</a></p>
        <h2>Nothing to see</h2><p>No links here.</p>
        </article>
        """
    )
    guide = parse_guide(html)
    assert [(s.title, len(s.resources)) for s in guide.sections] == [
        ("Resources", 1),
        ("Police", 1),
    ]


def test_generic_link_text_takes_its_sentence_and_repeated_links_count_once() -> None:
    html = _page(
        """
        <div class="entry-content"><h2>Links</h2>
        <p>The NSPCC's guidance on sexting is <a href="https://www.nspcc.org.uk/sexting">here</a>.
           See <a href="https://www.nspcc.org.uk/sexting">it</a> again.</p>
        <p><a href="https://www.nspcc.org.uk/sexting">here</a></p>
        </div>
        """
    )
    guide = parse_guide(html)
    ((_, resource),) = guide.all_resources()
    assert resource.title == "The NSPCC's guidance on sexting"
    assert resource.key == "the-nspcc-s-guidance-on-sexting"
    assert resource.kind.value == "document"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ('<meta property="og:title" content="Honour based abuse">', "", "Honour based abuse"),
        (
            '<meta property="og:site_name" content="Safeguarding Hub">'
            "<title>Cuckooing – Guide and Resources – Safeguarding Hub</title>",
            "",
            "Cuckooing – Guide and Resources",
        ),
        ("<title>FGM</title>", "<article><h1>Female genital mutilation</h1></article>", None),
        ("", "<h1>Radicalisation</h1>", "Radicalisation"),
    ],
    ids=["og-title", "title-less-site-name", "article-h1-first", "any-h1"],
)
def test_guide_title(head: str, body: str, title: str | None) -> None:
    expected = title or "Female genital mutilation"
    assert parse_guide(_page(body, head)).title == expected


@pytest.mark.parametrize(
    ("url", "text", "sentence", "phone", "kind"),
    [
        ("https://www.youtube.com/watch?v=x", "NCA film", "", False, "video"),
        ("https://youtu.be/x", "", "", True, "video"),
        ("https://player.vimeo.com/video/1", "", "", False, "video"),
        ("https://a.gov.uk/files/Guide.PDF", "", "", False, "document"),
        ("https://a.org/leaflet.docx", "", "", False, "document"),
        ("https://a.org/", "Helpline", "Home Office funded", True, "helpline"),
        ("https://a.org/", "Jess", "A follow up video from the NCA.", False, "video"),
        ("https://a.org/", "CPS: Guidelines on prosecuting", "", False, "document"),
        ("https://a.org/", "Images", "Sexual images and videos shared.", False, "webpage"),
        ("https://a.org/", "Get Safe Online", "An excellent resource.", False, "webpage"),
    ],
    ids=[
        "youtube",
        "youtube-short-beats-phone",
        "vimeo-player",
        "pdf",
        "docx",
        "phone",
        "video-word",
        "guidelines-word",
        "plural-videos-is-not-a-video",
        "webpage",
    ],
)
def test_guess_kind(url: str, text: str, sentence: str, phone: bool, kind: str) -> None:
    assert guess_kind(url, link_text=text, sentence=sentence, phone=phone) == kind


def test_a_page_builders_content_widgets_are_content_and_its_share_widget_is_not() -> None:
    def widget(kind: str, inner: str) -> str:
        return (
            f'<div class="elementor-element elementor-widget elementor-widget-{kind}">'
            f'<div class="elementor-widget-container">{inner}</div></div>'
        )

    html = _page(
        '<main><div class="elementor elementor-1187"><section class="elementor-section">'
        '<div class="elementor-column"><div class="elementor-widget-wrap">'
        + widget("heading", '<h2 class="elementor-heading-title">Useful resources</h2>')
        + widget("text-editor", '<p><a href="https://www.nspcc.org.uk/">NSPCC</a> – advice.</p>')
        + widget("share-buttons", '<a href="https://www.example.org/share/x">Share by post</a>')
        + "</div></div></section></div></main>"
        + '<div class="widget-area"><section class="widget widget_text">'
        '<p><a href="https://partner.example/">A partner</a></p></section></div>'
    )
    assert [r.title for _, r in parse_guide(html).all_resources()] == ["NSPCC"]


@pytest.mark.parametrize(
    ("element", "chrome"),
    [
        ('<div class="sharedaddy sd-sharing-enabled">', True),
        ('<ul class="wp-block-social-links">', True),
        ('<div id="comments" class="comments-area">', True),
        ('<div id="jp-relatedposts" class="jp-relatedposts">', True),
        ('<section class="widget widget_recent_entries">', True),
        ('<div class="entry-meta">', True),
        ('<span class="cat-links">', True),
        ('<div class="newsletter-signup">', True),
        ('<div role="navigation">', True),
        ("<div hidden>", True),
        ('<div aria-hidden="true">', True),
        ('<nav class="post-navigation">', True),
        ('<div class="elementor-widget elementor-widget-text-editor">', False),
        ('<div class="wp-block-group advice-box">', False),
        ('<ul class="wp-block-list resources">', False),
        ('<div class="entry-content">', False),
        ('<div class="address-list">', False),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_is_chrome(element: str, chrome: bool) -> None:
    node = LexborHTMLParser(f"{element}x").body
    assert node is not None and node.child is not None
    assert node.child.tag == element[1:].split()[0].rstrip(">")
    assert is_chrome(node.child) is chrome


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        (
            "The NSPCC's guidance on sexting is <a href='{u}'>here</a>.",
            "The NSPCC's guidance on sexting",
        ),
        (
            "<a href='{u}'>Click here</a> for the NSPCC's advice on sexting.",
            "The NSPCC's advice on sexting",
        ),
        ("Read the CPS guidance <a href='{u}'>here</a>.", "The CPS guidance"),
        ("Advice for parents can be found <a href='{u}'>on this page</a>.", "Advice for parents"),
        ("For more information click <a href='{u}'>here</a>.", "nspcc.org.uk"),
        ("<a href='{u}'>Read more</a>", "nspcc.org.uk"),
    ],
    ids=["is-here", "click-here-for", "read-here", "on-this-page", "nothing-left", "alone"],
)
def test_a_generic_link_is_titled_without_here(paragraph: str, title: str) -> None:
    url = "https://www.nspcc.org.uk/advice/"
    html = _page(f"<article><h2>Links</h2><p>{paragraph.format(u=url)}</p></article>")
    ((_, resource),) = parse_guide(html).all_resources()
    assert resource.title == title
    assert "here" not in resource.key.split("-")


@pytest.mark.parametrize(
    ("paragraph", "description"),
    [
        (
            "<a href='{u}'>Childline</a> is a free, private and confidential service.",
            "Childline is a free, private and confidential service.",
        ),
        (
            "<a href='{u}'>Childline</a>'s counsellors are there to help.",
            "Childline's counsellors are there to help.",
        ),
        (
            "<a href='{u}'><strong>Childline</strong></a> Free confidential help for under-19s.",
            "Free confidential help for under-19s.",
        ),
        ("<a href='{u}'>Childline</a> – free help for under-19s.", "Free help for under-19s."),
        ("<a href='{u}'>Childline</a>: free help for under-19s.", "Free help for under-19s."),
        (
            "Young people can talk to <a href='{u}'>Childline</a>.",
            "Young people can talk to Childline.",
        ),
    ],
    ids=["subject", "possessive", "label-bold", "dash", "colon", "inside"],
)
def test_descriptions_keep_the_link_text_when_it_is_part_of_the_sentence(
    paragraph: str, description: str
) -> None:
    url = "https://www.childline.org.uk/"
    html = _page(f"<article><h2>Links</h2><p>{paragraph.format(u=url)}</p></article>")
    ((_, resource),) = parse_guide(html).all_resources()
    assert resource.description == description


@pytest.mark.parametrize(
    ("canonical", "slug"),
    [
        ("https://hub.example/guides/online-grooming/", "online-grooming"),
        ("https://hub.example/guides/Online_Grooming.html", "online-grooming"),
        ("https://hub.example/?p=123", "grooming-what-parents-need-to-know"),
        ("https://hub.example/2024/05/12/", "grooming-what-parents-need-to-know"),
    ],
    ids=["path", "file", "query-only", "date-path"],
)
def test_the_guides_slug_comes_from_its_canonical_path(canonical: str, slug: str) -> None:
    html = _page(
        "<article><h1>Grooming – what parents need to know</h1>"
        "<p><a href='https://www.nspcc.org.uk/'>NSPCC</a></p></article>",
        head=f'<link rel="canonical" href="{canonical}">',
    )
    assert parse_guide(html).slug == slug


def test_tracking_parameters_are_stripped_on_import() -> None:
    html = _page(
        "<article><h1>Grooming</h1><p><a href='https://www.nspcc.org.uk/advice/"
        "?utm_source=hub&amp;utm_medium=web&amp;lang=en&amp;fbclid=abc&amp;gclid=1#top'>NSPCC</a>"
        " and <a href='https://www.childline.org.uk/?utm_campaign=x'>Childline</a></p></article>",
        head='<link rel="canonical" href="https://hub.example/grooming/?utm_source=feed">',
    )
    guide = parse_guide(html)
    assert [r.url for _, r in guide.all_resources()] == [
        "https://www.nspcc.org.uk/advice/?lang=en",
        "https://www.childline.org.uk/",
    ]
    assert guide.source_url == "https://hub.example/grooming/"


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://a.org/x?utm_source=s&id=3", "https://a.org/x?id=3"),
        ("https://a.org/x?id=3&UTM_Medium=m#part", "https://a.org/x?id=3#part"),
        ("https://a.org/x?fbclid=1&gclid=2&msclkid=3&_ga=4", "https://a.org/x"),
        ("https://a.org/x?q=utm_source", "https://a.org/x?q=utm_source"),
        ("https://a.org/x", "https://a.org/x"),
    ],
)
def test_without_tracking_and_comparing(url: str, clean: str) -> None:
    assert without_tracking(url) == clean
    assert normalise_url(url) == normalise_url(clean)
