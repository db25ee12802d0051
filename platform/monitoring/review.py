"""The half-year review (跟踪问效) for the bureau's 碰头会, and the year view for its annual
座谈会: what a period brought and where the projects stand at its end.

Definitions, stated on the page as well:

- an agreement counts once signed (signed, in progress, completion confirmed or completed);
  it was *signed in the period* when its signing day falls in it, *completed in the period*
  when it was completed then;
- money *in the period* is what the ledger booked in it, *cumulative* what it booked up to the
  period's end, each under ``monitoring.money``'s rules (a reversed entry counts for nothing,
  delivered money is confirmed by the recipient);
- the standing (stalled, overdue, disputes) is read on the period's last day, or today while
  the period runs, from the agreements' state today;
- *stalled*: signed or in progress, and neither a ledger entry nor a submitted report nor the
  signing itself in the last ``STALLED_DAYS`` days;
- a report is *overdue* once its due day has passed and it is still a draft (the rule of the
  reviewers' alert, ``followup.alerts``);
- a dispute is *open* while the recipient's dispute of a disbursement in force stands with no
  confirmation after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from accounts.models import Organization
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from agreements.programmes import programme_name
from core.categories import TopCategory
from core.clock import local_date
from core.columns import MONEY, ZERO
from followup.alerts import RUNNING
from funds.in_force import not_reversed
from funds.models import EntryType, LedgerEntry, MonthRollup
from monitoring.commendation import Commended, Tier, commendation
from monitoring.figures import Money
from monitoring.money import FIGURES
from monitoring.review_period import Window
from outcomes.models import ProgressReport, ReportState
from regions.models import Region, RegionLevel

STALLED_DAYS = 90
"""Days without a ledger entry or a report after which a running agreement is stalled."""


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """One line of the totals: agreements signed in the period, money in it and up to its end."""

    key: str
    name: str
    signed: int
    period: Money
    cumulative: Money

    def named(self, name: str) -> PeriodFigures:
        return PeriodFigures(self.key, name, self.signed, self.period, self.cumulative)


@dataclass(frozen=True, slots=True)
class ListedAgreement:
    """An agreement as the review's lists show it, read as a plain row: at a city's scale a
    list runs to thousands of agreements, and whole records would cost seconds to load."""

    id: UUID
    number: str
    title: str
    organization_name: str
    county_code: str | None
    category: TopCategory
    state: AgreementState
    signed_on: date | None
    completed_at: datetime | None


LISTED = (
    Agreement.id,
    Agreement.number,
    Agreement.title,
    Organization.name,
    Agreement.county_code,
    Agreement.category,
    Agreement.state,
    Agreement.signed_on,
    Agreement.completed_at,
)
"""The columns of a ``ListedAgreement``, in its order; the query joins the organization."""


def _listed(row: Sequence[Any]) -> ListedAgreement:
    return ListedAgreement(*row[: len(LISTED)])


@dataclass(frozen=True, slots=True)
class Stalled:
    agreement: ListedAgreement
    last_activity: date
    days: int


@dataclass(frozen=True, slots=True)
class OverdueReport:
    agreement: ListedAgreement
    report: ProgressReport
    days: int


@dataclass(frozen=True, slots=True)
class OpenDispute:
    agreement: ListedAgreement
    disbursement: LedgerEntry
    since: date


@dataclass(frozen=True, slots=True)
class HalfYearReview:
    window: Window
    as_of: date
    totals: PeriodFigures
    by_county: list[PeriodFigures]
    by_category: list[PeriodFigures]
    by_programme: list[PeriodFigures]
    signed: list[ListedAgreement]
    completed: list[ListedAgreement]
    stalled: list[Stalled]
    overdue: list[OverdueReport]
    disputes: list[OpenDispute]
    commended: list[Commended]
    county_names: dict[str, str]


COUNTED = Agreement.state.in_(SIGNED_OR_LATER)


def _summed(lines: Sequence[PeriodFigures]) -> PeriodFigures:
    def total(part: str) -> Money:
        return Money(
            *(sum((getattr(getattr(line, part), name) for line in lines), ZERO) for name in FIGURES)
        )

    return PeriodFigures(
        "", "", sum(line.signed for line in lines), total("period"), total("cumulative")
    )


class Review:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(self, window: Window, today: date) -> HalfYearReview:
        as_of = window.as_of(today)
        counties = await self._county_names()
        by_county = await self._grouped(window, "county_code")
        by_category = await self._grouped(window, "category")
        by_programme = await self._grouped(window, "programme")
        commended = await commendation(self.session, window.ended_by(today))
        return HalfYearReview(
            window=window,
            as_of=as_of,
            totals=_summed(by_category),
            by_county=[line.named(counties.get(line.key, line.key)) for line in by_county],
            by_category=[line.named(TopCategory(line.key).label) for line in by_category],
            by_programme=[line.named(programme_name(line.key)) for line in by_programme],
            signed=await self._signed(window),
            completed=await self._completed(window),
            stalled=await self._stalled(as_of),
            overdue=await self._overdue(as_of),
            disputes=await self._disputes(window, as_of),
            commended=[found for found in commended if found.tier is not Tier.PARTNER],
            county_names=counties,
        )

    async def _county_names(self) -> dict[str, str]:
        rows = await self.session.execute(
            select(Region.code, Region.short_name).where(Region.level == RegionLevel.COUNTY)
        )
        return {code: name for code, name in rows}

    async def _grouped(self, window: Window, name: str) -> list[PeriodFigures]:
        """Per value of the agreement's column ``name``: agreements signed in the period, and
        the money booked in it and up to its end, read from the month rollup (``funds.rollup``:
        the counted agreements' month rows, and a review's period is whole months); a key with
        none of these makes no line."""
        grouped = getattr(Agreement, name)
        signed = await self.session.execute(
            select(grouped, func.count(Agreement.id))
            .where(COUNTED, *_signed_in(window), grouped.is_not(None))
            .group_by(grouped)
        )
        counts: dict[str, int] = {str(found): count for found, count in signed}
        rolled = MonthRollup.__table__.c[name]
        first_month, last_month = window.whole_months
        in_period = MonthRollup.month >= first_month
        rows = await self.session.execute(
            select(
                rolled,
                *(
                    func.coalesce(
                        func.sum(case((in_period, MonthRollup.__table__.c[figure]), else_=0)),
                        0,
                        type_=MONEY,
                    )
                    for figure in FIGURES
                ),
                *(
                    func.coalesce(func.sum(MonthRollup.__table__.c[figure]), 0, type_=MONEY)
                    for figure in FIGURES
                ),
            )
            .where(MonthRollup.month <= last_month)
            .group_by(rolled)
        )
        sums = {str(row[0]): (Money(*row[1:5]), Money(*row[5:9])) for row in rows if row[0]}
        lines = [
            PeriodFigures(key, key, counts.get(key, 0), *sums.get(key, (Money(), Money())))
            for key in sorted(counts.keys() | sums.keys())
        ]
        return [line for line in lines if line.signed or line.cumulative != Money()]

    async def _signed(self, window: Window) -> list[ListedAgreement]:
        found = await self.session.execute(
            _listing()
            .where(COUNTED, *_signed_in(window))
            .order_by(Agreement.signed_on, Agreement.number)
        )
        return [_listed(row) for row in found]

    async def _completed(self, window: Window) -> list[ListedAgreement]:
        found = await self.session.execute(
            _listing()
            .where(
                Agreement.state == AgreementState.COMPLETED,
                Agreement.completed_at >= window.since,
                Agreement.completed_at < window.until,
            )
            .order_by(Agreement.completed_at, Agreement.number)
        )
        return [_listed(row) for row in found]

    async def _stalled(self, as_of: date) -> list[Stalled]:
        """Running agreements whose last sign of life (signing, ledger entry, submitted
        report) up to ``as_of`` is ``STALLED_DAYS`` or more days old: none in the last
        ``STALLED_DAYS`` days, judged in the database, each found one with its last moments."""
        quiet = Window(as_of - timedelta(days=STALLED_DAYS - 1), as_of)
        entry = select(LedgerEntry.created_at).where(LedgerEntry.agreement_id == Agreement.id)
        report = select(ProgressReport.submitted_at).where(
            ProgressReport.agreement_id == Agreement.id
        )
        rows = await self.session.execute(
            _listing(
                entry.with_only_columns(func.max(LedgerEntry.created_at))
                .where(LedgerEntry.created_at < quiet.until)
                .scalar_subquery(),
                report.with_only_columns(func.max(ProgressReport.submitted_at))
                .where(ProgressReport.submitted_at < quiet.until)
                .scalar_subquery(),
            ).where(
                Agreement.state.in_(RUNNING),
                Agreement.signed_on.is_not(None),
                Agreement.signed_on < quiet.first,
                ~entry.where(
                    LedgerEntry.created_at >= quiet.since, LedgerEntry.created_at < quiet.until
                ).exists(),
                ~report.where(
                    ProgressReport.submitted_at >= quiet.since,
                    ProgressReport.submitted_at < quiet.until,
                ).exists(),
            )
        )
        found = []
        for row in rows:
            agreement = _listed(row)
            assert agreement.signed_on is not None
            moments = row[len(LISTED) :]
            days = [local_date(moment) for moment in moments if moment is not None]
            last = max([agreement.signed_on, *days])
            found.append(Stalled(agreement, last, (as_of - last).days))
        return sorted(found, key=lambda item: (item.last_activity, item.agreement.number))

    async def _overdue(self, as_of: date) -> list[OverdueReport]:
        rows = await self.session.execute(
            _listing(ProgressReport)
            .join(ProgressReport, ProgressReport.agreement_id == Agreement.id)
            .where(
                COUNTED,
                ProgressReport.state == ReportState.DRAFT,
                ProgressReport.due_on < as_of,
            )
            .order_by(ProgressReport.due_on, Agreement.number)
        )
        return [
            OverdueReport(_listed(row), report, (as_of - report.due_on).days)
            for row in rows
            for report in row[len(LISTED) :]
        ]

    async def _disputes(self, window: Window, as_of: date) -> list[OpenDispute]:
        """Disputes standing at the end of ``as_of``, judged on each ledger as it was then
        (``funds.ledger.receipts``): each dispute of a disbursement in force that has a
        dispute in force and no confirmation in force."""
        until = Window(window.first, as_of).until
        dispute, disbursement = aliased(LedgerEntry), aliased(LedgerEntry)

        def answered(kind: EntryType) -> ColumnElement[bool]:
            answer = aliased(LedgerEntry)
            return (
                select(answer.id)
                .where(
                    answer.agreement_id == disbursement.agreement_id,
                    answer.entry_type == kind,
                    answer.confirms_id == disbursement.id,
                    answer.created_at < until,
                    not_reversed(answer, until),
                )
                .exists()
            )

        rows = await self.session.execute(
            _listing(dispute.created_at, disbursement)
            .join(dispute, dispute.agreement_id == Agreement.id)
            .join(disbursement, disbursement.id == dispute.confirms_id)
            .where(
                COUNTED,
                dispute.entry_type == EntryType.RECEIPT_DISPUTE,
                dispute.created_at < until,
                disbursement.entry_type == EntryType.DISBURSEMENT,
                not_reversed(disbursement, until),
                answered(EntryType.RECEIPT_DISPUTE),
                ~answered(EntryType.RECEIPT_CONFIRMATION),
            )
        )
        found = [OpenDispute(_listed(row), row[-1], local_date(row[-2])) for row in rows]
        return sorted(found, key=lambda item: (item.since, item.agreement.number))


def _listing(*extra: Any) -> Select[Any]:
    """The columns of a ``ListedAgreement`` and ``extra``, from the agreements joined to their
    organizations."""
    return select(*LISTED, *extra).join(Organization, Organization.id == Agreement.organization_id)


def completed_on(agreement: ListedAgreement) -> date | None:
    """The day in China the agreement was completed."""
    return local_date(agreement.completed_at) if agreement.completed_at else None


def _signed_in(window: Window) -> list[ColumnElement[bool]]:
    return [Agreement.signed_on >= window.first, Agreement.signed_on <= window.last]
