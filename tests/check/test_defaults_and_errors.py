"""Pages written as the classes curator met on held-out sites describe them: web servers' and
platforms' pages for a host with no site, CMS error pages worded in many languages, and spam
on lapsed domains; and the real pages beside them that must keep their verdicts."""

from __future__ import annotations

from curator.check.facts import Expectation, Page
from curator.domain import Verdict
from tests.check.examples import (
    REAL_TEXT,
    URL,
    Example,
    baseline_like,
    check,
    facts,
    page,
    table,
)

DEEP = "https://www.kinderschutz-beispiel.de/hilfe/beratung"
ADVICE = Expectation(title="Beratung für Eltern – Kinderschutz")
LAPSED_DEEP = "https://www.old-charity-example.org.uk/advice/online-safety/"
CHARITY = Expectation(title="Old Charity – support for young people")


def _same_everywhere(
    url: str, status: int, body: Page, *, verdict: Verdict, rule: str, expectation: Expectation
) -> Example:
    """A page a host answers on every path: what the random-path probe sees too."""
    return Example(
        facts(url, status, body=body),
        verdict,
        rule,
        expectation=expectation,
        baseline=baseline_like(body, host="www.kinderschutz-beispiel.de"),
    )


DEFAULTS = {
    name: Example(
        facts(LAPSED_DEEP, status, body=page(text, title=title, headings=headings)),
        Verdict.PARKED,
        rule,
        expectation=CHARITY,
    )
    for name, status, title, headings, text, rule in (
        (
            "tengine-welcome",
            200,
            "Welcome to tengine!",
            ("Welcome to tengine!",),
            "If you see this page, the tengine web server is successfully installed and "
            "working. Further configuration is required.",
            "parked_domain",
        ),
        (
            "openresty-welcome",
            200,
            "Welcome to OpenResty!",
            ("Welcome to OpenResty!",),
            "If you see this page, the OpenResty web platform is successfully installed and "
            "working. Further configuration is required.",
            "parked_domain",
        ),
        ("iis-default", 200, "IIS Windows Server", (), "", "parked_domain"),
        ("iis7-default", 200, "IIS7", (), "", "parked_domain"),
        (
            "caddy-works",
            200,
            "Caddy works!",
            ("Congratulations!",),
            "Your web server is working. Now make it work for you.",
            "parked_domain",
        ),
        (
            "centos-apache-test-page-403",
            403,
            "Apache HTTP Server Test Page powered by CentOS",
            ("Testing 123..",),
            "This page is used to test the proper operation of the Apache HTTP server after it "
            "has been installed.",
            "parked_platform",
        ),
        (
            "azure-app-service-up-and-running",
            200,
            "Microsoft Azure App Service - Welcome",
            ("Your app service is up and running",),
            "Hey, App Service developers! Your app service app is up and running. "
            "Time to take the next step and deploy your code.",
            "parked_domain",
        ),
        (
            "azure-functions-up-and-running",
            200,
            "Azure Functions - Welcome",
            ("Your Functions 4.0 app is up and running",),
            "Azure Functions is an event-based serverless compute experience.",
            "parked_domain",
        ),
        (
            "heroku-no-such-app-404",
            404,
            "Heroku | No such app",
            (),
            "There's nothing here, yet. Build something amazing",
            "parked_platform",
        ),
        (
            "github-pages-site-not-found-404",
            404,
            "Site not found · GitHub Pages",
            ("404",),
            "There isn't a GitHub Pages site here.",
            "parked_platform",
        ),
        (
            "vercel-deployment-not-found-404",
            404,
            "404: NOT_FOUND",
            (),
            "404: NOT_FOUND Code: DEPLOYMENT_NOT_FOUND ID: lhr1::xyz This deployment cannot "
            "be found.",
            "parked_platform",
        ),
        (
            "netlify-site-not-found-404",
            404,
            None,
            (),
            "Not Found - Request ID: 01HX4ZC3ABCDEF",
            "parked_platform",
        ),
        (
            "squarespace-domain-not-claimed",
            200,
            "Domain Not Claimed",
            ("Domain Not Claimed",),
            "This domain has been registered with Squarespace. It is not yet connected to a "
            "website.",
            "parked_domain",
        ),
        (
            "wix-domain-not-connected",
            200,
            "",
            ("Looks like this domain isn't connected to a website yet!",),
            "If you're the owner, log in to your account.",
            "parked_domain",
        ),
        (
            "shopify-only-one-step-left",
            200,
            "Create an Ecommerce Website",
            ("Only one step left!",),
            "Only one step left! If you're the store owner, finish setting up your domain.",
            "parked_domain",
        ),
        (
            "s3-no-such-bucket",
            404,
            None,
            (),
            "404 Not Found Code: NoSuchBucket Message: The specified bucket does not exist",
            "parked_platform",
        ),
        (
            "tengine-chinese",
            200,
            "欢迎使用 Tengine",
            (),
            "如果您看到这个页面，说明 Tengine 已经安装成功。",
            "parked_domain",
        ),
        (
            "fastly-unknown-domain-500",
            500,
            "Fastly error: unknown domain old-charity-example.org.uk",
            (),
            "Fastly error: unknown domain: old-charity-example.org.uk. Please check that this "
            "domain has been added to a service.",
            "parked_platform",
        ),
        (
            "press-room-domain-setup-complete",
            200,
            "Domain setup Complete",
            ("Domain setup completed",),
            "Domain setup completed. The newsroom and its releases will be visible when published.",
            "parked_domain",
        ),
        (
            "bare-domain-coming-soon",
            200,
            "old-charity-example.org.uk",
            ("old-charity-example.org.uk",),
            "old-charity-example.org.uk Coming soon.",
            "parked_domain",
        ),
        (
            "bt-panel-site-created",
            200,
            "恭喜，站点创建成功！",
            ("恭喜, 站点创建成功！",),
            "这是默认index.html，本页面由系统自动生成",
            "parked_domain",
        ),
        (
            "resin-default-home",
            200,
            "Resin® Default Home Page",
            ("Resin® Default Home Page",),
            "This is the default page for the Resin web server. Documentation is available at "
            "/resin-doc.",
            "parked_domain",
        ),
        (
            "tomcat-default-home",
            200,
            "Apache Tomcat/9.0.98",
            (
                "Apache Tomcat/9.0.98",
                "If you're seeing this, you've successfully installed Tomcat. Congratulations!",
                "Recommended Reading:",
            ),
            "Home Documentation Configuration Examples Wiki Mailing Lists Find Help "
            "Security Considerations How-To Manager Application How-To Clustering/Session "
            "Replication How-To Server Status Manager App Host Manager",
            "parked_domain",
        ),
        (
            "debian-tomcat-it-works",
            200,
            "Apache Tomcat",
            ("It works !",),
            "If you're seeing this page via a web browser, it means you've setup Tomcat "
            "successfully. Congratulations! This is the default Tomcat home page.",
            "parked_domain",
        ),
        (
            "wildfly-welcome",
            200,
            "Welcome to WildFly",
            ("Welcome to WildFly", "Your WildFly instance is running."),
            "Documentation | Quickstarts | Administration Console. To replace this page simply "
            "deploy your own war with / as its context path.",
            "parked_domain",
        ),
        (
            "jetty-no-context",
            404,
            "Error 404 - Not Found",
            ("Error 404 - Not Found.",),
            "No context on this server matched or handled this request. Contexts known to "
            "this server are: Powered by Jetty://",
            "parked_platform",
        ),
        (
            "glassfish-server-running",
            200,
            "GlassFish Server - Server Running",
            ("Your server is now running",),
            "To replace this page, overwrite the file index.html in the document root folder "
            "of this server.",
            "parked_domain",
        ),
        (
            "debian-lighttpd-placeholder",
            200,
            "Welcome page",
            (
                "Placeholder page",
                "You should replace this page with your own web pages as soon as possible.",
            ),
            "The owner of this web site has not put up any web pages yet. Please come back later.",
            "parked_domain",
        ),
        (
            "plesk-web-server-default",
            200,
            "Default Page",
            ("Web Server's Default Page",),
            "This page is generated by Plesk, the leading hosting automation software.",
            "parked_domain",
        ),
        (
            "cpanel-no-website-configured",
            200,
            "Website not configured",
            (),
            "There is no website configured at this address.",
            "parked_domain",
        ),
        (
            "shopify-closed-shop-402",
            402,
            "Sorry, this shop is currently unavailable.",
            ("Sorry, this shop is currently unavailable.",),
            "Create your own online store at Shopify.",
            "parked_platform",
        ),
    )
}
DEFAULTS["payment-required-without-a-platform-page-stays-broken"] = Example(
    facts(LAPSED_DEEP, 402, body=page("Payment required.", title="402 Payment Required")),
    Verdict.BROKEN,
    "gone",
    expectation=CHARITY,
)
DEFAULTS["article-about-tomcat-stays-ok"] = Example(
    facts(
        URL,
        body=page(
            REAL_TEXT * 6 + " If you're seeing this, you've successfully installed Tomcat.",
            title="Revenge Porn Helpline",
        ),
    ),
    Verdict.OK,
    "ok",
)
DEFAULTS["vercel-header-only"] = Example(
    facts(
        LAPSED_DEEP,
        404,
        body=page("The page could not be found", title="404"),
        headers=(("x-vercel-error", "DEPLOYMENT_NOT_FOUND"),),
    ),
    Verdict.PARKED,
    "parked_platform",
    expectation=CHARITY,
    evidence={"signature": "site_gone"},
)
DEFAULTS["server-failure-page-stays-transient"] = Example(
    facts(
        LAPSED_DEEP, 500, body=page("Internal Server Error. Site not found in cache.", title="500")
    ),
    Verdict.TRANSIENT,
    "server_error",
    expectation=CHARITY,
)
DEFAULTS["project-page-under-construction-in-passing-stays-ok"] = Example(
    facts(
        "https://accessrunner.example.net/",
        200,
        body=page(
            "About This site is intended to provide support for using the ADSL USB modems "
            "based on the Conexant AccessRunner chipset with Linux. Please note that this site "
            "is under construction, and many pages are incomplete. Stay tuned! "
            + " ".join(
                f"News item {n}: updated the firmware and driver sections." for n in range(20)
            ),
            title="Conexant AccessRunner ADSL USB modems with Linux",
        ),
    ),
    Verdict.OK,
    "ok",
    expectation=Expectation(title="Conexant AccessRunner ADSL USB modems with Linux"),
)
DEFAULTS["site-404-page-stays-broken"] = Example(
    facts(LAPSED_DEEP, 404, body=page("The page you requested does not exist.", title="Not found")),
    Verdict.BROKEN,
    "gone",
    expectation=CHARITY,
)
DEFAULTS["plain-403-stays-unverifiable"] = Example(
    facts(
        LAPSED_DEEP,
        403,
        body=page("You don't have permission to access this resource.", title="403 Forbidden"),
    ),
    Verdict.UNVERIFIABLE,
    "bot_wall",
    expectation=CHARITY,
)
DEFAULTS["article-about-web-servers-stays-ok"] = Example(
    facts(
        URL,
        body=page(
            REAL_TEXT * 6
            + " If you see this page, the nginx web server is successfully installed.",
            title="Revenge Porn Helpline",
        ),
    ),
    Verdict.OK,
    "ok",
)

