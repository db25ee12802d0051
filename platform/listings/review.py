"""The reviewers' desk: one queue of the submitted needs and offers a reviewer may decide,
waiting longest first, narrowed by kind, category, county, channel and waiting time; and
approving several entries at once, each through its own workflow step.

Who sees what is the entries' readable statements and the reviewer's categories
(``demand.policy``, ``supply.policy``, ``accounts.policy.reviewed``); who may approve is the
workflow's own check (``catalogue.service.EntryWorkflow.transition``), entry by entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.policy import reviewed
from catalogue.models import EntryKind
from catalogue.service import NotYours, StaleVersion
from catalogue.workflow import EntryState, InvalidTransition, Transition
from core.audit import Actor
from core.categories import TopCategory
from core.errors import N_, DomainError, FieldProblem, InvalidInput, NotFound
from core.pagination import MAX_PAGE_SIZE, PageRequest, Slice
from demand.models import Channel, Need
from demand.policy import need_readable
from demand.service import NeedService
from supply.models import Offer
from supply.policy import offer_readable
from supply.repository import serves_county
from supply.service import OfferService


class Waiting(StrEnum):
    """How long an entry has waited for a decision, at least."""

    OVER_3_DAYS = "3"
    OVER_7_DAYS = "7"

    @property
    def days(self) -> int:
        return int(self.value)

    @property
    def label(self) -> str:
        return {"3": N_("Waiting over 3 days"), "7": N_("Waiting over 7 days")}[self.value]


class ReviewFilters(BaseModel):
    """The queue's filters from the query string; ``channel`` is how a need was collected
    (offers have none, so choosing one shows needs only)."""

    model_config = ConfigDict(frozen=True)

    kind: EntryKind | None = None
    category: TopCategory | None = None
    county: Annotated[str, StringConstraints(pattern=r"^\d{12}$")] | None = None
    channel: Channel | None = None
    waiting: Waiting | None = None

    def wants(self, kind: EntryKind) -> bool:
        if kind is EntryKind.OFFER and self.channel is not None:
            return False
        return self.kind is None or self.kind is kind


@dataclass(frozen=True, slots=True)
class QueueItem:
    kind: EntryKind
    entry: Any
    """The ``Need`` or ``Offer``."""
    waiting_since: datetime
    waited_days: int


QueueRows = Select[str, UUID, datetime]
"""Kind, id and waiting since, of one kind's part of the queue."""


def _waiting_since(model: type[Need] | type[Offer]) -> ColumnElement[datetime]:
    return func.coalesce(model.submitted_at, model.created_at)


def _part(kind: EntryKind, identity: Identity, filters: ReviewFilters, now: datetime) -> QueueRows:
    """One kind's submitted entries the reviewer may decide, narrowed by the filters."""
    model: type[Need] | type[Offer] = Need if kind is EntryKind.NEED else Offer
    readable = need_readable(identity) if model is Need else offer_readable(identity)
    since = _waiting_since(model)
    conditions = [model.state == EntryState.SUBMITTED, readable, reviewed(identity, model.category)]
    if filters.category is not None:
        conditions.append(model.category == filters.category)
    if filters.county:
        conditions.append(
            Need.county_code == filters.county if model is Need else serves_county(filters.county)
        )
    if filters.channel is not None:
        conditions.append(Need.channel == filters.channel)
    if filters.waiting is not None:
        conditions.append(since <= now - timedelta(days=filters.waiting.days))
    return select(
        literal(kind.value).label("kind"), model.id.label("id"), since.label("since")
    ).where(*conditions)


async def review_queue(
    session: AsyncSession,
    identity: Identity,
    page: PageRequest,
    filters: ReviewFilters,
    now: datetime,
) -> Slice[QueueItem]:
    """One page of submitted needs and offers, the longest waiting first (submitted, else
    created), paged in SQL over both kinds together."""
    parts = [_part(kind, identity, filters, now) for kind in EntryKind if filters.wants(kind)]
    if not parts:
        return Slice.of([], 0, page)
    queue = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    total = await session.scalar(select(func.count()).select_from(queue))
    rows = (
        await session.execute(
            select(queue.c.kind, queue.c.id, queue.c.since)
            .order_by(queue.c.since, queue.c.id)
            .limit(page.page_size)
            .offset(page.offset)
        )
    ).all()
    entries = await _load(session, rows)
    items = [
        QueueItem(
            kind=EntryKind(kind),
            entry=entries[UUID(str(entry_id))],
            waiting_since=since,
            waited_days=max(0, (now - _aware(since, now)).days),
        )
        for kind, entry_id, since in rows
        if UUID(str(entry_id)) in entries
    ]
    return Slice.of(items, total or 0, page)


