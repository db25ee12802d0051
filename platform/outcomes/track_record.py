"""What an organization's agreements and their progress reports say about it, for matching's
track-record score.

Matching declares the port (``matching.track_record.TrackRecord``: facts per organization) and
the composition root plugs this in. A report counts as due once it was submitted or flagged
overdue, and as on time when its first submission came by its due date.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from uuid import UUID

from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from matching.track_record import TrackFacts
from outcomes.models import ProgressReport


class AgreementTrackRecord:
    async def of_organizations(
        self, session: AsyncSession, organization_ids: Collection[UUID]
    ) -> Mapping[UUID, TrackFacts]:
        """Signed-or-later agreements, completed ones, and reports due and on time per
        organization, in two grouped queries; organizations without any are left out (their
        facts are the defaults)."""
        if not organization_ids:
            return {}
        wanted = {"organization_ids": list(organization_ids)}
        agreements = (await session.execute(_agreements(), wanted)).all()
        if not agreements:
            return {}  # their reports would count for no one: skip the second query
        reports = await session.execute(_reports(), wanted)
        due = {organization_id: (int(d or 0), int(t or 0)) for organization_id, d, t in reports}
        return {
            organization_id: TrackFacts(
                agreements=count,
                completed_agreements=int(done or 0),
                reports_due=due.get(organization_id, (0, 0))[0],
                reports_on_time=due.get(organization_id, (0, 0))[1],
            )
            for organization_id, count, done in agreements
        }


def _of_wanted() -> ColumnElement[bool]:
    """The agreements of the organizations given as the parameter ``organization_ids``."""
    return Agreement.organization_id.in_(bindparam("organization_ids", expanding=True))


@cache
def _agreements() -> Select[UUID, int, int]:
    """Signed-or-later and completed agreements per organization. Built once, like the
    statement below: every list of suggestions asks them, and building them anew cost a
    few percent of a call's CPU."""
    completed = func.sum(case((Agreement.state == AgreementState.COMPLETED, 1), else_=0))
    return (
        select(Agreement.organization_id, func.count(), completed)
        .where(_of_wanted(), Agreement.state.in_(SIGNED_OR_LATER))
        .group_by(Agreement.organization_id)
    )


@cache
def _reports() -> Select[UUID, int, int]:
    """Reports that fell due and those on time, per organization."""
    fell_due = or_(ProgressReport.overdue.is_(True), ProgressReport.on_time.is_not(None))
    return (
        select(
            Agreement.organization_id,
            func.sum(case((fell_due, 1), else_=0)),
            func.sum(case((ProgressReport.on_time.is_(True), 1), else_=0)),
        )
        .join(ProgressReport, ProgressReport.agreement_id == Agreement.id)
        .where(_of_wanted())
        .group_by(Agreement.organization_id)
    )
