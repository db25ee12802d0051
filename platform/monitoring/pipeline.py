"""How far the needs and the offers got, one SQL aggregate per side: posted → published →
paired → under agreement → completed. Each stage counts the entries that reached it, so every
stage holds the next (a need whose agreement completed was also paired, published, posted).

The stages, from the models' states:

- posted: handed in for review (``submitted_at`` set; a draft never handed in is not);
- published: approved into the catalogue (``published_at`` set, whatever became of it since);
- paired: named by a proposal both sides accepted (accepted, or converted into an agreement);
- under agreement: named by a proposal an agreement signed or later was made from;
- completed: that agreement is completed.

Needs and offers are narrowed by the year they were posted (in China) and their category; needs
also by their county. Offers serve several regions, and programmes belong to agreements, so
those filters leave the offers (and the programme filter the needs) as they are.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementProposal, AgreementState
from core.errors import N_
from demand.models import Need
from matching.models import Proposal, ProposalState
from monitoring.filters import StatsFilters
from monitoring.local_time import local_year
from supply.models import Offer

PAIRED = (ProposalState.ACCEPTED, ProposalState.CONVERTED)


class Stage(StrEnum):
    POSTED = "posted"
    PUBLISHED = "published"
    PAIRED = "paired"
    UNDER_AGREEMENT = "under_agreement"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_LABELS = {
    Stage.POSTED: N_("Posted"),
    Stage.PUBLISHED: N_("Published"),
    Stage.PAIRED: N_("Paired"),
    Stage.UNDER_AGREEMENT: N_("Under agreement"),
    Stage.COMPLETED: N_("Completed"),
}
_MEANINGS = {
    Stage.POSTED: N_("Handed in for review (drafts not counted)."),
    Stage.PUBLISHED: N_("Approved into the catalogue, whatever became of it since."),
    Stage.PAIRED: N_("Named by a proposal both sides accepted."),
    Stage.UNDER_AGREEMENT: N_("Named by a proposal an agreement signed or later was made from."),
    Stage.COMPLETED: N_("That agreement is completed."),
}

Entry = type[Need] | type[Offer]


def _agreed(proposal_side: ColumnElement[bool], *states: AgreementState) -> ColumnElement[bool]:
    return exists().where(
        proposal_side,
        AgreementProposal.proposal_id == Proposal.id,
        Agreement.id == AgreementProposal.agreement_id,
        Agreement.state.in_(states),
    )


class Pipeline:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def needs(self, filters: StatsFilters) -> dict[Stage, int]:
        conditions = self._posted(Need, filters)
        if filters.county is not None:
            conditions.append(Need.county_code == filters.county)
        return await self._stages(Need, Proposal.need_id == Need.id, conditions)

    async def offers(self, filters: StatsFilters) -> dict[Stage, int]:
        return await self._stages(
            Offer, Proposal.offer_id == Offer.id, self._posted(Offer, filters)
        )

    def _posted(self, entry: Entry, filters: StatsFilters) -> list[ColumnElement[bool]]:
        dialect = self.session.get_bind().dialect.name
        conditions: list[ColumnElement[bool]] = [entry.submitted_at.is_not(None)]
        if filters.year is not None:
            conditions.append(local_year(entry.submitted_at, dialect) == str(filters.year))
        if filters.category is not None:
            conditions.append(entry.category == filters.category)
        return conditions

    async def _stages(
        self, entry: Entry, named: ColumnElement[bool], conditions: list[ColumnElement[bool]]
    ) -> dict[Stage, int]:
        reached = {
            Stage.POSTED: None,
            Stage.PUBLISHED: entry.published_at.is_not(None),
            Stage.PAIRED: exists().where(named, Proposal.state.in_(PAIRED)),
            Stage.UNDER_AGREEMENT: _agreed(named, *SIGNED_OR_LATER),
            Stage.COMPLETED: _agreed(named, AgreementState.COMPLETED),
        }
        counts = [
            func.count(entry.id) if condition is None else func.count(entry.id).filter(condition)
            for condition in reached.values()
        ]
        row = (await self.session.execute(select(*counts).where(*conditions))).one()
        return dict(zip(reached, row, strict=True))
