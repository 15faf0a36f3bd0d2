"""The dashboard in Debian's Chromium (Playwright, headless): what an editor actually does."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time
from typing import TypeVar

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession

from curator import editing, labels
from curator.rechecks import claim_rechecks
from curator.store.base import utcnow
from curator.store.rechecks import finish_rechecks
from tests.dashboard.app import ARTIFACTS, LiveServer
from tests.seeding import stored

pytestmark = pytest.mark.browser
T = TypeVar("T")

PHONE = {"width": 375, "height": 812}

# Text whose colour contrasts with its background less than WCAG AA asks (4.5:1, or 3:1 for
# large text), as "tag: text (ratio)"; the background is the nearest opaque one behind it.
LOW_CONTRAST = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.body.querySelectorAll("*")) {
    const text = [...el.childNodes]
      .filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(" ").trim();
    if (!text || !el.checkVisibility() || el.closest(".visually-hidden")) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName}: ${text.slice(0, 40)} (${ratio.toFixed(2)})`);
    }
  }
  return failures;
}"""

UNLABELLED = """() => [...document.querySelectorAll("input, textarea, select")]
  .filter((f) => f.type !== "hidden" && f.labels.length === 0)
  .map((f) => f.name)"""


def sign_in(page: Page, server: LiveServer, token: str | None = None) -> None:
    """Sign in through the form, as an editor would."""
    page.goto(f"{server.base_url}/editor/problems")
    expect(page).to_have_url(re.compile(r"/editor/sign-in\?next="))
    page.get_by_label("Editor token").fill(token or server.seeded.token)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_and_see_the_broken_link_with_its_evidence(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)
    expect(page).to_have_url(f"{live_server.base_url}/editor/problems")
    expect(page.get_by_role("status")).to_have_text("Signed in as editor-one.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Problems")
    broken = page.get_by_role("article", name="Report Remove")
    expect(broken).to_contain_text("The page is gone: 404 Not Found after a redirect.")
    expect(broken.locator(".hops li")).to_have_count(2)
    expect(broken.locator(".hops li").nth(0)).to_contain_text("301")
    expect(broken.locator(".hops li").nth(1)).to_contain_text("404")
    expect(broken).to_contain_text("The Report Remove link says page not found.")
    expect(broken).to_contain_text("3 failed checks")
    expect(page.get_by_role("article", name="Police advice on sextortion")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "dashboard-problems.png"), full_page=True)


def test_wrong_token_is_refused(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server, token="not-the-token")
    expect(page).to_have_url(re.compile(r"/editor/sign-in"))
    expect(page.get_by_text("That token is not a valid editor token.")).to_be_visible()
    expect(page.get_by_label("Editor token")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(ARTIFACTS / "dashboard-sign-in.png"))
    page.goto(f"{live_server.base_url}/editor/problems")
    expect(page).to_have_url(re.compile(r"/editor/sign-in"))


def test_accept_a_suggestion_and_see_it_leave_the_list(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)
    moved = page.get_by_role("article", name="StopNCII")
    expect(moved).to_contain_text("https://stopncii.example.org/en-gb/")
    moved.get_by_role("button", name="Accept suggestion").click()
    expect(page.get_by_role("status")).to_contain_text(
        "StopNCII now links to https://stopncii.example.org/en-gb/"
    )
    expect(page.get_by_role("article", name="StopNCII")).to_have_count(0)
    expect(page.get_by_role("article", name="Report Remove")).to_be_visible()


def test_action_without_the_csrf_token_is_refused(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)
    moved = page.get_by_role("article", name="StopNCII")
    form = moved.locator("form").filter(has=page.get_by_role("button", name="Accept suggestion"))
    form.locator("input[name=csrf_token]").evaluate("input => input.remove()")
    form.get_by_role("button", name="Accept suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action refused")
    page.goto(f"{live_server.base_url}/editor/problems")
    expect(page.get_by_role("article", name="StopNCII")).to_be_visible()


def test_keyboard_alone_reaches_and_uses_the_actions(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)
    page.goto(f"{live_server.base_url}/editor/problems")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    accept = page.get_by_role("button", name="Accept suggestion for StopNCII")
    for _ in range(80):
        page.keyboard.press("Tab")
        if accept.evaluate("e => e === document.activeElement"):
            break
    expect(accept).to_be_focused()
    ring = accept.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).boxShadow"
    )
    assert not ring.startswith("none"), ring
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("StopNCII now links to")
    # The snooze form opens and submits from the keyboard too.
    summary = page.locator("summary", has_text="Snooze as false positive").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if summary.evaluate("e => e === document.activeElement"):
            break
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Keep published, off the problems list, until").first).to_be_visible()


