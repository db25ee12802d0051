"""Open-data exports under ``/api/v1/exports``: the published agreements as IATI 2.03
activities (``monitoring.iati``), for anyone, like the transparency page they come from."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency

from core.access import PUBLIC
from core.clock import Clock
from core.error_contract import error_responses
from core.settings import Settings
from monitoring.deps import TRANSPARENCY_DEPENDENCIES
from monitoring.filters import StatsFilters
from monitoring.iati import OpenData, Publisher, iati_activities
from monitoring.repository import PublicAgreements

XML_TYPE = "application/xml; charset=utf-8"


class ExportApiController(Controller):
    path = "/api/v1/exports"
    tags = ["exports"]
    opt = PUBLIC
    dependencies = TRANSPARENCY_DEPENDENCIES

    @get(
        "/iati.xml",
        name="monitoring:iati",
        summary="The published agreements as IATI 2.03 activities",
        media_type=XML_TYPE,
        responses=error_responses(400),
    )
    async def iati(
        self,
        public: NamedDependency[PublicAgreements],
        filters: NamedDependency[StatsFilters],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Response[bytes]:
        """Signed, running and completed agreements with their money (commitments,
        disbursements, expenditures) and the results of approved progress reports; the
        filters of the transparency page apply."""
        agreements = await public.everything(filters)
        ids = [agreement.id for agreement in agreements]
        data = OpenData(
            agreements=agreements,
            transactions=await public.transactions(ids),
            targets=await public.targets(ids),
            values=await public.reported_values(ids),
        )
        publisher = Publisher(settings.iati_reporting_org_ref, settings.iati_reporting_org_name)
        return Response(
            content=iati_activities(data, publisher, clock()),
            media_type=XML_TYPE,
            headers={"Content-Disposition": 'inline; filename="iati-activities.xml"'},
        )
