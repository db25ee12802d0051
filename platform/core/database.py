"""Engine and session configuration shared by the web app, the CLI and the tests."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from uuid import uuid4

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    async_autocommit_handler_maker,
)
from sqlalchemy import Select, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.dml import Insert

    from core.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000
CONNECT_ARGS: dict[str, Any] = {"timeout": 5}
"""asyncpg's arguments whatever stands between the app and PostgreSQL: a connection not made
within 5 s fails."""
WRITE_INTENT: ContextVar[bool] = ContextVar("write_intent", default=False)
"""Whether the work under way means to write. On SQLite its transactions then begin with
``BEGIN IMMEDIATE``: a transaction that read first and writes later fails at once ("database is
locked") when another connection committed in between — the busy timeout cannot help a stale
snapshot — while one that takes the write lock up front just waits its turn. Reads stay
concurrent."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WRITES_LATE: dict[str, Any] = {"write_intent": "late"}
"""Route ``opt`` for unsafe requests that read for long before they write (a bulk import
checks thousands of rows): they take the write lock only in `write_phase`, so that sign-ins
and edits are not queued behind the reading."""
READS_ONLY: dict[str, Any] = {"reads_only": True}
"""Route ``opt`` (handler, controller or router) of reads that need no transaction of their
own: on PostgreSQL their safe requests (GET, HEAD) run each statement on its own
(`AUTOCOMMIT`), which spares the ``BEGIN`` and ``COMMIT`` round trips: two of a short list's
four. Only for routes that write nothing and whose statements need
not see one moment together (a page of rows and their lines may not; a dashboard's parts do:
it is not marked)."""
AUTOCOMMIT_READS: ContextVar[bool] = ContextVar("autocommit_reads", default=False)
"""Whether the request under way is a `READS_ONLY` read (set by `TransactionIntentMiddleware`)."""
SAFE_METHODS = frozenset({"GET", "HEAD"})
P = ParamSpec("P")
T = TypeVar("T")
Query = TypeVar("Query", bound="Select[Any]")
COMMITTED_REFUSALS = {401}
"""A failed sign-in (401) must still count the failure and write its audit row."""


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys, and SQLAlchemy's own transaction control.

    The sqlite3 driver otherwise opens transactions on its own terms, which breaks SAVEPOINT
    (the per-test rollback) and hides when a write lock is taken.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if WRITE_INTENT.get() else "BEGIN")


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock first (see `WRITE_INTENT`)."""
    token = WRITE_INTENT.set(True)
    try:
        yield
    finally:
        WRITE_INTENT.reset(token)


def writing(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """An async function whose transactions all mean to write (see `WRITE_INTENT`)."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with write_intent():
            return await method(*args, **kwargs)

    return wrapper


def _route_opt(scope: Scope, key: str) -> Any:
    handler = scope.get("route_handler")
    return None if handler is None else handler.opt.get(key)


def _late(scope: Scope) -> bool:
    return _route_opt(scope, "write_intent") == WRITES_LATE["write_intent"]


@asynccontextmanager
async def write_phase(session: AsyncSession) -> AsyncIterator[None]:
    """The writing end of a request that read first (see `WRITES_LATE`): its read-only
    transaction ends, and the work inside begins a new one that takes the write lock first.

    Whatever was read before may have changed by then: re-check what must hold (duplicates)
    inside. Loaded objects stay usable (sessions do not expire them on commit).
    """
    if session.new or session.dirty or session.deleted:
        msg = "write_phase() must begin before anything is written"
        raise RuntimeError(msg)
    await session.commit()
    with write_intent():
        yield


