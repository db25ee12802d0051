"""What an organization's agreements say about it, for matching's track-record score.

Matching declares the port (``matching.track_record.TrackRecord``: facts per organization) and
the composition root plugs this in. Reports are not filed on the platform yet, so their counts
stay zero.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from uuid import UUID

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from matching.track_record import TrackFacts


class AgreementTrackRecord:
    async def of_organizations(
        self, session: AsyncSession, organization_ids: Collection[UUID]
    ) -> Mapping[UUID, TrackFacts]:
        """Signed-or-later agreements and completed ones per organization, in one grouped
        query; organizations without any are left out (their facts are the defaults)."""
        if not organization_ids:
            return {}
        completed = func.sum(case((Agreement.state == AgreementState.COMPLETED, 1), else_=0))
        rows = await session.execute(
            select(Agreement.organization_id, func.count(), completed)
            .where(
                Agreement.organization_id.in_(list(organization_ids)),
                Agreement.state.in_(SIGNED_OR_LATER),
            )
            .group_by(Agreement.organization_id)
        )
        return {
            organization_id: TrackFacts(agreements=count, completed_agreements=int(done or 0))
            for organization_id, count, done in rows
        }
