"""The administrators' pages for stations and departments: list, open or add, edit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.administration import AdministrationService
from accounts.denials import actor_of
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.models import Role, Station
from accounts.schemas import DepartmentFields, StationFields
from accounts.service import AccountsService
from core.access import roles
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.idempotency import IDEMPOTENT
from regions.models import Region, RegionLevel

STATION_FORM = "admin/station_form.html"
DEPARTMENT_FORM = "admin/department_form.html"


def _station_values(form: Any) -> dict[str, Any]:
    values = form_values(form)
    values["is_active"] = "is_active" in values
    return values


async def _station_form(
    session: AsyncSession,
    values: dict[str, Any],
    *,
    station: Station | None = None,
    error: InvalidInput | None = None,
) -> Template:
    """The form with the townships still without a station (and the station's own)."""
    taken = select(Station.township_code)
    if station is not None:
        taken = taken.where(Station.id != station.id)
    townships = await session.scalars(
        select(Region)
        .where(Region.level == RegionLevel.TOWNSHIP, Region.code.not_in(taken))
        .order_by(Region.code)
    )
    return Template(
        STATION_FORM,
        context={
            "values": values,
            "error": error,
            "station": station,
            "townships": [(region.code, region.full_name) for region in townships],
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )


class AdminDirectoryController(Controller):
    path = "/admin"
    dependencies = ACCOUNT_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.ADMIN)

    # --- stations ----------------------------------------------------------------------------

    @get("/stations", name="admin:stations")
    async def stations(self, accounts: NamedDependency[AccountsService]) -> Template:
        return Template("admin/stations.html", context={"stations": await accounts.list_stations()})

    @get("/stations/new", name="admin:station-new")
    async def new_station_page(self, db_session: NamedDependency[AsyncSession]) -> Template:
        return await _station_form(db_session, {"is_active": True})

    @post("/stations/new", opt=IDEMPOTENT)
    async def create_station(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        values = _station_values(await request.form())
        try:
            await administration.create_station(
                parse(StationFields, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            return await _station_form(db_session, values, error=error)
        flash_text(request, N_("The station is open; add its workers' accounts now."))
        return Redirect("/admin/stations")

    @get("/stations/{station_id:uuid}", name="admin:station")
    async def station_page(
        self,
        accounts: NamedDependency[AccountsService],
        db_session: NamedDependency[AsyncSession],
        station_id: FromPath[UUID],
    ) -> Template:
        station = await accounts.require_station(station_id)
        values = {
            key: getattr(station, key)
            for key in ("township_code", "name", "contact_name", "contact_phone", "is_active")
        }
        return await _station_form(db_session, values, station=station)

    @post("/stations/{station_id:uuid}")
    async def update_station(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        administration: NamedDependency[AdministrationService],
        db_session: NamedDependency[AsyncSession],
        station_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = _station_values(await request.form())
        try:
            await administration.update_station(
                station_id, parse(StationFields, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            station = await accounts.require_station(station_id)
            return await _station_form(db_session, values, station=station, error=error)
        flash_text(request, N_("The station has been saved."))
        return Redirect("/admin/stations")

    # --- departments -------------------------------------------------------------------------

    @get("/departments", name="admin:departments")
    async def departments(self, accounts: NamedDependency[AccountsService]) -> Template:
        return Template(
            "admin/departments.html", context={"departments": await accounts.list_departments()}
        )

    @get("/departments/new", name="admin:department-new")
    async def new_department_page(self) -> Template:
        return Template(DEPARTMENT_FORM, context={"values": {}, "department": None})

    @post("/departments/new", opt=IDEMPOTENT)
    async def create_department(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
    ) -> Template | Redirect:
        values = form_values(await request.form())
        try:
            await administration.create_department(
                parse(DepartmentFields, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            return Template(
                DEPARTMENT_FORM,
                context={"values": values, "department": None, "error": error},
                status_code=HTTP_400_BAD_REQUEST,
            )
        flash_text(request, N_("The department has been added."))
        return Redirect("/admin/departments")

    @get("/departments/{department_id:uuid}", name="admin:department")
    async def department_page(
        self, accounts: NamedDependency[AccountsService], department_id: FromPath[UUID]
    ) -> Template:
        department = await accounts.require_department(department_id)
        return Template(
            DEPARTMENT_FORM,
            context={"values": {"name": department.name}, "department": department},
        )

    @post("/departments/{department_id:uuid}")
    async def rename_department(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        administration: NamedDependency[AdministrationService],
        department_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = form_values(await request.form())
        try:
            await administration.rename_department(
                department_id, parse(DepartmentFields, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            department = await accounts.require_department(department_id)
            return Template(
                DEPARTMENT_FORM,
                context={"values": values, "department": department, "error": error},
                status_code=HTTP_400_BAD_REQUEST,
            )
        flash_text(request, N_("The department has been renamed."))
        return Redirect("/admin/departments")
