"""Figures across domains for the home page (the composition root may import every domain)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Verification
from catalogue.workflow import EntryState
from demand.models import Need
from supply.models import Offer


@dataclass(frozen=True, slots=True)
class CatalogueFigures:
    """What the home page says about the catalogue today."""

    published_needs: int
    published_offers: int
    verified_organizations: int
    villages_with_needs: int


async def catalogue_figures(session: AsyncSession) -> CatalogueFigures:
    published = EntryState.PUBLISHED
    row = (
        await session.execute(
            select(
                select(func.count())
                .select_from(Need)
                .where(Need.state == published)
                .scalar_subquery(),
                select(func.count())
                .select_from(Offer)
                .where(Offer.state == published)
                .scalar_subquery(),
                select(func.count())
                .select_from(Organization)
                .where(Organization.verification == Verification.VERIFIED)
                .scalar_subquery(),
                select(func.count(func.distinct(Need.region_code)))
                .where(Need.state == published)
                .scalar_subquery(),
            )
        )
    ).one()
    return CatalogueFigures(*row)
