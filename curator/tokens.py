"""Editors' API tokens: created once and shown once, stored only as a hash, revocable.

A token is `secrets.token_urlsafe(32)` (256 bits of entropy), so a plain SHA-256 of it is
enough to store: there is nothing to brute-force. Verification compares the digest against
every live token's digest with `hmac.compare_digest`, so timing says nothing about which
byte differed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from curator.errors import ConflictError, NotFoundError
from curator.store import tokens as queries
from curator.store.base import utcnow
from curator.store.models import EditorToken

TOKEN_PREFIX = "cur_"
# last_used_at is for people deciding what to revoke; a minute's precision is plenty, so it
# is written at most once a minute per token, never by the request's own (read) transaction.
LAST_USED_PRECISION = timedelta(minutes=1)
NAME_MAX = 120


@dataclass(frozen=True, slots=True)
class Editor:
    """Who is acting: the name of the token that authenticated the request."""

    name: str
    token_id: int
    last_used_at: datetime | None = None
    """When the token was last noted as used, as read while verifying it."""

    def use_is_news(self, now: datetime) -> bool:
        """Whether `note_use` at `now` would change the stored last use."""
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as `curator token list` shows it (never the token itself)."""

    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh high-entropy token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > NAME_MAX or any(c.isspace() for c in cleaned):
        raise ValueError(f"a token name is 1 to {NAME_MAX} characters without spaces")
    return cleaned


async def create_token(
    session: AsyncSession, *, name: str, now: datetime | None = None
) -> tuple[TokenInfo, str]:
    """Store a new token for `name` and return it: the only time the token is seen.

    A revoked name may be reused (its old token stays dead); a live one is a ConflictError.
    """
    name = _check_name(name)
    token = new_token()
    now = now or utcnow()
    row = await queries.token_by_name(session, name=name)
    if row is not None and row.revoked_at is None:
        raise ConflictError(f"a token named {name!r} exists; revoke it first")
    if row is None:
        row = EditorToken(name=name, token_hash=hash_token(token), created_at=now)
        session.add(row)
    else:
        row.token_hash = hash_token(token)
        row.created_at = now
        row.last_used_at = None
        row.revoked_at = None
    await session.flush()
    return _info(row), token


def _info(row: EditorToken) -> TokenInfo:
    return TokenInfo(row.name, row.created_at, row.last_used_at, row.revoked_at)


async def token_by_id(session: AsyncSession, *, token_id: int) -> EditorToken | None:
    """The stored token row with this id, revoked or not; None when there is none."""
    return await queries.token_by_id(session, token_id=token_id)


async def list_tokens(session: AsyncSession) -> list[TokenInfo]:
    """Every token by name, revoked ones included."""
    return [_info(row) for row in await queries.all_tokens(session)]


async def revoke_token(
    session: AsyncSession, *, name: str, now: datetime | None = None
) -> TokenInfo:
    """Revoke the token named `name`; NotFoundError when there is none, idempotent otherwise."""
    row = await queries.token_by_name(session, name=name)
    if row is None:
        raise NotFoundError("token", name)
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
    await session.flush()
    return _info(row)


async def verify_token(
    session: AsyncSession, *, token: str, now: datetime | None = None
) -> Editor | None:
    """The editor a live token belongs to, else None. Reads only (see `note_use`)."""
    if not token:
        return None
    digest = hash_token(token)
    rows = await queries.live_tokens(session)
    found: EditorToken | None = None
    for row in rows:
        # No early exit: every live token is compared, whichever one matches.
        if hmac.compare_digest(row.token_hash.encode(), digest.encode()):
            found = row
    if found is None:
        return None
    return Editor(found.name, found.id, found.last_used_at)


async def note_use(session: AsyncSession, *, token_id: int, now: datetime | None = None) -> bool:
    """Record that a token was used at `now`, at most once per `LAST_USED_PRECISION`
    (whoever else is noting it at the same time); True when this call wrote it."""
    now = now or utcnow()
    return await queries.note_use(
        session, token_id=token_id, now=now, unless_after=now - LAST_USED_PRECISION
    )


async def open_browser_session(
    session: AsyncSession, *, token_id: int, lifetime: timedelta, now: datetime | None = None
) -> str:
    """Start a dashboard sign-in for the token: a fresh key for the browser's cookie (stored
    here only as a hash), live until `lifetime` passes or it is closed."""
    now = now or utcnow()
    # Sessions long over are kept a day (for whoever looks), then forgotten.
    await queries.forget_dashboard_sessions(session, ended_before=now - timedelta(days=1))
    key = secrets.token_urlsafe(32)
    await queries.add_dashboard_session(
        session, key_hash=hash_token(key), token_id=token_id, now=now, expires_at=now + lifetime
    )
    return key


async def browser_session_live(
    session: AsyncSession, *, key: str, token_id: int, now: datetime | None = None
) -> bool:
    """Whether a dashboard sign-in is still live: not signed out, not expired, that token's."""
    row = await queries.dashboard_session(session, key_hash=hash_token(key))
    now = now or utcnow()
    return (
        row is not None
        and row.token_id == token_id
        and row.ended_at is None
        and row.expires_at > now
    )


async def close_browser_session(
    session: AsyncSession, *, key: str, now: datetime | None = None
) -> bool:
    """Sign a browser out for good: its key stops working, wherever the cookie was copied."""
    return await queries.end_dashboard_session(
        session, key_hash=hash_token(key), now=now or utcnow()
    )
