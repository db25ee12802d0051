"""A declined pair stays declined: neither proposed, suggested nor planned again until the need
or the offer is edited (its version moves on)."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import SQLCoreOperations

from core.errors import N_
from matching.models import Proposal, ProposalState

DECLINED = N_(
    "This pairing was declined (%(reason)s); it can be proposed again once the need or the "
    "offer is edited."
)


def still_declined(
    need_version: int | SQLCoreOperations[int], offer_version: int | SQLCoreOperations[int]
) -> ColumnElement[bool]:
    """Proposals declined while the entries had the versions they have now."""
    return (
        (Proposal.state == ProposalState.DECLINED)
        & (Proposal.need_version == need_version)
        & (Proposal.offer_version == offer_version)
    )
