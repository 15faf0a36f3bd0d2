"""Queries over mail_deliveries: emails curator owes the editors. None of them commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from curator.domain import MailKind
from curator.store.models import MailDelivery


async def delivery_by_key(session: AsyncSession, *, key: str) -> MailDelivery | None:
    """The delivery recorded under this deduplication key, or None."""
    result = await session.execute(select(MailDelivery).where(MailDelivery.key == key))
    return result.scalar_one_or_none()


async def latest_delivery(
    session: AsyncSession, *, kind: MailKind, guide_slug: str | None
) -> MailDelivery | None:
    """The newest delivery of `kind` for a guide, sent or still owed."""
    query = select(MailDelivery).where(MailDelivery.kind == kind)
    if guide_slug is None:
        query = query.where(MailDelivery.guide_slug.is_(None))
    else:
        query = query.where(MailDelivery.guide_slug == guide_slug)
    query = query.order_by(MailDelivery.created_at.desc(), MailDelivery.id.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


async def add_delivery(
    session: AsyncSession,
    *,
    kind: MailKind,
    key: str,
    guide_slug: str | None,
    run_id: int | None,
    recipients: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str,
    created_at: datetime,
    claimed_until: datetime,
) -> MailDelivery:
    """Record an email owed, claimed by the caller until `claimed_until`.

    Flushes, so a second delivery with the same key fails here with an IntegrityError.
    """
    delivery = MailDelivery(
        kind=kind,
        key=key,
        guide_slug=guide_slug,
        run_id=run_id,
        recipients=list(recipients),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        created_at=created_at,
        attempts=0,
        next_attempt_at=claimed_until,
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def owed_deliveries(
    session: AsyncSession, *, due_by: datetime | None
) -> Sequence[MailDelivery]:
    """Deliveries not sent yet, oldest first; only those due by `due_by` unless it is None."""
    query = select(MailDelivery).where(MailDelivery.sent_at.is_(None))
    if due_by is not None:
        query = query.where(
            or_(MailDelivery.next_attempt_at.is_(None), MailDelivery.next_attempt_at <= due_by)
        )
    query = query.order_by(MailDelivery.created_at, MailDelivery.id)
    return (await session.execute(query)).scalars().all()


async def claim_delivery(
    session: AsyncSession,
    *,
    delivery_id: int,
    seen_next_attempt_at: datetime | None,
    claimed_until: datetime,
) -> bool:
    """Take an owed delivery for one sending attempt; False when another process took it first.

    The claim succeeds only if `next_attempt_at` is still what the caller read, so two
    processes retrying at once never send the same email twice.
    """
    unchanged: ColumnElement[bool] = (
        MailDelivery.next_attempt_at.is_(None)
        if seen_next_attempt_at is None
        else MailDelivery.next_attempt_at == seen_next_attempt_at
    )
    result = await session.execute(
        update(MailDelivery)
        .where(and_(MailDelivery.id == delivery_id, MailDelivery.sent_at.is_(None), unchanged))
        .values(next_attempt_at=claimed_until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def record_sent(
    session: AsyncSession,
    *,
    delivery_id: int,
    at: datetime,
    attempts: int,
    note: str | None = None,
) -> None:
    """Mark a delivery sent; `note` keeps what the server said about refused recipients."""
    await session.execute(
        update(MailDelivery)
        .where(MailDelivery.id == delivery_id)
        .values(sent_at=at, attempts=attempts, last_error=note, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )


async def record_failure(
    session: AsyncSession,
    *,
    delivery_id: int,
    attempts: int,
    error: str,
    next_attempt_at: datetime,
) -> None:
    """Record a failed sending attempt and when to try again."""
    await session.execute(
        update(MailDelivery)
        .where(MailDelivery.id == delivery_id)
        .values(attempts=attempts, last_error=error, next_attempt_at=next_attempt_at)
        .execution_options(synchronize_session=False)
    )
