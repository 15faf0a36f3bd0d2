"""The dashboard as its tests drive it: the app with the checker's runs held, signing in, the
CSRF token a page carries, and a live server for the browser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from api.app import create_app
from curator.settings import Settings
from tests.dashboard.seed import Seeded
from tests.databases import TestDatabase
from tests.executors import FakeExecutor

CHROMIUM = "/usr/bin/chromium"


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def create_test_app(settings: Settings) -> FastAPI:
    """The service (dashboard included) on `settings`' database, with the checker held."""
    return create_app(settings, executor=FakeExecutor(hold=True))


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Sign in through the form as a browser would; returns the response after redirects."""
    form = await client.get("/editor/sign-in")
    return await client.post(
        "/editor/sign-in",
        data={"token": token, "csrf_token": csrf_of(form.text), "next": ""},
        follow_redirects=True,
    )


@dataclass(frozen=True, slots=True)
class LiveServer:
    """The app served by uvicorn on loopback, on the SQLite test database, already seeded."""

    base_url: str
    seeded: Seeded
    database: TestDatabase
