"""Exactly one scheduler acts at a time: the others wait and take over when it dies.

On PostgreSQL the active scheduler holds a session-level advisory lock on a connection of its
own: the server frees it the moment that connection ends (a crash, kill -9, a lost network),
so a standby takes over within one retry and no clock is trusted. A leader that hangs (stopped,
or its event loop blocked) keeps its connection open, so that connection is also given an
`idle_session_timeout` of one lease period: the leader speaks on it three times a period, and
the server ends a session that falls silent, freeing the lock for a standby. On SQLite (one
machine, one file) it holds a row of `leases` that it renews; a standby takes it once it has
expired.

Either way the holder checks it still holds leadership before every job (`keep`) and on a
timer, and stops acting the moment it does not.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from curator.store.engine import async_url, create_engine
from curator.store.leases import (
    acquire_lease,
    advisory_unlock,
    holds_advisory_lock,
    release_lease,
    renew_lease,
    try_advisory_lock,
)

log = logging.getLogger(__name__)

# The advisory lock key (a positive bigint) and the lease name of the active scheduler.
SCHEDULER_LOCK_KEY = 0x63757261746F72  # "curator" in ASCII
SCHEDULER_LEASE = "scheduler"


def process_name() -> str:
    """A name for this process, unique across hosts and restarts: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Leadership(Protocol):
    """The right to act alone, held by at most one process at a time."""

    holder: str

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Try now, then wait until this process leads (True) or `stop` is set (False)."""
        ...

    async def keep(self) -> bool:
        """Renew or verify leadership; False once it is lost (stop acting at once)."""
        ...

    async def release(self) -> None:
        """Give leadership up so a standby can take over without waiting."""
        ...

    @property
    def check_interval(self) -> float:
        """Seconds between two `keep` calls while leading."""
        ...


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `stop`; True if it was set."""
    with suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()
    return stop.is_set()


class AdvisoryLeadership:
    """Leadership as a PostgreSQL advisory lock held on a dedicated connection."""

    def __init__(
        self,
        database_url: str,
        *,
        retry_seconds: float,
        stale_after: float | None = None,
        key: int = SCHEDULER_LOCK_KEY,
        holder: str | None = None,
    ) -> None:
        self.holder = holder or process_name()
        # Silence this long ends the session (and the lock): three missed checks.
        silent_ms = max(int((stale_after or retry_seconds * 3) * 1000), 100)
        self.key = key
        self.retry_seconds = retry_seconds
        # No pool: the lock lives and dies with exactly this one connection.
        self._engine: AsyncEngine = create_engine(
            database_url,
            poolclass=NullPool,
            connect_args={
                "application_name": f"curator scheduler {self.holder}"[:63],
                # Notice a dead network within about a minute, not the kernel's two hours.
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
                # A hung leader's open connection must not hold the lock for ever.
                "options": f"-c idle_session_timeout={silent_ms}",
            },
        )
        self._connection: AsyncConnection | None = None
        self._held = False
        # Jobs starting together all check leadership; one statement at a time on the lock's
        # connection.
        self._using = asyncio.Lock()

    @property
    def check_interval(self) -> float:
        """Seconds between two `keep` calls while leading."""
        return self.retry_seconds

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self._engine.connect()
            # Autocommit: holding the lock must not leave a transaction open for days.
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(SQLAlchemyError, OSError):
                await connection.close()

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Try now, then wait until this process holds the lock (True) or `stop` is set."""
        waiting_logged = False
        while True:
            try:
                connection = await self._connect()
                if await try_advisory_lock(connection, key=self.key):
                    self._held = True
                    log.info("scheduler %s is now the active scheduler", self.holder)
                    return True
            except (SQLAlchemyError, OSError) as exc:
                log.warning("scheduler %s cannot reach the database: %s", self.holder, exc)
                await self._drop_connection()
            if not waiting_logged:
                log.info("scheduler %s is standing by: another scheduler is active", self.holder)
                waiting_logged = True
            if stop.is_set() or await _wait(stop, self.retry_seconds):
                return False

    async def keep(self) -> bool:
        """True while the lock's connection is alive and still holds the lock."""
        async with self._using:
            return await self._keep()

    async def _keep(self) -> bool:
        if not self._held or self._connection is None:
            return False
        try:
            # Generous: a busy server answering slowly has not lost the lock.
            async with asyncio.timeout(max(self.retry_seconds * 2, 5.0)):
                held = await holds_advisory_lock(self._connection, key=self.key)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.error("scheduler %s lost its database connection: %s", self.holder, exc)
            held = False
        if not held:
            self._held = False
            await self._drop_connection()
        return held

    async def release(self) -> None:
        """Unlock and close the dedicated connection."""
        async with self._using:
            if self._held and self._connection is not None:
                # Best effort: a connection the server already ended has released the lock.
                with suppress(SQLAlchemyError, OSError):
                    await advisory_unlock(self._connection, key=self.key)
            self._held = False
            await self._drop_connection()
        await self._engine.dispose()


