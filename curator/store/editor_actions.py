"""Queries over `editor_actions`: who did what to which resource, and when. None commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import ActionKind
from curator.store.models import EditorAction


async def add_action(
    session: AsyncSession,
    *,
    resource_id: int | None,
    actor: str,
    action: ActionKind,
    at: datetime,
    payload: Mapping[str, Any],
) -> EditorAction:
    """Record one editor's action."""
    row = EditorAction(
        resource_id=resource_id, actor=actor, action=action, payload=dict(payload), created_at=at
    )
    session.add(row)
    await session.flush()
    return row


async def actions_of_resource(session: AsyncSession, *, resource_id: int) -> Sequence[EditorAction]:
    """Every action on one resource, newest first."""
    query = (
        select(EditorAction)
        .where(EditorAction.resource_id == resource_id)
        .order_by(EditorAction.created_at.desc(), EditorAction.id.desc())
    )
    return (await session.execute(query)).scalars().all()