# Hosting panels and hosted-page platforms switch a site off with their own page: suspended,
# inactive, its hosting expired, or a new empty server; and platforms say "site not found" in
# other languages than English.
DEFAULTS |= {
    name: Example(
        facts(LAPSED_DEEP, status, body=page(text, title=title, headings=headings)),
        Verdict.PARKED,
        rule,
        expectation=CHARITY,
    )
    for name, status, title, headings, text, rule in (
        (
            "panel-site-suspended",
            200,
            "Access Denied",
            ("This website is temporarily suspended",),
            "If you are the owner of this website, please contact your hosting provider.",
            "parked_domain",
        ),
        (
            "panel-site-suspended-403",
            403,
            "Suspended",
            ("This site is suspended",),
            "Contact support for more information.",
            "parked_platform",
        ),
        (
            "hosted-status-page-inactive",
            200,
            "Acme Status - Page Inactive",
            (),
            "This status page is currently inactive and can only be viewed by team members.",
            "parked_domain",
        ),
        (
            "panel-new-server-ready",
            200,
            "Success!",
            ("Success!",),
            "Your new server is ready to use.",
            "parked_domain",
        ),
        (
            "hosting-package-expired",
            200,
            "Hosting expired",
            ("Your web hosting package has expired",),
            "Renew it in the control panel to bring the site back.",
            "parked_domain",
        ),
        (
            "de-hosting-vertrag-abgelaufen",
            200,
            "Fehler",
            ("Der Hosting-Vertrag ist abgelaufen",),
            "Bitte wenden Sie sich an Ihren Anbieter.",
            "parked_domain",
        ),
        (
            "nl-weblog-niet-gevonden",
            200,
            "Weblog niet gevonden - Blogs",
            (),
            "Zoeken",
            "parked_domain",
        ),
        ("fr-site-introuvable", 404, "Erreur", ("Site introuvable",), "Accueil", "parked_platform"),
        ("es-sitio-no-encontrado", 200, "Sitio no encontrado", (), "Inicio", "parked_domain"),
        ("it-sito-non-trovato", 404, "Sito non trovato", (), "Home", "parked_platform"),
    )
}
DEFAULTS["de-webseite-nicht-gefunden-is-a-page-not-a-site"] = Example(
    facts(LAPSED_DEEP, 404, body=page("Zur Startseite", title="Webseite nicht gefunden")),
    Verdict.BROKEN,
    "gone",
    expectation=CHARITY,
)
DEFAULTS["article-quoting-a-suspended-site-stays-ok"] = Example(
    facts(
        URL,
        body=page(
            REAL_TEXT * 6 + " The old forum now only says: this site is currently suspended.",
            title="Revenge Porn Helpline",
        ),
    ),
    Verdict.OK,
    "ok",
)


