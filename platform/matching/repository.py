"""Matching's SQL: the queries and query parts its services share, so that every rule about
what the database holds (open proposals, declines that still hold, pairings a place holds,
what entries have left) reads the same everywhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Subquery,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql.elements import SQLCoreOperations

from accounts.identity import Identity
from catalogue.lines import LineKind
from catalogue.repository import rows_by_entry, rows_of_entries
from core.clock import Clock
from core.errors import N_, Conflict
from core.pagination import PageRequest, Slice
from demand.models import Need, NeedLine
from matching.declines import still_declined
from matching.facts import HOLDING, Pairings
from matching.models import Notice, Proposal, ProposalLine, ProposalState, SigningEvent
from matching.notices import SHOWN, addressed_to
from supply.models import Offer, OfferLine, offer_region


async def declined_pairs(session: AsyncSession) -> set[tuple[UUID, UUID]]:
    """Every (need, offer) pair a decline still holds, for the planner."""
    rows = await session.execute(
        select(Proposal.need_id, Proposal.offer_id)
        .join(Need, Proposal.need_id == Need.id)
        .join(Offer, Proposal.offer_id == Offer.id)
        .where(still_declined(Need.version, Offer.version))
    )
    return {(need_id, offer_id) for need_id, offer_id in rows}


async def decline_between(session: AsyncSession, need: Need, offer: Offer) -> Proposal | None:
    """The latest decline that still holds between the two, with its reason."""
    return await session.scalar(
        select(Proposal)
        .where(
            Proposal.need_id == need.id,
            Proposal.offer_id == offer.id,
            still_declined(need.version, offer.version),
        )
        .order_by(Proposal.answered_at.desc())
        .limit(1)
    )


async def pairings_held(session: AsyncSession, townships: Iterable[str]) -> Pairings:
    wanted = sorted(set(townships))
    if not wanted:
        return Pairings()
    rows = await session.execute(_pairings_held(), {"townships": wanted})
    held = Pairings()
    for region, township, count in rows:
        held.by_region[region] = held.by_region.get(region, 0) + count
        held.by_township[township] = held.by_township.get(township, 0) + count
    return held


@cache
def _pairings_held() -> Select[str, str, int]:
    """Holding proposals per village and township of the townships given (parameter
    ``townships``): built once, as suggestions ask it on every call for an offer."""
    return (
        select(Need.region_code, Need.township_code, func.count())
        .join(Proposal, Proposal.need_id == Need.id)
        .where(
            Need.township_code.in_(bindparam("townships", expanding=True)),
            Proposal.state.in_(HOLDING),
        )
        .group_by(Need.region_code, Need.township_code)
    )


def pairings_around(need_id: SQLCoreOperations[UUID]) -> Subquery:
    """The pairings held in the need's township (``township_held``) and at its own place
    (``village_held``), counted as `pairings_held` counts them, in one pass over the
    township's needs and their proposals, both read from indexes alone: one row, to be joined
    to the need's."""
    this, placed = aliased(Need), aliased(Need)
    return (
        select(
            func.count().label("township_held"),
            func.coalesce(
                func.sum(case((placed.region_code == this.region_code, 1), else_=0)), 0
            ).label("village_held"),
        )
        .select_from(Proposal)
        .join(placed, Proposal.need_id == placed.id)
        .join(this, this.township_code == placed.township_code)
        .where(this.id == need_id, Proposal.state.in_(HOLDING))
        .subquery()
    )


async def unread(session: AsyncSession, identity: Identity) -> list[Notice]:
    return list(
        await session.scalars(
            select(Notice)
            .where(addressed_to(identity), Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc())
            .limit(SHOWN)
        )
    )


async def mark_read(
    session: AsyncSession, clock: Clock, identity: Identity, notice_id: UUID
) -> None:
    """Only one's own notices; anyone else's id changes nothing."""
    notice = await session.scalar(
        select(Notice).where(Notice.id == notice_id, addressed_to(identity))
    )
    if notice is not None and notice.read_at is None:
        notice.read_at = clock()
        await session.flush()


def _level(code: str) -> int:
    """Significant digits of a division code: city 4, county 6, township 9, village 12."""
    return next((digits for digits in (4, 6, 9) if not code[digits:].strip("0")), 12)


