"""The reviewers' queue as .xlsx (``/review.xlsx``): the page's three lists, one sheet each,
read with the page's own queries, so the file holds every entry the page pages through."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from catalogue.models import Category
from core.errors import N_
from core.i18n import translate
from core.workbooks import Columns, Table, beijing, tables_workbook

NEEDS = N_("Needs awaiting review")
OFFERS = N_("Offers awaiting review")
UNVERIFIED = N_("Published needs not yet verified")
NEED_COLUMNS: Columns = (
    (N_("Title"), 30),
    (N_("Category"), 12),
    (N_("Sub-category"), 12),
    (N_("Place"), 28),
    (N_("Urgency"), 8),
    (N_("Station"), 20),
    (N_("Submitted at (China time)"), 17),
    (N_("Link"), 40),
)
OFFER_COLUMNS: Columns = (
    (N_("Title"), 30),
    (N_("Category"), 12),
    (N_("Sub-category"), 12),
    (N_("Organization"), 28),
    (N_("Submitted at (China time)"), 17),
    (N_("Link"), 40),
)
UNVERIFIED_COLUMNS: Columns = (
    *NEED_COLUMNS[:6],
    (N_("Published at (China time)"), 17),
    (N_("Link"), 40),
)

LinkOf = Callable[[Any], str]


class QueueRows:
    """Rows in the reader's language: categories by their names, moments in Beijing time."""

    def __init__(self, subcategories: Mapping[str, Category], locale: str, link: LinkOf) -> None:
        self.subcategories, self.locale, self.link = subcategories, locale, link

    def text(self, message: str) -> str:
        return translate(self.locale, message)

    def category(self, entry: Any) -> list[str]:
        sub = self.subcategories.get(entry.subcategory_code)
        return [
            self.text(entry.category.label),
            sub.name(self.locale) if sub else entry.subcategory_code,
        ]

    def need(self, need: Any, moment: datetime | None) -> list[object]:
        return [
            need.title,
            *self.category(need),
            need.region_name,
            self.text(need.urgency.label),
            need.station.name if need.station else need.channel_name,
            beijing(moment),
            self.link(need),
        ]

    def offer(self, offer: Any) -> list[object]:
        return [
            offer.title,
            *self.category(offer),
            offer.organization_name,
            beijing(offer.submitted_at),
            self.link(offer),
        ]


def queue_workbook(
    needs: Iterable[Any],
    offers: Iterable[Any],
    unverified: Sequence[Any],
    rows: QueueRows,
) -> bytes:
    return tables_workbook(
        [
            Table(NEEDS, NEED_COLUMNS, (rows.need(n, n.submitted_at) for n in needs)),
            Table(OFFERS, OFFER_COLUMNS, (rows.offer(o) for o in offers)),
            Table(
                UNVERIFIED,
                UNVERIFIED_COLUMNS,
                (rows.need(n, n.published_at) for n in unverified),
            ),
        ],
        rows.locale,
    )
