"""Needs: station workers post for the villages of their own township, reviewers on behalf of
an association or department; reviewers review and verify them."""

from __future__ import annotations

from uuid import UUID

from uuid_utils.compat import uuid7

from accounts.identity import Identity
from accounts.models import Role, Station
from catalogue.lines import LineKind
from catalogue.models import EntryKind
from catalogue.schemas import EntryFilters
from catalogue.service import EntryWorkflow, NotYours
from catalogue.workflow import EntryState, Party
from core.audit import Actor
from core.clock import local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from core.pagination import PageRequest, Slice
from demand.models import Channel, Need, NeedLine, Urgency
from demand.repository import NeedRepository
from demand.schemas import NeedFields, NeedUpdate
from regions.models import Region, RegionLevel

PUBLIC_STATES = frozenset({EntryState.PUBLISHED})


class NeedNotFound(NotFound):
    code = "need_not_found"


class NeedService(EntryWorkflow[Need]):
    kind = EntryKind.NEED

    @property
    def needs(self) -> NeedRepository:
        return NeedRepository(session=self.session)

    def is_owner(self, identity: Identity, entry: Need) -> bool:
        if entry.channel is Channel.STATION:
            return (
                Role.STATION_WORKER in identity.roles
                and identity.township_code == entry.township_code
            )
        return identity.may_review(entry.category)

    async def create(
        self, data: NeedFields, identity: Identity, actor: Actor, *, flush: bool = True
    ) -> Need:
        """A new draft. Bulk imports pass ``flush=False`` and flush once at the end: the id is
        made here, so history and audit rows need no round trip per entry."""
        need = Need(id=uuid7(), created_by_id=identity.user_id, state=EntryState.DRAFT)
        await self._fill(need, data, identity)
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
        if need.state is not EntryState.DRAFT:
            raise Conflict(N_("Only drafts can be deleted; withdraw a submitted entry instead."))
        self.history(need, "deleted", actor, need.state)
        await self.session.delete(need)
        await self.flush()

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
        need = await self.needs.get_one_or_none(Need.id == need_id)
        if need is None or not self.may_see(identity, need):
            raise NeedNotFound(N_("No such need."))
        return need

    async def list(
        self,
        page: PageRequest,
        filters: EntryFilters,
        identity: Identity | None,
        *,
        urgency: Urgency | None = None,
        mine: bool = False,
    ) -> Slice[Need]:
        """Published needs for everyone; reviewers see every state. ``mine`` is a station
        worker's own township in every state, or the needs a reviewer posted for associations
        and departments."""
        if mine:
            if identity is None:
                raise NotYours(N_("Only station workers have needs of their own."))
            if identity.township_code is not None:
                scope = {"township_code": identity.township_code}
            elif Role.REVIEWER in identity.roles:
                scope = {"posted_by": identity.user_id}
            else:
                raise NotYours(N_("Only station workers have needs of their own."))
            items, total = await self.needs.page(page, filters, urgency=urgency, **scope)
        else:
            reviewer = identity is not None and Role.REVIEWER in identity.roles
            items, total = await self.needs.page(
                page,
                filters,
                urgency=urgency,
                visible_states=None if reviewer else PUBLIC_STATES,
                totals=self.memory.totals if self.memory else None,
            )
        return Slice.of(items, total, page)

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
        township = region if region.level is RegionLevel.TOWNSHIP else region.parent_code
        township_code = township.code if isinstance(township, Region) else township
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
            await self.session.get(Station, identity.station_id)
            if data.channel is Channel.STATION and identity.station_id
            else None
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
                unit=line.unit if line.kind is LineKind.GOODS else line.kind.default_unit,
                sought=line.amount,
            )
            for position, line in enumerate(data.lines)
        ]

    async def _place(self, data: NeedFields, identity: Identity) -> Region:
        """The need's village or township: inside the worker's own township for a station;
        anywhere in the city for a reviewer posting on behalf of others."""
        region = await self.session.get(Region, data.region_code)
        problem = None
        if region is None or region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            problem = N_("Choose a township or a village.")
        elif data.channel is Channel.STATION:
            if Role.STATION_WORKER not in identity.roles or identity.township_code is None:
                raise NotYours(N_("Only station workers post needs for a station."))
            if identity.township_code not in (region.code, region.parent_code):
                problem = N_("A station posts needs only for its own township and its villages.")
        elif Role.REVIEWER not in identity.roles:
            raise NotYours(
                N_("Only reviewers post needs on behalf of associations or departments.")
            )
        if problem or region is None:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[FieldProblem("region_code", "wrong_region", problem or "")],
            )
        return region