class LeaseLeadership:
    """Leadership as a renewed row of `leases` (any backend; the only choice on SQLite)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl_seconds: float,
        clock: Callable[[], datetime],
        name: str = SCHEDULER_LEASE,
        holder: str | None = None,
    ) -> None:
        self.holder = holder or process_name()
        self.name = name
        self.ttl = timedelta(seconds=ttl_seconds)
        self._sessions = sessions
        self._clock = clock
        self._expires_at: datetime | None = None
        self._using = asyncio.Lock()

    @property
    def check_interval(self) -> float:
        """Renew three times per lease period, so one slow renewal does not lose it."""
        return self.ttl.total_seconds() / 3

    async def _take(self, *, renew: bool) -> bool:
        now = self._clock()
        async with self._sessions() as session, session.begin():
            if renew:
                ok = await renew_lease(
                    session, name=self.name, holder=self.holder, now=now, ttl=self.ttl
                )
            else:
                ok = await acquire_lease(
                    session, name=self.name, holder=self.holder, now=now, ttl=self.ttl
                )
        self._expires_at = now + self.ttl if ok else None
        return ok

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Try now, then wait until this process holds the lease (True) or `stop` is set."""
        waiting_logged = False
        while True:
            try:
                if await self._take(renew=False):
                    log.info("scheduler %s is now the active scheduler", self.holder)
                    return True
            except (DBAPIError, OSError) as exc:
                log.warning("scheduler %s cannot reach the database: %s", self.holder, exc)
            if not waiting_logged:
                log.info("scheduler %s is standing by: another scheduler is active", self.holder)
                waiting_logged = True
            if stop.is_set() or await _wait(stop, self.check_interval):
                return False

    async def keep(self) -> bool:
        """Renew the lease; a failed write keeps it only until the current lease expires."""
        async with self._using:
            return await self._renew()

    async def _renew(self) -> bool:
        if self._expires_at is None:
            return False
        try:
            return await self._take(renew=True)
        except (DBAPIError, OSError) as exc:
            log.warning("scheduler %s could not renew its lease: %s", self.holder, exc)
            still = self._clock() < self._expires_at
            if not still:
                self._expires_at = None
            return still

    async def release(self) -> None:
        """Delete the lease row so a standby takes over at once."""
        if self._expires_at is None:
            return
        self._expires_at = None
        with suppress(DBAPIError, OSError):
            async with self._sessions() as session, session.begin():
                await release_lease(session, name=self.name, holder=self.holder)


def leadership_for(
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    *,
    seconds: float,
    clock: Callable[[], datetime],
) -> Leadership:
    """The advisory lock on PostgreSQL, the lease table elsewhere."""
    if async_url(database_url).get_backend_name() == "postgresql":
        # Silence of a whole lease (at least 5 s, so a busy machine's stall is not a hang)
        # ends a hung leader's session.
        return AdvisoryLeadership(
            database_url, retry_seconds=max(seconds / 3, 0.2), stale_after=max(seconds, 5.0)
        )
    return LeaseLeadership(sessions, ttl_seconds=seconds, clock=clock)
