"""The stations and departments API: anyone lists stations (their contacts as
``accounts.policy.sees_contacts`` allows), administrators create and edit both."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from accounts.administration import AdministrationService
from accounts.denials import actor_of
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.models import Role
from accounts.policy import sees_contacts
from accounts.schemas import (
    DepartmentFields,
    DepartmentRead,
    StationContact,
    StationFields,
    StationRead,
    station_read,
)
from accounts.service import AccountsService
from core.access import PUBLIC, SIGNED_IN, roles
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest

ADMIN = roles(Role.ADMIN)
StationBody = Annotated[StationFields, Body(description="The station; the name defaults")]
DepartmentBody = Annotated[DepartmentFields, Body(description="The department's name")]


class StationApiController(Controller):
    path = "/api/v1/stations"
    tags = ["stations"]
    dependencies = ACCOUNT_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Township social-work stations, by township code",
        responses=error_responses(400),
    )
    async def list_stations(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
        active: Annotated[
            bool | None, QueryParameter(description="Only open (true) or closed (false) ones")
        ] = None,
    ) -> Page[StationRead]:
        page = await accounts.station_page(page_request, active=active)
        shown = sees_contacts(request.scope.get("user"))
        return page.to_page(lambda station: station_read(station, with_contact=shown))

    @get(
        "/{station_id:uuid}", opt=PUBLIC, summary="One station", responses=error_responses(400, 404)
    )
    async def get_station(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsService],
        station_id: FromPath[UUID],
    ) -> StationRead:
        station = await accounts.require_station(station_id)
        return station_read(station, with_contact=sees_contacts(request.scope.get("user")))

    @post(
        "/",
        opt={**ADMIN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Open a township's station",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_station(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        data: StationBody,
    ) -> StationRead:
        station = await administration.create_station(data, actor=actor_of(request))
        return StationRead.model_validate(station)

    @put(
        "/{station_id:uuid}",
        opt=ADMIN,
        summary="Edit a station (close it: is_active false)",
        responses=error_responses(400, 401, 403, 404),
    )
    async def update_station(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        station_id: FromPath[UUID],
        data: StationBody,
    ) -> StationRead:
        station = await administration.update_station(station_id, data, actor=actor_of(request))
        return StationRead.model_validate(station)

    @put(
        "/{station_id:uuid}/contact",
        opt=roles(Role.STATION_WORKER, Role.ADMIN),
        summary="Keep a station's contact current (its own workers, administrators)",
        responses=error_responses(400, 401, 403, 404),
    )
    async def update_station_contact(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        station_id: FromPath[UUID],
        data: Annotated[StationContact, Body(description="The contact person and phone")],
    ) -> StationRead:
        station = await accounts.update_station_contact(
            request.user, station_id, data, actor=actor_of(request)
        )
        return station_read(station, with_contact=True)


class DepartmentApiController(Controller):
    path = "/api/v1/departments"
    tags = ["departments"]
    dependencies = ACCOUNT_DEPENDENCIES

    @get(
        "/",
        opt=SIGNED_IN,
        summary="Government departments, by name",
        responses=error_responses(400, 401, 403),
    )
    async def list_departments(
        self,
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
    ) -> Page[DepartmentRead]:
        page = await accounts.department_page(page_request)
        return page.to_page(DepartmentRead.model_validate)

    @post(
        "/",
        opt={**ADMIN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Add a department",
        responses=error_responses(400, 401, 403, 422),
    )
    async def create_department(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        data: DepartmentBody,
    ) -> DepartmentRead:
        department = await administration.create_department(data, actor=actor_of(request))
        return DepartmentRead.model_validate(department)

    @put(
        "/{department_id:uuid}",
        opt=ADMIN,
        summary="Rename a department",
        responses=error_responses(400, 401, 403, 404),
    )
    async def rename_department(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        department_id: FromPath[UUID],
        data: DepartmentBody,
    ) -> DepartmentRead:
        department = await administration.rename_department(
            department_id, data, actor=actor_of(request)
        )
        return DepartmentRead.model_validate(department)
