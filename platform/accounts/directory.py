"""The directory as accounts reads it: stations, departments, an organization's members,
the choices of a form and the counts of the administrators' index, and a station's contact
kept by its own workers. `accounts.service.AccountsService` builds the account rules on it."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Department, Organization, Station, User
from accounts.policy import keeps_station_contact
from accounts.repository import (
    DepartmentRepository,
    DirectoryCountRepository,
    DirectoryCounts,
    OrganizationRepository,
    StationRepository,
    UserRepository,
)
from accounts.schemas import StationContact
from core.audit import Actor, record_change, snapshot
from core.clock import Clock
from core.errors import N_, NotFound, PermissionDenied
from core.pagination import PageRequest, Slice


class Directory:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.users = UserRepository(session=session)
        self.organizations = OrganizationRepository(session=session)
        self.stations = StationRepository(session=session)
        self.departments = DepartmentRepository(session=session)

    # --- stations and departments ------------------------------------------------------------

    async def list_stations(self) -> list[Station]:
        return await self.stations.get_many(order_by=[(Station.township_code, False)])

    async def stations_in(self, prefix: str) -> list[Station]:
        """The open stations of the townships whose codes start with ``prefix`` (a county's
        six digits, a township's nine: division codes nest)."""
        return await self.stations.get_many(
            Station.township_code.startswith(prefix, autoescape=True),
            Station.is_active.is_(True),
            order_by=[(Station.township_code, False)],
        )

    async def station_page(
        self, page: PageRequest, *, active: bool | None = None
    ) -> Slice[Station]:
        items, total = await self.stations.page(page, active=active)
        return Slice.of(items, total, page)

    async def require_station(self, station_id: UUID) -> Station:
        station = await self.stations.get_one_or_none(Station.id == station_id)
        if station is None:
            raise NotFound(N_("No such station."))
        return station

    async def update_station_contact(
        self, identity: Identity, station_id: UUID, contact: StationContact, *, actor: Actor
    ) -> Station:
        """The station's own workers (and administrators) keep its contact current: after a
        pairing is accepted, it is the number the organization calls."""
        station = await self.require_station(station_id)
        if not keeps_station_contact(identity, station.township_code):
            raise PermissionDenied(
                N_("Only the station's own workers and administrators change its contact.")
            )
        before = snapshot(station)
        station.contact_name = contact.contact_name
        station.contact_phone = contact.contact_phone
        await self.session.flush()
        record_change(
            self.session,
            station,
            actor=actor,
            action="station.contact_updated",
            at=self.clock(),
            before=before,
            after=snapshot(station),
        )
        return station

    async def require_department(self, department_id: UUID) -> Department:
        department = await self.departments.get_one_or_none(Department.id == department_id)
        if department is None:
            raise NotFound(N_("No such department."))
        return department

    async def department_page(self, page: PageRequest) -> Slice[Department]:
        items, total = await self.departments.page(page)
        return Slice.of(items, total, page)

    async def list_departments(self) -> list[Department]:
        return await self.departments.get_many(order_by=[(Department.name, False)])

    # --- administrators' reads ---------------------------------------------------------------

    async def members_of(self, organization_id: UUID) -> list[User]:
        """The users of one organization, by user name."""
        return await self.users.get_many(
            User.organization_id == organization_id, order_by=[(User.username, False)]
        )

    async def organization_choices(self) -> list[Organization]:
        """Every organization by name, to choose one in a form."""
        return await self.organizations.get_many(order_by=[(Organization.name, False)])

    async def directory_counts(self) -> DirectoryCounts:
        """How many users, organizations by verification state, stations and departments."""
        return await DirectoryCountRepository(self.session).counts()
