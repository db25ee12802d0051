"""Offers: organization members create and edit their own; reviewers review them.

An organization publishes only once verified; an offer serves real divisions; bad input
changes nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, select
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from accounts.models import Organization, Role, Verification
from catalogue.models import EntryKind
from catalogue.schemas import EntryFilters
from catalogue.service import EntryWorkflow, NotYours, listed_states
from catalogue.workflow import EntryState
from core.audit import Actor
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound
from core.pagination import PageRequest, Slice
from regions.models import Region
from supply.models import Offer, OfferLine
from supply.policy import offer_readable, owns_offer
from supply.repository import ListedOffer, OfferRepository, serving
from supply.schemas import OfferFields, OfferUpdate


class OfferNotFound(NotFound):
    code = "offer_not_found"


class OfferService(EntryWorkflow[Offer]):
    kind = EntryKind.OFFER
    model = Offer

    @property
    def offers(self) -> OfferRepository:
        return OfferRepository(session=self.session)

    def is_owner(self, identity: Identity, entry: Offer) -> bool:
        return owns_offer(identity, entry)

    async def create(
        self,
        data: OfferFields,
        identity: Identity,
        actor: Actor,
        *,
        flush: bool = True,
        on_behalf_of: Organization | None = None,
    ) -> Offer:
        """A new draft. Bulk imports pass ``flush=False`` and flush once at the end: the id is
        made here, so history and audit rows need no round trip per entry.

        A reviewer of the category may enter it for a verified organization (``on_behalf_of``):
        the offer is the organization's, marked as entered on its behalf (代录)."""
        if on_behalf_of is not None:
            self.check_on_behalf(identity, data, on_behalf_of)
            organization = on_behalf_of
        elif Role.MEMBER not in identity.roles or identity.organization_id is None:
            raise NotYours(N_("Only members of a social organization publish offers."))
        else:
            found = await self.session.get(Organization, identity.organization_id)
            if found is None:
                raise NotYours(N_("Only members of a social organization publish offers."))
            organization = found
        await self.subcategory(data.subcategory, data.category.value)
        offer = Offer(
            id=uuid7(),
            organization=organization,
            created_by_id=identity.user_id,
            entered_on_behalf_by_id=identity.user_id if on_behalf_of is not None else None,
            state=EntryState.DRAFT,
        )
        await self._fill(offer, data)
        self.session.add(offer)
        if flush:
            await self.flush()
        self.history(offer, "created", actor, None)
        return offer

    @staticmethod
    def check_on_behalf(identity: Identity, data: OfferFields, organization: Organization) -> None:
        """Department-led collection: reviewers of the category, for verified organizations."""
        if not identity.may_review(data.category):
            raise NotYours(N_("Only reviewers of its category enter an offer on behalf of others."))
        if organization.verification is not Verification.VERIFIED:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[
                    FieldProblem(
                        "organization",
                        "not_verified",
                        N_("Offers are entered only for verified organizations."),
                    )
                ],
            )

    async def update(
        self, offer_id: UUID, data: OfferUpdate, identity: Identity, actor: Actor
    ) -> Offer:
        offer = await self.require(offer_id, identity)
        if not self.is_owner(identity, offer):
            raise NotYours(N_("Only the organization's own members edit its offers."))
        self.check_version(offer, data.version)
        self.check_editable(offer)
        await self.subcategory(data.subcategory, data.category.value)
        await self._fill(offer, data)
        await self.flush()
        self.history(offer, "updated", actor, offer.state)
        return offer

    async def delete_draft(self, offer_id: UUID, identity: Identity, actor: Actor) -> None:
        offer = await self.require(offer_id, identity)
        if not self.is_owner(identity, offer):
            raise NotYours(N_("Only the organization's own members edit its offers."))
        await self.delete(offer, actor)

    async def before_submit(self, entry: Offer) -> None:
        organization = await self.session.get(Organization, entry.organization_id)
        if organization is None or organization.verification is not Verification.VERIFIED:
            raise Conflict(
                N_("The organization must be verified by an administrator before it publishes.")
            )

    async def require(self, offer_id: UUID, identity: Identity | None) -> Offer:
        """The offer if this visitor may see it; otherwise it does not exist for them."""
        offer = await self.offers.get_one_or_none(Offer.id == offer_id, offer_readable(identity))
        if offer is None:
            raise OfferNotFound(N_("No such offer."))
        return offer

    async def list(
        self,
        page: PageRequest,
        filters: EntryFilters,
        identity: Identity | None,
        *,
        mine: bool = False,
    ) -> Slice[Offer]:
        """The offers the visitor may read (``supply.policy``); ``mine`` is the member's own
        organization's offers in every state."""
        listed, scope = await self._list_scope(filters, identity, mine=mine)
        items, total = await self.offers.page(page, listed, **scope)
        return total.slice(items, page)

    async def listed(
        self,
        page: PageRequest,
        filters: EntryFilters,
        identity: Identity | None,
        *,
        mine: bool = False,
    ) -> Slice[ListedOffer]:
        """The same page as `list`, read as plain columns: the API and the catalogue page."""
        listed, scope = await self._list_scope(filters, identity, mine=mine)
        items, total = await self.offers.listed_page(page, listed, **scope)
        return total.slice(items, page)

    async def require_listed(self, offer_id: UUID, identity: Identity | None) -> ListedOffer:
        """`require` read as plain columns, for the API's detail."""
        offer = await self.offers.listed_one(offer_id, offer_readable(identity))
        if offer is None:
            raise OfferNotFound(N_("No such offer."))
        return offer

    async def _list_scope(
        self, filters: EntryFilters, identity: Identity | None, *, mine: bool
    ) -> tuple[EntryFilters, dict[str, Any]]:
        """The filters in force and the repository's narrowing for this visitor's list."""
        await self.check_filters(filters)
        organization_id = None
        if mine:
            if identity is None or identity.organization_id is None:
                raise NotYours(N_("Only members of a social organization have offers."))
            organization_id = identity.organization_id
        return listed_states(filters, identity, mine=mine), {
            "readable": offer_readable(identity),
            "organization_id": organization_id,
            "totals": self.memory.totals if self.memory and identity is None else None,
        }

    async def serving(self, region_code: str, page: PageRequest) -> Slice[Offer]:
        """Public offers serving a division (or a division above it), newest first: what a
        region's page lists."""
        items, total = await self.offers.page(
            page, EntryFilters(), readable=and_(offer_readable(None), serving(region_code))
        )
        return total.slice(items, page)

    async def _fill(self, offer: Offer, data: OfferFields) -> None:
        regions = list(
            await self.session.scalars(
                select(Region).where(Region.code.in_(data.service_region_codes))
            )
        )
        unknown = sorted(set(data.service_region_codes) - {r.code for r in regions})
        if unknown:
            raise InvalidInput(
                N_("Some fields need correcting."),
                problems=[
                    FieldProblem(
                        "service_region_codes",
                        "unknown_region",
                        N_("No administrative division has the code %(code)s."),
                        {"code": code},
                    )
                    for code in unknown
                ],
            )
        offer.category = data.category
        offer.subcategory_code = data.subcategory
        offer.title = data.title
        offer.description = data.description
        offer.valid_from = data.valid_from
        offer.valid_until = data.valid_until
        offer.capacity = data.capacity
        offer.contact_name = data.contact_name
        offer.contact_phone = data.contact_phone
        offer.tags = list(dict.fromkeys(data.tags))
        offer.service_regions = regions
        offer.lines = [
            OfferLine(
                position=position,
                kind=line.kind,
                item=line.item,
                unit=line.stored_unit,
                value=line.value,
                offered=line.amount,
            )
            for position, line in enumerate(data.lines)
        ]
