"""What administrators change in the directory after creating it: stations (one at a time or a
whole list), departments, users' roles and affiliations, locked accounts, organizations.

Like every accounts write: the whole input is checked first (bad input changes nothing), the
change is recorded before/after in the audit log, and the service flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from accounts.models import Department, Organization, Role, Station, User
from accounts.schemas import (
    DepartmentFields,
    OrganizationUpdate,
    StationFields,
    UserUpdate,
)
from accounts.service import ORGANIZATION_COLUMNS, SECRET_FIELDS, AccountsService
from core.audit import Actor, record_change, snapshot
from core.clock import Clock
from core.errors import N_, Conflict, FieldProblem, InvalidInput
from regions.models import Region, RegionLevel

FIX = N_("Some fields need correcting.")
STALE = N_("Someone else saved this in the meantime; reload it and make your change again.")


class RowsOfStationsRejected(InvalidInput):
    """A list of stations with problems; each problem's field starts with its row number."""

    code = "stations_rejected"


class AdministrationService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.accounts = AccountsService(session, clock)

    # --- stations ----------------------------------------------------------------------------

    async def create_station(self, data: StationFields, *, actor: Actor) -> Station:
        await self._check_townships([data.township_code], ["township_code"], InvalidInput)
        return (await self._open([data], actor))[0]

    async def create_stations(
        self, rows: Sequence[StationFields], *, actor: Actor
    ) -> list[Station]:
        """Open a station in each township, all or none; a problem's field is
        ``<row>.township_code`` (rows counted from 1)."""
        fields = [f"{number}.township_code" for number in range(1, len(rows) + 1)]
        codes = [row.township_code for row in rows]
        await self._check_townships(codes, fields, RowsOfStationsRejected)
        return await self._open(rows, actor)

    async def _open(self, rows: Sequence[StationFields], actor: Actor) -> list[Station]:
        townships = await self._townships([row.township_code for row in rows])
        stations = []
        for row in rows:
            township = townships[row.township_code]
            station = Station(**row.model_dump(), township=township)
            station.name = row.name or f"{township.short_name}社工站"
            self.session.add(station)
            stations.append(station)
        await self.session.flush()
        for station in stations:
            self._audit(actor, "station.created", station, after=snapshot(station))
        return stations

    async def update_station(
        self, station_id: UUID, data: StationFields, *, actor: Actor
    ) -> Station:
        station = await self.accounts.require_station(station_id)
        await self._check_townships(
            [data.township_code], ["township_code"], InvalidInput, keep=station.id
        )
        before = snapshot(station)
        for key, value in data.model_dump().items():
            setattr(station, key, value)
        station.name = data.name or station.name
        await self.session.flush()
        await self.session.refresh(station, ["township"])
        self._audit(actor, "station.updated", station, before=before, after=snapshot(station))
        return station

    async def _townships(self, codes: list[str]) -> dict[str, Region]:
        rows = await self.session.scalars(select(Region).where(Region.code.in_(codes)))
        return {region.code: region for region in rows}

    async def _check_townships(
        self,
        codes: Sequence[str],
        fields: Sequence[str],
        error: type[InvalidInput],
        *,
        keep: UUID | None = None,
    ) -> None:
        """Each code a township without a station (but ``keep``'s own), once in the list."""
        townships = await self._townships(list(codes))
        existing = select(Station.township_code).where(Station.township_code.in_(list(codes)))
        if keep is not None:
            existing = existing.where(Station.id != keep)
        taken = set(await self.session.scalars(existing))
        problems = []
        for code, field in zip(codes, fields, strict=True):
            township = townships.get(code)
            if township is None or township.level is not RegionLevel.TOWNSHIP:
                message = N_("%(code)s is not the code of a township or street.")
                problems.append(FieldProblem(field, "not_a_township", message, {"code": code}))
            elif code in taken:
                message = N_("The township %(code)s already has a station.")
                problems.append(FieldProblem(field, "taken", message, {"code": code}))
            taken.add(code)
        if problems:
            raise error(FIX, problems=problems)

    # --- departments -------------------------------------------------------------------------

    async def create_department(self, data: DepartmentFields, *, actor: Actor) -> Department:
        await self._check_department_name(data.name)
        department = Department(name=data.name)
        self.session.add(department)
        await self.session.flush()
        self._audit(actor, "department.created", department, after=snapshot(department))
        return department

    async def rename_department(
        self, department_id: UUID, data: DepartmentFields, *, actor: Actor
    ) -> Department:
        department = await self.accounts.require_department(department_id)
        if data.name != department.name:
            await self._check_department_name(data.name)
        before = snapshot(department)
        department.name = data.name
        await self.session.flush()
        self._audit(
            actor, "department.updated", department, before=before, after=snapshot(department)
        )
        return department

    async def _check_department_name(self, name: str) -> None:
        if await self.session.scalar(select(Department.id).where(Department.name == name)):
            message = N_("A department with this name exists.")
            raise InvalidInput(FIX, problems=[FieldProblem("name", "taken", message)])

    # --- users -------------------------------------------------------------------------------

    async def update_user(self, user_id: UUID, data: UserUpdate, *, actor: Actor) -> User:
        """Roles and affiliation take effect on the user's next request."""
        user = await self.accounts.require_user(user_id)
        problems = await self.accounts.affiliation_problems(data)
        if str(user.id) == actor.user_id and Role.ADMIN not in data.roles:
            problems.append(
                FieldProblem(
                    "roles",
                    "own_admin_role",
                    N_("You cannot take the administrator role from your own account."),
                )
            )
        if problems:
            raise InvalidInput(FIX, problems=problems)
        before = snapshot(user, exclude=SECRET_FIELDS)
        user.display_name = data.display_name
        user.roles = sorted({role.value for role in data.roles})
        user.organization_id = data.organization_id
        user.station_id = data.station_id
        user.department_id = data.department_id
        user.reviewer_categories = sorted({c.value for c in data.reviewer_categories})
        await self.session.flush()
        await self.session.refresh(user, ["organization", "station", "department"])
        self._audit(
            actor,
            "user.updated",
            user,
            before=before,
            after=snapshot(user, exclude=SECRET_FIELDS),
        )
        return user

    async def unlock_user(self, user_id: UUID, *, actor: Actor) -> User:
        """End a lockout after failed sign-ins; the user may try again at once."""
        user = await self.accounts.require_user(user_id)
        before = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
        user.failed_logins = 0
        user.locked_until = None
        self._audit(
            actor,
            "user.unlocked",
            user,
            before=before,
            after={"failed_logins": 0, "locked_until": None},
        )
        return user

    # --- organizations -----------------------------------------------------------------------

    async def update_organization(
        self, organization_id: UUID, data: OrganizationUpdate, *, actor: Actor
    ) -> Organization:
        organization = await self.accounts.require_organization(organization_id)
        if data.version is not None and data.version != organization.version:
            raise Conflict(STALE)
        problems = await self.accounts.region_problems(data.service_region_codes)
        for field, column, message in (
            ("name", Organization.name, N_("An organization with this name exists.")),
            (
                "credit_code",
                Organization.credit_code,
                N_("An organization with this credit code exists."),
            ),
        ):
            value = getattr(data, field)
            clash = await self.session.scalar(
                select(Organization.id).where(column == value, Organization.id != organization.id)
            )
            if clash is not None:
                problems.append(FieldProblem(field, "taken", message))
        if problems:
            raise InvalidInput(FIX, problems=problems)
        before = {**snapshot(organization), "service_regions": organization.service_region_codes}
        for key, value in data.model_dump(include=ORGANIZATION_COLUMNS).items():
            setattr(organization, key, value)
        organization.focus_categories = [c.value for c in data.focus_categories]
        organization.service_regions = await self.accounts.regions_of(data.service_region_codes)
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise Conflict(STALE) from error
        self._audit(
            actor,
            "organization.updated",
            organization,
            before=before,
            after={**snapshot(organization), "service_regions": data.service_region_codes},
        )
        return organization

    # --- shared ------------------------------------------------------------------------------

    def _audit(
        self,
        actor: Actor,
        action: str,
        target: Station | Department | User | Organization,
        **changes: object,
    ) -> None:
        record_change(
            self.session,
            target,
            actor=actor,
            action=action,
            at=self.clock(),
            **changes,  # type: ignore[arg-type]
        )
