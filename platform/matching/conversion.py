"""Turning a signing event's plan into proposals: a preview with the counts to confirm, then
one proposal per pair by the reviewer (a matchmaker: both parties answer), with the pairs the
rules refuse reported, not forced."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from accounts.identity import Identity
from core.audit import Actor
from core.errors import DomainError
from core.i18n import translate
from matching.events import EventService
from matching.models import PlanPair, Proposal, SigningEvent
from matching.proposals import ProposalService


@dataclass(frozen=True, slots=True)
class Skipped:
    pair: PlanPair
    reason: str


@dataclass(frozen=True, slots=True)
class Conversion:
    proposed: list[Proposal]
    skipped: list[Skipped]


@dataclass(frozen=True, slots=True)
class Preview:
    """What confirming would send."""

    pairs: int
    organizations: int
    by_county: dict[str, int]
    already_proposed: int


def preview(event: SigningEvent) -> Preview:
    waiting = [pair for pair in event.pairs_in_plan if pair.proposal_id is None]
    counts = Counter(pair.county_code for pair in waiting)
    return Preview(
        pairs=len(waiting),
        organizations=len({pair.offer.organization_id for pair in waiting}),
        by_county={county: counts.get(county, 0) for county in event.county_codes},
        already_proposed=len(event.pairs_in_plan) - len(waiting),
    )


async def propose_all(
    events: EventService, event_id: UUID, identity: Identity, actor: Actor, locale: str
) -> Conversion:
    """Every pair not yet proposed becomes a proposal by the reviewer; a pair the rules
    refuse (limit reached, nothing left, no longer published) is skipped with the reason,
    in a savepoint so the others still go through."""
    event = await events.get(event_id)
    proposals = ProposalService(events.session, events.clock, events.weights)
    proposed: list[Proposal] = []
    skipped: list[Skipped] = []
    for pair in [pair for pair in event.pairs_in_plan if pair.proposal_id is None]:
        try:
            async with events.session.begin_nested():
                proposal = await proposals.propose(
                    pair.need_id, pair.offer_id, identity, actor, event_id=event.id
                )
        except DomainError as refusal:
            skipped.append(Skipped(pair, translate(locale, refusal.message, refusal.params)))
            continue
        pair.proposal_id = proposal.id
        proposed.append(proposal)
    await events.session.flush()
    return Conversion(proposed=proposed, skipped=skipped)
