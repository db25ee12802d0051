"""What a proposal commits, line by line: each need line still lacking something against the
offer's line of the same kind and unit, or else against the offer's funds.

Funds for a line of goods, time or purchases (`matching.funds_cover`) are committed in yuan on
the offer and, where the line has a worth in yuan, as the share of its quantity the yuan pay for
(rounded down). A line with no worth in yuan takes money only as a stated pledge: the proposal
says how many yuan, and the line's quantity does not move, since nothing says how much of it
the money buys; the station, whose consent every pairing needs, judges whether it is enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple
from uuid import UUID

from core.errors import N_, FieldProblem, InvalidInput
from demand.models import Need, NeedLine
from matching.funds_cover import CENT, FUNDS_KEY, quantity_for, total_worth, worth_of
from supply.models import Offer, OfferLine

NOTHING = Decimal("0.00")


class Commitment(NamedTuple):
    need_line: NeedLine
    offer_line: OfferLine
    amount: Decimal
    """Taken from the offer line, in its unit."""
    covers: Decimal
    """Added to the need line's committed quantity, in its unit."""


def _out_of_range(line: NeedLine, most: Decimal) -> InvalidInput:
    return InvalidInput(
        N_("An amount is more than the need lacks or the offer has left."),
        problems=[
            FieldProblem(
                f"amounts.{line.id}", "out_of_range", N_("Between 0 and %(most)s."), {"most": most}
            )
        ],
    )


def line_pairs(
    need: Need, offer: Offer, amounts: Mapping[UUID, Decimal] | None
) -> list[Commitment]:
    """Each need line with what it still lacks, against the offer's line of the same kind and
    unit, else the offer's funds; the amount is what was asked for, or as much as both allow
    (a pledge to a line with no worth in yuan is only ever what was asked for)."""
    offered = {(line.kind.value, line.amount_unit): line for line in offer.lines}
    funds = offered.get(FUNDS_KEY)
    left = {line.id: line.offered - line.committed for line in offer.lines}
    pairs = []
    unpriced = []
    for line in need.lines:
        key = (line.kind.value, line.amount_unit)
        same_kind = key in offered
        partner = offered.get(key) or funds
        if partner is None:
            continue
        lacking = line.sought - line.committed
        worth = None if same_kind else total_worth(*key, line.value, line.sought)
        if same_kind:
            most = min(lacking, left[partner.id])
        elif worth is not None:
            most = min(worth_of(lacking, line.sought, worth), left[partner.id])
        else:
            most = left[partner.id] if lacking > 0 else NOTHING
        if amounts is not None:
            wanted = amounts.get(line.id)
        elif same_kind or worth is not None:
            wanted = most if most > 0 else None
        else:
            wanted = None
            if most > 0:
                unpriced.append(line)
        if wanted is None:
            continue
        if wanted <= 0 or wanted > most:
            raise _out_of_range(line, most)
        wanted = wanted.quantize(CENT)
        if same_kind:
            covers = wanted
        elif worth is not None:
            covers = quantity_for(wanted, line.sought, worth)
        else:
            covers = NOTHING
        left[partner.id] -= wanted
        pairs.append(Commitment(line, partner, wanted, covers))
    if not pairs and unpriced:
        raise InvalidInput(
            N_("Say how many yuan the offer's funds give to a line that has no value in yuan."),
            problems=[
                FieldProblem(f"amounts.{line.id}", "required", N_("Give the amount in yuan."))
                for line in unpriced
            ],
        )
    if not pairs:
        raise InvalidInput(N_("The offer has nothing left of what the need still lacks."))
    return pairs


def pledge_lines(need: Need, offer: Offer) -> list[NeedLine]:
    """The need lines the offer's funds can only pledge to, when nothing else pairs by itself:
    a page asks for their yuan, since a proposal cannot take them by default."""
    try:
        line_pairs(need, offer, None)
    except InvalidInput as refused:
        wanted = {problem.field for problem in refused.problems if problem.code == "required"}
        return [line for line in need.lines if f"amounts.{line.id}" in wanted]
    return []
