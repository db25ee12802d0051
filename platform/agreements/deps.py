"""Dependency providers for the agreement controllers."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.document_service import AgreementDocuments
from agreements.documents import DocumentStore
from agreements.drafting import AgreementDrafting
from agreements.schemas import AgreementFilters
from agreements.service import AgreementService
from core.clock import Clock
from core.errors import N_
from core.forms import parse_query
from core.pagination import provide_page_request
from core.settings import Settings


async def provide_agreements(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AgreementService:
    return AgreementService(db_session, clock)


async def provide_drafting(
    db_session: NamedDependency[AsyncSession], clock: NamedDependency[Clock]
) -> AgreementDrafting:
    return AgreementDrafting(db_session, clock)


async def provide_documents(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> AgreementDocuments:
    return AgreementDocuments(db_session, clock, DocumentStore.of(settings))


async def provide_agreement_filters(
    county: Annotated[str | None, QueryParameter(description="County code")] = None,
    category: Annotated[str | None, QueryParameter(description="Top category")] = None,
    programme: Annotated[str | None, QueryParameter(description="Programme code")] = None,
    organization: Annotated[str | None, QueryParameter(description="The organization's id")] = None,
    origin: Annotated[
        str | None,
        QueryParameter(description="national, provincial, east_west or local"),
    ] = None,
    agreement_state: Annotated[
        str | None, QueryParameter(name="state", description="Lifecycle state")
    ] = None,
    event: Annotated[str | None, QueryParameter(description="The signing event's id")] = None,
    year: Annotated[str | None, QueryParameter(description="The year of the number")] = None,
) -> AgreementFilters:
    """The list's filters from the query string; empty values mean "any"."""
    return parse_query(
        AgreementFilters,
        N_("Some filters are not valid."),
        county=county,
        category=category,
        programme=programme,
        organization_id=organization,
        origin=origin,
        state=agreement_state,
        event_id=event,
        year=year,
    )


AGREEMENT_DEPENDENCIES = {
    "agreements": Provide(provide_agreements),
    "drafting": Provide(provide_drafting),
    "documents": Provide(provide_documents),
    "page_request": Provide(provide_page_request),
    "filters": Provide(provide_agreement_filters),
}
