"""The outcomes JSON API under ``/api/v1/agreements/{id}``: an agreement's progress reports
(list, draft one for a reporting period, take steps with the version seen) and each
indicator's cumulative actual from the approved reports; the reports as .xlsx."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.denials import actor_of
from accounts.identity import Identity
from agreements.models import Agreement
from agreements.policy import parties_of
from core.access import PUBLIC, SIGNED_IN
from core.downloads import XLSX_TYPE, attachment
from core.error_contract import error_responses
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice
from outcomes.deps import OUTCOME_DEPENDENCIES
from outcomes.export import reports_workbook
from outcomes.models import ProgressReport
from outcomes.policy import ReportStep, steps_for
from outcomes.schemas import (
    IndicatorProgress,
    ReportCreate,
    ReportRead,
    ReportStepIn,
    report_read,
)
from outcomes.service import ReportService


def view(report: ProgressReport, agreement: Agreement, identity: Identity | None) -> ReportRead:
    return report_read(report, agreement, steps_for(report.state, parties_of(identity, agreement)))


async def reports_download(
    request: Request[Identity, Any, Any], reports: ReportService, agreement_id: UUID
) -> Response[bytes]:
    """The .xlsx of the reports as the API and the outcomes page offer it."""
    agreement, found = await reports.every(agreement_id, request.user)
    content = reports_workbook(agreement, found, locale_of(request))
    return attachment(content, XLSX_TYPE, f"进展报告-{agreement.number}.xlsx")


class ReportApiController(Controller):
    path = "/api/v1/agreements/{agreement_id:uuid}"
    tags = ["outcomes"]
    dependencies = OUTCOME_DEPENDENCIES

    @get(
        "/reports",
        opt=SIGNED_IN,
        summary="The agreement's progress reports, latest period first",
        responses=error_responses(400, 401, 403, 404),
    )
    async def list_reports(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
    ) -> Page[ReportRead]:
        """For the parties and staff; 404 for everyone else."""
        agreement, found = await reports.page(agreement_id, request.user, page_request)
        return found.to_page(lambda report: view(report, agreement, request.user))

    @post(
        "/reports",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Draft the progress report of a reporting period",
        responses=error_responses(400, 401, 403, 404, 409, 422),
    )
    async def create_report(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
        data: JSONBody[ReportCreate],
    ) -> ReportRead:
        """By the organization, on a signed agreement, for one of its reporting periods."""
        agreement, report = await reports.create(
            agreement_id, data, request.user, actor_of(request)
        )
        return view(report, agreement, request.user)

    @post(
        "/reports/{report_id:uuid}/{step:str}",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        summary="Take a step on a progress report",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        step: FromPath[ReportStep],
        data: JSONBody[ReportStepIn],
    ) -> ReportRead:
        """``save`` and ``submit`` (the organization, with the narrative and values),
        ``approve`` and ``return`` (the recipient or a reviewer; a reason to return),
        ``move-due`` (a reviewer, with ``due_on``). Send the ``version`` you saw."""
        agreement, report = await reports.take(
            agreement_id, report_id, step, data, request.user, actor_of(request)
        )
        return view(report, agreement, request.user)

    @get(
        "/reports.xlsx",
        opt=SIGNED_IN,
        summary="The agreement's progress reports and indicator values as .xlsx",
        responses=error_responses(400, 401, 403, 404),
        media_type=XLSX_TYPE,
    )
    async def export_reports(
        self,
        request: Request[Identity, Any, Any],
        reports: NamedDependency[ReportService],
        agreement_id: FromPath[UUID],
    ) -> Response[bytes]:
        """For the parties and staff (404 for everyone else), in the reader's language."""
        return await reports_download(request, reports, agreement_id)

    @get(
        "/progress",
        opt=PUBLIC,
        summary="Each indicator target with its cumulative actual",
        responses=error_responses(400, 404),
    )
    async def progress(
        self,
        request: Request[Any, Any, Any],
        reports: NamedDependency[ReportService],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
    ) -> Page[IndicatorProgress]:
        """Only approved reports count; readable wherever the agreement is."""
        found = await reports.progress(agreement_id, request.scope.get("user"))
        return Slice.cut(found, page_request).to_page(lambda item: item)
