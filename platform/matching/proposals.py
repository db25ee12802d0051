"""Proposals: a pairing proposed by one side (or a reviewer) and answered by the other.

Claim discipline lives here. A proposal unanswered for 14 days expires; an organization holds
at most 10 open proposals; accepting commits the proposed amounts against the need's and the
offer's lines (funds paying for goods: yuan on the offer, their share on the need) and one
unit of the offer's capacity. Each commitment is a conditional UPDATE
(``… SET committed = committed + x WHERE sought - committed >= x``), so two accepts racing for
the last of a line cannot both succeed: on PostgreSQL the second waits for the first's row
lock and then finds the condition false; on SQLite writes are serialized. Every step is
audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import ColumnElement, func, join, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Organization, Role, Verification
from accounts.policy import reviewed
from catalogue.workflow import EntryState, shown_state
from core.audit import Actor, record
from core.clock import Clock, local_date
from core.database import locked
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from core.pagination import MAX_PAGE_SIZE, PageRequest, Slice
from core.totals import Total, total_of
from demand.models import Need
from matching.amounts import line_pairs
from matching.consent import (
    Pairing,
    agreed_on_proposal,
    answers_for,
    is_accepted,
    may_take,
    pairing_for,
    proposing_side,
    still_to_answer,
)
from matching.declines import DECLINED
from matching.facts import need_facts, offer_facts
from matching.models import Proposal, ProposalLine, ProposalState, Side
from matching.relations import offer_subcategories_for
from matching.repository import (
    ListedProposal,
    commit_amounts,
    decline_between,
    listed_proposals,
    pairings_held,
)
from matching.rules import (
    ANSWER_WITHIN,
    OPEN_PROPOSALS_PER_ORGANIZATION,
    Step,
    require_open,
    state_at,
)
from matching.scoring import DEFAULT_WEIGHTS, Component, score
from matching.track_record import track_records
from search.outbox import NEED, OFFER, enqueue
from supply.models import Offer

WITH_NEED = join(Proposal, Need, Proposal.need_id == Need.id)
"""What the visibility of a proposal reads: the proposal and its need."""


class ProposalNotFound(NotFound):
    code = "proposal_not_found"


NO_SUCH_PROPOSAL = N_("No such proposal.")


class TooManyOpenProposals(Conflict):
    code = "too_many_open_proposals"


class DeclinedBefore(Conflict):
    code = "declined_before"


class NoLongerOpen(Conflict):
    code = "no_longer_open"


def _agreement(sides: frozenset[Side] | set[Side], user_id: UUID, now: object) -> dict[str, object]:
    """The columns recording that these parties agreed, by whom and when."""
    columns: dict[str, object] = {}
    if Side.OFFER in sides:
        columns |= {"organization_agreed_by_id": user_id, "organization_agreed_at": now}
    if Side.NEED in sides:
        columns |= {"recipient_agreed_by_id": user_id, "recipient_agreed_at": now}
    return columns


def _in_state(state: ProposalState, now: datetime) -> ColumnElement[bool]:
    """Proposals in ``state`` as it stands at ``now`` (`matching.rules.state_at`)."""
    past_deadline = (Proposal.state == ProposalState.PROPOSED) & (Proposal.expires_at < now)
    if state is ProposalState.PROPOSED:
        return (Proposal.state == state) & ~past_deadline
    if state is ProposalState.EXPIRED:
        return (Proposal.state == state) | past_deadline
    return Proposal.state == state


class ProposalService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        weights: Mapping[Component, float] = DEFAULT_WEIGHTS,
    ) -> None:
        self.session = session
        self.clock = clock
        self.weights = weights

    async def open_count(self, organization_id: UUID) -> int:
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(Proposal)
                .where(
                    Proposal.organization_id == organization_id,
                    Proposal.state == ProposalState.PROPOSED,
                    Proposal.expires_at >= self.clock(),
                )
            )
            or 0
        )

    async def _entries(self, need_id: UUID, offer_id: UUID) -> tuple[Need, Offer]:
        need = await self.session.get(Need, need_id)
        offer = await self.session.get(Offer, offer_id)
        today = local_date(self.clock())
        need_open = need is not None and (
            shown_state(need.state, need.deadline, today) == EntryState.PUBLISHED
        )
        offer_open = offer is not None and (
            shown_state(offer.state, offer.valid_until, today) == EntryState.PUBLISHED
        )
        if need is None or offer is None or not (need_open and offer_open):
            problems = [
                FieldProblem(name, "not_open", message)
                for name, is_open, message in (
                    ("need_id", need_open, N_("Choose a published need.")),
                    ("offer_id", offer_open, N_("Choose a published offer.")),
                )
                if not is_open
            ]
            raise InvalidInput(
                N_("Only published, current entries can be paired."), problems=problems
            )
        if need.category != offer.category and offer.subcategory_code not in (
            offer_subcategories_for(need.subcategory_code)
        ):
            raise InvalidInput(
                N_("The need and the offer belong to different categories, and unrelated ones.")
            )
        return need, offer

    async def propose(
        self,
        need_id: UUID,
        offer_id: UUID,
        identity: Identity,
        actor: Actor,
        *,
        amounts: Mapping[UUID, Decimal] | None = None,
        message: str = "",
        event_id: UUID | None = None,
    ) -> Proposal:
        now = self.clock()
        need, offer = await self._entries(need_id, offer_id)
        proposer = proposing_side(identity, pairing_for(need, offer, identity.user_id))
        if proposer is None:
            raise PermissionDenied(
                N_(
                    "Only the need's station, the offer's organization or a reviewer may propose "
                    "this pairing."
                )
            )
        declined = await decline_between(self.session, need, offer)
        if declined is not None:
            raise DeclinedBefore(
                DECLINED,
                params={"reason": declined.answer_reason},
            )
        already = await self.session.scalar(
            select(Proposal.id).where(
                Proposal.need_id == need.id,
                Proposal.offer_id == offer.id,
                or_(
                    Proposal.state == ProposalState.ACCEPTED,
                    (Proposal.state == ProposalState.PROPOSED) & (Proposal.expires_at >= now),
                ),
            )
        )
        if already is not None:
            raise Conflict(
                N_("This need and this offer already have an open or accepted proposal.")
            )
        await self.session.scalar(
            locked(
                select(Organization.id).where(Organization.id == offer.organization_id),
                of=Organization,
            )
        )
        if await self.open_count(offer.organization_id) >= OPEN_PROPOSALS_PER_ORGANIZATION:
            raise TooManyOpenProposals(
                N_(
                    "The organization already holds %(limit)s open proposals; wait for answers "
                    "first."
                ),
                params={"limit": OPEN_PROPOSALS_PER_ORGANIZATION},
            )
        pairs = line_pairs(need, offer, amounts)
        held = await pairings_held(self.session, [need.township_code])
        track = await track_records(self.session, [offer.organization_id])
        scored = score(
            need_facts(need, held),
            offer_facts(offer, track[offer.organization_id]),
            now,
            self.weights,
        )
        agreed = agreed_on_proposal(proposer)
        proposal = Proposal(
            need=need,
            offer=offer,
            organization_id=offer.organization_id,
            state=ProposalState.PROPOSED,
            proposed_by=proposer,
            proposed_by_id=identity.user_id,
            message=message,
            score=scored.total,
            breakdown={name.value: value for name, value in scored.parts.items()},
            expires_at=now + ANSWER_WITHIN,
            event_id=event_id,
            need_version=need.version,
            offer_version=offer.version,
            **_agreement(agreed, identity.user_id, now),
            lines=[
                ProposalLine(
                    need_line=pair.need_line,
                    offer_line=pair.offer_line,
                    amount=pair.amount,
                    covers=pair.covers,
                )
                for pair in pairs
            ],
        )
        self.session.add(proposal)
        await self.session.flush()
        record(
            self.session,
            actor=actor,
            action="proposal.proposed",
            object_type="proposal",
            object_id=proposal.id,
            after={
                "need_id": need.id,
                "offer_id": offer.id,
                "proposed_by": proposer.value,
                "amounts": {str(pair.need_line.id): pair.amount for pair in pairs},
            },
            at=now,
        )
        return proposal

    async def get(self, proposal_id: UUID) -> Proposal:
        proposal = await self.session.scalar(
            locked(select(Proposal).where(Proposal.id == proposal_id), of=Proposal)
        )
        if proposal is None:
            raise ProposalNotFound(NO_SUCH_PROPOSAL)
        return proposal

    async def take(
        self,
        proposal_id: UUID,
        step: Step,
        identity: Identity,
        actor: Actor,
        *,
        reason: str = "",
    ) -> Proposal:
        now = self.clock()
        proposal = await self.get(proposal_id)
        require_open(state_at(proposal.state, proposal.expires_at, now))
        pairing = Pairing.of(proposal, now)
        if not may_take(step, identity, pairing):
            raise PermissionDenied(
                N_(
                    "Only a party still to answer may accept or decline this pairing (never the "
                    "reviewer who proposed it); only its proposer's side may withdraw it."
                )
            )
        reason = reason.strip()
        if step is Step.DECLINE and not reason:
            raise InvalidInput(
                N_("Say why you decline, so the other side can do better."),
                problems=[FieldProblem("reason", "required", N_("Give a reason."))],
            )
        before = proposal.state
        if step is Step.ACCEPT:
            agreeing = answers_for(identity, pairing) & set(still_to_answer(pairing))
            for name, value in _agreement(agreeing, identity.user_id, now).items():
                setattr(proposal, name, value)
            if is_accepted(pairing.agreed | agreeing):
                await self._still_open(proposal)
                await commit_amounts(self.session, proposal)
                # a need now fully committed leaves the index (``demand.policy.need_open``)
                await enqueue(self.session, NEED, [proposal.need_id])
                await enqueue(self.session, OFFER, [proposal.offer_id])
                proposal.state = ProposalState.ACCEPTED
                proposal.answered_at = now
            action = f"proposal.{proposal.state.value}"
            if proposal.state is ProposalState.PROPOSED:
                action = "proposal.agreed"
        else:
            proposal.state = step.target
            proposal.answered_at = now
            proposal.answered_by_id = identity.user_id
            proposal.answer_reason = reason
            action = f"proposal.{step.target.value}"
        await self.session.flush()
        record(
            self.session,
            actor=actor,
            action=action,
            object_type="proposal",
            object_id=proposal.id,
            before={"state": before.value},
            after={"state": proposal.state.value, "reason": reason},
            at=now,
        )
        return proposal

    async def _still_open(self, proposal: Proposal) -> None:
        """Accepting re-checks what proposing checked: both entries still published and
        current, the organization still verified."""
        try:
            await self._entries(proposal.need_id, proposal.offer_id)
        except InvalidInput as closed:
            raise NoLongerOpen(closed.message, params=closed.params) from closed
        verification = await self.session.scalar(
            select(Organization.verification).where(Organization.id == proposal.organization_id)
        )
        if verification is not Verification.VERIFIED:
            raise NoLongerOpen(
                N_("The organization is no longer verified; this pairing cannot be accepted.")
            )

    async def to_answer(self, identity: Identity) -> int:
        """How many open proposals wait for the identity's own answer (``consent.may_take``):
        the figure the to-do list shows beside its link to ``/proposals``."""
        now = self.clock()
        waiting, page = 0, PageRequest(1, MAX_PAGE_SIZE)
        while True:
            open_ones = await self.listed_for(identity, page, state=ProposalState.PROPOSED)
            waiting += sum(
                may_take(Step.ACCEPT, identity, Pairing.stated(listed.row, listed.row, now))
                for listed in open_ones.items
            )
            if page.page * page.page_size >= open_ones.total:
                return waiting
            page = PageRequest(page.page + 1, page.page_size)

    async def list_for(
        self,
        identity: Identity,
        page: PageRequest,
        *,
        state: ProposalState | None = None,
        event_id: UUID | None = None,
    ) -> Slice[Proposal]:
        """The proposals the identity is a party to (`_visible`), loaded whole with their need,
        offer and lines: for the pages and exports that show all of them."""
        conditions = self._visible(identity, state, event_id)
        total = await self._total(conditions, estimate=False)
        # The page's ids first (index on created_at), then only those loaded with their joins.
        newest = select(Proposal.id).select_from(WITH_NEED).where(*conditions)
        newest = newest.order_by(Proposal.created_at.desc(), Proposal.id.desc())
        ids = list(await self.session.scalars(newest.limit(page.page_size).offset(page.offset)))
        loaded = await self.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))
        by_id = {proposal.id: proposal for proposal in loaded.unique()}
        return total.slice([by_id[proposal_id] for proposal_id in ids], page)

    async def listed(self, proposal_id: UUID) -> ListedProposal:
        """One proposal as plain columns, as the API shows it (whoever may see it)."""
        found = await listed_proposals(self.session, [Proposal.id == proposal_id], PageRequest())
        if not found:
            raise ProposalNotFound(NO_SUCH_PROPOSAL)
        return found[0]

    async def listed_for(
        self,
        identity: Identity,
        page: PageRequest,
        *,
        state: ProposalState | None = None,
        estimate: bool = False,
    ) -> Slice[ListedProposal]:
        """`list_for` as plain columns (`repository.listed_proposals`), for the API's list and
        the count of proposals to answer. ``estimate``: a long list's total may be the
        planner's (`core.totals`), not a count."""
        conditions = self._visible(identity, state)
        total = await self._total(conditions, estimate=estimate)
        return total.slice(await listed_proposals(self.session, conditions, page), page)

    def _visible(
        self, identity: Identity, state: ProposalState | None, event_id: UUID | None = None
    ) -> list[ColumnElement[bool]]:
        """The proposals the identity is a party to; reviewers see those of their categories
        (conditions on the proposal and its need)."""
        visible: list[ColumnElement[bool]] = [reviewed(identity, Need.category)]
        if identity.has(Role.STATION_WORKER) and identity.township_code is not None:
            visible.append(Need.township_code == identity.township_code)
        if identity.has(Role.MEMBER) and identity.organization_id is not None:
            visible.append(Proposal.organization_id == identity.organization_id)
        conditions = [or_(*visible)]
        if state is not None:
            conditions.append(_in_state(state, self.clock()))
        if event_id is not None:
            conditions.append(Proposal.event_id == event_id)
        return conditions

    async def _total(self, conditions: list[ColumnElement[bool]], *, estimate: bool) -> Total:
        if estimate:
            return await total_of(self.session, WITH_NEED, conditions)
        counted = select(func.count()).select_from(WITH_NEED).where(*conditions)
        return Total(await self.session.scalar(counted) or 0)
