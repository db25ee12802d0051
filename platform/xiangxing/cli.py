"""The ``xiangxing`` command: serve, run the demo, manage the database.

Start-up stays short (``xiangxing --help`` imports click and little else): each command imports
what it needs when it runs, and the command groups of other modules are loaded only when named
(`LAZY_COMMANDS`). Litestar's own CLI stays usable beside it:
``LITESTAR_APP=xiangxing.app:create_app litestar routes`` (or ``… litestar run``).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from core.settings import Settings

APP_FACTORY = "xiangxing.app:create_served_app"

LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "user": ("xiangxing.cli_accounts:user", "Users and roles."),
    "audit": ("xiangxing.cli_accounts:audit_group", "The audit log: retention."),
    "search": (
        "xiangxing.cli_search:search_group",
        "The search index: settings, indexer, rebuild.",
    ),
    "backup": ("xiangxing.cli_backup:backup", "Write a consistent backup into an empty folder."),
    "restore": ("xiangxing.cli_backup:restore", "Restore a backup into an empty database."),
    "station": ("xiangxing.cli_admin:station", "Township social-work stations: open, list."),
    "stations": ("xiangxing.cli_admin:stations_group", "Open many stations from a file."),
    "org": ("xiangxing.cli_admin:org_group", "Social organizations: create."),
    "worker": ("xiangxing.cli_worker:worker", "Run the periodic and deferred jobs."),
    "ledger": ("xiangxing.cli_ledger:ledger_group", "Verify ledger chains and summaries."),
    "matching": (
        "xiangxing.cli_matching:matching_group",
        "Pairing and signing-event plans: stored words, planning process.",
    ),
}
"""Command name → (``module:attribute``, the one-line help shown before it is loaded)."""


class LazyGroup(click.Group):
    """A group whose commands from `LAZY_COMMANDS` are imported only when they are run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, _, attribute = LAZY_COMMANDS[cmd_name][0].partition(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list in ``--help``, without importing the lazy commands for their help."""
        rows = [
            (name, command.get_short_help_str())
            for name, command in self.commands.items()
            if not command.hidden
        ]
        rows += [(name, short_help) for name, (_, short_help) in LAZY_COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


def _serve(host: str, port: int, workers: int) -> None:
    """Granian, restarting a worker that dies instead of exiting with it."""
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        APP_FACTORY,
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
        respawn_failed_workers=True,
    ).serve()


@click.group(cls=LazyGroup)
def main() -> None:
    """乡兴 Xiangxing: social organizations helping villages."""


def _settings() -> Settings:
    from xiangxing.cli_support import settings_or_exit

    return settings_or_exit()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app (run `xiangxing db upgrade` first)."""
    from core.settings import MAKE_A_SECRET, Environment

    settings = _settings()
    if settings.env is not Environment.DEVELOPMENT and settings.uses_development_secret:
        msg = (
            f"XIANGXING_SECRET_KEY is not set (XIANGXING_ENV={settings.env.value}): "
            f"make one with {MAKE_A_SECRET} and set it, or XIANGXING_SECRET_KEY_FILE"
        )
        raise click.ClickException(msg)
    _serve(host, port, workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(host: str, port: int) -> None:
    """Migrate, load the demo data into an empty database and serve it."""
    from xiangxing.cli_support import with_engine
    from xiangxing.demo import DEMO_PASSWORD, load_demo_data

    settings = _settings()
    changed = asyncio.run(_prepare())
    accounts = asyncio.run(with_engine(lambda engine: load_demo_data(engine, settings)))
    click.echo(f"数据库 database: {settings.resolved_database_url}")
    click.echo(f"行政区划 divisions new or changed: {changed['regions']}")
    if accounts:
        click.echo(f"演示账号 demo accounts (password 密码: {DEMO_PASSWORD}):")
        for account in accounts:
            click.echo(f"  {account.username:<16} {account.role.value:<15} {account.belongs_to}")
    else:
        click.echo("演示账号 demo accounts: the database already had users; none added.")
        click.echo(f"  (fresh demo accounts use the password {DEMO_PASSWORD})")
    click.echo(f"打开 open: http://{host}:{port}/")
    _serve(host, port, 1)


async def _prepare(revision: str = "head") -> dict[str, int]:
    from xiangxing.cli_support import with_engine
    from xiangxing.setup import upgrade_database

    return await with_engine(lambda engine: upgrade_database(engine, revision))


@main.group()
def db() -> None:
    """Database schema (Alembic migrations) and reference data."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate to REVISION (default: the newest) and load the reference data; several at
    once take turns (a lock on PostgreSQL)."""
    _settings()
    changed = asyncio.run(_prepare(revision))
    click.echo(f"upgraded to {revision}; divisions new or changed: {changed['regions']}")


@db.command("downgrade")
@click.argument("revision")
@click.confirmation_option(prompt="Downgrading drops tables and their data. Continue?")
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (``base`` empties the database)."""
    from xiangxing import migrate
    from xiangxing.cli_support import with_engine

    asyncio.run(with_engine(lambda engine: migrate.downgrade(engine, revision)))
    click.echo(f"downgraded to {revision}")


@db.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from xiangxing import migrate
    from xiangxing.cli_support import with_engine

    current = asyncio.run(with_engine(migrate.current_revision))
    click.echo(current or "empty database (no revision)")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from xiangxing import migrate
    from xiangxing.cli_support import with_engine

    asyncio.run(with_engine(lambda engine: migrate.autogenerate(engine, message)))


if __name__ == "__main__":
    sys.exit(main())