@table(DEFAULTS)
def test_default_and_platform_pages_mean_the_site_is_gone(example: Example) -> None:
    check(example)


ERROR_TEXT = "Es tut uns leid. Versuchen Sie es mit der Suche oder gehen Sie zur Startseite."
ERRORS = {
    name: Example(
        facts(DEEP, 200, body=page(ERROR_TEXT, title=title, headings=headings)),
        Verdict.SOFT_404,
        "soft_404_error_page",
        expectation=ADVICE,
    )
    for name, title, headings in (
        (
            "de-wordpress",
            "Seite nicht gefunden – Kinderschutz",
            ("Hoppla! Diese Seite kann nicht gefunden werden.",),
        ),
        ("de-heading-only", "Kinderschutz", ("Diese Seite konnte leider nicht gefunden werden",)),
        ("de-fehler-404", "Fehler 404 | Kinderschutz", ()),
        ("fr-wordpress", "Kinderschutz", ("Oups ! Cette page est introuvable.",)),
        ("fr-impossible", "Impossible de trouver la page – Association", ()),
        ("es-wordpress", "Kinderschutz", ("¡Vaya! No se puede encontrar esa página.",)),
        ("es-title", "Página no encontrada – Asociación", ()),
        ("nl-wordpress", "Kinderschutz", ("Oeps! Die pagina kan niet worden gevonden.",)),
        ("it-wordpress", "Kinderschutz", ("Oops! Impossibile trovare quella pagina.",)),
        ("pt-wordpress", "Kinderschutz", ("Ops! Essa página não pode ser encontrada.",)),
        ("pl-wordpress", "Kinderschutz", ("Ups! Nie można znaleźć tej strony.",)),
        ("sv", "Sidan kunde inte hittas", ()),
        ("ru", "Страница не найдена", ()),
        ("zh", "页面不存在", ()),
        ("ja", "ページが見つかりません", ()),
    )
}
ERRORS |= {
    name: Example(
        facts(DEEP, 200, body=page(text, title="Kinderschutz", headings=("Kinderschutz",))),
        Verdict.SOFT_404,
        "soft_404_error_page",
        expectation=ADVICE,
    )
    for name, text in (
        ("en-theme-text", "It looks like nothing was found at this location. Maybe try a search?"),
        ("de-theme-text", "Es sieht so aus, als ob an dieser Stelle nichts gefunden wurde."),
        ("fr-theme-text", "Il semble que rien n'ait été trouvé à cet emplacement."),
        ("es-theme-text", "Parece que no se ha encontrado nada en esta ubicación."),
        ("pt-theme-text", "Parece que nada foi encontrado neste local."),
    )
}
ERRORS |= {
    name: Example(
        facts(DEEP, 200, body=page(text, title="Kinderschutz", headings=(heading,))),
        Verdict.SOFT_404,
        "soft_404_error_page",
        expectation=ADVICE,
    )
    for name, heading, text in (
        (
            "en-image-deleted-or-never-existed",
            "Zoinks! Wrong way.",
            "If you're looking for an image, it's probably been deleted or may not have existed "
            "at all.",
        ),
        (
            "en-post-removed-or-never-existed",
            "Hmm…",
            "This post may have been removed or never existed.",
        ),
    )
}
ERRORS["en-article-on-deleted-posts-stays-ok"] = Example(
    facts(
        URL,
        body=page(
            REAL_TEXT * 6 + " Evidence that has been deleted or may never have existed online "
            "can still be reported.",
            title="Revenge Porn Helpline",
        ),
    ),
    Verdict.OK,
    "ok",
)
ERRORS["de-article-about-404-pages-stays-ok"] = Example(
    facts(
        "https://www.webdesign-beispiel.de/ratgeber/404-seite",
        body=page(
            REAL_TEXT,
            title="Seite nicht gefunden: So gestalten Sie eine gute 404-Seite | Ratgeber",
            headings=("So gestalten Sie eine gute 404-Seite",),
        ),
    ),
    Verdict.OK,
    "ok",
    expectation=Expectation(title="So gestalten Sie eine gute 404-Seite"),
)


