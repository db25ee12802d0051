"""The outcomes tab of an agreement and the page of each progress report, for whoever may read
the reports (``ReportService``: the parties and staff; 404 for everyone else).

The outcomes page shows each indicator's target against the approved running total, as a chart
and the same figures in a table, and the reporting periods with their reports. A report's page
offers the steps ``outcomes.policy`` allows the visitor (write and submit, approve or return,
move the due date) and the report's photos. Every form posts through the same services as the
API, with the version seen, so a step taken on a stale page is refused and changes nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from accounts.denials import actor_of
from accounts.identity import Identity
from agreements.models import Agreement, Indicator
from agreements.policy import parties_of
from core.access import SIGNED_IN
from core.clock import local_date
from core.errors import N_, DomainError, FieldProblem, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from demand.api.photos import UPLOAD_LIMIT, read_upload
from demand.photo_store import FIELD as PHOTO_FIELD
from outcomes.api import reports_download
from outcomes.deps import OUTCOME_DEPENDENCIES
from outcomes.figures import chart_option, indicator_figures
from outcomes.models import ProgressReport
from outcomes.periods import ReportingPeriod
from outcomes.photo_api import serve_photo
from outcomes.photos import MAX_PHOTOS_PER_REPORT, ReportPhotos, photo_url
from outcomes.policy import ReportStep, drafts_reports, steps_for
from outcomes.schedule import schedule
from outcomes.schemas import ReportCreate, ReportStepIn
from outcomes.service import ReportService, reported_indicators

STEP_DONE = {
    ReportStep.SAVE: N_("The report is saved. Submit it when it is complete."),
    ReportStep.SUBMIT: N_("The report is submitted for approval."),
    ReportStep.APPROVE: N_("The report is approved; its values count towards the targets."),
    ReportStep.RETURN: N_("The report is returned to the organization with your reason."),
    ReportStep.MOVE_DUE: N_("The due date is moved."),
}
WRITING_STEPS = (ReportStep.SAVE, ReportStep.SUBMIT)


def _actual_field(indicator: Indicator) -> str:
    return f"actual-{indicator.id}"


def step_input(
    step: ReportStep, values: dict[str, Any], indicators: list[Indicator]
) -> ReportStepIn:
    """The step's form as the API's body; a value's problem is named by its own field."""
    body: dict[str, Any] = {
        key: values[key] for key in ("version", "reason", "due_on") if key in values
    }
    fields = {}
    if step in WRITING_STEPS:
        body["narrative"] = values.get("narrative", "")
        body["values"] = []
        for indicator in indicators:
            if (actual := values.get(_actual_field(indicator))) is not None:
                fields[f"values.{len(body['values'])}.actual"] = _actual_field(indicator)
                body["values"].append({"indicator_id": str(indicator.id), "actual": actual})
    try:
        return parse(ReportStepIn, body)
    except InvalidInput as error:
        error.problems = [
            dataclasses.replace(problem, field=fields.get(problem.field, problem.field))
            for problem in error.problems
        ]
        raise


def _report_url(agreement_id: UUID, report_id: UUID) -> str:
    return f"/agreements/{agreement_id}/reports/{report_id}"


