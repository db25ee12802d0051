"""What a proposal commits, line by line: each need line still lacking something against the
offer's line of the same kind and unit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from uuid import UUID

from core.errors import N_, FieldProblem, InvalidInput
from demand.models import Need, NeedLine
from supply.models import Offer, OfferLine

CENT = Decimal("0.01")


def line_pairs(
    need: Need, offer: Offer, amounts: Mapping[UUID, Decimal] | None
) -> list[tuple[NeedLine, OfferLine, Decimal]]:
    """Each need line with what it still lacks, against the offer's line of the same kind and
    unit; the amount is what was asked for, or as much as both allow."""
    offered = {(line.kind, line.amount_unit): line for line in offer.lines}
    pairs = []
    for line in need.lines:
        partner = offered.get((line.kind, line.amount_unit))
        if partner is None:
            continue
        most = min(line.sought - line.committed, partner.offered - partner.committed)
        wanted = most if amounts is None else amounts.get(line.id)
        if wanted is None or (amounts is None and most <= 0):
            continue
        if wanted <= 0 or wanted > most:
            raise InvalidInput(
                N_("An amount is more than the need lacks or the offer has left."),
                problems=[
                    FieldProblem(
                        f"amounts.{line.id}",
                        "out_of_range",
                        N_("Between 0 and %(most)s."),
                        {"most": most},
                    )
                ],
            )
        pairs.append((line, partner, wanted.quantize(CENT)))
    if not pairs:
        raise InvalidInput(N_("The offer has nothing left of what the need still lacks."))
    return pairs
