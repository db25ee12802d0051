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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement, AgreementState
from agreements.programmes import programme_name
from core.categories import TopCategory
from core.clock import local_date
from core.columns import MONEY, ZERO
from followup.alerts import RUNNING
from funds.ledger import Receipt, receipts
from funds.models import EntryType, LedgerEntry
from monitoring.commendation import Commended, Tier, commendation
from monitoring.figures import Money
from monitoring.money import FIGURES, ledger_money
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
class Stalled:
    agreement: Agreement
    last_activity: date
    days: int


@dataclass(frozen=True, slots=True)
class OverdueReport:
    agreement: Agreement
    report: ProgressReport
    days: int


@dataclass(frozen=True, slots=True)
class OpenDispute:
    agreement: Agreement
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
    signed: list[Agreement]
    completed: list[Agreement]
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
        by_county = await self._grouped(window, Agreement.county_code.expression)
        by_category = await self._grouped(window, Agreement.category.expression)
        by_programme = await self._grouped(window, Agreement.programme.expression)
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

    async def _grouped(self, window: Window, grouped: ColumnElement[Any]) -> list[PeriodFigures]:
        """Per key: agreements signed in the period, and the money booked in it and up to its
        end; a key with none of these makes no line."""
        key = grouped.label("key")
        signed = await self.session.execute(
            select(key, func.count(Agreement.id))
            .where(COUNTED, *_signed_in(window), grouped.is_not(None))
            .group_by(grouped)
        )
        counts: dict[str, int] = {str(found): count for found, count in signed}
        money = ledger_money()
        in_period = money.c.booked_at >= window.since
        rows = await self.session.execute(
            select(
                key,
                *(
                    func.coalesce(
                        func.sum(case((in_period, money.c[name]), else_=0)), 0, type_=MONEY
                    )
                    for name in FIGURES
                ),
                *(func.coalesce(func.sum(money.c[name]), 0, type_=MONEY) for name in FIGURES),
            )
            .select_from(money)
            .join(Agreement, Agreement.id == money.c.agreement_id)
            .where(COUNTED, money.c.booked_at < window.until, grouped.is_not(None))
            .group_by(grouped)
        )
        sums = {str(row[0]): (Money(*row[1:5]), Money(*row[5:9])) for row in rows}
        lines = [
            PeriodFigures(key, key, counts.get(key, 0), *sums.get(key, (Money(), Money())))
            for key in sorted(counts.keys() | sums.keys())
        ]
        return [line for line in lines if line.signed or line.cumulative != Money()]

    async def _signed(self, window: Window) -> list[Agreement]:
        found = await self.session.scalars(
            select(Agreement)
            .where(COUNTED, *_signed_in(window))
            .order_by(Agreement.signed_on, Agreement.number)
        )
        return list(found)

    async def _completed(self, window: Window) -> list[Agreement]:
        found = await self.session.scalars(
            select(Agreement)
            .where(
                Agreement.state == AgreementState.COMPLETED,
                Agreement.completed_at >= window.since,
                Agreement.completed_at < window.until,
            )
            .order_by(Agreement.completed_at, Agreement.number)
        )
        return list(found)

    async def _stalled(self, as_of: date) -> list[Stalled]:
        """Running agreements whose last sign of life (signing, ledger entry, submitted
        report) up to ``as_of`` is ``STALLED_DAYS`` or more days old."""
        running = list(
            await self.session.scalars(
                select(Agreement).where(
                    Agreement.state.in_(RUNNING),
                    Agreement.signed_on.is_not(None),
                    Agreement.signed_on <= as_of,
                )
            )
        )
        ids = [agreement.id for agreement in running]
        moments: dict[Any, list[date]] = defaultdict(list)
        entries = await self.session.execute(
            select(LedgerEntry.agreement_id, LedgerEntry.created_at).where(
                LedgerEntry.agreement_id.in_(ids)
            )
        )
        submitted = await self.session.execute(
            select(ProgressReport.agreement_id, ProgressReport.submitted_at).where(
                ProgressReport.agreement_id.in_(ids), ProgressReport.submitted_at.is_not(None)
            )
        )
        for agreement_id, moment in [*entries, *submitted]:
            if (day := local_date(moment)) <= as_of:
                moments[agreement_id].append(day)
        found = []
        for agreement in running:
            assert agreement.signed_on is not None
            last = max([agreement.signed_on, *moments[agreement.id]])
            if (days := (as_of - last).days) >= STALLED_DAYS:
                found.append(Stalled(agreement, last, days))
        return sorted(found, key=lambda item: (item.last_activity, item.agreement.number))

    async def _overdue(self, as_of: date) -> list[OverdueReport]:
        rows = await self.session.execute(
            select(ProgressReport, Agreement)
            .join(Agreement, Agreement.id == ProgressReport.agreement_id)
            .where(
                COUNTED,
                ProgressReport.state == ReportState.DRAFT,
                ProgressReport.due_on < as_of,
            )
            .order_by(ProgressReport.due_on, Agreement.number)
        )
        return [
            OverdueReport(agreement, report, (as_of - report.due_on).days)
            for report, agreement in rows
        ]

    async def _disputes(self, window: Window, as_of: date) -> list[OpenDispute]:
        """Disputes standing at the end of ``as_of``, read from each disputed ledger as it was."""
        disputed = (
            select(LedgerEntry.agreement_id)
            .where(LedgerEntry.entry_type == EntryType.RECEIPT_DISPUTE)
            .distinct()
        )
        agreements = {
            agreement.id: agreement
            for agreement in await self.session.scalars(
                select(Agreement).where(COUNTED, Agreement.id.in_(disputed))
            )
        }
        until = Window(window.first, as_of).until
        entries = await self.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.agreement_id.in_(list(agreements)), LedgerEntry.created_at < until)
            .order_by(LedgerEntry.agreement_id, LedgerEntry.sequence)
        )
        ledgers: dict[Any, list[LedgerEntry]] = defaultdict(list)
        for entry in entries:
            ledgers[entry.agreement_id].append(entry)
        found: list[OpenDispute] = []
        for agreement_id, ledger in ledgers.items():
            standing = receipts(ledger)
            by_id = {entry.id: entry for entry in ledger}
            found.extend(
                OpenDispute(
                    agreements[agreement_id], by_id[entry.confirms_id], local_date(entry.created_at)
                )
                for entry in ledger
                if entry.entry_type is EntryType.RECEIPT_DISPUTE
                and entry.confirms_id is not None
                and standing.get(entry.confirms_id) is Receipt.DISPUTED
            )
        return sorted(found, key=lambda item: (item.since, item.agreement.number))


def completed_on(agreement: Agreement) -> date | None:
    """The day in China the agreement was completed."""
    return local_date(agreement.completed_at) if agreement.completed_at else None


def _signed_in(window: Window) -> list[ColumnElement[bool]]:
    return [Agreement.signed_on >= window.first, Agreement.signed_on <= window.last]