class OutcomesPageController(Controller):
    path = "/agreements/{agreement_id:uuid}"
    include_in_schema = False
    dependencies = OUTCOME_DEPENDENCIES

    @get("/outcomes", name="outcomes:index", opt=SIGNED_IN)
    async def outcomes(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
    ) -> Template:
        agreement, found = await reports.every(agreement_id, request.user)
        locale = locale_of(request)
        figures = indicator_figures(agreement, found)
        return Template(
            "outcomes/index.html",
            context={
                "agreement": agreement,
                "figures": figures,
                "charts": [chart_option(item, locale) for item in figures],
                "schedule": schedule(agreement, found, local_date(reports.clock())),
                "may_draft": drafts_reports(parties_of(request.user, agreement)),
                "names": await reports.reports.names(
                    [*(r.approved_by_id for r in found), *(r.returned_by_id for r in found)]
                ),
                "day": local_date,
            },
        )

    @get("/reports.xlsx", name="outcomes:export", opt=SIGNED_IN)
    async def export(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
    ) -> Response[bytes]:
        return await reports_download(request, reports, agreement_id)

    @post("/reports", name="outcomes:open", opt={**SIGNED_IN, **IDEMPOTENT})
    async def open_report(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
    ) -> Redirect:
        """The draft of an ended period, opened from the outcomes page by the organization."""
        data = parse(ReportCreate, form_values(await request.form()))
        _agreement, report = await reports.create(
            agreement_id, data, request.user, actor_of(request)
        )
        flash_text(request, N_("The report is opened. Enter the values of the period."))
        return Redirect(_report_url(agreement_id, report.id))

    @get("/reports/{report_id:uuid}", name="outcomes:report", opt=SIGNED_IN)
    async def report(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
    ) -> Template:
        return await _report_page(request, reports, agreement_id, report_id)

    @post(
        "/reports/{report_id:uuid}/photos",
        name="outcomes:photo-add",
        opt={**SIGNED_IN, **IDEMPOTENT},
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def add_photo(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        report_photos: NamedDependency[ReportPhotos],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
    ) -> Template | Redirect:
        upload = (await request.form()).get("file")
        try:
            content = await _photo_of(upload)
            await report_photos.add(
                agreement_id, report_id, content, request.user, actor_of(request)
            )
        except InvalidInput as error:
            return await _report_page(request, reports, agreement_id, report_id, error=error)
        flash_text(request, N_("The photo is added."))
        return Redirect(f"{_report_url(agreement_id, report_id)}#photos")

    @get("/reports/{report_id:uuid}/photos/{photo_id:uuid}", name="outcomes:photo", opt=SIGNED_IN)
    async def photo(
        self,
        request: Request[Identity, Any, Any],
        report_photos: NamedDependency[ReportPhotos],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> Response[bytes]:
        return await serve_photo(request, report_photos, agreement_id, report_id, photo_id)

    @post(
        "/reports/{report_id:uuid}/photos/{photo_id:uuid}/delete",
        name="outcomes:photo-remove",
        opt={**SIGNED_IN, **IDEMPOTENT},
    )
    async def remove_photo(
        self,
        request: Request[Identity, Any, Any],
        report_photos: NamedDependency[ReportPhotos],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> Redirect:
        await report_photos.remove(
            agreement_id, report_id, photo_id, request.user, actor_of(request)
        )
        flash_text(request, N_("The photo is removed."))
        return Redirect(f"{_report_url(agreement_id, report_id)}#photos")

    @post(
        "/reports/{report_id:uuid}/{step:str}",
        name="outcomes:step",
        opt={**SIGNED_IN, **IDEMPOTENT},
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        step: FromPath[ReportStep],
    ) -> Template | Redirect:
        """One step with the version the page showed; with problems, the page again with them
        beside the fields and what was typed kept."""
        values = form_values(await request.form())
        agreement, report = await reports.report(agreement_id, report_id, request.user)
        period = ReportingPeriod(report.period_start, report.period_end)
        try:
            data = step_input(step, values, reported_indicators(agreement, period))
            await reports.take(agreement_id, report_id, step, data, request.user, actor_of(request))
        except InvalidInput as error:
            return await _report_page(
                request, reports, agreement_id, report_id, error=error, values=values
            )
        flash_text(request, STEP_DONE[step])
        if step is ReportStep.SAVE:
            return Redirect(_report_url(agreement_id, report_id))
        return Redirect(f"/agreements/{agreement_id}/outcomes")


async def _photo_of(upload: object) -> bytes:
    """The chosen file's bytes (at most one more than a photo may have)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = N_("Choose a photo to upload.")
        raise InvalidInput(message, problems=[FieldProblem(PHOTO_FIELD, "missing", message)])
    return await read_upload(upload)


def _form_values(agreement: Agreement, report: ProgressReport) -> dict[str, Any]:
    """The report as its form shows it first."""
    values: dict[str, Any] = {"narrative": report.narrative}
    indicators = {indicator.id: indicator for indicator in agreement.indicators}
    for value in report.values:
        if value.indicator_id in indicators:
            values[_actual_field(indicators[value.indicator_id])] = value.actual.normalize()
    return values


async def _report_page(
    request: Request[Identity, Any, Any],
    reports: ReportService,
    agreement_id: UUID,
    report_id: UUID,
    *,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    agreement, report = await reports.report(agreement_id, report_id, request.user)
    period = ReportingPeriod(report.period_start, report.period_end)
    photos = await reports.reports.photos(report.id)
    steps = steps_for(report.state, parties_of(request.user, agreement))
    return Template(
        "outcomes/report.html",
        context={
            "agreement": agreement,
            "report": report,
            "indicators": reported_indicators(agreement, period),
            "steps": steps,
            "values": {**_form_values(agreement, report), **(values or {})},
            "error": error,
            "photos": [(photo, photo_url(agreement.id, photo)) for photo in photos],
            "may_add_photo": ReportStep.SAVE in steps and len(photos) < MAX_PHOTOS_PER_REPORT,
            "max_photos": MAX_PHOTOS_PER_REPORT,
            "names": await reports.reports.names(
                [report.submitted_by_id, report.approved_by_id, report.returned_by_id]
            ),
            "today": local_date(reports.clock()),
            "day": local_date,
            "actual_field": _actual_field,
        },
        status_code=error.status_code if error else 200,
    )