def within(column: SQLCoreOperations[str], name: str) -> ColumnElement[bool]:
    """Codes of a division and of every division below it (codes nest), the division given
    as the parameters `within_values` names after ``name``."""
    return column.between(bindparam(f"{name}_from"), bindparam(f"{name}_to"))


def within_values(name: str, code: str) -> dict[str, str]:
    """The parameters of `within` for the division ``code``."""
    return {f"{name}_from": code, f"{name}_to": code[: _level(code)].ljust(12, "9")}


def probed(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a row meets the conditions (correlated with the candidate).

    Probed once per candidate (a scalar subquery) rather than EXISTS: PostgreSQL turns EXISTS
    into a join over every entry of the category and sorts them all, where probing lets the
    newest-first index scan stop at the bound.
    """
    return select(literal(1)).where(*conditions).limit(1).scalar_subquery().is_not(None)


def serves(region: ColumnElement[bool]) -> ColumnElement[bool]:
    """The offer serves a place the condition on ``offer_region.region_code`` accepts."""
    return probed(offer_region.c.offer_id == Offer.id, region)


SERVED_COLUMNS = {6: Need.county_code, 9: Need.township_code, 12: Need.region_code}
"""Where a need's place is named, per significant digits of the codes that serve it."""


def needs_served(cities: int) -> ColumnElement[bool]:
    """Needs whose place is one of the codes or lies below one of them, the codes given as
    parameters by `served_values` (``cities``: how many of them name a whole city)."""
    conditions = [within(Need.county_code, f"city_{n}") for n in range(cities)]
    conditions += [
        column.in_(bindparam(f"served_{digits}", expanding=True))
        for digits, column in SERVED_COLUMNS.items()
    ]
    return or_(*conditions)


def served_values(codes: Iterable[str]) -> tuple[int, dict[str, Any]]:
    """How many of the codes name a whole city, and the parameters of `needs_served`."""
    levels: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        levels[_level(code)].append(code)
    values: dict[str, Any] = {f"served_{digits}": levels[digits] for digits in SERVED_COLUMNS}
    for n, code in enumerate(levels[4]):
        values |= within_values(f"city_{n}", code)
    return len(levels[4]), values


def open_between(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """An accepted proposal, or one still awaiting an answer within its time."""
    return or_(
        Proposal.state == ProposalState.ACCEPTED,
        (Proposal.state == ProposalState.PROPOSED) & (Proposal.expires_at >= now),
    )


def lines_left(
    lines: type[OfferLine] | type[NeedLine], ids: Sequence[UUID] | Select[UUID]
) -> Select[UUID, LineKind, str, Decimal | None, Decimal, Decimal]:
    """What the entries' lines still offer or still lack, line by line, where anything is
    left, with each line's value and total (for what a need line is worth in yuan); ``ids``
    listed or selected."""
    entry, amount = _entry_and_amount(lines)
    return select(
        entry, lines.kind, lines.unit, lines.value, amount, amount - lines.committed
    ).where(entry.in_(ids), amount > lines.committed)


LINE_LEFT = ("line_kind", "line_unit", "line_value", "line_total", "line_left")
"""The names `with_lines_left` gives a line's columns (the last of each row), in the order
`lines_left` reads them."""


def with_lines_left(found: Subquery, lines: type[OfferLine] | type[NeedLine]) -> Select[Any]:
    """The entries ``found`` reads (with their ``id``), each with its lines where anything is
    left, as `lines_left` reads them: one row a line, one row with empty line columns for an
    entry with nothing left. Read together, so that the lines cost no second round trip."""
    entry, amount = _entry_and_amount(lines)
    kind, unit, value, total, left = LINE_LEFT
    return select(
        found,
        lines.kind.label(kind),
        lines.unit.label(unit),
        lines.value.label(value),
        amount.label(total),
        (amount - lines.committed).label(left),
    ).outerjoin(lines, (entry == found.c.id) & (amount > lines.committed))


def _entry_and_amount(
    lines: type[OfferLine] | type[NeedLine],
) -> tuple[InstrumentedAttribute[UUID], InstrumentedAttribute[Decimal]]:
    if lines is OfferLine:
        return OfferLine.offer_id, OfferLine.offered
    return NeedLine.need_id, NeedLine.sought


class NotEnoughLeft(Conflict):
    code = "not_enough_left"


async def commit_amounts(session: AsyncSession, proposal: Proposal) -> None:
    """Commit every line's amounts and one unit of capacity, each only if enough is left."""
    for line in proposal.lines:
        for table, line_id, amount, has_room in (
            (
                NeedLine,
                line.need_line_id,
                line.covers,
                NeedLine.sought - NeedLine.committed >= line.covers,
            ),
            (
                OfferLine,
                line.offer_line_id,
                line.amount,
                OfferLine.offered - OfferLine.committed >= line.amount,
            ),
        ):
            await _conditional(
                session, table, line_id, has_room, committed=table.committed + amount
            )
    await _conditional(
        session,
        Offer,
        proposal.offer_id,
        Offer.capacity_used < Offer.capacity,
        capacity_used=Offer.capacity_used + 1,
    )


async def _conditional(
    session: AsyncSession,
    table: type,
    row_id: UUID,
    condition: ColumnElement[bool],
    **values: object,
) -> None:
    changed = await session.execute(
        update(table)
        .where(table.id == row_id, condition)  # type: ignore[attr-defined]
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotEnoughLeft(
            N_(
                "Not enough is left on the need or the offer any more: someone committed it "
                "first. Propose a smaller amount."
            )
        )


_LATEST_EVENT_FIRST = (SigningEvent.held_on.desc(), SigningEvent.id.desc())


async def signing_events(session: AsyncSession) -> list[SigningEvent]:
    """Every signing event, latest first (ties by creation)."""
    return list(await session.scalars(select(SigningEvent).order_by(*_LATEST_EVENT_FIRST)))


async def signing_event_page(session: AsyncSession, page: PageRequest) -> Slice[SigningEvent]:
    """Latest first, ties by creation, so a page never repeats or skips an event."""
    total = await session.scalar(select(func.count()).select_from(SigningEvent))
    found = await session.scalars(
        select(SigningEvent)
        .order_by(*_LATEST_EVENT_FIRST)
        .limit(page.page_size)
        .offset(page.offset)
    )
    return Slice.of(list(found), total or 0, page)


LISTED_PROPOSAL_COLUMNS = (
    *(
        getattr(Proposal, name)
        for name in (
            "id",
            "need_id",
            "offer_id",
            "organization_id",
            "state",
            "proposed_by",
            "proposed_by_id",
            "message",
            "answer_reason",
            "score",
            "breakdown",
            "created_at",
            "expires_at",
            "answered_at",
            "event_id",
            "organization_agreed_at",
            "recipient_agreed_at",
        )
    ),
    Need.title.label("need_title"),
    Need.township_code,
    Need.category,
    Need.channel,
    Offer.title.label("offer_title"),
)
"""What the API's list shows of a proposal, and what `consent.Pairing` reads of it."""
LISTED_PROPOSALS = (
    select(*LISTED_PROPOSAL_COLUMNS)
    .join(Need, Proposal.need_id == Need.id)
    .join(Offer, Proposal.offer_id == Offer.id)
)
PROPOSAL_LINES = (
    rows_of_entries(
        (
            ProposalLine.proposal_id,
            ProposalLine.need_line_id,
            ProposalLine.offer_line_id,
            NeedLine.kind,
            NeedLine.unit,
            NeedLine.item,
            ProposalLine.amount,
            OfferLine.kind.label("offer_kind"),
            OfferLine.unit.label("offer_unit"),
            ProposalLine.covers,
        ),
        ProposalLine.proposal_id,
        ProposalLine.id,
    )
    .join_from(ProposalLine, NeedLine, ProposalLine.need_line_id == NeedLine.id)
    .join_from(ProposalLine, OfferLine, ProposalLine.offer_line_id == OfferLine.id)
)
"""A page of proposals' lines, each proposal's in the order of ``Proposal.lines``."""


@dataclass(frozen=True, slots=True)
class ListedProposal:
    """A proposal read as plain columns (`LISTED_PROPOSAL_COLUMNS`) with its lines: a list
    answers from two statements without building a proposal, its need, offer and lines."""

    row: Row[Any]
    lines: list[Row[Any]]


async def listed_proposals(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], page: PageRequest
) -> list[ListedProposal]:
    """A page of the proposals meeting ``conditions`` (on proposal and need), newest first."""
    rows = list(
        await session.execute(
            LISTED_PROPOSALS.where(*conditions)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
            .limit(page.page_size)
            .offset(page.offset)
        )
    )
    lines = await rows_by_entry(session, PROPOSAL_LINES, [row.id for row in rows])
    return [ListedProposal(row, lines[row.id]) for row in rows]
