"""Real databases for the tests: SQLite by default, PostgreSQL when asked for.

The database is created once per run from the migrations (plus the reference data); each test
runs inside a transaction that is rolled back at its end, and the app under test joins that
transaction through SAVEPOINTs, so its commits are undone too.

Set ``XIANGXING_TEST_DATABASE_URL=postgresql+asyncpg://…`` to run everything on PostgreSQL;
the database it names is emptied at the start of the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from accounts import passwords
from core.database import build_db_config, create_engine
from core.settings import Environment, Settings
from tests.clients import serve
from xiangxing.app import app_state, create_app, register_listeners
from xiangxing.demo import load_demo_data
from xiangxing.setup import upgrade_database

TEST_DATABASE_URL = os.environ.get("XIANGXING_TEST_DATABASE_URL", "")
UPLOADS = "uploads"


@pytest.fixture(autouse=True, scope="session")
def listeners() -> None:
    """The composition root's listeners, for tests that use the services without an app."""
    register_listeners()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production-strength argon2 costs half a second per sign-in; only the tests of hashing
    itself (marked ``real_password_hashing``) pay it."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHER)


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var_dir = tmp_path_factory.mktemp("var")
    return Settings(
        env=Environment.TEST,
        database_url=TEST_DATABASE_URL,
        var_dir=var_dir,
        search_indexer=False,
        jobs_in_app=False,
    )


