"""Engines and sessions: one async style on PostgreSQL (psycopg 3) and SQLite (aiosqlite).

SQLite under several writers (a run, the API's rechecks, editors' actions, the scheduler's
lease) is made safe here, once, for every caller:

- WAL, so readers and one writer coexist; a busy timeout, so a writer waits for the lock;
- a transaction opened with `session.begin()` is a write transaction and starts with
  `BEGIN IMMEDIATE`: it takes the write lock before it reads, so it can never fail half-way
  with "database is locked" when it upgrades (SQLite refuses a stale reader's upgrade at once,
  without waiting); taking the lock is retried with backoff after the busy timeout;
- a session used without `begin()` (a request's reads) stays a plain reader;
- the pool hands out the connection used last, whose page cache is the warm one.

On PostgreSQL every checkout is pinged first, so a connection the server closed (a restart, an
idle timeout, `pg_terminate_backend`) is replaced before use, not failed on.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransactionOrigin
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import await_only

from curator.errors import DatabaseUnreachableError, DatabaseUrlError

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
"""How long SQLite itself waits for a lock before it answers "database is locked"."""
LOCK_RETRIES = (0.2, 1.0, 3.0)
"""Seconds slept before each further try to take SQLite's write lock, after a busy timeout."""
IDLE_IN_TRANSACTION_SECONDS = 60.0
"""PostgreSQL ends a transaction idle this long: only a hung process leaves one so."""
CONNECT_TIMEOUT_SECONDS = 10
"""How long a new PostgreSQL connection may take: a server that accepts it and never answers
(hung, or a half-open network path) is then unreachable, not waited on for ever."""
TCP_USER_TIMEOUT_MS = 30_000
"""PostgreSQL: sent data left unacknowledged this long ends the connection (a network path
that went silent mid-query), instead of the kernel's retransmissions for about 15 minutes."""
KEEPALIVE_IDLE_SECONDS = 30
"""PostgreSQL: an idle pooled connection is probed after this long, so a dead path is noticed."""
WRITE_OPTION = "curator_write"
"""The execution option that marks a write transaction's connection."""