class TransactionIntentMiddleware:
    """Marks unsafe HTTP requests (POST, PUT, PATCH, DELETE) as writers for their whole
    handling, identity lookup and response included, and safe requests to `READS_ONLY` routes
    as reads without a transaction."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method in UNSAFE_METHODS and not _late(scope):
            with write_intent():
                await self.app(scope, receive, send)
            return
        if method in SAFE_METHODS and _route_opt(scope, "reads_only"):
            token = AUTOCOMMIT_READS.set(True)
            try:
                await self.app(scope, receive, send)
            finally:
                AUTOCOMMIT_READS.reset(token)
            return
        await self.app(scope, receive, send)


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine for the configured database; creates the ``var/`` folder for SQLite."""
    url = settings.resolved_database_url
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.database_echo)
        _tune_sqlite(engine)
        return engine
    # No ping before each checkout: it cost every request a round trip. A connection the
    # server has ended fails its first statement instead; SQLAlchemy then drops every
    # connection of the pool made before, that request answers 503 (``core.http_errors``) and
    # the next ones connect afresh.
    return create_async_engine(
        url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
        connect_args=_connect_args(settings),
    )


def _connect_args(settings: Settings) -> dict[str, Any]:
    """asyncpg's arguments: the planner's page cost, or, behind PgBouncer, statements that
    outlive no transaction (SQLAlchemy's recipe for it)."""
    if not settings.database_pgbouncer:
        cost = str(settings.database_random_page_cost)
        return {**CONNECT_ARGS, "server_settings": {"random_page_cost": cost}}
    return {
        **CONNECT_ARGS,
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": lambda: f"__asyncpg_{uuid4()}__",
    }


def build_db_config(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    session_maker: Callable[[], AsyncSession] | None = None,
) -> SQLAlchemyAsyncConfig:
    """Advanced Alchemy's plugin config: one session per request, committed on 2xx and 3xx.

    Committing on redirects matters (Advanced Alchemy's ``autocommit_include_redirects``): a
    form post answered with a redirect would otherwise be rolled back silently. Tests pass
    their own engine and session maker so that each test runs inside a transaction they roll
    back.
    """
    engine = engine or create_engine(settings)
    # Behind PgBouncer every read keeps its transaction: outside one, PgBouncer may run a
    # statement on another server connection than the one it was prepared on.
    postgresql = engine.dialect.name == "postgresql"
    if session_maker is None and postgresql and not settings.database_pgbouncer:
        session_maker = _request_sessions(engine)
    config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_maker=session_maker,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        create_all=False,
    )
    # The config picks a scope key unique in the process (a second app gets a new one), so
    # the handler is made after it, with that key; a handler on the default key would find
    # no session in any app but the first, and silently never commit.
    config.before_send_handler = async_autocommit_handler_maker(
        commit_on_redirect=True,
        extra_commit_statuses=COMMITTED_REFUSALS,
        session_scope_key=config.session_scope_key,
    )
    return config


def _request_sessions(engine: AsyncEngine) -> Callable[[], AsyncSession]:
    """Sessions in a transaction, or in `AUTOCOMMIT` for a `READS_ONLY` read; both share the
    engine's pool (the isolation level is the driver's own flag, set and reset without a round
    trip)."""
    in_transaction = async_sessionmaker(engine, expire_on_commit=False)
    statement_by_statement = async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )

    def session() -> AsyncSession:
        return (statement_by_statement if AUTOCOMMIT_READS.get() else in_transaction)()

    return session


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def insert_unless_present(dialect_name: str, table: Table | type[Any]) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING``: a singleton row that several workers may create at
    the same moment (the first wins, the others carry on)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def locked(statement: Query, *, of: Any = None, skip_locked: bool = False) -> Query:
    """``SELECT … FOR UPDATE``: the rows read stay ours until the transaction ends.

    PostgreSQL locks the rows (only ``of``'s, when eager loads join others; with
    ``skip_locked`` another worker's rows are passed over). SQLite has no row locks and
    SQLAlchemy leaves the clause out there: its one write lock, taken first by writing
    transactions (`WRITE_INTENT`), already serializes them.
    """
    return statement.with_for_update(of=of, skip_locked=skip_locked)
