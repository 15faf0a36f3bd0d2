"""Where did the page go: suggested replacements on generated sites of moved pages with
look-alikes (sibling pages on the same topic, a press release quoting the page, a tag page named
like it, one template everywhere), printing how often the right page is the confident
suggestion, how often a wrong one is (must be 0) and the extra requests per broken link."""

from __future__ import annotations

import argparse
import asyncio
import gzip
import random
import statistics
import time
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from bench.site_process import SiteProcess, SiteSpec
from curator.check.facts import Expectation
from curator.check.resolver import StaticResolver
from curator.replacements.matching import Comparison, Reference
from curator.replacements.search import Finder
from curator.settings import Settings
from tests.sites import Behaviour, Request, Response, Site

TOPICS = (
    ("sextortion", "online blackmail"),
    ("cyberbullying", "online bullying"),
    ("online grooming", "grooming online"),
    ("image abuse", "intimate image abuse"),
    ("domestic abuse", "abuse at home"),
    ("stalking", "being followed"),
    ("harassment", "unwanted contact"),
    ("romance fraud", "dating scams"),
    ("financial abuse", "money and control"),
    ("county lines", "drug exploitation"),
    ("child exploitation", "exploitation of children"),
    ("self harm", "hurting yourself"),
    ("eating disorders", "problems with food"),
    ("bereavement", "losing someone"),
    ("loneliness", "feeling alone"),
    ("gambling harm", "problem gambling"),
    ("hate crime", "hate incidents"),
    ("forced marriage", "marriage without consent"),
    ("modern slavery", "forced labour"),
    ("radicalisation", "extremism"),
    ("sexting", "sharing nudes"),
    ("deepfakes", "fake images"),
    ("catfishing", "fake profiles"),
    ("coercive control", "controlling behaviour"),
    ("elder abuse", "abuse of older people"),
    ("online scams", "fraud online"),
    ("revenge porn", "private images shared"),
    ("trafficking", "human trafficking"),
)
ASPECTS = (
    ("what to do", "getting help"),
    ("advice for parents", "a guide for parents"),
    ("how to report it", "reporting it"),
    ("your rights", "knowing your rights"),
    ("support for young people", "help for young people"),
    ("staying safe", "keeping safe"),
    ("signs to look for", "warning signs"),
)
SECTIONS = ("advice", "help", "support", "guides", "information", "get-help", "topics")
NAMES = (
    ("Safe", "Harbour"), ("Bright", "Path"), ("Open", "Door"), ("Clear", "Voice"),
    ("Kind", "Hands"), ("Steady", "Ground"), ("Calm", "Waters"), ("True", "North"),
)  # fmt: skip
KINDS = ("Trust", "Foundation", "Network", "Project", "Alliance")
SUBJECTS = (
    "Many people", "Young people", "Parents and carers", "Anyone affected", "Victims",
    "Friends and family", "Teachers", "Survivors", "Adults", "Children", "Older people",
    "Partners", "Students", "Neighbours", "Colleagues",
)  # fmt: skip
VERBS = (
    "worry about", "experience", "are affected by", "need support with", "can get help with",
    "often hide", "may not recognise", "find it hard to talk about", "can report",
    "should never face", "live with", "recover from", "ask us about", "learn about",
)  # fmt: skip
QUALIFIERS = (
    "at school", "online", "at home", "on social media", "in a relationship", "at work",
    "in the community", "late at night", "over many months", "without telling anyone",
    "after moving house", "during the holidays", "on gaming sites", "in messages",
)  # fmt: skip
ADVICE = (
    "Keep a record of what happened", "Talk to someone you trust",
    "Contact the police if you are in danger", "Block and report the account",
    "Do not delete the messages", "Ask for help early", "Look after your wellbeing",
    "Use the privacy settings", "Check the facts before acting",
    "Write down dates and times", "Save screenshots somewhere safe",
    "Tell the platform what happened", "Let a teacher or manager know",
    "Make a plan for staying safe", "Take breaks from your phone",
)  # fmt: skip
REASONS = (
    "because it helps us to support you", "so that nothing is lost", "as soon as you can",
    "even if it feels hard", "when you feel ready", "before anything gets worse",
    "so you are not on your own", "to protect other people too",
)  # fmt: skip
MONTHS = ("January", "March", "May", "July", "September", "November")


def slug(text: str) -> str:
    """Words joined by hyphens."""
    return "-".join(text.lower().split())


