"""Making an agreement: from accepted proposals of one organization with one recipient (their
lines and amounts carried over, the agreement holding what accepting committed), or from paper
by a reviewer of the category. Each is numbered in the creating transaction
(``agreements.numbering``) and audited. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Verification
from accounts.policy import reviews
from agreements.models import (
    Agreement,
    AgreementLine,
    AgreementProposal,
    AgreementState,
    RecipientKind,
)
from agreements.numbering import next_number
from agreements.policy import may_agree_on
from agreements.reporting import indicator_of
from agreements.repository import AgreementRepository
from agreements.schemas import AgreementCreate, AgreementTerms, PaperAgreementCreate
from core.audit import Actor, record_change
from core.clock import Clock, local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, PermissionDenied
from core.pagination import PageRequest
from demand.models import Channel, Need
from matching.models import Proposal, ProposalState
from matching.proposals import ProposalService
from regions.models import RegionLevel

MAX_PAIRINGS = 100
"""The most accepted pairings the form to make an agreement offers, newest first (one
agreement holds at most 50)."""


class ProposalsNotAgreeable(Conflict):
    code = "proposals_not_agreeable"


class AgreementDrafting:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.agreements = AgreementRepository(session)

    async def create_from_proposals(
        self, data: AgreementCreate, identity: Identity, actor: Actor
    ) -> Agreement:
        proposals = await self._agreeable(data.proposal_ids, identity)
        first = proposals[0]
        need = first.need
        event_ids = {proposal.event_id for proposal in proposals}
        agreement = await self._new(
            data,
            identity,
            category=data.category or need.category,
            organization_id=first.organization_id,
            event_id=data.event_id or (event_ids.pop() if len(event_ids) == 1 else None),
        )
        await self._recipient_from_needs(agreement, [proposal.need for proposal in proposals])
        organization = first.offer.organization
        _contacts(
            agreement,
            data,
            (organization.contact_name, organization.contact_phone),
            need.contact,
        )
        agreement.proposals = [AgreementProposal(proposal_id=p.id) for p in proposals]
        agreement.lines = [
            AgreementLine(
                position=position,
                kind=line.offer_line.kind,
                item=line.need_line.item or line.offer_line.item,
                unit=line.offer_line.unit,
                amount=line.amount,
                covers=line.covers,
                need_line_id=line.need_line_id,
                offer_line_id=line.offer_line_id,
                proposal_id=proposal.id,
            )
            for position, (proposal, line) in enumerate(
                (proposal, line) for proposal in proposals for line in proposal.lines
            )
        ]
        return await self._created(agreement, actor)

    async def enter_from_paper(
        self, data: PaperAgreementCreate, identity: Identity, actor: Actor
    ) -> Agreement:
        """A reviewer records an agreement signed on paper; its lines hold nothing in the
        catalogue (they name no need or offer line)."""
        if not reviews(identity, data.category):
            raise PermissionDenied(N_("Only a reviewer of the category enters paper agreements."))
        organization = await self.agreements.organization(data.organization_id)
        if organization is None or organization.verification is not Verification.VERIFIED:
            raise InvalidInput(
                N_("Choose a verified organization."),
                problems=[
                    FieldProblem(
                        "organization_id", "not_verified", N_("Choose a verified organization.")
                    )
                ],
            )
        agreement = await self._new(
            data,
            identity,
            category=data.category,
            organization_id=organization.id,
            event_id=data.event_id,
        )
        if data.department_id is not None:
            department = await self.agreements.department(data.department_id)
            if department is None:
                raise _unknown("department_id", N_("No such department."))
            agreement.recipient_kind = RecipientKind.DEPARTMENT
            agreement.recipient_name = department.name
            agreement.department_id = department.id
            recipient_default = None
        else:
            await self._recipient_region(agreement, data.region_code or "")
            recipient_default = await self._station_contact(agreement.township_code)
        _contacts(
            agreement,
            data,
            (organization.contact_name, organization.contact_phone),
            recipient_default,
        )
        agreement.lines = [
            AgreementLine(
                position=position,
                kind=line.kind,
                item=line.item,
                unit=line.unit,
                amount=line.amount,
                covers=line.amount,
            )
            for position, line in enumerate(data.lines)
        ]
        return await self._created(agreement, actor)

    async def pairings_to_agree(self, identity: Identity) -> list[Proposal]:
        """The accepted pairings the identity sees and may make an agreement of, in none yet:
        what the form to make one offers."""
        visible = await ProposalService(self.session, self.clock).list_for(
            identity, PageRequest(1, MAX_PAIRINGS), state=ProposalState.ACCEPTED
        )
        taken = set(await self.agreements.already_agreed(p.id for p in visible.items))
        return [
            proposal
            for proposal in visible.items
            if proposal.id not in taken and may_agree_on(identity, [proposal])
        ]

    async def _agreeable(self, proposal_ids: Sequence[UUID], identity: Identity) -> list[Proposal]:
        """The proposals, if the identity may make one agreement of them: all accepted, in no
        other agreement, of one organization and one recipient."""
        wanted = list(dict.fromkeys(proposal_ids))
        found = {proposal.id: proposal for proposal in await self.agreements.proposals(wanted)}
        if len(found) != len(wanted):
            raise _unknown("proposal_ids", N_("No such proposal."))
        proposals = [found[proposal_id] for proposal_id in wanted]
        if not may_agree_on(identity, proposals):
            raise PermissionDenied(
                N_(
                    "Only the organization, the recipient's station or a reviewer of the "
                    "category may make an agreement from these pairings."
                )
            )
        if any(proposal.state is not ProposalState.ACCEPTED for proposal in proposals):
            raise ProposalsNotAgreeable(N_("An agreement is made only of accepted pairings."))
        if await self.agreements.already_agreed(wanted):
            raise ProposalsNotAgreeable(
                N_("A pairing among these already belongs to an agreement.")
            )
        if len({proposal.organization_id for proposal in proposals}) > 1:
            raise InvalidInput(N_("An agreement is made with one organization only."))
        if len({recipient_key(proposal.need) for proposal in proposals}) > 1:
            raise InvalidInput(
                N_("An agreement has one recipient: pairings of one township or one department.")
            )
        return proposals

    async def _new(
        self,
        data: AgreementTerms,
        identity: Identity,
        *,
        category: object,
        organization_id: UUID,
        event_id: UUID | None,
    ) -> Agreement:
        if event_id is not None and not await self.agreements.event_exists(event_id):
            raise _unknown("event_id", N_("No such signing event."))
        year = local_date(self.clock()).year
        agreement = Agreement(
            number="",
            year=year,
            title=data.title,
            category=category,
            programme=data.programme,
            state=AgreementState.DRAFT,
            organization_id=organization_id,
            event_id=event_id,
            period_start=data.period_start,
            period_end=data.period_end,
            organization_signatory=data.organization_signatory,
            recipient_signatory=data.recipient_signatory,
            termination_reason="",
            created_by_id=identity.user_id,
            proposals=[],
        )
        agreement.indicators = [
            indicator_of(agreement, indicator, position)
            for position, indicator in enumerate(data.indicators)
        ]
        return agreement

    async def _created(self, agreement: Agreement, actor: Actor) -> Agreement:
        """Number it in this transaction (a rollback gives the number back) and audit it."""
        agreement.number = await next_number(self.session, agreement.year)
        self.session.add(agreement)
        await self.session.flush()
        await self.session.refresh(agreement, ["organization"])
        record_change(
            self.session,
            agreement,
            actor=actor,
            action="agreement.created",
            after={
                "number": agreement.number,
                "organization_id": agreement.organization_id,
                "recipient": agreement.recipient_name,
                "proposal_ids": agreement.proposal_ids,
                "amounts": [line.amount for line in agreement.lines],
            },
            at=self.clock(),
        )
        return agreement

    async def _recipient_from_needs(self, agreement: Agreement, needs: Sequence[Need]) -> None:
        """One village when all needs are of it, else their township; a department's needs go
        to that department's reviewers."""
        need = needs[0]
        if need.channel is not Channel.STATION:
            agreement.recipient_kind = RecipientKind.DEPARTMENT
            agreement.recipient_name = need.channel_name or need.channel.value
            agreement.county_code = need.county_code
            return
        codes = {each.region_code for each in needs}
        await self._recipient_region(
            agreement, codes.pop() if len(codes) == 1 else need.township_code
        )

    async def _station_contact(self, township_code: str | None) -> tuple[str, str] | None:
        """A village's or township's station answers for it unless the form names someone,
        as its need's contact does for an agreement made from pairings."""
        if township_code is None:
            return None
        station = await self.agreements.station_of(township_code)
        if station is None or not station.contact_name:
            return None
        return station.contact_name, station.contact_phone

    async def _recipient_region(self, agreement: Agreement, code: str) -> None:
        region = await self.agreements.region(code)
        if region is None or region.level is RegionLevel.CITY:
            raise _unknown("region_code", N_("Choose a village, township or county."))
        agreement.recipient_kind = RecipientKind(region.level.value)
        agreement.recipient_name = region.full_name
        agreement.recipient_region_code = region.code
        # Division codes nest: a county's six digits lead every code below it.
        agreement.county_code = region.code[:6] + "000000"
        if region.level is not RegionLevel.COUNTY:
            agreement.township_code = (
                region.code if region.level is RegionLevel.TOWNSHIP else region.parent_code
            )


def recipient_key(need: Need) -> tuple[str, str]:
    """Pairings with the same key have one recipient, so one agreement may hold them."""
    if need.channel is Channel.STATION:
        return ("township", need.township_code)
    return (need.channel.value, need.channel_name)


def _unknown(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(field, "unknown", message)])


def _contacts(
    agreement: Agreement,
    data: AgreementTerms,
    organization_default: tuple[str, str],
    recipient_default: tuple[str, str] | None,
) -> None:
    organization = data.organization_contact
    recipient = data.recipient_contact
    agreement.organization_contact_name, agreement.organization_contact_phone = (
        (organization.name, organization.phone) if organization else organization_default
    )
    agreement.recipient_contact_name, agreement.recipient_contact_phone = (
        (recipient.name, recipient.phone) if recipient else recipient_default or ("", "")
    )
