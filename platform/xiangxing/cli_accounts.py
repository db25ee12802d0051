"""Commands for accounts and the audit log: the first admin of a fresh deployment, retention."""

from __future__ import annotations

import asyncio
import sys

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Department, Organization, Role, Station, User
from accounts.schemas import UserCreate
from accounts.service import AccountsService
from core import audit
from core.audit import RETENTION_DAYS, Actor
from core.clock import utc_now
from core.errors import InvalidInput
from core.forms import parse
from core.i18n import translate
from regions.models import Region
from xiangxing.cli_support import in_transaction

CLI_ACTOR = Actor(user_id=None, username="cli", role="system", ip=None)
DEFAULT_DEPARTMENT = "昭通市民政局"


@click.group()
def user() -> None:
    """Users and roles."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--display-name", default=None, help="Defaults to the user name.")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--organization", default=None, help="Organization name (for members).")
@click.option("--station", default=None, help="Township name or code (for station workers).")
@click.option(
    "--department",
    default=None,
    help=f"Department name for reviewers, admins, viewers; created if missing "
    f"(default {DEFAULT_DEPARTMENT}).",
)
@click.option(
    "--reviewer-category",
    "reviewer_categories",
    multiple=True,
    help="Limit a reviewer to these top categories (industry, talent, …).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    username: str,
    display_name: str | None,
    roles: tuple[str, ...],
    organization: str | None,
    station: str | None,
    department: str | None,
    reviewer_categories: tuple[str, ...],
    password_stdin: bool,
) -> None:
    """Create a user; the password is asked for (twice) unless read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def create(session: AsyncSession) -> User:
        affiliation = await _affiliation(
            session,
            Role(roles[0]),
            organization=organization,
            station=station,
            department=department,
        )
        data = parse(
            UserCreate,
            {
                "username": username,
                "display_name": display_name or username,
                "password": password,
                "roles": list(roles),
                "reviewer_categories": list(reviewer_categories),
                **affiliation,
            },
        )
        return await AccountsService(session, utc_now).create_user(data, actor=CLI_ACTOR)

    try:
        created = asyncio.run(in_transaction(create))
    except InvalidInput as error:
        lines = [f"{p.field}: {translate('en', p.message, p.params)}" for p in error.problems]
        raise click.ClickException("; ".join(lines) or str(error)) from error
    click.echo(f"created {created.username} ({', '.join(created.roles)})")


async def _affiliation(
    session: AsyncSession,
    role: Role,
    *,
    organization: str | None,
    station: str | None,
    department: str | None,
) -> dict[str, object]:
    if role is Role.MEMBER:
        found = await session.scalar(select(Organization).where(Organization.name == organization))
        if found is None:
            raise click.ClickException(f"no organization named {organization!r} (--organization)")
        return {"organization_id": found.id}
    if role is Role.STATION_WORKER:
        found_station = await session.scalar(
            select(Station)
            .join(Region)
            .where((Region.code == station) | (Region.short_name == station))
        )
        if found_station is None:
            raise click.ClickException(f"no station for township {station!r} (--station)")
        return {"station_id": found_station.id}
    name = department or DEFAULT_DEPARTMENT
    found_department = await session.scalar(select(Department).where(Department.name == name))
    if found_department is None:
        found_department = Department(name=name)
        session.add(found_department)
        await session.flush()
        click.echo(f"created department {name}")
    return {"department_id": found_department.id}


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("prune")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=RETENTION_DAYS),
    default=365,
    show_default=True,
    help=f"Delete entries older than this; never fewer than {RETENTION_DAYS} days.",
)
def prune_audit(older_than_days: int) -> None:
    """Delete old audit entries (rows younger than the retention period always stay)."""

    async def prune(session: AsyncSession) -> int:
        return await audit.prune(session, older_than_days=older_than_days, now=utc_now())

    click.echo(f"deleted {asyncio.run(in_transaction(prune))} audit entries")
