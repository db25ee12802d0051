"""``xiangxing backup DIR`` and ``xiangxing restore DIR`` (see `xiangxing.backup`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from xiangxing.backup import BackupError, restore_backup, write_backup
from xiangxing.cli_support import settings_or_exit
from xiangxing.pg_tools import PgToolError

FOLDER = click.Path(file_okay=False, path_type=Path)


@click.command()
@click.argument("folder", type=FOLDER)
def backup(folder: Path) -> None:
    """Write a consistent backup into an empty folder: the database, the uploaded files and a
    manifest with checksums."""
    try:
        manifest = asyncio.run(write_backup(settings_or_exit(), folder))
    except (BackupError, PgToolError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(table.rows for table in manifest.tables.values())
    uploads = len(manifest.files) - 1
    click.echo(
        f"backup written to {folder}: {manifest.backend} at revision {manifest.revision}, "
        f"{len(manifest.tables)} tables, {rows} rows, {uploads} uploaded files"
    )


@click.command()
@click.argument("folder", type=FOLDER)
def restore(folder: Path) -> None:
    """Restore a backup into an empty database, check it row for row, rebuild the search
    index."""
    try:
        restored = asyncio.run(restore_backup(settings_or_exit(), folder))
    except (BackupError, PgToolError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"restored {restored.tables} tables ({restored.rows} rows, matching the backup), "
        f"{restored.files} uploaded files; search index rebuilt with "
        f"{restored.documents} documents"
    )
