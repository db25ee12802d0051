"""The ``xiangxing`` command: serve, run the demo, manage the database.

Litestar's own CLI stays usable beside it:
``LITESTAR_APP=xiangxing.app:create_app litestar routes`` (or ``… litestar run``).
"""

from __future__ import annotations

import asyncio
import sys

import click
from granian import Granian
from granian.constants import Interfaces

from core.settings import Settings
from xiangxing import migrate
from xiangxing.cli_accounts import audit_group, user
from xiangxing.cli_admin import org_group, station, stations_group
from xiangxing.cli_search import search_group
from xiangxing.cli_support import settings_or_exit, with_engine
from xiangxing.demo import DEMO_PASSWORD, load_demo_data
from xiangxing.setup import upgrade_database

APP_FACTORY = "xiangxing.app:create_app"


def _serve(host: str, port: int, workers: int) -> None:
    Granian(
        APP_FACTORY,
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
    ).serve()


@click.group()
def main() -> None:
    """乡兴 Xiangxing: social organizations helping villages."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app (run `xiangxing db upgrade` first)."""
    settings_or_exit()
    _serve(host, port, workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(host: str, port: int) -> None:
    """Migrate, load the demo data into an empty database and serve it."""
    settings = settings_or_exit()
    changed = asyncio.run(_prepare(settings))
    accounts = asyncio.run(with_engine(load_demo_data))
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


async def _prepare(settings: Settings, revision: str = "head") -> dict[str, int]:
    return await with_engine(lambda engine: upgrade_database(engine, revision))


@main.group()
def db() -> None:
    """Database schema (Alembic migrations) and reference data."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate to REVISION (default: the newest) and load the reference data."""
    changed = asyncio.run(_prepare(settings_or_exit(), revision))
    click.echo(f"upgraded to {revision}; divisions new or changed: {changed['regions']}")


@db.command("downgrade")
@click.argument("revision")
@click.confirmation_option(prompt="Downgrading drops tables and their data. Continue?")
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (``base`` empties the database)."""
    asyncio.run(with_engine(lambda engine: migrate.downgrade(engine, revision)))
    click.echo(f"downgraded to {revision}")


@db.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    current = asyncio.run(with_engine(migrate.current_revision))
    click.echo(current or "empty database (no revision)")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    asyncio.run(with_engine(lambda engine: migrate.autogenerate(engine, message)))


main.add_command(user)
main.add_command(audit_group)
main.add_command(search_group)
for command in (station, stations_group, org_group):
    main.add_command(command)


if __name__ == "__main__":
    sys.exit(main())
