"""Which sub-categories serve one another across the catalogue's categories (a need for
产业·种植 is served by 人才·专家服务 too): a relation kept as data, in
``matching/data/related_subcategories.csv`` (need sub-category, offer sub-category, why)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

RELATIONS_FILE = Path(__file__).resolve().parent / "data" / "related_subcategories.csv"


@cache
def related_offers() -> dict[str, frozenset[str]]:
    """Per need sub-category, the offer sub-categories related to it (besides its own)."""
    found: dict[str, set[str]] = {}
    with RELATIONS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["need_subcategory"], set()).add(row["offer_subcategory"])
    return {need: frozenset(offers) for need, offers in found.items()}


def offer_subcategories_for(need_subcategory: str) -> frozenset[str]:
    return related_offers().get(need_subcategory, frozenset())


def need_subcategories_for(offer_subcategory: str) -> frozenset[str]:
    """The need sub-categories an offer of this sub-category is related to."""
    return frozenset(
        need for need, offers in related_offers().items() if offer_subcategory in offers
    )
