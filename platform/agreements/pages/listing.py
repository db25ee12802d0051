"""The agreements list (``/agreements``) with its filters, paged, and its .xlsx export: both
read through the policy's readable statement, so a reader lists and downloads the same rows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from accounts.models import Origin
from agreements.deps import AGREEMENT_DEPENDENCIES
from agreements.export import EXPORT_LIMIT, agreements_workbook, money_total
from agreements.models import AgreementState
from agreements.policy import agreement_readable, sees_private
from agreements.programmes import programme_name, programmes
from agreements.schemas import AgreementFilters
from agreements.service import AgreementService
from core.access import PUBLIC
from core.categories import TopCategory
from core.clock import local_date
from core.downloads import XLSX_TYPE, attachment
from core.i18n import locale_of
from core.pagination import PageRequest
from regions.deps import provide_region_service
from regions.service import RegionService


def chosen_filters(filters: AgreementFilters) -> dict[str, str]:
    """The filters in force as query values, to keep them across pages and the export."""
    values = {
        "county": filters.county,
        "category": filters.category,
        "programme": filters.programme,
        "organization": filters.organization_id,
        "origin": filters.origin,
        "state": filters.state,
        "event": filters.event_id,
        "year": filters.year,
    }
    return {name: str(value) for name, value in values.items() if value is not None}


class AgreementListController(Controller):
    include_in_schema = False
    dependencies = {
        **AGREEMENT_DEPENDENCIES,
        "regions": Provide(provide_region_service),
    }

    @get("/agreements", name="agreements:index", opt=PUBLIC)
    async def index(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        regions: NamedDependency[RegionService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[AgreementFilters],
    ) -> Template:
        identity = request.scope.get("user")
        page = await agreements.list(identity, filters, page_request)
        choices = await agreements.agreements.choices(agreement_readable(identity))
        return Template(
            "agreements/index.html",
            context={
                "page": page,
                "chosen": chosen_filters(filters),
                "counties": await regions.counties(),
                "categories": list(TopCategory),
                "programmes": programmes(),
                "programme_name": programme_name,
                "origins": list(Origin),
                "states": list(AgreementState),
                "choices": choices,
                "money_total": money_total,
            },
        )

    @get("/agreements.xlsx", name="agreements:export", opt=PUBLIC)
    async def export(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        filters: NamedDependency[AgreementFilters],
    ) -> Response[bytes]:
        """Every row of the filtered list the reader may see (the responsible persons only
        where the reader may see them)."""
        identity = request.scope.get("user")
        found = await agreements.list(identity, filters, PageRequest(1, EXPORT_LIMIT))
        content = agreements_workbook(
            found.items, locale_of(request), lambda agreement: sees_private(identity, agreement)
        )
        today = local_date(agreements.clock()).isoformat()
        return attachment(content, XLSX_TYPE, f"帮扶协议-{today}.xlsx")