def test_phone_width_has_no_sideways_scrolling(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server)
    seeded = live_server.seeded
    for path in (
        "/editor/problems",
        f"/editor/resources/{seeded.broken_id}",
        "/editor/runs",
        "/editor/sign-in",
    ):
        page.goto(f"{live_server.base_url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide at {PHONE['width']}px"
        if path == "/editor/problems":
            page.screenshot(path=str(ARTIFACTS / "dashboard-problems-phone.png"), full_page=True)


def test_resource_page_timeline_and_edit(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server)
    page.get_by_role("link", name="Report Remove").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report Remove")
    timeline = page.get_by_role("img", name=re.compile("Health of the last 7 checks"))
    expect(timeline).to_be_visible()
    expect(timeline.locator("rect.bar")).to_have_count(7)
    page.screenshot(path=str(ARTIFACTS / "dashboard-resource.png"), full_page=True)
    page.get_by_label("Link (URL)").fill("https://helpline.example.org/report")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Report Remove")
    expect(page.get_by_label("Link (URL)")).to_have_value("https://helpline.example.org/report")
    expect(page.get_by_role("table", name=re.compile("What editors did"))).to_contain_text(
        "editor-one"
    )


def test_a_snooze_refused_for_a_blank_reason_keeps_the_chosen_date(
    browser_page: Page, live_server: LiveServer
) -> None:
    # Tried as a new user would: a reason of only spaces passed the browser's check, the
    # server refused it, and the form came back closed with the default date. It now comes
    # back open, the date chosen kept, the reason field focused and described by its problem.
    page = browser_page
    sign_in(page, live_server)
    page.goto(f"{live_server.base_url}/editor/resources/{live_server.seeded.flaky_id}")
    page.locator("summary", has_text="Snooze as false positive").click()
    until = page.get_by_label("Keep published, off the problems list, until")
    chosen = until.get_attribute("min")  # tomorrow: never the default, a month ahead
    assert chosen is not None and chosen != until.input_value()
    until.fill(chosen)
    page.get_by_label("Why it is a false positive").fill("   ")
    page.get_by_role("button", name=re.compile("^Snooze")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was snoozed: say why it is a false positive."
    )
    until = page.get_by_label("Keep published, off the problems list, until")
    expect(until).to_be_visible()
    expect(until).to_have_value(chosen)
    reason = page.get_by_label("Why it is a false positive")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Say why it is a false positive.")
    reason.fill("Works in a browser")
    page.get_by_role("button", name=re.compile("^Snooze")).click()
    expect(page.get_by_role("status")).to_contain_text(
        "snoozed as a false positive until "
        + labels.day(datetime.combine(date.fromisoformat(chosen), time.min, UTC), now=utcnow())
    )


def test_a_resource_page_follows_its_recheck_until_it_is_done(
    browser_page: Page, live_server: LiveServer
) -> None:
    # Tried as a new user would: "Recheck asked for at …: waiting to start" stayed so until
    # the editor thought of reloading. The page (no script) now reloads itself while the
    # recheck waits or runs, and stops once it is done.
    page = browser_page
    sign_in(page, live_server)
    resource_id = live_server.seeded.flaky_id

    async def ask(session: AsyncSession) -> int:
        async with session.begin():
            result = await editing.recheck(
                session, resource_id=resource_id, actor=live_server.seeded.editor
            )
        assert result.recheck_id is not None
        return result.recheck_id

    async def finish(session: AsyncSession) -> None:
        async with session.begin():
            await claim_rechecks(session)
            await finish_rechecks(session, request_ids=[request_id], run_id=None, now=utcnow())

    def in_thread(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        # Playwright's sync API keeps an event loop running in this thread.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, stored(live_server.database.url, work)).result()

    request_id = in_thread(ask)
    refreshes: list[str | None] = []
    page.on(
        "response",
        lambda r: (
            refreshes.append(r.headers.get("refresh"))
            if r.request.resource_type == "document"
            else None
        ),
    )
    page.goto(f"{live_server.base_url}/editor/resources/{resource_id}")
    line = page.locator("p.recheck")
    expect(line).to_contain_text("waiting to start")
    expect(line).to_contain_text("This page reloads itself every 5 seconds until it is done")
    assert refreshes[-1] == "5"
    in_thread(finish)
    # Nobody touches the page: it reloads itself and says the recheck is done.
    expect(line).to_contain_text("done at", timeout=15_000)
    assert len(refreshes) >= 2
    assert refreshes[-1] is None  # done: no more reloading


def test_run_all_now(browser_page: Page, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server)
    page.get_by_role("link", name="Runs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Runs")
    page.get_by_role("button", name="Run all checks now").click()
    expect(page.get_by_role("status")).to_contain_text("started")
    page.get_by_role("button", name="Run all checks now").click()
    expect(page.get_by_role("alert")).to_contain_text("Not started: a run")


def test_every_page_has_one_h1_labelled_fields_and_aa_contrast(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    page.goto(f"{live_server.base_url}/editor/sign-in")
    pages = ["/editor/sign-in"]
    sign_in(page, live_server)
    seeded = live_server.seeded
    pages += ["/editor/problems", f"/editor/resources/{seeded.broken_id}", "/editor/runs"]
    for path in pages:
        page.goto(f"{live_server.base_url}{path}")
        # Open the snooze and retire forms too, so their text is measured.
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        assert page.locator("h1").count() == 1, path
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate(LOW_CONTRAST) == [], path