def _aware(moment: datetime | str, now: datetime) -> datetime:
    """A union loses the column's type on SQLite: read its text back as a UTC time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


async def _load(session: AsyncSession, rows: Any) -> dict[UUID, Any]:
    found: dict[UUID, Any] = {}
    for kind, model in ((EntryKind.NEED.value, Need), (EntryKind.OFFER.value, Offer)):
        ids = [UUID(str(entry_id)) for row_kind, entry_id, _ in rows if row_kind == kind]
        if ids:
            for entry in await session.scalars(select(model).where(model.id.in_(ids))):
                found[entry.id] = entry
    return found


@dataclass(frozen=True, slots=True)
class Pick:
    """One ticked entry: its kind, id and the version the reviewer saw."""

    kind: EntryKind
    id: UUID
    version: int

    @property
    def value(self) -> str:
        return f"{self.kind.value}:{self.id}:{self.version}"


def pick_of(entry: Any, kind: EntryKind) -> str:
    return Pick(kind, entry.id, entry.version).value


def parse_picks(values: list[str]) -> list[Pick]:
    """The ticked entries of the bulk form, or one clear error that changes nothing."""
    if not values:
        raise InvalidInput(
            N_("Tick at least one entry to approve."),
            problems=[FieldProblem("entry", "missing", N_("Tick at least one entry to approve."))],
        )
    if len(values) > MAX_PAGE_SIZE:
        raise InvalidInput(
            N_("At most %(max)s entries are approved at once."),
            params={"max": MAX_PAGE_SIZE},
            problems=[
                FieldProblem(
                    "entry",
                    "too_many",
                    N_("At most %(max)s entries are approved at once."),
                    {"max": MAX_PAGE_SIZE},
                )
            ],
        )
    picks: dict[tuple[EntryKind, UUID], Pick] = {}
    for value in values:
        try:
            kind, entry_id, version = value.split(":")
            pick = Pick(EntryKind(kind), UUID(entry_id), int(version))
        except ValueError:
            raise InvalidInput(
                N_("Some ticked entries are not valid."),
                problems=[FieldProblem("entry", "invalid", N_("Choose one of the options."))],
            ) from None
        picks[(pick.kind, pick.id)] = pick
    return list(picks.values())


@dataclass(slots=True)
class BulkOutcome:
    approved: list[Any] = field(default_factory=list)
    refused: list[tuple[str, DomainError]] = field(default_factory=list)
    """The entry's title (or its id when it cannot be read) and why it was not approved."""


async def approve_many(
    picks: list[Pick],
    needs: NeedService,
    offers: OfferService,
    identity: Identity,
    actor: Actor,
) -> BulkOutcome:
    """Approve each ticked entry through the same step as a single approval. An entry the
    reviewer may not approve (not found or not readable, another category, entered by the
    reviewer, no longer submitted, changed since the page was shown) is left unchanged and
    reported; the others are approved."""
    outcome = BulkOutcome()
    for pick in picks:
        service: NeedService | OfferService = needs if pick.kind is EntryKind.NEED else offers
        try:
            entry: Any = await service.require(pick.id, identity)
        except NotFound as error:
            outcome.refused.append((str(pick.id), error))
            continue
        try:
            service.check_version(entry, pick.version)
            await service.transition(entry, Transition.APPROVE, identity, actor)
        except (NotYours, InvalidTransition) as error:
            outcome.refused.append((entry.title, error))
        except StaleVersion as error:
            if entry.version != pick.version:
                outcome.refused.append((entry.title, error))
            else:
                raise
        else:
            outcome.approved.append(entry)
    return outcome
