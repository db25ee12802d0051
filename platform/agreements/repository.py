"""Every query of the agreements package (the counter's lives in ``numbering``, the track
record's in ``track_record``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Department, Organization, Station, Verification
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementLine,
    AgreementProposal,
    DocumentKind,
)
from agreements.schemas import AgreementFilters
from core.audit import AuditEntry
from core.database import locked
from core.pagination import PageRequest
from demand.models import NeedLine
from matching.models import Proposal, SigningEvent
from regions.models import Region
from supply.models import Offer, OfferLine


@dataclass(frozen=True, slots=True)
class FilterChoices:
    organizations: list[tuple[str, str]]
    events: list[tuple[str, str]]
    years: list[int]


@dataclass(frozen=True, slots=True)
class FormChoices:
    events: list[tuple[str, str]]
    organizations: list[tuple[str, str]]
    departments: list[tuple[str, str]]


class AgreementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self, readable: ColumnElement[bool], filters: AgreementFilters, page: PageRequest
    ) -> tuple[list[Agreement], int]:
        """Readable agreements (``agreements.policy``), newest first, narrowed by the filters."""
        conditions = [readable, *filter_conditions(filters)]
        query = select(Agreement).join(Agreement.organization).where(*conditions)
        total = (
            await self.session.scalar(
                select(func.count())
                .select_from(Agreement)
                .join(Organization, Agreement.organization_id == Organization.id)
                .where(*conditions)
            )
            or 0
        )
        rows = await self.session.scalars(
            query.order_by(Agreement.created_at.desc(), Agreement.id.desc())
            .limit(page.page_size)
            .offset(page.offset)
        )
        return list(rows.unique()), total

    async def find(
        self, agreement_id: UUID, readable: ColumnElement[bool], *, lock: bool = False
    ) -> Agreement | None:
        query = select(Agreement).where(Agreement.id == agreement_id, readable)
        if lock:
            query = locked(query, of=Agreement)
        return await self.session.scalar(query)

    async def proposals(self, proposal_ids: Iterable[UUID]) -> list[Proposal]:
        """The proposals, locked against a concurrent answer or agreement."""
        rows = await self.session.scalars(
            locked(select(Proposal).where(Proposal.id.in_(list(proposal_ids))), of=Proposal)
        )
        return list(rows.unique())

    async def already_agreed(self, proposal_ids: Iterable[UUID]) -> list[UUID]:
        """Those of the proposals another agreement was already made from."""
        rows = await self.session.scalars(
            select(AgreementProposal.proposal_id).where(
                AgreementProposal.proposal_id.in_(list(proposal_ids))
            )
        )
        return list(rows)

    async def region(self, code: str) -> Region | None:
        return await self.session.get(Region, code)

    async def organization(self, organization_id: UUID) -> Organization | None:
        return await self.session.get(Organization, organization_id)

    async def department(self, department_id: UUID) -> Department | None:
        return await self.session.get(Department, department_id)

    async def station_of(self, township_code: str) -> Station | None:
        """The township's open station."""
        return await self.session.scalar(
            select(Station).where(Station.township_code == township_code, Station.is_active)
        )

    async def event_exists(self, event_id: UUID) -> bool:
        return (
            await self.session.scalar(select(SigningEvent.id).where(SigningEvent.id == event_id))
            is not None
        )

    async def release(self, lines: Iterable[AgreementLine], offer_ids: Iterable[UUID]) -> None:
        """Give back what the lines held on their need and offer lines, and the unit of
        capacity each pairing took on its offer."""
        for line in lines:
            for table, line_id, amount in (
                (NeedLine, line.need_line_id, line.covers),
                (OfferLine, line.offer_line_id, line.amount),
            ):
                if line_id is not None:
                    await self.session.execute(
                        update(table)
                        .where(table.id == line_id)
                        .values(committed=table.committed - amount)
                        .execution_options(synchronize_session="fetch")
                    )
        for offer_id in offer_ids:
            await self.session.execute(
                update(Offer)
                .where(Offer.id == offer_id)
                .values(capacity_used=Offer.capacity_used - 1)
                .execution_options(synchronize_session="fetch")
            )

    async def entries_of(self, lines: Iterable[AgreementLine]) -> tuple[list[UUID], list[UUID]]:
        """The needs and offers whose lines the agreement holds (to re-index them)."""
        lines = list(lines)
        need_line_ids = [line.need_line_id for line in lines if line.need_line_id is not None]
        offer_line_ids = [line.offer_line_id for line in lines if line.offer_line_id is not None]
        needs = await self.session.scalars(
            select(NeedLine.need_id).where(NeedLine.id.in_(need_line_ids)).distinct()
        )
        offers = await self.session.scalars(
            select(OfferLine.offer_id).where(OfferLine.id.in_(offer_line_ids)).distinct()
        )
        return list(needs), list(offers)

    async def documents(self, agreement_id: UUID) -> list[AgreementDocument]:
        rows = await self.session.scalars(
            select(AgreementDocument)
            .where(AgreementDocument.agreement_id == agreement_id)
            .order_by(AgreementDocument.created_at, AgreementDocument.id)
        )
        return list(rows)

    async def document(self, agreement_id: UUID, document_id: UUID) -> AgreementDocument | None:
        document = await self.session.get(AgreementDocument, document_id)
        if document is None or document.agreement_id != agreement_id:
            return None
        return document

    async def has_signed_scan(self, agreement_id: UUID) -> bool:
        return (
            await self.session.scalar(
                select(AgreementDocument.id).where(
                    AgreementDocument.agreement_id == agreement_id,
                    AgreementDocument.kind == DocumentKind.SIGNED_SCAN,
                )
            )
            is not None
        )

    async def history(self, agreement_id: UUID) -> list[AuditEntry]:
        """The agreement's audit trail, oldest first: what its detail page shows as history."""
        rows = await self.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == "agreement",
                AuditEntry.object_id == str(agreement_id),
            )
            .order_by(AuditEntry.occurred_at, AuditEntry.id)
        )
        return list(rows)

    async def choices(self, readable: ColumnElement[bool]) -> FilterChoices:
        """The organizations, signing events and years the reader's agreements have, for the
        list's filters (nothing the reader may not see is named)."""
        organizations = await self.session.execute(
            select(Organization.id, Organization.name)
            .join(Agreement, Agreement.organization_id == Organization.id)
            .where(readable)
            .distinct()
            .order_by(Organization.name)
        )
        events = await self.session.execute(
            select(SigningEvent.id, SigningEvent.name)
            .join(Agreement, Agreement.event_id == SigningEvent.id)
            .where(readable)
            .distinct()
            .order_by(SigningEvent.name)
        )
        years = await self.session.scalars(
            select(Agreement.year).where(readable).distinct().order_by(Agreement.year.desc())
        )
        return FilterChoices(
            organizations=[(str(id_), name) for id_, name in organizations],
            events=[(str(id_), name) for id_, name in events],
            years=list(years),
        )

    async def form_choices(self) -> FormChoices:
        """What an agreement may be made with: the signing events, and for paper agreements
        the verified organizations and the departments (id, name), by name."""
        events = await self.session.execute(
            select(SigningEvent.id, SigningEvent.name).order_by(SigningEvent.held_on.desc())
        )
        organizations = await self.session.execute(
            select(Organization.id, Organization.name)
            .where(Organization.verification == Verification.VERIFIED)
            .order_by(Organization.name)
        )
        departments = await self.session.execute(
            select(Department.id, Department.name).order_by(Department.name)
        )
        return FormChoices(
            events=[(str(id_), name) for id_, name in events],
            organizations=[(str(id_), name) for id_, name in organizations],
            departments=[(str(id_), name) for id_, name in departments],
        )


def filter_conditions(filters: AgreementFilters) -> list[ColumnElement[bool]]:
    """The filters as SQL conditions (``origin`` needs ``Organization`` in the query)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.county is not None:
        conditions.append(Agreement.county_code == filters.county)
    if filters.category is not None:
        conditions.append(Agreement.category == filters.category)
    if filters.programme is not None:
        conditions.append(Agreement.programme == filters.programme)
    if filters.organization_id is not None:
        conditions.append(Agreement.organization_id == filters.organization_id)
    if filters.origin is not None:
        conditions.append(Organization.origin == filters.origin)
    if filters.state is not None:
        conditions.append(Agreement.state == filters.state)
    if filters.event_id is not None:
        conditions.append(Agreement.event_id == filters.event_id)
    if filters.year is not None:
        conditions.append(Agreement.year == filters.year)
    return conditions
