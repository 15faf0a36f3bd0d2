"""Queries over editors' tokens. None of them commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.store.models import DashboardSession, EditorToken


async def token_by_name(session: AsyncSession, *, name: str) -> EditorToken | None:
    """The token row named `name`, revoked or not."""
    found = await session.execute(select(EditorToken).where(EditorToken.name == name))
    return found.scalar_one_or_none()


async def token_by_id(session: AsyncSession, *, token_id: int) -> EditorToken | None:
    """The token row with this id, revoked or not."""
    return await session.get(EditorToken, token_id)


async def all_tokens(session: AsyncSession) -> Sequence[EditorToken]:
    """Every token row by name, revoked ones included."""
    return (await session.execute(select(EditorToken).order_by(EditorToken.name))).scalars().all()


async def live_tokens(session: AsyncSession) -> Sequence[EditorToken]:
    """The token rows not revoked."""
    query = select(EditorToken).where(EditorToken.revoked_at.is_(None))
    return (await session.execute(query)).scalars().all()


async def note_use(
    session: AsyncSession, *, token_id: int, now: datetime, unless_after: datetime
) -> bool:
    """Set the token's last use to `now` unless it is already after `unless_after`."""
    result = await session.execute(
        update(EditorToken)
        .where(
            EditorToken.id == token_id,
            or_(EditorToken.last_used_at.is_(None), EditorToken.last_used_at < unless_after),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def add_dashboard_session(
    session: AsyncSession, *, key_hash: str, token_id: int, now: datetime, expires_at: datetime
) -> None:
    """Store a signed-in browser's session (by the hash of its key)."""
    session.add(
        DashboardSession(
            key_hash=key_hash, token_id=token_id, created_at=now, expires_at=expires_at
        )
    )
    await session.flush()


async def dashboard_session(session: AsyncSession, *, key_hash: str) -> DashboardSession | None:
    """The browser session with this key's hash, ended or not."""
    query = select(DashboardSession).where(DashboardSession.key_hash == key_hash)
    return (await session.execute(query)).scalar_one_or_none()


async def end_dashboard_session(session: AsyncSession, *, key_hash: str, now: datetime) -> bool:
    """End a browser session (signing out); True when it was live."""
    result = await session.execute(
        update(DashboardSession)
        .where(DashboardSession.key_hash == key_hash, DashboardSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def forget_dashboard_sessions(session: AsyncSession, *, ended_before: datetime) -> int:
    """Delete browser sessions expired or signed out before `ended_before`; how many."""
    result = await session.execute(
        delete(DashboardSession)
        .where(
            or_(
                DashboardSession.expires_at < ended_before,
                DashboardSession.ended_at < ended_before,
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
