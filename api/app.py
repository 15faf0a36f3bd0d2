"""The FastAPI app factory: `create_app(settings)`.

The lifespan owns the database engine, the session factory, the one `Checker` for the
rechecks and runs this process does, and the background worker that drains the recheck
queue. Every error is JSON `{"error": …, "detail": …}`.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import event
from sqlalchemy.orm import Session

from api import dashboard
from api.background import Background
from api.errors import install_error_handlers
from api.head import HeadAsGet
from api.limits import BodyLimit
from api.publishing import FRESHNESS, GuideCache
from api.routes import editor, public, service
from curator import __version__
from curator.check.checker import Checker
from curator.rechecks import RunExecutor
from curator.runs.executor import CheckerExecutor
from curator.settings import Settings, load_settings
from curator.store.engine import CuratorSession, create_engine, session_factory
from curator.store.problems import CandidateCache

log = logging.getLogger(__name__)

DESCRIPTION = """\
The validated resource lists of the hub's guides, for websites (no authentication; cached,
with ETags), readers' reports of broken links, and editors' problems, runs, history and
actions (bearer token from `curator token create NAME`).

Resource ids: the public lists give each resource its catalog `id`, unique within its guide;
`POST /v1/reports` takes it together with the guide's slug. Editor endpoints take the numeric
`resource_id` that `GET /v1/editor/problems` gives.
"""


def create_app(
    settings: Settings,
    *,
    executor: RunExecutor | None = None,
    freshness: float = FRESHNESS,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The API on `settings`; `executor` replaces the checker's runs (tests pass a stand-in), and
    `freshness` is how long a read of the data version (timed by `clock`) serves the public
    lists."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        session_class: type[Session] = type("AppSession", (CuratorSession,), {})
        sessions = session_factory(engine, session_class=session_class)
        # The one checker of this process, for every recheck and run it executes; it reads
        # pages in threads, not processes of its own (a web worker stays one process).
        checker = Checker.build(
            replace(settings.fetch_policy(), page_processes=0), search=settings.search_limits()
        )
        cache = GuideCache(
            engine, sessions, max_age=settings.cache_max_age, freshness=freshness, clock=clock
        )
        # Every commit through the app's sessions (editor API, dashboard, reports, the
        # rechecks and runs it executes) may change the public lists: read the version anew.
        # A Session class of this app's own, so no other app's commits are heard.
        event.listen(session_class, "after_commit", _invalidate(cache))
        execute = executor or CheckerExecutor(checker, settings.confirm_policy())
        background = Background(sessions, execute)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessions = sessions
        app.state.checker = checker
        app.state.background = background
        app.state.guide_cache = cache
        app.state.problem_cache = CandidateCache()
        background.start()
        try:
            yield
        finally:
            await background.close()
            await cache.aclose()
            await checker.aclose()
            await engine.dispose()

    app = FastAPI(
        title="curator",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by api.routes.service with assets of its own (no CDN)
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    # An oversized body is refused before anything reads it (inside CORS, so a website's
    # script can read the 413).
    app.add_middleware(BodyLimit, limit=settings.request_body_limit)
    # Websites read the lists (and may let readers report) from any origin. No credentials:
    # editors' bearer tokens are never sent cross-origin by a browser on its own.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST"],
        # What a page's script may add to a GET or a report: conditional and cache headers
        # (fetch(url, {headers: {"Cache-Control": "no-cache"}}) is common), never
        # Authorization.
        allow_headers=[
            "Content-Type",
            "If-None-Match",
            "If-Modified-Since",
            "Cache-Control",
            "Pragma",
        ],
        expose_headers=["ETag", "Retry-After"],
        max_age=86400,
    )
    # HEAD answers like GET without the body (outermost, so every layer sees a GET).
    app.add_middleware(HeadAsGet)
    install_error_handlers(app)
    service.install_docs(app)
    app.include_router(service.router)
    app.include_router(public.router)
    app.include_router(editor.router)
    app.include_router(dashboard.router)
    return app


def _invalidate(cache: GuideCache) -> Callable[[Session], None]:
    def after_commit(session: Session) -> None:
        cache.invalidate()

    return after_commit


COLLECT_EVERY = (2000, 20, 20)
"""A serving process's collector thresholds once its start-up objects are set aside (as
`curator check`'s: curator.cli.app)."""


def app_from_environment() -> FastAPI:
    """The app on settings from the environment (what each uvicorn worker process builds).

    Once the app has started, what the process loaded and built (modules, the app, its
    caches) is set aside for good (gc.freeze) and young objects are collected every 2,000:
    otherwise each full collection walks those hundreds of thousands of objects again, which
    was a third of the CPU of an editor's first problems page after a check (10,000
    resources: about 80 ms without, about 50 ms with, in one process). Only a worker process
    builds its app here; tests that create apps in their own process keep their collector.
    """
    app = create_app(load_settings())
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with started(app):
            gc.collect()
            gc.freeze()
            gc.set_threshold(*COLLECT_EVERY)
            yield

    app.router.lifespan_context = lifespan
    return app
