"""Post/redirect/get everywhere a dashboard form is sent, on SQLite and PostgreSQL.

Tried as a new editor would: an edit with a wrong address came back as the answer to the POST
(a 400 page), so reloading it asked the browser to send the form again; a wrong token on the
sign-in page did the same (a 401 page). Every form now answers with a redirect, a refused one
included, and the page it leads to shows the form as it was sent.
"""

from __future__ import annotations

import re

import httpx
from fastapi.routing import APIRoute

from api import dashboard
from tests.dashboard.app import csrf_of, sign_in
from tests.dashboard.seed import Seeded


def _dashboard_posts() -> set[str]:
    return {
        route.path
        for route in dashboard.router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    }


async def test_a_refused_edit_comes_back_after_a_redirect_and_a_reload_sends_nothing(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    path = f"/editor/resources/{seeded.broken_id}"
    page = await editor.get(path)
    sent = await editor.post(
        f"{path}/edit",
        data={
            "csrf_token": csrf_of(page.text),
            "url": "not a url",
            "title": "Report Remove",
            "notes": "Ask the helpline first",
        },
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{path}#edit"
    shown = await editor.get(sent.headers["location"])
    assert shown.status_code == 200
    html = shown.text
    assert "Nothing was saved: the edit form below says what to change." in html
    # As it was sent: the wrong address and the notes typed, the problem beside its field,
    # the first such field focused.
    assert 'id="f-url" name="url" value="not a url"' in html
    assert "Ask the helpline first</textarea>" in html
    assert re.search(r'id="f-url"[^>]*aria-invalid="true" autofocus>', html)
    assert 'id="f-url-error"' in html
    # Reloading is a GET of the same page: nothing is sent, and the message is not repeated.
    reloaded = await editor.get(sent.headers["location"])
    assert reloaded.status_code == 200
    assert "Nothing was saved" not in reloaded.text


async def test_a_wrong_token_comes_back_after_a_redirect(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    form = await client.get("/editor/sign-in", params={"next": "/editor/runs"})
    sent = await client.post(
        "/editor/sign-in",
        data={"token": "cur_wrong", "csrf_token": csrf_of(form.text), "next": "/editor/runs"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/editor/sign-in?next=%2Feditor%2Fruns"
    shown = await client.get(sent.headers["location"])
    assert '<p class="field-error" id="token-error">That token is not a valid' in shown.text
    assert 'name="next" value="/editor/runs"' in shown.text
    # The right token then returns to the page asked for.
    signed = await client.post(
        "/editor/sign-in",
        data={"token": seeded.token, "csrf_token": csrf_of(shown.text), "next": "/editor/runs"},
    )
    assert signed.headers["location"] == "/editor/runs"


async def test_every_dashboard_form_answers_with_a_redirect(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    # Each form sent as an editor would send it (refused or not): never a page as the answer.
    rid = seeded.broken_id
    forms: dict[str, dict[str, str]] = {
        "/editor/resources/{resource_id}/accept-suggestion": {},  # refused: no suggestion
        "/editor/resources/{resource_id}/recheck": {},
        "/editor/resources/{resource_id}/snooze": {"until": "", "reason": ""},  # refused
        "/editor/resources/{resource_id}/close-reports": {"reason": ""},  # refused
        "/editor/resources/{resource_id}/end-snooze": {},  # refused: not snoozed
        "/editor/resources/{resource_id}/restore": {},  # refused: not retired
        "/editor/resources/{resource_id}/edit": {"url": "not a url"},  # refused
        "/editor/resources/{resource_id}/retire": {},
        "/editor/runs": {},
        "/editor/sign-out": {},
    }
    assert set(forms) | {"/editor/sign-in"} == _dashboard_posts()
    await sign_in(client, seeded.token)
    for path, values in forms.items():
        page = await client.get(f"/editor/resources/{rid}")
        if page.status_code != 200:  # retired by now: the problems page still has a form
            page = await client.get("/editor/problems")
        sent = await client.post(
            path.format(resource_id=rid),
            data={"csrf_token": csrf_of(page.text), **values},
        )
        assert sent.status_code == 303, (path, sent.status_code)