def async_url(database_url: str) -> URL:
    """The async driver URL for a user-facing database URL (sqlite:///…, postgresql://…)."""
    try:
        url = make_url(database_url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseUrlError(database_url, "not a database URL") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
            # An in-memory database vanishes with the command: a sync, a token, a check would
            # each say they were done and keep nothing.
            raise DatabaseUrlError(
                database_url,
                "it names no file: curator keeps its data in a file (sqlite:///./curator.db,"
                " or sqlite:////var/lib/curator/curator.db)",
            )
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise DatabaseUrlError(database_url, f"curator supports sqlite and postgresql, not {backend}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The API and the scheduler share the file: WAL lets readers and a writer coexist.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, SQLite's own advice: commits are not synced one by one (about 15-20 ms each),
    # only at checkpoints. A process that dies (kill -9, a crash) loses nothing committed; a
    # power cut or an OS crash may roll back the last commits, never corrupt the file: a run's
    # last checks, which its resumption checks again.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database table is locked"."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc.orig)


def _sqlite_begin(conn: Connection) -> None:
    """Open a write transaction with BEGIN IMMEDIATE (a reader's stays implicit)."""
    if not conn.get_execution_options().get(WRITE_OPTION):
        return  # the driver begins a deferred transaction at the first write, as before
    for delay in (*LOCK_RETRIES, None):
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if delay is None or not is_locked(exc):
                raise
            log.warning("SQLite is busy (%s); taking the write lock again in %ss", exc.orig, delay)
            # This runs inside SQLAlchemy's greenlet bridge: sleep without blocking the loop.
            await_only(asyncio.sleep(delay))


def create_engine(
    database_url: str,
    *,
    idle_in_transaction: float = IDLE_IN_TRANSACTION_SECONDS,
    connect_timeout: int = CONNECT_TIMEOUT_SECONDS,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine for `database_url`, with SQLite tuned for a shared file; on PostgreSQL
    a transaction left idle `idle_in_transaction` seconds (its process hung mid-way) is ended
    by the server, so the locks it holds never stall the other processes for long, and a
    connection that gets no answer within `connect_timeout` seconds fails as unreachable
    (a value given in the URL's query wins over these)."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        dialect = url.get_dialect()
        pool = kwargs.get("poolclass")
        if pool is None and issubclass(dialect, DefaultDialect):
            pool = dialect.get_pool_class(url)  # a queue for a file; in memory, one connection
        if pool is not None and issubclass(pool, QueuePool):
            # The connection used last, first: SQLite drops a connection's page cache when
            # another one has committed since it last read, so the last writer's is the warm
            # one (a run's settling and report read back what its writer just stored).
            kwargs.setdefault("pool_use_lifo", True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    given = set(url.query)
    defaults = {
        "connect_timeout": connect_timeout,
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    }
    for name, value in defaults.items():
        if name not in given:
            connect_args.setdefault(name, value)
    timeout = f"-c idle_in_transaction_session_timeout={int(idle_in_transaction * 1000)}"
    connect_args["options"] = f"{connect_args.get('options', '')} {timeout}".strip()
    return create_async_engine(url, connect_args=connect_args, **kwargs)


class CuratorSession(Session):
    """A session whose `begin()` transactions are write transactions (BEGIN IMMEDIATE on
    SQLite); subclass it for a session class of your own."""

    def get_bind(self, mapper: Any = None, **kw: Any) -> Any:
        """The engine, marked for writing inside an explicit `begin()` on SQLite."""
        bind = super().get_bind(mapper, **kw)
        if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
            return bind
        transaction = self.get_transaction()
        if transaction is None or transaction.origin is not SessionTransactionOrigin.BEGIN:
            return bind
        writer: Engine | None = bind.__dict__.get("_curator_writer")
        if writer is None:
            # One option engine per engine, so a transaction always finds its own connection.
            writer = bind.execution_options(**{WRITE_OPTION: True})
            bind.__dict__["_curator_writer"] = writer
        return writer


def session_factory(
    engine: AsyncEngine, *, session_class: type[Session] = CuratorSession
) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)


def connection_lost(exc: BaseException) -> bool:
    """True when a database error means the connection died (the work may be retried)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


async def retrying(work: Callable[[], Awaitable[T]], *, tries: int = 3, backoff: float = 0.5) -> T:
    """`work()`, tried again with backoff when its connection died or SQLite stayed locked.

    `work` must be one whole unit of work (its own transaction), safe to run again.
    """
    for attempt in range(1, tries + 1):
        try:
            return await work()
        except DBAPIError as exc:
            if attempt == tries or not (connection_lost(exc) or is_locked(exc)):
                raise
            log.warning("database unit of work failed (%s); retrying", exc.orig)
            await asyncio.sleep(backoff * attempt)
    raise AssertionError("unreachable")


async def in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    tries: int = 3,
) -> T:
    """`work(session)` in a write transaction of its own, run again (from the start, in a new
    transaction on a new connection) when the connection died or SQLite stayed locked."""

    async def once() -> T:
        async with sessions() as session, session.begin():
            return await work(session)

    return await retrying(once, tries=tries)


def shown_url(database_url: str) -> str:
    """The database URL as curator names it in messages: without its password."""
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as typed
        return database_url


def missing_folder(database_url: str) -> DatabaseUnreachableError | None:
    """A SQLite file whose folder does not exist, found before any connection is tried."""
    url = async_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    folder = Path(url.database).expanduser().parent
    if folder.is_dir():
        return None
    return DatabaseUnreachableError(
        shown_url(database_url),
        f"the folder {folder} does not exist",
        "Create the folder or set CURATOR_DATABASE_URL to another file.",
    )


def unreachable(database_url: str, error: BaseException) -> DatabaseUnreachableError | None:
    """What `error` means when it says the database cannot be reached or opened; else None."""
    if not isinstance(error, OperationalError | InterfaceError | OSError):
        return None
    cause: BaseException = error
    if isinstance(error, DBAPIError) and error.orig is not None:
        cause = error.orig
    shown = shown_url(database_url)
    try:
        url = make_url(database_url)
    except Exception:  # noqa: BLE001
        return None
    remedy = "Set CURATOR_DATABASE_URL to a database curator can use."
    if url.get_backend_name() == "sqlite":
        missing = missing_folder(database_url)
        if missing is not None:
            return missing
        return DatabaseUnreachableError(shown, _first_line(cause) or "cannot open it", remedy)
    reason = _first_line(cause)
    if not isinstance(cause, OSError) and not re.search(
        r"connection|connect|server|resolve|timeout|timed out|does not exist|authentication|"
        r"password|refused|terminat|closed",
        reason,
        re.IGNORECASE,
    ):
        return None  # an error of a statement, not of reaching the server
    host = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "refused" in reason.lower() or "timeout" in reason.lower():
        remedy = (
            f"Start PostgreSQL on {host} (e.g. `service postgresql start`) "
            "or set CURATOR_DATABASE_URL."
        )
    return DatabaseUnreachableError(shown, reason or type(cause).__name__, remedy)


def _first_line(error: BaseException) -> str:
    """The cause as one short clause: libpq's and sqlite's first line, without their prefixes."""
    line = next((part.strip() for part in str(error).splitlines() if part.strip()), "")
    line = re.sub(r"^.*\bfailed: ", "", line)
    line = re.sub(r"^(FATAL|ERROR):\s*", "", line).rstrip(".")
    if line[:2].istitle():  # "Connection refused" reads as a clause: "connection refused"
        line = line[0].lower() + line[1:]
    return line
