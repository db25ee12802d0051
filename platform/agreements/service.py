"""The rules of agreements: making one from accepted pairings or from paper, and taking it
through its lifecycle.

An agreement made from proposals takes over what accepting them committed on the need and offer
lines (their lines and amounts are carried over and held by the agreement). Signing turns the
proposals to ``converted``; terminating gives the held amounts back. Needs whose lines are all
committed leave the open catalogue and the search index (``demand.policy.need_open``), so each
step that moves amounts queues its entries on the search outbox. Every step is version-checked
and audited in the same transaction. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from accounts.identity import Identity
from accounts.models import Verification
from accounts.policies import member_of, reviews, works_in_township
from agreements.lifecycle import Party, Step, may_take, target
from agreements.models import (
    Agreement,
    AgreementLine,
    AgreementProposal,
    AgreementState,
    Indicator,
    RecipientKind,
)
from agreements.numbering import next_number
from agreements.policy import agreement_private, agreement_readable, parties_of, signed_sides
from agreements.reporting import default_frequency
from agreements.repository import AgreementRepository
from agreements.schemas import (
    AgreementCreate,
    AgreementFilters,
    AgreementTerms,
    IndicatorIn,
    PaperAgreementCreate,
    StepIn,
)
from catalogue.service import STALE, StaleVersion
from core.audit import Actor, record
from core.clock import Clock, local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from core.pagination import PageRequest, Slice
from demand.models import Channel, Need
from matching.models import Proposal, ProposalState
from regions.models import RegionLevel
from search.outbox import NEED, OFFER, enqueue


class AgreementNotFound(NotFound):
    code = "agreement_not_found"


NO_SUCH_AGREEMENT = N_("No such agreement.")


class ProposalsNotAgreeable(Conflict):
    code = "proposals_not_agreeable"


class AgreementService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.agreements = AgreementRepository(session)

    async def list(
        self, identity: Identity | None, filters: AgreementFilters, page: PageRequest
    ) -> Slice[Agreement]:
        items, total = await self.agreements.page(agreement_readable(identity), filters, page)
        return Slice.of(items, total, page)

    async def require(
        self, agreement_id: UUID, identity: Identity | None, *, private: bool = False
    ) -> Agreement:
        """The agreement if the identity may read it (its private side, with ``private``);
        404 otherwise, as if it did not exist."""
        readable = agreement_private(identity) if private else agreement_readable(identity)
        agreement = await self.agreements.find(agreement_id, readable)
        if agreement is None:
            raise AgreementNotFound(NO_SUCH_AGREEMENT)
        return agreement

    async def create_from_proposals(
        self, data: AgreementCreate, identity: Identity, actor: Actor
    ) -> Agreement:
        proposals = await self._agreeable(data.proposal_ids)
        first = proposals[0]
        need = first.need
        if not (
            member_of(identity, first.organization_id)
            or (need.channel is Channel.STATION and works_in_township(identity, need.township_code))
            or all(reviews(identity, proposal.need.category) for proposal in proposals)
        ):
            raise PermissionDenied(
                N_(
                    "Only the organization, the recipient's station or a reviewer of the "
                    "category may make an agreement from these pairings."
                )
            )
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
        else:
            await self._recipient_region(agreement, data.region_code or "")
        _contacts(agreement, data, (organization.contact_name, organization.contact_phone), None)
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

    async def take(
        self, agreement_id: UUID, step: Step, data: StepIn, identity: Identity, actor: Actor
    ) -> Agreement:
        """One step of the lifecycle (``agreements.lifecycle``) by a party allowed to take it."""
        agreement = await self._for_change(agreement_id, identity, data.version)
        parties = parties_of(identity, agreement)
        target(agreement.state, step)
        if not may_take(step, agreement.state, parties, signed_sides(agreement)):
            raise PermissionDenied(_REFUSALS[step])
        before = agreement.state
        now = self.clock()
        if step is Step.CONFIRM:
            self._confirm(agreement, parties, identity.user_id)
            if agreement.organization_confirmed_at and agreement.recipient_confirmed_at:
                await self._sign(agreement, local_date(now))
        elif step is Step.SIGN_ON_PAPER:
            if not await self.agreements.has_signed_scan(agreement.id):
                raise Conflict(N_("Upload the scan of the signed agreement first."))
            agreement.signed_on_paper_by_id = identity.user_id
            await self._sign(agreement, data.signed_on or local_date(now))
        elif step is Step.START:
            agreement.state = AgreementState.IN_PROGRESS
        elif step is Step.CONFIRM_COMPLETION:
            agreement.state = AgreementState.COMPLETION_CONFIRMED
            agreement.completion_confirmed_by_id = identity.user_id
            agreement.completion_confirmed_at = now
        elif step is Step.COMPLETE:
            agreement.state = AgreementState.COMPLETED
            agreement.completed_at = now
        else:
            await self._terminate(agreement, data.reason)
        await self._flush()
        record(
            self.session,
            actor=actor,
            action=f"agreement.{step.value}",
            object_type="agreement",
            object_id=agreement.id,
            before={"state": before.value},
            after={"state": agreement.state.value, "reason": data.reason},
            at=now,
        )
        return agreement

    async def add_indicator(
        self, agreement_id: UUID, data: IndicatorIn, identity: Identity, actor: Actor
    ) -> Indicator:
        """Targets are agreed before signing: a party or a reviewer adds them to a draft."""
        agreement = await self._for_change(agreement_id, identity, None)
        if not parties_of(identity, agreement):
            raise PermissionDenied(N_("Only the parties or a reviewer change this agreement."))
        if agreement.state is not AgreementState.DRAFT:
            raise Conflict(N_("Indicator targets are set before the agreement is signed."))
        indicator = _indicator(agreement, data, len(agreement.indicators))
        agreement.indicators.append(indicator)
        agreement.updated_at = self.clock()
        await self._flush()
        record(
            self.session,
            actor=actor,
            action="agreement.indicator_added",
            object_type="agreement",
            object_id=agreement.id,
            after={"name": indicator.name, "target": indicator.target},
            at=self.clock(),
        )
        return indicator

    async def _for_change(
        self, agreement_id: UUID, identity: Identity, version: int | None
    ) -> Agreement:
        agreement = await self.agreements.find(agreement_id, agreement_private(identity), lock=True)
        if agreement is None:
            raise AgreementNotFound(NO_SUCH_AGREEMENT)
        if version is not None and version != agreement.version:
            raise StaleVersion(STALE)
        return agreement

    async def _agreeable(self, proposal_ids: Sequence[UUID]) -> list[Proposal]:
        """The proposals, if one agreement may be made of them: all accepted, in no other
        agreement, of one organization and one recipient."""
        wanted = list(dict.fromkeys(proposal_ids))
        found = {proposal.id: proposal for proposal in await self.agreements.proposals(wanted)}
        if len(found) != len(wanted):
            raise _unknown("proposal_ids", N_("No such proposal."))
        proposals = [found[proposal_id] for proposal_id in wanted]
        if any(proposal.state is not ProposalState.ACCEPTED for proposal in proposals):
            raise ProposalsNotAgreeable(N_("An agreement is made only of accepted pairings."))
        if await self.agreements.already_agreed(wanted):
            raise ProposalsNotAgreeable(
                N_("A pairing among these already belongs to an agreement.")
            )
        if len({proposal.organization_id for proposal in proposals}) > 1:
            raise InvalidInput(N_("An agreement is made with one organization only."))
        if len({_recipient_key(proposal.need) for proposal in proposals}) > 1:
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
            _indicator(agreement, indicator, position)
            for position, indicator in enumerate(data.indicators)
        ]
        return agreement

    async def _created(self, agreement: Agreement, actor: Actor) -> Agreement:
        """Number it in this transaction (a rollback gives the number back) and audit it."""
        agreement.number = await next_number(self.session, agreement.year)
        self.session.add(agreement)
        await self.session.flush()
        await self.session.refresh(agreement, ["organization"])
        record(
            self.session,
            actor=actor,
            action="agreement.created",
            object_type="agreement",
            object_id=agreement.id,
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

    def _confirm(self, agreement: Agreement, parties: frozenset[Party], user_id: UUID) -> None:
        """Record the signature of each side the user speaks for and has not signed yet."""
        now = self.clock()
        if Party.ORGANIZATION in parties and agreement.organization_confirmed_at is None:
            agreement.organization_confirmed_by_id = user_id
            agreement.organization_confirmed_at = now
        if Party.RECIPIENT in parties and agreement.recipient_confirmed_at is None:
            agreement.recipient_confirmed_by_id = user_id
            agreement.recipient_confirmed_at = now

    async def _sign(self, agreement: Agreement, signed_on: date) -> None:
        """Signed: its proposals become ``converted`` (they must still be accepted: a pairing
        cancelled meanwhile gave its amounts back) and what they held is the agreement's."""
        proposals = await self.agreements.proposals(agreement.proposal_ids)
        if any(proposal.state is not ProposalState.ACCEPTED for proposal in proposals):
            raise ProposalsNotAgreeable(
                N_(
                    "A pairing of this agreement was cancelled meanwhile; terminate this draft "
                    "and make a new one."
                )
            )
        for proposal in proposals:
            proposal.state = ProposalState.CONVERTED
        agreement.state = AgreementState.SIGNED
        agreement.signed_on = signed_on
        await self._reindex(agreement)

    async def _terminate(self, agreement: Agreement, reason: str) -> None:
        """Ended with a reason. What it still holds goes back: a signed agreement's lines, or a
        draft's pairings still accepted (cancelled now; one cancelled meanwhile with its need
        or offer gave its amounts back already)."""
        if not reason:
            raise InvalidInput(
                N_("Say why the agreement is terminated."),
                problems=[FieldProblem("reason", "required", N_("Give a reason."))],
            )
        was_draft = agreement.state is AgreementState.DRAFT
        proposals = await self.agreements.proposals(agreement.proposal_ids)
        agreement.state = AgreementState.TERMINATED
        agreement.terminated_at = self.clock()
        agreement.termination_reason = reason
        if was_draft:
            proposals = [p for p in proposals if p.state is ProposalState.ACCEPTED]
            for proposal in proposals:
                proposal.state = ProposalState.CANCELLED
                proposal.answer_reason = reason
                proposal.answered_at = self.clock()
        released = {proposal.id for proposal in proposals}
        lines = [
            line
            for line in agreement.lines
            if line.proposal_id is None or line.proposal_id in released
        ]
        await self._flush()
        await self.agreements.release(lines, [proposal.offer_id for proposal in proposals])
        await self._reindex(agreement)

    async def _reindex(self, agreement: Agreement) -> None:
        """The needs and offers whose committed amounts moved may enter or leave the index."""
        needs, offers = await self.agreements.entries_of(agreement.lines)
        await enqueue(self.session, NEED, needs)
        await enqueue(self.session, OFFER, offers)

    async def _flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise StaleVersion(STALE) from error


_REFUSALS = {
    Step.CONFIRM: N_("Only the organization and the recipient sign the agreement."),
    Step.SIGN_ON_PAPER: N_("Only a reviewer of the category records a signature made on paper."),
    Step.START: N_("Only the parties or a reviewer start the work."),
    Step.CONFIRM_COMPLETION: N_(
        "Only the recipient (the village, through its station) confirms the work is done."
    ),
    Step.COMPLETE: N_("Only the organization or a reviewer closes the agreement."),
    Step.TERMINATE: N_(
        "Only a reviewer of the category terminates an agreement; the parties may end a draft."
    ),
}


def _recipient_key(need: Need) -> tuple[str, str]:
    if need.channel is Channel.STATION:
        return ("township", need.township_code)
    return (need.channel.value, need.channel_name)


def _unknown(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(field, "unknown", message)])


def _indicator(agreement: Agreement, data: IndicatorIn, position: int) -> Indicator:
    return Indicator(
        position=position,
        name=data.name,
        unit=data.unit,
        baseline=data.baseline,
        target=data.target,
        frequency=data.frequency or default_frequency(agreement.period_start, agreement.period_end),
    )


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
