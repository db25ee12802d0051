"""What the recipient confirmed receiving, written back to the agreement's lines and from there
to the need and offer lines they hold (已交付), in the transaction of the ledger entry that
changed it.

The figures are recomputed from the whole ledger each time, never incremented, so a reversed
confirmation, a reversed disbursement or a retried request leaves them right.

**The spreading rule.** A confirmed disbursement counts in its own unit: goods and time by
their quantity and unit (30 套), money by its amount in 元. Per unit, the confirmed total fills
the agreement's lines of that unit in their order (``position``), each up to its amount; what
is left over after the last line is delivered beyond the agreement and is written nowhere.
An offer line's delivered is the sum of its agreement lines' delivered. A need line's is, per
agreement line, the same share of what the line covers for the need (``covers × delivered ÷
amount``, rounded down to the cent): money pledged for goods covers nothing of the need's
quantity, so it delivers nothing of it either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, Decimal
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement, AgreementLine
from core.columns import ZERO
from demand.models import NeedLine
from funds.ledger import delivered
from funds.models import LedgerEntry
from supply.models import OfferLine

YUAN = "元"


def confirmed_by_unit(entries: Sequence[LedgerEntry]) -> dict[str, Decimal]:
    """The confirmed disbursements summed per unit: quantities of goods, yuan of money."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in delivered(entries):
        if entry.quantity is not None and entry.unit:
            totals[entry.unit] += entry.quantity
        else:
            totals[YUAN] += entry.amount
    return dict(totals)


def spread(lines: Iterable[AgreementLine], totals: dict[str, Decimal]) -> dict[UUID, Decimal]:
    """Each line's share of the totals: lines in order, each up to its amount."""
    left = dict(totals)
    shares = {}
    for line in sorted(lines, key=lambda line: line.position):
        share = min(line.amount, left.get(line.amount_unit, ZERO))
        shares[line.id] = share
        left[line.amount_unit] = left.get(line.amount_unit, ZERO) - share
    return shares


def need_share(covers: Decimal, amount: Decimal, line_delivered: Decimal) -> Decimal:
    """The part of the need line a delivered share of an agreement line stands for."""
    if amount <= 0:
        return ZERO
    return (covers * line_delivered / amount).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


async def write_deliveries(
    session: AsyncSession, agreement: Agreement, entries: Sequence[LedgerEntry]
) -> None:
    """Recompute the agreement's lines from its ledger, then the need and offer lines they
    hold from all the agreement lines holding them (another agreement may hold the same)."""
    shares = spread(agreement.lines, confirmed_by_unit(entries))
    for line in agreement.lines:
        line.delivered = shares[line.id]
    await session.flush()
    await _write_need_lines(session, {line.need_line_id for line in agreement.lines})
    await _write_offer_lines(session, {line.offer_line_id for line in agreement.lines})


async def _write_need_lines(session: AsyncSession, held: set[UUID | None]) -> None:
    ids = {line_id for line_id in held if line_id is not None}
    if not ids:
        return
    rows = await session.execute(
        select(
            AgreementLine.need_line_id,
            AgreementLine.covers,
            AgreementLine.amount,
            AgreementLine.delivered,
        ).where(AgreementLine.need_line_id.in_(ids))
    )
    totals: dict[UUID | None, Decimal] = dict.fromkeys(ids, ZERO)
    for line_id, covers, amount, line_delivered in rows:
        totals[line_id] += need_share(covers, amount, line_delivered)
    for line_id, total in totals.items():
        await session.execute(
            update(NeedLine).where(NeedLine.id == line_id).values(delivered=total)
        )


async def _write_offer_lines(session: AsyncSession, held: set[UUID | None]) -> None:
    ids = {line_id for line_id in held if line_id is not None}
    if not ids:
        return
    totals = await session.execute(
        select(AgreementLine.offer_line_id, func.sum(AgreementLine.delivered))
        .where(AgreementLine.offer_line_id.in_(ids))
        .group_by(AgreementLine.offer_line_id)
    )
    for line_id, total in totals:
        await session.execute(
            update(OfferLine).where(OfferLine.id == line_id).values(delivered=Decimal(total))
        )
