"""Commands that build the directory of a fresh deployment from scripts: stations (one, or a
whole spreadsheet of them at once) and organizations. They use the same services as the admin
pages and the API, so the same checks apply and every change is in the audit log."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.administration import FIX, AdministrationService, RowsOfStationsRejected
from accounts.models import OrganizationType, Origin, RegistrationLevel, Station
from accounts.schemas import OrganizationFields, StationFields
from accounts.service import AccountsService
from core.categories import TopCategory
from core.clock import utc_now
from core.errors import DomainError, FieldProblem, InvalidInput
from core.forms import parse
from core.i18n import translate
from listings.importing.reading import SheetRow, read_rows
from listings.sheet import normal_path
from regions.models import Region, RegionLevel
from xiangxing.cli_accounts import CLI_ACTOR
from xiangxing.cli_support import in_transaction

STATION_HEADERS = {
    "township": ("乡镇", "township", "township_code"),
    "name": ("名称", "站名", "name"),
    "contact_name": ("联系人", "contact_name"),
    "contact_phone": ("联系电话", "contact_phone"),
}
"""The columns of a stations file: the township (12-digit code or path such as 镇雄县/以勒镇,
or a township name found once in the city) and optionally the name and the contact."""


def _explain(error: DomainError) -> click.ClickException:
    lines = [f"{p.field}: {translate('en', p.message, p.params)}" for p in error.problems]
    return click.ClickException("; ".join(lines) or translate("en", error.message, error.params))


def _run(action: Any) -> Any:
    try:
        return asyncio.run(in_transaction(action))
    except DomainError as error:
        raise _explain(error) from error


async def township_code(session: AsyncSession, text: str) -> str | None:
    """A township's code from its code, its path from the county, or its name if unique."""
    text = text.strip()
    if text.isdigit():
        return text
    path = normal_path(text)
    found = list(
        await session.scalars(
            select(Region.code).where(
                Region.level == RegionLevel.TOWNSHIP,
                or_(Region.full_name == path, Region.short_name == path, Region.name == path),
            )
        )
    )
    return found[0] if len(found) == 1 else None


def _no_township(text: str) -> str:
    return f"no single township is called {text!r}: give its code or path, e.g. 镇雄县/以勒镇"


def _station_line(station: Station) -> str:
    state = "open" if station.is_active else "closed"
    contact = " ".join(part for part in (station.contact_name, station.contact_phone) if part)
    return (
        f"{station.township_code}  {station.township.full_name}  {station.name}  {state}  {contact}"
    )


@click.group()
def station() -> None:
    """Township social-work stations, one at a time."""


@station.command("create")
@click.option("--township", required=True, help="Code, path (镇雄县/以勒镇) or unique name.")
@click.option("--name", default="", help="Defaults to <township>社工站.")
@click.option("--contact-name", default="")
@click.option("--contact-phone", default="")
def create_station(township: str, name: str, contact_name: str, contact_phone: str) -> None:
    """Open the station of a township."""

    async def create(session: AsyncSession) -> str:
        code = await township_code(session, township)
        if code is None:
            raise click.ClickException(_no_township(township))
        values = {
            "township_code": code,
            "name": name,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        }
        created = await AdministrationService(session, utc_now).create_station(
            parse(StationFields, values), actor=CLI_ACTOR
        )
        return _station_line(created)

    click.echo(f"created {_run(create)}")


@station.command("list")
def list_stations() -> None:
    """Every station: township code, township, name, open or closed, contact."""

    async def stations(session: AsyncSession) -> list[str]:
        found = await AccountsService(session, utc_now).list_stations()
        return [_station_line(item) for item in found]

    lines = _run(stations)
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} stations")


@click.group("stations")
def stations_group() -> None:
    """Township social-work stations, many at once."""


@stations_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_stations(file: Path) -> None:
    """Open a station in every township of FILE (.xlsx or .csv), all or none.

    Columns: 乡镇 (code, path or unique name), and optionally 名称, 联系人, 联系电话.
    """
    try:
        rows = [_station_values(row) for row in read_rows(file.name, file.read_bytes())]
    except DomainError as error:
        raise _explain(error) from error

    async def create(session: AsyncSession) -> int:
        checked: list[StationFields] = []
        problems: list[FieldProblem] = []
        for index, (_number, values) in enumerate(rows, start=1):
            code = await township_code(session, values["township_code"])
            if code is None:
                message = _no_township(values["township_code"])
                problems.append(FieldProblem(f"{index}.township", "unknown_township", message))
                continue
            values["township_code"] = code
            try:
                checked.append(parse(StationFields, values))
            except InvalidInput as error:
                problems += [replace(p, field=f"{index}.{p.field}") for p in error.problems]
        if problems:
            raise RowsOfStationsRejected(FIX, problems=problems)
        created = await AdministrationService(session, utc_now).create_stations(
            checked, actor=CLI_ACTOR
        )
        return len(created)

    try:
        count = asyncio.run(in_transaction(create))
    except RowsOfStationsRejected as error:
        lines = []
        for problem in error.problems:
            index, _, field = problem.field.partition(".")
            number = rows[int(index) - 1][0]
            message = translate("en", problem.message, problem.params)
            lines.append(f"row {number} {field}: {message}")
        raise click.ClickException("nothing imported; " + "; ".join(lines)) from error
    except DomainError as error:
        raise _explain(error) from error
    click.echo(f"created {count} stations")


def _station_values(row: SheetRow) -> tuple[int, dict[str, str]]:
    values = {"township_code": "", "name": "", "contact_name": "", "contact_phone": ""}
    for key, headers in STATION_HEADERS.items():
        for header in headers:
            if row.get(header, "").strip():
                values["township_code" if key == "township" else key] = row[header].strip()
                break
    return row.number, values


@click.group("org")
def org_group() -> None:
    """Social organizations."""


@org_group.command("create")
@click.option("--name", required=True)
@click.option("--credit-code", required=True, help="The 18-character unified social credit code.")
@click.option(
    "--type", "org_type", required=True, type=click.Choice([t.value for t in OrganizationType])
)
@click.option(
    "--origin",
    default=Origin.LOCAL.value,
    show_default=True,
    type=click.Choice([o.value for o in Origin]),
)
@click.option(
    "--level",
    default=RegistrationLevel.CITY.value,
    show_default=True,
    type=click.Choice([level.value for level in RegistrationLevel]),
    help="Where it is registered.",
)
@click.option("--contact-name", required=True)
@click.option("--contact-phone", required=True)
@click.option("--description", default="")
@click.option("--party-branch", is_flag=True, help="It has a party branch.")
@click.option("--focus", multiple=True, type=click.Choice([c.value for c in TopCategory]))
@click.option("--region", "regions", multiple=True, help="12-digit code of a division it serves.")
def create_organization(**options: Any) -> None:
    """Create an organization, verified (created by the administration)."""
    values = {
        "name": options["name"],
        "credit_code": options["credit_code"],
        "org_type": options["org_type"],
        "origin": options["origin"],
        "registration_level": options["level"],
        "has_party_branch": options["party_branch"],
        "focus_categories": list(options["focus"]),
        "description": options["description"],
        "contact_name": options["contact_name"],
        "contact_phone": options["contact_phone"],
        "service_region_codes": list(options["regions"]),
    }

    async def create(session: AsyncSession) -> str:
        organization = await AccountsService(session, utc_now).create_organization(
            parse(OrganizationFields, values), actor=CLI_ACTOR, verified=True
        )
        return f"{organization.name} ({organization.credit_code})"

    click.echo(f"created {_run(create)}, verified")
