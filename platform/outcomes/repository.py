"""Every query of the outcomes package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import User
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.database import locked
from core.pagination import PageRequest
from outcomes.models import IndicatorValue, ProgressReport, ReportPhoto, ReportState


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, agreement_id: UUID, page: PageRequest) -> tuple[list[ProgressReport], int]:
        """An agreement's reports, latest period first."""
        condition = ProgressReport.agreement_id == agreement_id
        total = (
            await self.session.scalar(
                select(func.count()).select_from(ProgressReport).where(condition)
            )
            or 0
        )
        rows = await self.session.scalars(
            select(ProgressReport)
            .where(condition)
            .order_by(ProgressReport.period_end.desc(), ProgressReport.period_start.desc())
            .limit(page.page_size)
            .offset(page.offset)
        )
        return list(rows.unique()), total

    async def find(
        self, agreement_id: UUID, report_id: UUID, *, lock: bool = True
    ) -> ProgressReport | None:
        """The report, locked against a concurrent step unless only read."""
        query = select(ProgressReport).where(
            ProgressReport.id == report_id, ProgressReport.agreement_id == agreement_id
        )
        return await self.session.scalar(locked(query, of=ProgressReport) if lock else query)

    async def all_of(self, agreement_id: UUID) -> list[ProgressReport]:
        """Every report of an agreement, earliest period first (an agreement has a few dozen
        at most: one per month over a few years)."""
        rows = await self.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.agreement_id == agreement_id)
            .order_by(ProgressReport.period_start, ProgressReport.period_end)
        )
        return list(rows.unique())

    async def names(self, user_ids: Iterable[UUID | None]) -> dict[UUID, str]:
        """The display names of the people who acted on reports."""
        wanted = {user_id for user_id in user_ids if user_id is not None}
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(User.id, User.display_name).where(User.id.in_(wanted))
        )
        return {user_id: name for user_id, name in rows}

    async def photos(self, report_id: UUID) -> list[ReportPhoto]:
        """A report's photos in the order they were added."""
        rows = await self.session.scalars(
            select(ReportPhoto)
            .where(ReportPhoto.report_id == report_id)
            .order_by(ReportPhoto.created_at, ReportPhoto.id)
        )
        return list(rows)

    async def photo(self, report_id: UUID, photo_id: UUID) -> ReportPhoto | None:
        return await self.session.scalar(
            select(ReportPhoto).where(
                ReportPhoto.id == photo_id, ReportPhoto.report_id == report_id
            )
        )

    async def periods_reported(self, agreement_ids: list[UUID]) -> set[tuple[UUID, date, date]]:
        """The (agreement, start, end) of the reports that exist."""
        rows = await self.session.execute(
            select(
                ProgressReport.agreement_id, ProgressReport.period_start, ProgressReport.period_end
            ).where(ProgressReport.agreement_id.in_(agreement_ids))
        )
        return {(agreement_id, start, end) for agreement_id, start, end in rows}

    async def cumulative(self, agreement_id: UUID) -> dict[UUID, Decimal]:
        """Per indicator, the sum of its values in approved reports."""
        rows = await self.session.execute(
            select(IndicatorValue.indicator_id, func.sum(IndicatorValue.actual))
            .join(ProgressReport, IndicatorValue.report_id == ProgressReport.id)
            .where(
                ProgressReport.agreement_id == agreement_id,
                ProgressReport.state == ReportState.APPROVED,
            )
            .group_by(IndicatorValue.indicator_id)
        )
        return {indicator_id: Decimal(total) for indicator_id, total in rows}

    async def reporting_agreements(self) -> list[Agreement]:
        """The agreements that take reports and have targets to report on."""
        rows = await self.session.scalars(
            select(Agreement).where(
                Agreement.state.in_(SIGNED_OR_LATER), Agreement.indicators.any()
            )
        )
        return list(rows.unique())

    async def mark_overdue(self, today: date) -> list[UUID]:
        """Flag the drafts past their due date; returns their ids."""
        due = list(
            await self.session.scalars(
                select(ProgressReport.id).where(
                    ProgressReport.state == ReportState.DRAFT,
                    ProgressReport.due_on < today,
                    ProgressReport.overdue.is_(False),
                )
            )
        )
        if due:
            await self.session.execute(
                update(ProgressReport)
                .where(ProgressReport.id.in_(due))
                .values(overdue=True, version=ProgressReport.version + 1)
                .execution_options(synchronize_session="fetch")
            )
        return due
