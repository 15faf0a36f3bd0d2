"""The API's dependencies as `Annotated` aliases: settings, a session, the editor, services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.background import Background
from curator.settings import Settings
from curator.store.base import ID_MAX, utcnow
from curator.tokens import Editor, note_use, verify_token

log = logging.getLogger(__name__)

MAX_ID = ID_MAX
"""Ids are 32-bit integers in the database: larger ones cannot exist, so they are refused
early (as a 422 on the API, a 404 page on the dashboard), never sent to the database."""


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The app's session factory (owned by its lifespan)."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one request; a route that writes opens its own `session.begin()`."""
    async with get_sessions(request)() as session:
        yield session


def get_background(request: Request) -> Background:
    """The app's background work: queued rechecks and editor-started runs."""
    background: Background = request.app.state.background
    return background


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
BackgroundDep = Annotated[Background, Depends(get_background)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="editorToken",
    description="An editor token from `curator token create NAME`.",
)


def _unauthorized(detail: str, *, invalid: bool) -> HTTPException:
    challenge = 'Bearer realm="curator"'
    if invalid:
        challenge += ', error="invalid_token"'
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": challenge},
    )


async def note_token_use(request: Request, editor: Editor) -> None:
    """Record the token's use (at most once a minute) in a short write of its own; a failure
    is logged, never the request's."""
    now = utcnow()
    if not editor.use_is_news(now):
        return
    try:
        async with get_sessions(request)() as session, session.begin():
            await note_use(session, token_id=editor.token_id, now=now)
    except SQLAlchemyError:
        log.warning("could not note the use of token %s", editor.name, exc_info=True)


async def get_editor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Editor:
    """The editor whose live token the request carries, else 401."""
    if credentials is None:
        raise _unauthorized(
            "an editor token is required: send 'Authorization: Bearer <token>'", invalid=False
        )
    editor = await verify_token(session, token=credentials.credentials)
    # Ends the read the lookup began (it wrote nothing), so the route can open its own
    # transaction with `session.begin()`.
    await session.rollback()
    if editor is None:
        raise _unauthorized("the token is unknown or revoked", invalid=True)
    await note_token_use(request, editor)
    return editor


EditorDep = Annotated[Editor, Depends(get_editor)]
