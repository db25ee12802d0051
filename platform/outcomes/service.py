"""The rules of progress reports: the organization drafts and submits one per reporting
period, the recipient or a reviewer approves or returns it, and only approved values count
towards the targets. Every step is version-checked and audited in the same transaction.
Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from accounts.identity import Identity
from agreements.models import Agreement, Indicator
from agreements.policy import parties_of
from agreements.service import AgreementService
from catalogue.service import STALE, StaleVersion
from core.audit import Actor, record_change
from core.clock import Clock, local_date
from core.errors import N_, Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from core.pagination import PageRequest, Slice
from outcomes.models import IndicatorValue, ProgressReport
from outcomes.periods import ReportingPeriod, agreement_periods, periods
from outcomes.policy import (
    REFUSALS,
    ReportStep,
    drafts_reports,
    may_take,
    takes_reports,
    target,
)
from outcomes.repository import ReportRepository
from outcomes.schemas import (
    IndicatorProgress,
    ReportCreate,
    ReportStepIn,
    ValueIn,
    indicator_progress,
)


class ReportNotFound(NotFound):
    code = "report_not_found"


class ReportExists(Conflict):
    code = "report_exists"


EXISTS = N_("A report for this period exists already.")
NO_SUCH_REPORT = N_("No such report.")


class ReportService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.agreements = AgreementService(session, clock)
        self.reports = ReportRepository(session)

    async def page(
        self, agreement_id: UUID, identity: Identity | None, page: PageRequest
    ) -> tuple[Agreement, Slice[ProgressReport]]:
        """For the parties and staff; 404 for everyone else."""
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        items, total = await self.reports.page(agreement.id, page)
        return agreement, Slice.of(items, total, page)

    async def every(
        self, agreement_id: UUID, identity: Identity | None
    ) -> tuple[Agreement, list[ProgressReport]]:
        """Every report, earliest period first, for the same readers as ``page``."""
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        return agreement, await self.reports.all_of(agreement.id)

    async def report(
        self, agreement_id: UUID, report_id: UUID, identity: Identity | None
    ) -> tuple[Agreement, ProgressReport]:
        """One report, for whoever may read the agreement's reports; 404 for everyone else."""
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        report = await self.reports.find(agreement.id, report_id, lock=False)
        if report is None:
            raise ReportNotFound(NO_SUCH_REPORT)
        return agreement, report

    async def progress(
        self, agreement_id: UUID, identity: Identity | None
    ) -> list[IndicatorProgress]:
        """Each target with its cumulative actual: public wherever the agreement is."""
        agreement = await self.agreements.require(agreement_id, identity)
        totals = await self.reports.cumulative(agreement.id)
        return [
            indicator_progress(indicator, totals.get(indicator.id, Decimal(0)))
            for indicator in agreement.indicators
        ]

    async def create(
        self, agreement_id: UUID, data: ReportCreate, identity: Identity, actor: Actor
    ) -> tuple[Agreement, ProgressReport]:
        """A draft for one of the agreement's reporting periods, by the organization."""
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        if not drafts_reports(parties_of(identity, agreement)):
            raise PermissionDenied(REFUSALS[ReportStep.SAVE])
        if not takes_reports(agreement.state):
            raise Conflict(N_("Progress is reported on signed agreements only."))
        period = ReportingPeriod(data.period_start, data.period_end)
        frequencies = [indicator.frequency for indicator in agreement.indicators]
        if period not in agreement_periods(
            agreement.period_start, agreement.period_end, frequencies
        ):
            raise InvalidInput(
                N_("This is not one of the agreement's reporting periods."),
                problems=[
                    FieldProblem("period_end", "not_a_period", N_("Choose a reporting period."))
                ],
            )
        if (agreement.id, period.start, period.end) in await self.reports.periods_reported(
            [agreement.id]
        ):
            raise ReportExists(EXISTS)
        report = ProgressReport(
            agreement_id=agreement.id,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
            narrative=data.narrative,
            values=_values(agreement, period, data.values),
        )
        self.session.add(report)
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise ReportExists(EXISTS) from error
        self._audit(actor, "report.created", report, after={"period_end": period.end})
        return agreement, report

    async def take(
        self,
        agreement_id: UUID,
        report_id: UUID,
        step: ReportStep,
        data: ReportStepIn,
        identity: Identity,
        actor: Actor,
    ) -> tuple[Agreement, ProgressReport]:
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        report = await self.reports.find(agreement.id, report_id)
        if report is None:
            raise ReportNotFound(NO_SUCH_REPORT)
        if data.version != report.version:
            raise StaleVersion(STALE)
        moved = target(report.state, step)
        if not may_take(step, report.state, parties_of(identity, agreement)):
            raise PermissionDenied(REFUSALS[step])
        before = {"state": report.state.value, "due_on": report.due_on}
        now = self.clock()
        if step in (ReportStep.SAVE, ReportStep.SUBMIT):
            self._write(agreement, report, data)
        if step is ReportStep.SUBMIT:
            if report.on_time is None:
                report.on_time = local_date(now) <= report.due_on
            report.submitted_by_id = identity.user_id
            report.submitted_at = now
            report.return_reason = ""
        elif step is ReportStep.APPROVE:
            report.approved_by_id = identity.user_id
            report.approved_at = now
        elif step is ReportStep.RETURN:
            if not data.reason:
                raise InvalidInput(
                    N_("Say what to correct in the report."),
                    problems=[FieldProblem("reason", "required", N_("Give a reason."))],
                )
            report.return_reason = data.reason
            report.returned_by_id = identity.user_id
            report.returned_at = now
        elif step is ReportStep.MOVE_DUE:
            if data.due_on is None or data.due_on < report.period_end:
                raise InvalidInput(
                    N_("Give a due date after the end of the period."),
                    problems=[FieldProblem("due_on", "invalid", N_("Choose a later date."))],
                )
            if not data.reason:
                raise InvalidInput(
                    N_("Say why the due date moves."),
                    problems=[FieldProblem("reason", "required", N_("Give a reason."))],
                )
            report.due_on = data.due_on
        report.state = moved
        report.updated_at = now
        await self._flush()
        self._audit(
            actor,
            f"report.{step.value}",
            report,
            before=before,
            after={"state": report.state.value, "due_on": report.due_on, "reason": data.reason},
        )
        return agreement, report

    def _write(self, agreement: Agreement, report: ProgressReport, data: ReportStepIn) -> None:
        """The narrative and values the organization sent, where it sent them; a value kept for
        the same indicator is updated in place."""
        if data.narrative is not None:
            report.narrative = data.narrative
        if data.values is None:
            return
        period = ReportingPeriod(report.period_start, report.period_end)
        fresh = {value.indicator_id: value for value in _values(agreement, period, data.values)}
        for kept in list(report.values):
            if kept.indicator_id in fresh:
                kept.actual = fresh.pop(kept.indicator_id).actual
            else:
                report.values.remove(kept)
        report.values.extend(fresh.values())

    def _audit(self, actor: Actor, action: str, report: ProgressReport, **change: dict) -> None:
        record_change(self.session, report, actor=actor, action=action, at=self.clock(), **change)

    async def _flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise StaleVersion(STALE) from error


def _values(
    agreement: Agreement, period: ReportingPeriod, sent: Sequence[ValueIn]
) -> list[IndicatorValue]:
    """One value per indicator of the agreement reported for this period; any other is refused."""
    reported = {indicator.id for indicator in reported_indicators(agreement, period)}
    problems = [
        FieldProblem(
            f"values.{index}.indicator_id", "not_reported", N_("Not reported for this period.")
        )
        for index, value in enumerate(sent)
        if value.indicator_id not in reported
    ]
    if len({value.indicator_id for value in sent}) != len(sent):
        problems.append(FieldProblem("values", "duplicate", N_("One value per indicator.")))
    if problems:
        raise InvalidInput(N_("Some values are not valid for this report."), problems=problems)
    return [IndicatorValue(indicator_id=value.indicator_id, actual=value.actual) for value in sent]


def reported_indicators(agreement: Agreement, period: ReportingPeriod) -> list[Indicator]:
    """The indicators whose reporting calendar has this period: the values its report holds."""
    return [
        indicator
        for indicator in agreement.indicators
        if period in periods(agreement.period_start, agreement.period_end, indicator.frequency)
    ]