@table(ERRORS)
def test_error_pages_worded_in_many_languages(example: Example) -> None:
    check(example)


def _directory_links(sites: int, per_site: int = 2) -> tuple[str, ...]:
    return tuple(
        f"https://www.site{n}-example.com/{'page' if k else ''}{k}"
        for n in range(sites)
        for k in range(per_site)
    )


SPAM = {
    "chinese-gambling-spam": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                "澳门百家乐官网 真人荷官在线发牌 娱乐城注册送彩金 时时彩 六合彩 体育投注 "
                "棋牌游戏 电子游艺 立即开户",
                title="澳门百家乐_娱乐城_真人荷官-官方网站",
                headings=("百家乐", "娱乐城"),
            ),
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=CHARITY,
        evidence={"trade": "gambling"},
    ),
    "korean-gambling-spam": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                "카지노사이트 추천 바카라 토토사이트 먹튀검증 안전놀이터 메이저사이트 파워볼",
                title="카지노사이트 | 바카라 | 토토",
            ),
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=CHARITY,
    ),
    "chinese-adult-spam": Example(
        facts(
            LAPSED_DEEP,
            body=page("国产精品 自拍偷拍 无码 成人视频 在线观看", title="成人视频在线观看"),
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=CHARITY,
        evidence={"trade": "adult"},
    ),
    "link-directory-lander": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                " ".join(f"Site {n} Site {n} extra" for n in range(30)),
                title="Best Web Directory - Business, Travel, Health, Finance",
                headings=("Business", "Travel", "Health", "Finance", "Home & Garden"),
                links=_directory_links(30) + ("/about", "/submit"),
            ),
        ),
        Verdict.PARKED,
        "parked_link_directory",
        expectation=CHARITY,
        evidence={"signature": "link_directory", "sites": 30},
    ),
    "useful-links-resource-stays-ok": Example(
        facts(
            URL,
            body=page(
                "Revenge Porn Helpline useful links. "
                + " ".join(f"Helpline {n} support line" for n in range(30)),
                title="Useful links – Revenge Porn Helpline",
                links=_directory_links(30),
            ),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Revenge Porn Helpline: useful links"),
    ),
    "news-page-with-many-own-links-stays-ok": Example(
        facts(
            URL,
            body=page(
                REAL_TEXT,
                title="Revenge Porn Helpline",
                links=tuple(f"/news/{n}" for n in range(60)) + _directory_links(5),
            ),
        ),
        Verdict.OK,
        "ok",
    ),
    "gambling-harm-advice-stays-ok": Example(
        facts(
            "https://www.gamcare.example/advice/online-casinos",
            body=page(
                "GamCare advice on online casinos: jackpot adverts, roulette, free spins and "
                "deposit bonus offers are designed to keep you playing. Call the National "
                "Gambling Helpline.",
                title="Online casinos and gambling harm – GamCare",
            ),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Online casinos and gambling harm – GamCare"),
    ),
    "japanese-online-casino-blog": Example(
        facts(
            LAPSED_DEEP,
            body=page(
                "オンラインカジノで遊ぶなら、まずは入金不要ボーナスのあるカジノを選びましょう。"
                "入金と出金の方法、スロットやライブカジノのおすすめを紹介します。",
                title="初心者のためのカジノ入門",
            ),
        ),
        Verdict.PARKED,
        "parked_takeover",
        expectation=CHARITY,
        evidence={"trade": "gambling"},
    ),
    "japanese-news-on-casino-bill-stays-ok": Example(
        facts(
            "https://www.news-example.jp/politics/ir-bill",
            body=page(
                "統合型リゾート（IR）整備法が成立した。カジノを含むIRの誘致を巡り、ギャンブル"
                "依存症対策や、カジノ事業者による入金管理の在り方が議論されている。",
                title="IR整備法が成立 カジノ解禁へ",
            ),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="IR整備法が成立 カジノ解禁へ"),
    ),
    "japanese-bank-page-stays-ok": Example(
        facts(
            "https://www.bank-example.jp/support/transfers",
            body=page(
                "口座への入金と出金の方法をご案内します。ATMやインターネットバンキングで、"
                "24時間いつでもご利用いただけます。",
                title="入金・出金のご案内",
            ),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="Bank example – help with transfers"),
    ),
    "chinese-doc-with-verification-heading-stays-ok": Example(
        facts(
            "https://docs.example.cn/deploy/guide",
            body=page(
                "启动服务后，打开浏览器访问首页，检查页面是否正常显示。",
                title="部署指南 - 文档",
                headings=("部署指南", "访问验证"),
            ),
        ),
        Verdict.OK,
        "ok",
        expectation=Expectation(title="部署指南"),
    ),
}


@table(SPAM)
def test_spam_on_lapsed_domains_is_parked(example: Example) -> None:
    check(example)
