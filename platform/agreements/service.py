"""The rules of agreements once made (``agreements.drafting`` makes them): who reads which,
and taking one through its lifecycle.

An agreement made from proposals holds what accepting them committed on the need and offer
lines. Signing turns the proposals to ``converted``; terminating gives the held amounts back.
Needs whose lines are all committed leave the open catalogue and the search index
(``demand.policy.need_open``), so each step that moves amounts queues its entries on the search
outbox. Every step is version-checked and audited in the same transaction. Services flush,
never commit.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from accounts.identity import Identity
from agreements.drafting import ProposalsNotAgreeable
from agreements.lifecycle import Party, Step, may_take, target
from agreements.models import Agreement, AgreementState, Indicator
from agreements.policy import agreement_private, agreement_readable, parties_of, signed_sides
from agreements.reporting import indicator_of
from agreements.repository import AgreementRepository
from agreements.schemas import AgreementFilters, IndicatorIn, StepIn
from agreements.termination import AGREEMENT_TERMINATED, AgreementTerminated
from catalogue.service import STALE, StaleVersion
from core.audit import Actor, record_change
from core.clock import Clock, local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from core.pagination import PageRequest, Slice
from matching.models import ProposalState
from search.outbox import NEED, OFFER, enqueue


class AgreementNotFound(NotFound):
    code = "agreement_not_found"


NO_SUCH_AGREEMENT = N_("No such agreement.")


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
        self,
        agreement_id: UUID,
        identity: Identity | None,
        *,
        private: bool = False,
        lock: bool = False,
    ) -> Agreement:
        """The agreement if the identity may read it (its private side, with ``private``);
        404 otherwise, as if it did not exist. ``lock`` holds the row for a change."""
        readable = agreement_private(identity) if private else agreement_readable(identity)
        agreement = await self.agreements.find(agreement_id, readable, lock=lock)
        if agreement is None:
            raise AgreementNotFound(NO_SUCH_AGREEMENT)
        return agreement

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
        record_change(
            self.session,
            agreement,
            actor=actor,
            action=f"agreement.{step.value}",
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
        indicator = indicator_of(agreement, data, len(agreement.indicators))
        agreement.indicators.append(indicator)
        agreement.updated_at = self.clock()
        await self._flush()
        record_change(
            self.session,
            agreement,
            actor=actor,
            action="agreement.indicator_added",
            after={"name": indicator.name, "target": indicator.target},
            at=self.clock(),
        )
        return indicator

    async def _for_change(
        self, agreement_id: UUID, identity: Identity, version: int | None
    ) -> Agreement:
        agreement = await self.require(agreement_id, identity, private=True, lock=True)
        if version is not None and version != agreement.version:
            raise StaleVersion(STALE)
        return agreement

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
        await AGREEMENT_TERMINATED.announce(self.session, AgreementTerminated(agreement))
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
