"""``xiangxing backup`` and ``xiangxing restore``: the database, the uploaded files and a
manifest with checksums, in one folder.

The database copy is consistent by itself: PostgreSQL through ``pg_dump --format=custom`` on a
snapshot exported by the transaction that also takes the census (every table's rows and
checksum, `xiangxing.census`), SQLite through its online backup API (the census is taken from
the copy). Uploaded files are copied after the database, so every file the copy names is there
(files are only ever added or removed, never changed). A restore checks every checksum before
it touches anything, goes only into an empty database, compares the census, copies the files
back and rebuilds the search index, which is derived from the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from core.clock import utc_now
from core.database import create_engine
from core.settings import Settings
from search.indexer import reindex
from search.runtime import build_backend
from xiangxing import migrate
from xiangxing.census import TableCensus, census_differences, take_census
from xiangxing.pg_tools import find_tool, run_tool

MANIFEST = "manifest.json"
FORMAT = 1
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads"
CHUNK = 2**20


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    backend: str
    revision: str | None
    tables: dict[str, TableCensus]
    files: dict[str, str] = field(default_factory=dict)
    """Path inside the folder → SHA-256 of its content (the database copy and every upload)."""
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            tables = {name: TableCensus(**value) for name, value in data.pop("tables").items()}
            manifest = cls(tables=tables, **data)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            msg = f"{folder / MANIFEST} is missing or unreadable: {exc}"
            raise BackupError(msg) from exc
        if manifest.format != FORMAT:
            msg = f"backup format {manifest.format} is not {FORMAT}, the one this version reads"
            raise BackupError(msg)
        return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _uploads_of(settings: Settings) -> Path:
    return settings.var_dir / UPLOADS


def _sqlite_path(settings: Settings) -> Path:
    return Path(make_url(settings.resolved_database_url).database or "")


def _existing(database: Path) -> Path:
    """SQLite would create a missing file and back up nothing, without a word."""
    if not database.is_file():
        msg = f"no database at {database}: check XIANGXING_DATABASE_URL and XIANGXING_VAR_DIR"
        raise BackupError(msg)
    return database


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while the app keeps writing."""
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


async def _census_of_sqlite_file(path: Path) -> tuple[dict[str, TableCensus], str | None]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as connection:
            tables = await take_census(connection)
        return tables, await migrate.current_revision(engine)
    finally:
        await engine.dispose()


async def _server_major(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SHOW server_version_num")) or 0) // 10000


async def _dump_postgres(
    settings: Settings, engine: AsyncEngine, target: Path
) -> tuple[dict[str, TableCensus], str | None]:
    """Census and dump from one snapshot: what the manifest counts is what the dump holds."""
    pg_dump = await find_tool("pg_dump", await _server_major(engine))
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="REPEATABLE READ")
        snapshot = await connection.scalar(text("SELECT pg_export_snapshot()"))
        tables = await take_census(connection)
        revision = await connection.scalar(text("SELECT max(version_num) FROM alembic_version"))
        arguments = ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
        await run_tool(pg_dump, arguments, settings.resolved_database_url)
        await connection.rollback()
    return tables, revision


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))


async def write_backup(settings: Settings, folder: Path) -> Manifest:
    """Write the database copy, the uploads and the manifest into ``folder`` (new or empty)."""
    _new_folder(folder)
    if settings.is_sqlite:
        database_file = folder / SQLITE_COPY
        await asyncio.to_thread(_sqlite_copy, _existing(_sqlite_path(settings)), database_file)
        tables, revision = await _census_of_sqlite_file(database_file)
    else:
        database_file = folder / POSTGRES_DUMP
        engine = create_engine(settings)
        try:
            tables, revision = await _dump_postgres(settings, engine, database_file)
        finally:
            await engine.dispose()
    await asyncio.to_thread(_copy_tree, _uploads_of(settings), folder / UPLOADS)
    files = await asyncio.to_thread(_checksums, folder)
    manifest = Manifest(
        created_at=utc_now().isoformat(),
        backend="sqlite" if settings.is_sqlite else "postgresql",
        revision=revision,
        tables=tables,
        files=files,
    )
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _new_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        msg = f"{folder} is not empty: a backup goes into a new or empty folder"
        raise BackupError(msg)
    folder.mkdir(parents=True, exist_ok=True)


def _checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


@dataclass(frozen=True, slots=True)
class Restored:
    tables: int
    rows: int
    files: int
    documents: int
    """Search documents in the rebuilt index."""


def _check_files(folder: Path, manifest: Manifest) -> None:
    problems = []
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_of(path) != expected:
            problems.append(f"{name}: checksum differs")
    if problems:
        msg = "the backup is damaged, nothing was restored:\n  " + "\n  ".join(problems)
        raise BackupError(msg)


async def _refuse_unless_empty(settings: Settings, engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    if tables:
        msg = (
            f"the database holds {len(tables)} tables: a restore goes into an empty database "
            "(create a new one, or empty this one yourself if you mean to replace it)"
        )
        raise BackupError(msg)
    uploads = _uploads_of(settings)
    if uploads.is_dir() and any(uploads.iterdir()):
        msg = f"{uploads} is not empty: move it aside before restoring"
        raise BackupError(msg)


async def restore_backup(settings: Settings, folder: Path) -> Restored:
    """Restore ``folder`` into the configured (empty) database and var folder."""
    manifest = Manifest.read(folder)
    backend = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.backend != backend:
        msg = f"this is a {manifest.backend} backup; the configured database is {backend}"
        raise BackupError(msg)
    await asyncio.to_thread(_check_files, folder, manifest)
    engine = create_engine(settings)
    try:
        await _refuse_unless_empty(settings, engine)
        if settings.is_sqlite:
            await engine.dispose()
            await asyncio.to_thread(_sqlite_copy, folder / SQLITE_COPY, _sqlite_path(settings))
        else:
            pg_restore = await find_tool("pg_restore", await _server_major(engine))
            database = make_url(settings.resolved_database_url).database
            arguments = ["--no-owner", "--no-privileges", "--exit-on-error"]
            arguments += [
                "--single-transaction",
                f"--dbname={database}",
                str(folder / POSTGRES_DUMP),
            ]
            await run_tool(pg_restore, arguments, settings.resolved_database_url)
        async with engine.connect() as connection:
            found = await take_census(connection)
        if differences := census_differences(manifest.tables, found):
            msg = "the restored database differs from the backup:\n  " + "\n  ".join(differences)
            raise BackupError(msg)
        await asyncio.to_thread(_copy_tree, folder / UPLOADS, _uploads_of(settings))
        documents = await _rebuild_search(settings, engine)
    finally:
        await engine.dispose()
    uploads = sum(1 for name in manifest.files if name.startswith(f"{UPLOADS}/"))
    rows = sum(table.rows for table in found.values())
    return Restored(tables=len(found), rows=rows, files=uploads, documents=documents)


async def _rebuild_search(settings: Settings, engine: AsyncEngine) -> int:
    """The index is derived from the database: rebuilt, never restored."""
    search = build_backend(settings)
    try:
        await search.prepare()
        return await reindex(async_sessionmaker(engine, expire_on_commit=False), search)
    finally:
        await search.close()