@dataclass
class PageSpec:
    """A generated page of a site."""

    path: str
    title: str
    heading: str
    sentences: list[str]
    links: list[tuple[str, str]] = field(default_factory=list)

    def html(self, template: str, nav: list[tuple[str, str]]) -> str:
        """The page as HTML, the site's template paragraph and navigation included."""
        menu = "".join(f'<a href="{p}">{escape(t)}</a> ' for p, t in nav)
        items = "".join(f'<li><a href="{p}">{escape(t)}</a></li>' for p, t in self.links)
        body = "".join(f"<p>{escape(s)}</p>" for s in self.sentences)
        return (
            f"<!doctype html><html><head><title>{escape(self.title)}</title></head><body>"
            f"<header><nav>{menu}</nav></header><main><h1>{escape(self.heading)}</h1>{body}"
            f"{'<ul>' + items + '</ul>' if items else ''}<aside><p>{escape(template)}</p></aside>"
            f"</main><footer>Registered charity</footer></body></html>"
        )


@dataclass
class Case:
    """A broken link whose page moved (or went), and what the checker knows of it."""

    host: str
    old_path: str
    new_path: str | None
    """None: the page is gone for good (only look-alikes remain)."""
    reference: Reference
    expectation: Expectation
    found_by: str
    """sitemap, parent or gone."""
    history: bool


@dataclass(frozen=True)
class Sitemap(Behaviour):
    """A sitemap or index whose addresses are made absolute with the request's Host."""

    paths: tuple[str, ...]
    index: bool = False
    compressed: bool = False

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Serve the sitemap for the host asked."""
        base = f"http://{request.headers.get('host', site.host)}"
        tag, inner = ("sitemapindex", "sitemap") if self.index else ("urlset", "url")
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<{inner}><loc>{escape(base + p)}</loc></{inner}>" for p in self.paths)
            + f"</{tag}>"
        ).encode()
        if self.compressed:
            body = gzip.compress(body)
        kind = "application/gzip" if self.compressed else "application/xml"
        return await Response(body=body, content_type=kind).respond(site, request, writer)


@dataclass(frozen=True)
class Robots(Behaviour):
    """A robots.txt declaring sitemaps by absolute address."""

    sitemaps: tuple[str, ...]

    async def respond(self, site: Site, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Serve robots.txt for the host asked."""
        base = f"http://{request.headers.get('host', site.host)}"
        lines = ["User-agent: *", "Disallow: /admin/"] + [
            f"Sitemap: {base}{p}" for p in self.sitemaps
        ]
        body = "\n".join(lines) + "\n"
        return await Response(body=body, content_type="text/plain").respond(site, request, writer)


