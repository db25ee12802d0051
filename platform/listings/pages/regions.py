"""A division's page: where it sits, its townships or villages, the station that serves it,
the open needs posted in it and the offers serving it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Template

from accounts.deps import provide_accounts
from accounts.identity import Identity
from accounts.policy import sees_contacts
from accounts.service import AccountsService
from catalogue.display import entry_helpers
from core.access import PUBLIC
from core.pagination import PageRequest
from demand.service import NeedService
from listings.deps import CATALOGUE_DEPENDENCIES
from regions.models import Region, RegionLevel
from regions.schemas import require_code_format
from regions.service import RegionService
from supply.service import OfferService

LISTED = PageRequest(page_size=10)
"""The newest needs and offers a division's page shows; the catalogue holds the rest."""
STATION_PREFIX = {RegionLevel.COUNTY: 6, RegionLevel.TOWNSHIP: 9, RegionLevel.VILLAGE: 9}
"""How much of a division's code its stations' townships share (codes nest)."""


def catalogue_query(region: Region) -> dict[str, str]:
    """The catalogue's filters that list the rest of a division's entries (a village's are
    its township's)."""
    if region.level is RegionLevel.COUNTY:
        return {"county": region.code}
    if region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        township = region.code[:9] + "000"
        return {"county": region.code[:6] + "000000", "township": township}
    return {}


class RegionEntriesPageController(Controller):
    opt = PUBLIC
    path = "/regions"
    dependencies = {**CATALOGUE_DEPENDENCIES, "accounts": Provide(provide_accounts)}
    include_in_schema = False

    @get("/{code:str}", name="regions:detail")
    async def region_page(
        self,
        request: Request[Any, Any, Any],
        regions: NamedDependency[RegionService],
        needs: NamedDependency[NeedService],
        offers: NamedDependency[OfferService],
        accounts: NamedDependency[AccountsService],
        code: FromPath[str],
    ) -> Template:
        require_code_format(code)
        region: Region = await regions.require(code)
        identity: Identity | None = request.scope.get("user")
        children = await regions.children(code)
        prefix = STATION_PREFIX.get(region.level)
        return Template(
            "regions/detail.html",
            context={
                "region": region,
                "breadcrumb": await regions.breadcrumb(region),
                "children": children,
                "grandchild_counts": await regions.child_counts(children),
                "stations": await accounts.stations_in(code[:prefix]) if prefix else [],
                "shows_contact": sees_contacts(identity),
                "needs": await needs.open_in(region, LISTED),
                "offers": await offers.serving(code, LISTED),
                "catalogue_query": catalogue_query(region),
                **entry_helpers(needs.clock),
            },
        )
