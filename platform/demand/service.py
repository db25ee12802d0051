"""Needs: station workers post for the villages of their own township; reviewers of the
category enter them on behalf of any station, association or department (代录); reviewers
review and verify them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, select
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from accounts.models import Role, Station
from catalogue.models import EntryKind
from catalogue.schemas import EntryFilters
from catalogue.service import EntryWorkflow, NotYours, listed_states
from catalogue.workflow import EntryState, Party
from core.audit import Actor
from core.clock import local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from core.pagination import PageRequest, Slice
from demand.models import Channel, Need, NeedLine, Urgency
from demand.policy import may_post_in, need_open, need_readable, need_still_sought, owns_need
from demand.repository import ListedNeed, NeedRepository
from demand.schemas import NeedFields, NeedUpdate
from regions.models import Region, RegionLevel


class NeedNotFound(NotFound):
    code = "need_not_found"


class NeedService(EntryWorkflow[Need]):
    kind = EntryKind.NEED
    model = Need

    @property
    def needs(self) -> NeedRepository:
        return NeedRepository(session=self.session)

    def is_owner(self, identity: Identity, entry: Need) -> bool:
        return owns_need(identity, entry)

    @staticmethod
    def _own_station(identity: Identity, township_code: str) -> bool:
        return Role.STATION_WORKER in identity.roles and identity.township_code == township_code

    async def create(
        self, data: NeedFields, identity: Identity, actor: Actor, *, flush: bool = True
    ) -> Need:
        """A new draft. Bulk imports pass ``flush=False`` and flush once at the end: the id is
        made here, so history and audit rows need no round trip per entry."""
        need = Need(id=uuid7(), created_by_id=identity.user_id, state=EntryState.DRAFT)
        await self._fill(need, data, identity)
        if not self._own_station(identity, need.township_code):
            need.entered_on_behalf_by_id = identity.user_id
        self.session.add(need)
        if flush:
            await self.flush()
        self.history(need, "created", actor, None)
        return need

    async def update(
        self, need_id: UUID, data: NeedUpdate, identity: Identity, actor: Actor
    ) -> Need:
        need = await self.require(need_id, identity)
        if not self.is_owner(identity, need):
            raise NotYours(N_("Only the township's own station edits its needs."))
        self.check_version(need, data.version)
        self.check_editable(need)
        await self._fill(need, data, identity)
        await self.flush()
        self.history(need, "updated", actor, need.state)
        return need

    async def delete_draft(self, need_id: UUID, identity: Identity, actor: Actor) -> None:
        need = await self.require(need_id, identity)
        if not self.is_owner(identity, need):
            raise NotYours(N_("Only the township's own station edits its needs."))
        await self.delete(need, actor)

    async def verify(self, need_id: UUID, identity: Identity, actor: Actor) -> Need:
        """A reviewer confirms on the ground that the need is real (核实)."""
        need = await self.require(need_id, identity)
        if Party.REVIEWER not in self.parties(identity, need):
            raise NotYours(N_("Only reviewers of its category verify a need."))
        if need.state is not EntryState.PUBLISHED:
            raise Conflict(N_("Only published needs are verified."))
        need.verified_at = self.clock()
        await self.flush()
        self.history(need, "verified", actor, need.state)
        return need

    async def require(self, need_id: UUID, identity: Identity | None) -> Need:
        need = await self.needs.get_one_or_none(Need.id == need_id, need_readable(identity))
        if need is None:
            raise NeedNotFound(N_("No such need."))
        return need

    async def listed(
        self,
        page: PageRequest,
        filters: EntryFilters,
        identity: Identity | None,
        *,
        urgency: Urgency | None = None,
        mine: bool = False,
    ) -> Slice[ListedNeed]:
        """The needs the visitor may read (``demand.policy``), as plain columns. ``mine`` is a
        station worker's own township in every state, or the needs a reviewer posted for
        associations and departments. The open catalogue (published by default) leaves out
        needs whose every line is committed."""
        listed, scope = await self._list_scope(filters, identity, mine=mine)
        items, total = await self.needs.listed_page(page, listed, urgency=urgency, **scope)
        return total.slice(items, page)

    async def require_listed(self, need_id: UUID, identity: Identity | None) -> ListedNeed:
        """`require` read as plain columns, for the API's detail."""
        need = await self.needs.listed_one(need_id, need_readable(identity))
        if need is None:
            raise NeedNotFound(N_("No such need."))
        return need

    async def _list_scope(
        self, filters: EntryFilters, identity: Identity | None, *, mine: bool
    ) -> tuple[EntryFilters, dict[str, Any]]:
        """The filters in force and the repository's narrowing for this visitor's list."""
        await self.check_filters(filters)
        scope: dict[str, Any] = {}
        if mine:
            if identity is not None and identity.township_code is not None:
                scope = {"township_code": identity.township_code}
            elif identity is not None and Role.REVIEWER in identity.roles:
                scope = {"posted_by": identity.user_id}
            else:
                raise NotYours(N_("Only station workers have needs of their own."))
        listed = listed_states(filters, identity, mine=mine)
        open_only = filters.state is None and listed.state is not None
        scope |= {
            "readable": need_readable(identity),
            "still_sought": need_still_sought() if open_only else None,
            "totals": self.memory.totals if self.memory and identity is None else None,
        }
        return listed, scope

    async def open_in(self, region: Region, page: PageRequest) -> Slice[ListedNeed]:
        """Open needs (published, still seeking something) in a division, newest first: what
        a region's page lists."""
        place = {
            RegionLevel.COUNTY: Need.county_code,
            RegionLevel.TOWNSHIP: Need.township_code,
            RegionLevel.VILLAGE: Need.region_code,
        }.get(region.level)
        conditions = [need_readable(None), need_open()]
        if place is not None:
            conditions.append(place == region.code)
        items, total = await self.needs.listed_page(
            page, EntryFilters(), readable=and_(*conditions)
        )
        return total.slice(items, page)

    async def _station_of(self, township_code: str) -> Station | None:
        """The township's station, asked once per service: an import fills thousands of needs
        of a few townships while it holds the write lock."""
        stations: dict[str, Station | None] = self.__dict__.setdefault("_stations", {})
        if township_code not in stations:
            stations[township_code] = await self.session.scalar(
                select(Station).where(Station.township_code == township_code)
            )
        return stations[township_code]

    async def _fill(self, need: Need, data: NeedFields, identity: Identity) -> None:
        await self.subcategory(data.subcategory, data.category.value)
        region = await self._place(data, identity)
        today = local_date(self.clock())
        if data.deadline <= today:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[
                    FieldProblem("deadline", "past", N_("The deadline must be in the future."))
                ],
            )
        township_code = region.code if region.level is RegionLevel.TOWNSHIP else region.parent_code
        assert township_code is not None, "a village lies in a township"
        need.category = data.category
        need.subcategory_code = data.subcategory
        need.title = data.title
        need.description = data.description
        need.region = region
        need.township_code = township_code
        need.county_code = township_code[:6] + "000000"
        need.channel = data.channel
        need.channel_name = data.channel_name
        need.contact_name = data.contact_name
        need.contact_phone = data.contact_phone
        need.station = (
            await self._station_of(township_code) if data.channel is Channel.STATION else None
        )
        need.beneficiary_count = data.beneficiary_count
        need.beneficiary_groups = [group.value for group in data.beneficiary_groups]
        need.urgency = data.urgency
        need.deadline = data.deadline
        need.tags = list(dict.fromkeys(data.tags))
        need.lines = [
            NeedLine(
                position=position,
                kind=line.kind,
                item=line.item,
                unit=line.stored_unit,
                value=line.value,
                sought=line.amount,
            )
            for position, line in enumerate(data.lines)
        ]

    async def _place(self, data: NeedFields, identity: Identity) -> Region:
        """The need's village or township: inside the worker's own township for a station;
        anywhere in the city for a reviewer of its category entering it on behalf of others."""
        region = await self.session.get(Region, data.region_code)
        problem = None
        if region is None or region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            problem = N_("Choose a township or a village.")
        elif Role.REVIEWER in identity.roles and Role.STATION_WORKER not in identity.roles:
            if not identity.may_review(data.category):
                raise NotYours(
                    N_("Only reviewers of its category enter a need on behalf of others.")
                )
        elif data.channel is Channel.STATION:
            if Role.STATION_WORKER not in identity.roles or identity.township_code is None:
                raise NotYours(N_("Only station workers post needs for a station."))
            if not may_post_in(identity, region):
                problem = N_("A station posts needs only for its own township and its villages.")
        else:
            raise NotYours(
                N_("Only reviewers post needs on behalf of associations or departments.")
            )
        if problem or region is None:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[FieldProblem("region_code", "wrong_region", problem or "")],
            )
        return region
