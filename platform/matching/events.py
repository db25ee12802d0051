"""Signing events (百社助千村) and their global plan.

A reviewer creates an event for some counties and asks for a plan: every current need of those
counties that still lacks something, every current offer with capacity left, each pair that
could be paired (read with SQL per county, `matching.plan_candidates`) scored all at once
(`matching.plan_scoring`, the values of `matching.scoring`), pruned to each need's best ``k``,
then solved
exactly by `matching.planner`: first every county that can be covered gets a pairing, then only
pairs above the plan's threshold (a minimum score and evidence of a fit) are added, within the
event's caps per county and per organization. The plan is a draft: pairs can be dropped or
added by hand (a re-plan keeps both), then turned into proposals (`matching.conversion`).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np
from sqlalchemy import (
    JSON,
    Float,
    String,
    Text,
    Uuid,
    bindparam,
    cast,
    column,
    delete,
    false,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine
from uuid_utils.compat import uuid7

from accounts.identity import Identity
from core.audit import Actor, record
from core.clock import Clock, local_date
from core.errors import N_, FieldProblem, InvalidInput, NotFound
from core.pagination import PageRequest, Slice
from core.settings import Settings
from demand.models import Need
from matching.declines import DECLINED
from matching.facts import need_facts, offer_facts
from matching.models import PlanPair, Proposal, ProposalState, SigningEvent
from matching.plan_candidates import Progress, gather, no_progress
from matching.plan_solving import PlanOutcome, caps, score_and_prune
from matching.planner import PlanProblem, solve
from matching.repository import (
    decline_between,
    declined_pairs,
    pairings_held,
    signing_event_page,
    signing_events,
)
from matching.rules import check_held_on
from matching.scoring import DEFAULT_WEIGHTS, Component, eligible, score
from matching.track_record import track_records
from supply.models import Offer

DEFAULT_K = 20
"""Candidates kept per need before solving: enough for the plan to trade one for another."""
DEFAULT_MIN_SCORE = Settings.model_fields["plan_min_score"].default
SAVED_AT_ONCE = 1_000
"""Plan pairs per insert statement (PostgreSQL takes at most 32,767 parameters)."""


PAIR_COLUMNS: dict[str, TypeEngine[Any]] = {
    "id": Uuid(),
    "event_id": Uuid(),
    "need_id": Uuid(),
    "offer_id": Uuid(),
    "county_code": String(),
    "score": Float(),
    "breakdown": Text(),
}
"""What `_insert_pairs` sends PostgreSQL per plan pair, one array each (breakdowns as JSON
text)."""


async def _insert_pairs(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert a plan's pairs. PostgreSQL gets one array per column in a single statement:
    row by row, each of a province's 67,555 pairs went through the ORM's bulk insert and
    SQLAlchemy's handling of every value, in 68 statements."""
    if session.get_bind().dialect.name != "postgresql":
        for start in range(0, len(rows), SAVED_AT_ONCE):
            await session.execute(insert(PlanPair), rows[start : start + SAVED_AT_ONCE])
        return
    values = {
        "id": [uuid7() for _ in rows],
        "breakdown": [json.dumps(row["breakdown"]) for row in rows],
        **{
            name: [row[name] for row in rows]
            for name in PAIR_COLUMNS
            if name not in ("id", "breakdown")
        },
    }
    arrays = (
        func.unnest(
            *(
                bindparam(name, values[name], type_=ARRAY(kind))
                for name, kind in PAIR_COLUMNS.items()
            )
        )
        .table_valued(*(column(name, kind) for name, kind in PAIR_COLUMNS.items()))
        .render_derived()
    )
    await session.execute(
        insert(PlanPair).from_select(
            [
                getattr(PlanPair, name)
                for name in (*PAIR_COLUMNS, "added_by_hand", "dropped_by_hand")
            ],
            select(
                *(
                    cast(arrays.c[name], JSON) if name == "breakdown" else arrays.c[name]
                    for name in PAIR_COLUMNS
                ),
                false(),
                false(),
            ),
        )
    )


def _staying(pairs: list[PlanPair]) -> set[tuple[UUID, UUID]]:
    """The event's pairs a new plan leaves as they are, never to be planned again: those
    dropped, added by hand or proposed. The planner's other pairs are replaced, so they are
    candidates like any other (left out, a re-plan could not find the optimum again)."""
    return {
        (pair.need_id, pair.offer_id)
        for pair in pairs
        if pair.dropped_by_hand or pair.added_by_hand or pair.proposal_id is not None
    }


class EventNotFound(NotFound):
    code = "event_not_found"


def coverage(event: SigningEvent) -> dict[str, int]:
    """Pairs of the draft plan per county in scope (0 where none)."""
    counts = Counter(pair.county_code for pair in event.pairs_in_plan)
    return {county: counts.get(county, 0) for county in event.county_codes}


def _breakdown(parts: Mapping[Component, float]) -> dict[str, float]:
    return {name.value: value for name, value in parts.items()}