async def _empty_postgres(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
async def engine(test_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_settings)
    if not test_settings.is_sqlite:
        await _empty_postgres(engine)
    await upgrade_database(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def scratch_settings(test_settings: Settings, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings for an empty database beside the test database (a SQLite file, or the
    PostgreSQL database ``<test database>_migrations``), dropped afterwards; for what must
    commit or start from nothing: migrations, concurrent start-up, backup and restore. Jobs
    do not run in the background (the tests of jobs ask for them)."""
    var_dir = tmp_path / "scratch"
    if test_settings.is_sqlite:
        yield Settings(env=Environment.TEST, var_dir=var_dir, jobs_in_app=False)
        return
    url = make_url(test_settings.resolved_database_url)
    scratch = f"{url.database}_migrations"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{scratch}"'))
    scratch_url = url.set(database=scratch).render_as_string(hide_password=False)
    yield Settings(
        env=Environment.TEST, database_url=scratch_url, var_dir=var_dir, jobs_in_app=False
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
async def scratch_engine(scratch_settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the empty scratch database (`scratch_settings`)."""
    engine = create_engine(scratch_settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def session_maker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
async def session(session_maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_maker() as session:
        yield session


class FakeClock:
    """A clock the test moves by hand: rules about time are tested without sleeping."""

    START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

    def __init__(self) -> None:
        self.now = self.START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def run_clock() -> FakeClock:
    """The one clock of the run, which the apps built once per run keep."""
    return FakeClock()


@pytest.fixture
def clock(run_clock: FakeClock) -> FakeClock:
    """The run's clock, set back to the same morning for every test."""
    run_clock.now = FakeClock.START
    return run_clock


class CurrentTransaction:
    """The session maker of the apps built once per run: it opens each session in the
    transaction of the test under way."""

    def __init__(self) -> None:
        self.session_maker: async_sessionmaker[AsyncSession] | None = None

    def __call__(self) -> AsyncSession:
        assert self.session_maker is not None, "the app is used outside a test"
        return self.session_maker()


@pytest.fixture(scope="session")
def current_transaction() -> CurrentTransaction:
    return CurrentTransaction()


@pytest.fixture(scope="session")
def built_apps() -> list[tuple[Settings, Litestar]]:
    """The apps of the run, one per variant of the settings (their ``var/`` aside), with it."""
    return []


@pytest.fixture
def make_app(
    engine: AsyncEngine,
    built_apps: list[tuple[Settings, Litestar]],
    current_transaction: CurrentTransaction,
    session_maker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> Iterator[Callable[[Settings], Litestar]]:
    """Apps with the given settings whose requests join the test's transaction.

    Building an app takes about half a second, so each variant of the settings is built once
    per run; every test gets it with a fresh state: its ``var/`` (uploads, the search index),
    empty memories, the test's clock. Two apps in one test must differ in more than ``var/``.
    """
    current_transaction.session_maker = session_maker

    def make(settings: Settings) -> Litestar:
        variant = settings.model_copy(update={"var_dir": Path()})
        app = next((app for built, app in built_apps if built == variant), None)
        if app is None:
            db_config = build_db_config(settings, engine=engine, session_maker=current_transaction)
            app = create_app(settings, db_config=db_config, clock=clock)
            built_apps.append((variant, app))
        app.state.update(app_state(settings, app.state.db_config, clock))
        return app

    yield make
    current_transaction.session_maker = None


def _own_var(test_settings: Settings, tmp_path: Path) -> Settings:
    return test_settings.model_copy(update={"var_dir": tmp_path / "var"})


@pytest.fixture
def app(
    test_settings: Settings, make_app: Callable[[Settings], Litestar], tmp_path: Path
) -> Litestar:
    """The app with a ``var/`` of its own (uploads, the search index); its indexer does not
    run by itself: tests drain the outbox when they mean to (`tests.search_sync`)."""
    return make_app(_own_var(test_settings, tmp_path))


@pytest.fixture
def own_app(
    test_settings: Settings,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    tmp_path: Path,
) -> Litestar:
    """An app built for this test alone, like `app`, for tests that add routes to it."""
    settings = _own_var(test_settings, tmp_path)
    db_config = build_db_config(settings, engine=engine, session_maker=session_maker)
    return create_app(settings, db_config=db_config, clock=clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(app) as client:
        yield client


@pytest.fixture
def english(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same client with English chosen as the page language."""
    client.cookies.set("lang", "en")
    return client


SQLITE_FILE = "xiangxing.db"
"""The database file of an embedded (SQLite) installation, under its ``var/``."""


async def _made(var_dir: Path, *fillers: Callable[[AsyncEngine], Awaitable[object]]) -> Path:
    """The database of ``var_dir`` filled by ``fillers`` in turn, with everything in the main
    file (none in the write-ahead log) and the engine closed, so that the file can be copied."""
    engine = create_engine(Settings(env=Environment.TEST, var_dir=var_dir))
    try:
        for fill in fillers:
            await fill(engine)
        async with engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await engine.dispose()
    return var_dir / SQLITE_FILE


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the newest revision with the reference data, made once per
    run: a test that needs one of its own copies the file (milliseconds) instead of running
    the migrations again (a second and more). Made outside the tests' event loop, for
    synchronous tests too."""
    return asyncio.run(_made(tmp_path_factory.mktemp("migrated"), upgrade_database))


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory, migrated_file: Path) -> Path:
    """A SQLite database holding the demo, made once per run, to copy like `migrated_file`."""
    var_dir = tmp_path_factory.mktemp("demo")
    copy_database(migrated_file, var_dir)
    settings = Settings(env=Environment.TEST, var_dir=var_dir)
    return asyncio.run(_made(var_dir, lambda engine: load_demo_data(engine, settings)))


def copy_database(template: Path, var_dir: Path) -> None:
    """Make a copy of a SQLite database (`migrated_file`, `demo_file`) the database of
    ``var_dir``, with the uploaded files beside it (the demo's agreement scans)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, var_dir / SQLITE_FILE)
    uploads = template.parent / UPLOADS
    if uploads.is_dir():
        shutil.copytree(uploads, var_dir / UPLOADS, dirs_exist_ok=True)


@pytest.fixture(scope="session")
async def demo_database(
    tmp_path_factory: pytest.TempPathFactory, demo_file: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The demo in a SQLite database of its own, for the tests that only read it."""
    var_dir = tmp_path_factory.mktemp("demo-read")
    copy_database(demo_file, var_dir)
    engine = create_engine(Settings(env=Environment.TEST, var_dir=var_dir))
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def demo(demo_database: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session on the demo database, rolled back after the module."""
    async with demo_database() as session:
        yield session
        await session.rollback()


def pytest_report_header() -> str:
    backend = TEST_DATABASE_URL.split("://")[0] if TEST_DATABASE_URL else "sqlite (temporary file)"
    return f"xiangxing test database: {backend}"


REPO_ROOT = Path(__file__).resolve().parents[1]
