"""Signing events and their plan in and out of HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from matching.conversion import Conversion
from matching.events import coverage
from matching.models import PlanPair, PlanRun, SigningEvent

CountyCode = Annotated[str, StringConstraints(pattern=r"^\d{6}000000$")]


class EventIn(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    held_on: date
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    county_codes: list[CountyCode] = Field(min_length=1, max_length=200)
    county_cap: int | None = Field(default=None, ge=1, le=10_000)
    """At most this many planned pairs per county; none: no cap."""
    organization_cap: int | None = Field(default=None, ge=1, le=10_000)
    """At most this many planned pairs per organization; none: no cap."""


class PlanIn(BaseModel):
    k: int = Field(default=20, ge=1, le=100)
    """Candidates kept per need before solving."""


class PairIn(BaseModel):
    need_id: UUID
    offer_id: UUID


class PairChoice(BaseModel):
    pair_id: UUID


class PlanPairRead(BaseModel):
    id: UUID
    need_id: UUID
    need_title: str
    offer_id: UUID
    offer_title: str
    county_code: str
    score: float
    breakdown: dict[str, float]
    added_by_hand: bool
    proposal_id: UUID | None


class EventRead(BaseModel):
    id: UUID
    name: str
    held_on: date
    place: str
    county_codes: list[str]
    county_cap: int | None
    organization_cap: int | None
    planned_at: datetime | None
    coverage: dict[str, int]
    """Pairs of the plan per county in scope."""
    uncovered: dict[str, str]
    """Counties the last plan could not cover: no_candidate or capacity."""
    total_score: float
    pairs: list[PlanPairRead]


class SkippedRead(BaseModel):
    pair_id: UUID
    reason: str


class PreviewRead(BaseModel):
    """What turning the plan into proposals would send."""

    pairs: int
    organizations: int
    by_county: dict[str, int]
    already_proposed: int


class ConversionRead(BaseModel):
    proposal_ids: list[UUID]
    skipped: list[SkippedRead]


class PlanRunRead(BaseModel):
    """A plan carried out in the background: poll ``url`` until ``state`` is done or failed."""

    id: UUID
    event_id: UUID
    url: str
    event_url: str
    state: str
    """queued, running, done or failed."""
    phase: str
    """While running: reading (counties), scoring (candidate pairs), solving, saving (pairs)."""
    done: int
    total: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any]
    """When done: pairs, total_score, counties, covered, uncovered, candidates,
    kept_candidates, and the seconds of each part (read, score, solver) and in all."""
    error: str


def plan_run_url(run: PlanRun) -> str:
    return f"/api/v1/events/{run.event_id}/plans/{run.id}"


def plan_run_read(run: PlanRun) -> PlanRunRead:
    return PlanRunRead(
        id=run.id,
        event_id=run.event_id,
        url=plan_run_url(run),
        event_url=f"/api/v1/events/{run.event_id}",
        state=run.state.value,
        phase=run.phase,
        done=run.done,
        total=run.total,
        requested_at=run.requested_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        result=run.result,
        error=run.error,
    )


def pair_read(pair: PlanPair) -> PlanPairRead:
    return PlanPairRead(
        id=pair.id,
        need_id=pair.need_id,
        need_title=pair.need.title,
        offer_id=pair.offer_id,
        offer_title=pair.offer.title,
        county_code=pair.county_code,
        score=round(pair.score, 4),
        breakdown={name: round(value, 4) for name, value in pair.breakdown.items()},
        added_by_hand=pair.added_by_hand,
        proposal_id=pair.proposal_id,
    )


def event_read(event: SigningEvent) -> EventRead:
    pairs = sorted(event.pairs_in_plan, key=lambda pair: (pair.county_code, -pair.score))
    return EventRead(
        id=event.id,
        name=event.name,
        held_on=event.held_on,
        place=event.place,
        county_codes=event.county_codes,
        county_cap=event.county_cap,
        organization_cap=event.organization_cap,
        planned_at=event.planned_at,
        coverage=coverage(event),
        uncovered=event.uncovered,
        total_score=round(sum(pair.score for pair in pairs), 4),
        pairs=[pair_read(pair) for pair in pairs],
    )


def conversion_read(conversion: Conversion) -> ConversionRead:
    return ConversionRead(
        proposal_ids=[proposal.id for proposal in conversion.proposed],
        skipped=[SkippedRead(pair_id=s.pair.id, reason=s.reason) for s in conversion.skipped],
    )
