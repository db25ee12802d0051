"""The track record port: what organizations did with earlier agreements, for the track-record
component of the score. Matching never imports agreements; the composition root hands it a
source with `use_track_record`. Until one is registered every organization is a newcomer."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class TrackFacts:
    agreements: int = 0
    """Agreements signed by the organization."""
    completed_agreements: int = 0
    """Of those, completed."""
    reports_due: int = 0
    """Progress reports that fell due."""
    reports_on_time: int = 0
    """Of those, submitted by their due date."""


NEWCOMER = TrackFacts()


class TrackRecord(Protocol):
    async def of_organizations(
        self, session: AsyncSession, organization_ids: Collection[UUID]
    ) -> Mapping[UUID, TrackFacts]:
        """The facts of those organizations that have any; the others may be left out."""
        ...


class NoTrackRecord:
    """No history anywhere: every organization is a newcomer."""

    async def of_organizations(
        self, session: AsyncSession, organization_ids: Collection[UUID]
    ) -> Mapping[UUID, TrackFacts]:
        return {}


_source: TrackRecord = NoTrackRecord()


def use_track_record(source: TrackRecord) -> None:
    """Where track records come from from now on (the composition root calls it)."""
    global _source
    _source = source


async def track_records(
    session: AsyncSession, organization_ids: Collection[UUID]
) -> dict[UUID, TrackFacts]:
    """Every one of the organizations' facts, newcomers' included, in one call to the source
    for a whole batch of offers."""
    wanted = set(organization_ids)
    found = await _source.of_organizations(session, wanted) if wanted else {}
    return {organization_id: found.get(organization_id, NEWCOMER) for organization_id in wanted}