class EventService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        weights: Mapping[Component, float] = DEFAULT_WEIGHTS,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        self.session = session
        self.clock = clock
        self.weights = weights
        self.min_score = min_score

    async def create(
        self,
        *,
        name: str,
        held_on: date,
        place: str,
        county_codes: list[str],
        identity: Identity,
        actor: Actor,
        county_cap: int | None = None,
        organization_cap: int | None = None,
    ) -> SigningEvent:
        check_held_on(held_on, local_date(self.clock()))
        event = SigningEvent(
            name=name,
            held_on=held_on,
            place=place,
            county_codes=sorted(set(county_codes)),
            county_cap=county_cap,
            organization_cap=organization_cap,
            created_by_id=identity.user_id,
            uncovered={},
            pairs=[],
        )
        self.session.add(event)
        await self.session.flush()
        self._audit(
            actor,
            event,
            "event.created",
            after={"name": name, "held_on": held_on, "counties": event.county_codes},
        )
        return event

    def _audit(
        self,
        actor: Actor,
        event: SigningEvent,
        action: str,
        *,
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        record(
            self.session,
            actor=actor,
            action=action,
            object_type="signing_event",
            object_id=event.id,
            before=before,
            after=after,
            at=self.clock(),
        )

    async def get(self, event_id: UUID) -> SigningEvent:
        event = await self.session.get(SigningEvent, event_id)
        if event is None:
            raise EventNotFound(N_("No such signing event."))
        return event

    async def newest_first(self) -> list[SigningEvent]:
        return await signing_events(self.session)

    async def page(self, page: PageRequest) -> Slice[SigningEvent]:
        return await signing_event_page(self.session, page)

    async def _paired(self) -> set[tuple[UUID, UUID]]:
        """Needs and offers already in an open or accepted proposal, or declined (until an
        entry is edited): never planned again."""
        rows = await self.session.execute(
            select(Proposal.need_id, Proposal.offer_id).where(
                Proposal.state.in_((ProposalState.PROPOSED, ProposalState.ACCEPTED))
            )
        )
        return {(need_id, offer_id) for need_id, offer_id in rows} | await declined_pairs(
            self.session
        )

    async def _open_per(self, column: Any) -> Counter[UUID]:
        """Open (unanswered) proposals per need or per offer: they hold a slot or a unit of
        capacity until answered."""
        rows = await self.session.execute(
            select(column, func.count())
            .where(Proposal.state == ProposalState.PROPOSED)
            .group_by(column)
        )
        return Counter({key: count for key, count in rows})

    async def plan(
        self,
        event_id: UUID,
        identity: Identity,
        actor: Actor,
        k: int = DEFAULT_K,
        progress: Progress = no_progress,
    ) -> PlanOutcome:
        """Replace the planner's pairs of the draft with the optimal plan. Pairs added or
        dropped by hand and pairs already proposed stay as they are: the plan is made around
        them (their slots, capacity and caps used, their counties covered).

        Candidates come from SQL per county (`matching.plan_candidates`), are scored all at
        once (`matching.plan_scoring`) and pruned to each need's best ``k`` before solving.
        Scoring and solving hold the event loop for as long as they take: a plan is made in a
        process of its own (`matching.plan_work`), never in one that answers requests."""
        began = time.perf_counter()
        event = await self.get(event_id)
        kept = [
            pair
            for pair in event.pairs_in_plan
            if pair.added_by_hand or pair.proposal_id is not None
        ]
        unproposed = [pair for pair in kept if pair.proposal_id is None]
        waiting = await self._open_per(Proposal.need_id)
        waiting.update(pair.need_id for pair in unproposed)
        busy = await self._open_per(Proposal.offer_id)
        busy.update(pair.offer_id for pair in unproposed)
        now = self.clock()
        found = await gather(
            self.session,
            counties=event.county_codes,
            today=local_date(now),
            identity=identity,
            waiting=waiting,
            busy=busy,
            taken=await self._paired() | _staying(event.pairs),
            progress=progress,
        )
        read = time.perf_counter()
        await progress("scoring", 0, len(found.pair_need))
        scored, pruned, wanted = score_and_prune(
            found, k, self.clock(), self.weights, self.min_score
        )
        await progress("solving", 0, len(pruned))
        counties = sorted(set(event.county_codes))
        county_index = {code: index for index, code in enumerate(counties)}
        covered = {pair.county_code for pair in kept}
        problem = PlanProblem(
            need_county=np.array(
                [county_index[code] for code in found.need_counties], dtype=np.int64
            ),
            need_slots=found.need_slots,
            offer_capacity=found.offer_capacity,
            pair_need=found.pair_need[pruned],
            pair_offer=found.pair_offer[pruned],
            pair_score=np.clip(scored.total[pruned], 0.0, 1.0),
            pair_wanted=wanted[pruned],
            counties_in_scope=np.array(
                [county_index[code] for code in counties if code not in covered], dtype=np.int64
            ),
            **caps(event, kept, counties, found.offer_organizations),
        )
        solving = time.perf_counter()
        result = solve(problem)
        solved = time.perf_counter()
        chosen = pruned[result.chosen]
        await progress("saving", 0, len(chosen))
        await self.session.execute(
            delete(PlanPair).where(
                PlanPair.event_id == event.id,
                PlanPair.proposal_id.is_(None),
                PlanPair.added_by_hand.is_(False),
                PlanPair.dropped_by_hand.is_(False),
            )
        )
        rows = [
            {
                "event_id": event.id,
                "need_id": found.need_ids[need],
                "offer_id": found.offer_ids[offer],
                "county_code": found.need_counties[need],
                "score": total,
                "breakdown": breakdown,
            }
            for need, offer, total, breakdown in zip(
                found.pair_need[chosen].tolist(),
                found.pair_offer[chosen].tolist(),
                scored.total[chosen].tolist(),
                scored.breakdowns(chosen),
                strict=True,
            )
        ]
        await _insert_pairs(self.session, rows)
        event.uncovered = {
            counties[county]: reason.value for county, reason in result.uncovered.items()
        }
        event.planned_at = now
        await self.session.flush()
        self.session.expire(event, ["pairs"])
        outcome = PlanOutcome(
            pairs=len(rows),
            total_score=round(result.total_score, 6),
            counties=len(counties),
            covered=len(counties) - len(event.uncovered),
            uncovered=dict(event.uncovered),
            candidates=len(found.pair_need),
            kept_candidates=len(pruned),
            read_seconds=round(read - began, 3),
            score_seconds=round(solving - read, 3),
            solver_seconds=round(solved - solving, 3),
            seconds=round(time.perf_counter() - began, 3),
        )
        self._audit(
            actor,
            event,
            "event.planned",
            after={
                "pairs": outcome.pairs,
                "total_score": outcome.total_score,
                "uncovered": event.uncovered,
                "candidates": outcome.kept_candidates,
                "min_score": self.min_score,
            },
        )
        return outcome

    async def _pair(self, event: SigningEvent, pair_id: UUID) -> PlanPair:
        pair = next((pair for pair in event.pairs_in_plan if pair.id == pair_id), None)
        if pair is None:
            raise NotFound(N_("This pair is not in the event's plan."))
        return pair

    async def drop_pair(self, event_id: UUID, pair_id: UUID, actor: Actor) -> SigningEvent:
        event = await self.get(event_id)
        pair = await self._pair(event, pair_id)
        if pair.added_by_hand:
            event.pairs.remove(pair)
        else:
            pair.dropped_by_hand = True
        await self.session.flush()
        self._audit(
            actor,
            event,
            "event.pair_dropped",
            before={"need_id": pair.need_id, "offer_id": pair.offer_id},
        )
        return event

    async def add_pair(
        self, event_id: UUID, need_id: UUID, offer_id: UUID, actor: Actor
    ) -> SigningEvent:
        """A pair chosen by hand: it must be one the rules allow (category, place served)."""
        event = await self.get(event_id)
        need = await self.session.get(Need, need_id)
        offer = await self.session.get(Offer, offer_id)
        if need is None or offer is None:
            raise InvalidInput(N_("Choose a need and an offer of the catalogue."))
        if need.county_code not in event.county_codes:
            raise InvalidInput(
                N_("The need is not in one of the event's counties."),
                problems=[FieldProblem("need_id", "out_of_scope", N_("Not in scope."))],
            )
        if any(p.need_id == need.id and p.offer_id == offer.id for p in event.pairs_in_plan):
            raise InvalidInput(N_("This pair is already in the plan."))
        dropped = next(
            (p for p in event.pairs if p.need_id == need.id and p.offer_id == offer.id), None
        )
        if dropped is not None:
            event.pairs.remove(dropped)
            await self.session.flush()
        declined = await decline_between(self.session, need, offer)
        if declined is not None:
            raise InvalidInput(
                DECLINED,
                params={"reason": declined.answer_reason},
            )
        held = await pairings_held(self.session, [need.township_code])
        track = await track_records(self.session, [offer.organization_id])
        facts = need_facts(need, held)
        candidate = offer_facts(offer, track[offer.organization_id])
        if not eligible(facts, candidate):
            raise InvalidInput(
                N_("This offer cannot serve this need: another category, or not its place.")
            )
        scored = score(facts, candidate, self.clock(), self.weights)
        event.pairs.append(
            PlanPair(
                need_id=need.id,
                offer_id=offer.id,
                county_code=need.county_code,
                score=scored.total,
                breakdown=_breakdown(scored.parts),
                added_by_hand=True,
            )
        )
        await self.session.flush()
        await self.session.refresh(event, ["pairs"])
        self._audit(
            actor,
            event,
            "event.pair_added",
            after={"need_id": need.id, "offer_id": offer.id},
        )
        return event