class Generator:
    """Builds sites and cases from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, topic: str, aspect: str) -> str:
        """One sentence of a page about `topic` and `aspect`."""
        r = self.rng
        if r.random() < 0.5:
            return (
                f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {topic} {r.choice(QUALIFIERS)} "
                f"and {r.choice(SUBJECTS).lower()} {r.choice(VERBS)} {aspect}."
            )
        return f"{r.choice(ADVICE)} {r.choice(REASONS)}, {r.choice(QUALIFIERS)}."

    def text(self, topic: str, aspect: str, count: int) -> list[str]:
        """`count` sentences about a topic."""
        return [self.sentence(topic, aspect) for _ in range(count)]

    def site(self, index: int, moved: int) -> tuple[SiteSpec, list[Case]]:
        """One charity's site with `moved` moved (or gone) pages among look-alikes."""
        r = self.rng
        first, second = NAMES[index % len(NAMES)]
        charity = f"{first} {second} {KINDS[index % len(KINDS)]}"
        host = f"{slug(first + ' ' + second)}-{index}.bench"
        separator = r.choice((" | ", " - ", " – "))
        template = (
            f"Our helpline is open every day from 9am to 9pm on 0800 {r.randint(100, 999)} "
            f"{r.randint(1000, 9999)}. Calls are free and confidential. You can also chat to an "
            f"adviser online. {charity} is here for you."
        )
        old_section, new_section = r.sample(SECTIONS, 2)
        nested = r.random() < 0.5
        suffix = ".html" if r.random() < 0.2 else ""
        topics = r.sample(TOPICS, 8)
        pages: dict[str, PageSpec] = {}
        cases: list[Case] = []
        moved_pairs = {
            (t[0], a[0]) for t, a in r.sample([(t, a) for t in topics for a in ASPECTS[:3]], moved)
        }
        with_sitemap = r.random() < 0.7
        parents: dict[str, list[tuple[str, str]]] = {}

        def path_of(section: str, topic: str, aspect: str, nested_: bool) -> str:
            if nested_:
                return f"/{section}/{slug(topic)}/{slug(aspect)}{suffix}"
            return f"/{section}/{slug(topic)}-{slug(aspect)}{suffix}"

        for topic, topic_alt in topics:
            for aspect, aspect_alt in ASPECTS[:3]:
                heading = f"{topic.capitalize()}: {aspect}"
                sentences = self.text(topic, aspect, r.randint(6, 10))
                sentences.append(f"This page was last reviewed in {r.choice(MONTHS)} 2025.")
                old_path = path_of(old_section, topic, aspect, nested)
                title = f"{heading}{separator}{charity}"
                if (topic, aspect) not in moved_pairs:
                    pages[old_path] = PageSpec(old_path, title, heading, sentences)
                    parents.setdefault(old_path.rsplit("/", 1)[0] + "/", []).append(
                        (old_path, heading)
                    )
                    continue
                gone = r.random() < 0.12
                history = r.random() < 0.7
                reference = self.reference(
                    title, heading, sentences, charity, topic, aspect, history
                )
                expectation = Expectation(title=reference.title or heading)
                if gone:
                    cases.append(
                        Case(host, old_path, None, reference, expectation, "gone", history)
                    )
                    continue
                renamed_slug = r.random() < 0.5
                renamed_title = r.random() < 0.3
                new_topic = topic_alt if renamed_slug and r.random() < 0.5 else topic
                new_aspect = aspect_alt if renamed_slug else aspect
                new_path = path_of(new_section, new_topic, new_aspect, r.random() < 0.5)
                new_heading = heading
                if renamed_title:
                    new_heading = f"{topic.capitalize()}: {aspect_alt}"
                edited = list(sentences)
                for i in r.sample(
                    range(len(edited) - 1), int((len(edited) - 1) * r.uniform(0, 0.25))
                ):
                    edited[i] = self.sentence(topic, aspect)
                pages[new_path] = PageSpec(
                    new_path, f"{new_heading}{separator}{charity}", new_heading, edited
                )
                found_by = "sitemap" if with_sitemap else "parent"
                link_from = old_path.rsplit("/", 1)[0] + "/"
                parents.setdefault(link_from, []).append((new_path, new_heading))
                cases.append(
                    Case(host, old_path, new_path, reference, expectation, found_by, history)
                )
                # The look-alikes: a press release quoting the page, a tag page named like it.
                year = r.choice((2024, 2025))
                news = f"/news/{year}/we-launch-{slug(topic)}-{slug(aspect)}-guide"
                pages[news] = PageSpec(
                    news,
                    f"We launch a new guide: {topic} {aspect}{separator}{charity}",
                    f"We launch a new guide: {topic} {aspect}",
                    [f"Today {charity} launched new advice on {topic}."]
                    + sentences[:2]
                    + self.text(topic, aspect, 4),
                )
                tag = f"/tag/{slug(topic)}"
                pages.setdefault(
                    tag,
                    PageSpec(
                        tag,
                        f"{heading}{separator}{charity}"
                        if r.random() < 0.3
                        else f"{topic.capitalize()}{separator}{charity}",
                        topic.capitalize(),
                        [sentences[0]] + self.text(topic, "news", 2),
                    ),
                )
        for parent, links in parents.items():
            if parent not in pages:
                name = parent.strip("/").split("/")[-1].replace("-", " ").capitalize()
                pages[parent] = PageSpec(
                    parent,
                    f"{name}{separator}{charity}",
                    name,
                    [f"Pages about {name.lower()}."],
                    links,
                )
        nav = [(f"/{s}/", s.capitalize()) for s in {old_section, new_section}] + [
            ("/about", "About")
        ]
        pages["/about"] = PageSpec(
            "/about",
            f"About us{separator}{charity}",
            "About us",
            self.text("our work", "our values", 5),
        )
        home = PageSpec(
            "/",
            f"{charity}{separator}Home",
            charity,
            [f"Welcome to {charity}."],
            [(p, pages[p].heading) for p in list(pages)[:6]],
        )
        routes: dict[str, Behaviour] = {
            p: Response(body=s.html(template, nav)) for p, s in pages.items()
        }
        routes["/"] = Response(body=home.html(template, nav))
        for case in cases:
            routes.pop(case.old_path, None)
        if with_sitemap:
            self.add_sitemaps(routes, sorted(pages))
        missing = PageSpec(
            "",
            f"Page not found{separator}{charity}",
            "Page not found",
            [
                "Sorry, we cannot find the page you are looking for.",
                "Try our search or go back to the home page.",
            ],
        )
        fallback = Response(status=404, body=missing.html(template, nav))
        return SiteSpec(host, fallback=fallback, routes=routes), cases

    def add_sitemaps(self, routes: dict[str, Behaviour], paths: list[str]) -> None:
        """One of the usual sitemap layouts."""
        r = self.rng
        layout = r.choice(("plain", "robots", "yoast", "wordpress", "gzip"))
        if layout == "plain":
            routes["/sitemap.xml"] = Sitemap(tuple(paths))
        elif layout == "robots":
            routes["/robots.txt"] = Robots(("/sitemaps/site-map.xml",))
            routes["/sitemaps/site-map.xml"] = Sitemap(tuple(paths))
        elif layout == "yoast":
            news = tuple(p for p in paths if p.startswith("/news/"))
            tags = tuple(p for p in paths if p.startswith("/tag/"))
            rest = tuple(p for p in paths if p not in news and p not in tags)
            routes["/sitemap_index.xml"] = Sitemap(
                ("/post-sitemap.xml", "/page-sitemap.xml", "/post_tag-sitemap.xml"), index=True
            )
            routes["/post-sitemap.xml"] = Sitemap(news)
            routes["/page-sitemap.xml"] = Sitemap(rest)
            routes["/post_tag-sitemap.xml"] = Sitemap(tags)
        elif layout == "wordpress":
            routes["/wp-sitemap.xml"] = Sitemap(
                ("/wp-sitemap-posts-page-1.xml", "/wp-sitemap-posts-post-1.xml"), index=True
            )
            half = len(paths) // 2
            routes["/wp-sitemap-posts-page-1.xml"] = Sitemap(tuple(paths[:half]))
            routes["/wp-sitemap-posts-post-1.xml"] = Sitemap(tuple(paths[half:]))
        else:
            routes["/robots.txt"] = Robots(("/sitemap.xml.gz",))
            routes["/sitemap.xml.gz"] = Sitemap(tuple(paths), compressed=True)

    def reference(
        self,
        title: str,
        heading: str,
        sentences: list[str],
        charity: str,
        topic: str,
        aspect: str,
        history: bool,
    ) -> Reference:
        """What the checker knows of the lost page: its last good version, or the catalog."""
        if history:
            return Reference.from_page(
                title=title, heading=heading, text=" ".join(sentences)[:1000]
            )
        r = self.rng
        catalog_title = heading if r.random() < 0.7 else f"{charity}: {topic} {aspect}"
        words = sentences[0].rstrip(".").split()
        description = (
            f"{charity} on {topic}, {aspect}: " + " ".join(words[: len(words) // 2 + 3]) + "."
        )
        return Reference.from_catalog(catalog_title, description)


@dataclass
class Outcome:
    """What the search suggested for one case."""

    case: Case
    url: str | None
    confident: bool
    seconds: float
    why: str = ""
    compared: tuple[tuple[str, Comparison], ...] = ()


async def search_all(
    settings: Settings, resolver: StaticResolver, cases: list[tuple[Case, str]]
) -> list[Outcome]:
    """Run every case's search at once, as a run does after storing each check."""
    from curator.check.fetcher import Fetcher

    async with Fetcher(settings.fetch_policy(), resolver=resolver) as fetcher:
        finder = Finder(fetcher, settings.search_limits())

        async def one(case: Case, base: str) -> Outcome:
            start = time.perf_counter()
            result = await finder.find(
                base + case.old_path, reference=case.reference, expectation=case.expectation
            )
            elapsed = time.perf_counter() - start
            s = result.suggestion
            url = s.url.removeprefix(base) if s is not None else None
            why = ""
            if s is not None:
                e = s.evidence
                why = f"{s.summary} [title {e.get('title')}, heading {e.get('heading')}]"
            compared = tuple((u.removeprefix(base), c) for u, c in result.compared)
            return Outcome(case, url, s is not None and s.confident, elapsed, why, compared)

        try:
            return list(await asyncio.gather(*(one(c, b) for c, b in cases)))
        finally:
            await finder.aclose()


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "0/0"


def main(argv: list[str] | None = None) -> None:
    """Generate the sites, search for every moved page, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.replacements", description=__doc__)
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--moved", type=int, default=4, help="moved or gone pages per site")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--interval", type=float, default=0.05, help="per-host spacing, seconds")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    if not 1 <= args.sites <= 250:
        parser.error("--sites must be between 1 and 250 (one 127.0.0.x address each)")
    generator = Generator(args.seed)
    specs: list[SiteSpec] = []
    cases: list[Case] = []
    for index in range(args.sites):
        spec, found = generator.site(index, args.moved)
        specs.append(spec)
        cases += found
    settings = Settings(allow_private_addresses=True, per_host_interval=args.interval, retries=0)
    process = SiteProcess(specs)
    with process as served:
        resolver = StaticResolver()
        bases = {}
        for s in served:
            resolver.add(s.host, s.address)
            bases[s.host] = s.url("").rstrip("/")
        started = time.perf_counter()
        outcomes = asyncio.run(search_all(settings, resolver, [(c, bases[c.host]) for c in cases]))
        wall = time.perf_counter() - started
    requests = sum(stats.requests for stats in process.stats.values())
    report(outcomes, specs, wall, requests, args.verbose)


def report(
    outcomes: list[Outcome], specs: list[SiteSpec], wall: float, requests: int, verbose: bool
) -> None:
    """Print the figures."""
    moved = [o for o in outcomes if o.case.new_path is not None]
    gone = [o for o in outcomes if o.case.new_path is None]
    right = [o for o in moved if o.confident and o.url == o.case.new_path]
    possible = [o for o in moved if not o.confident and o.url == o.case.new_path]
    wrong_confident = [o for o in outcomes if o.confident and o.url != o.case.new_path]
    wrong_possible = [
        o for o in outcomes if not o.confident and o.url is not None and o.url != o.case.new_path
    ]
    print(f"{len(specs)} sites, {len(moved)} moved pages and {len(gone)} gone ones")
    print(f"right page as the confident suggestion: {_rate(len(right), len(moved))}")
    for label, keep in (
        ("  last good page known", lambda o: o.case.history),
        ("  catalog only", lambda o: not o.case.history),
        ("  listed in a sitemap", lambda o: o.case.found_by == "sitemap"),
        ("  linked from a parent page", lambda o: o.case.found_by == "parent"),
    ):
        group = [o for o in moved if keep(o)]
        print(f"{label}: {_rate(sum(1 for o in right if keep(o)), len(group))}")
    print(f"right page offered as possible only: {len(possible)}")
    print(f"wrong page as confident: {len(wrong_confident)} (must be 0)")
    print(f"wrong page offered as possible: {len(wrong_possible)}")
    print(
        "gone pages given any suggestion: "
        f"{sum(1 for o in gone if o.url is not None)} of {len(gone)}"
    )
    print(
        f"extra requests per broken link: {requests / len(outcomes):.1f} (robots.txt, sitemaps, "
        "home page and not-found probe shared per site)"
    )
    times = sorted(o.seconds for o in outcomes)
    print(
        f"search time: median {statistics.median(times):.2f} s, max {times[-1]:.2f} s; "
        f"all at once in {wall:.1f} s"
    )
    if verbose:
        right_pages = [c for o in outcomes for u, c in o.compared if u == o.case.new_path]
        wrong_pages = [c for o in outcomes for u, c in o.compared if u != o.case.new_path]
        for label, pages in (("right pages", right_pages), ("wrong pages", wrong_pages)):
            for name in ("text", "naming", "address", "description"):
                values = sorted(v for v in (getattr(c, name) for c in pages) if v is not None)
                if values:
                    q = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
                    print(
                        f"{label} {name}: n={len(values)} min {values[0]:.2f} p5 {q[0]:.2f} "
                        f"median {statistics.median(values):.2f} p95 {q[-1]:.2f} "
                        f"max {values[-1]:.2f}"
                    )
        for o in outcomes:
            if o.url != o.case.new_path or not o.confident:
                kind = "confident" if o.confident else "possible"
                known = "history" if o.case.history else "catalog"
                print(
                    f"  {o.case.host}{o.case.old_path} -> {o.url} ({kind}), wanted "
                    f"{o.case.new_path} [{o.case.found_by}, {known}] {o.why}"
                )


if __name__ == "__main__":
    main()
