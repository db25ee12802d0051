"""The staff dashboard as .xlsx (``/dashboard.xlsx``): the filters and the time first, then one
sheet per block of the page with the same figures, yuan as numbers with two places."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook

from agreements.programmes import programme_name
from core.categories import TopCategory
from core.clock import CHINA_STANDARD_TIME
from core.errors import N_
from core.i18n import translate
from core.workbooks import Columns, finished, first_sheet, headed_sheet
from monitoring.dashboard import Dashboard
from monitoring.figures import Money
from monitoring.money import FIGURES
from monitoring.pipeline import Stage

MONEY_HEADERS = (
    N_("Committed (yuan)"),
    N_("Disbursed (yuan)"),
    N_("Delivered (yuan)"),
    N_("Spent (yuan)"),
)
"""The four figures in ``monitoring.money.FIGURES`` order."""
ANY = N_("Any")

LABELLED = N_("%(label)s: %(text)s")
"""A label and what follows it: 参与的社会组织：本地."""


def amounts(money: Money) -> list[Decimal]:
    return [getattr(money, name) for name in FIGURES]


def money_columns(first: str) -> Columns:
    return [(first, 22), *((header, 16) for header in MONEY_HEADERS)]


def filters_in_force(board: Dashboard, locale: str) -> list[tuple[str, str]]:
    """Each filter with the value chosen, in words, and the moment the figures were taken."""
    filters, any_value = board.filters, translate(locale, ANY)
    county = next((c.name for c in board.coverage if c.code == filters.county), None)
    category = translate(locale, filters.category.label) if filters.category else None
    made_at = (board.made_at + CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M")
    rows = [
        (N_("Year"), str(filters.year) if filters.year else None),
        (N_("County or district"), county),
        (N_("Category"), category),
        (N_("Programme"), programme_name(filters.programme) if filters.programme else None),
        (N_("Figures taken at (China time)"), made_at),
    ]
    return [(translate(locale, name), value or any_value) for name, value in rows]


class DashboardWorkbook:
    def __init__(self, board: Dashboard, locale: str) -> None:
        self.board, self.locale = board, locale
        self.workbook = Workbook()
        self.money_sheets: dict[str, Sequence[int]] = {}

    def text(self, message: str) -> str:
        return translate(self.locale, message)

    def sheet(
        self, title: str, columns: Columns, rows: Iterable[Sequence[object]], money_from: int = 0
    ) -> None:
        """A sheet headed by ``columns``; from column ``money_from`` on, amounts in yuan."""
        sheet = headed_sheet(self.workbook.create_sheet(), title, columns, self.locale)
        for row in rows:
            sheet.append(list(row))
        if money_from:
            self.money_sheets[sheet.title] = range(money_from, len(columns) + 1)

    def money_sheet(self, title: str, first: str, groups: Iterable[tuple[str, Money]]) -> None:
        rows = ([name, *amounts(money)] for name, money in groups)
        self.sheet(title, money_columns(first), rows, money_from=2)

    def content(self) -> bytes:
        board, text = self.board, self.text
        about = headed_sheet(
            first_sheet(self.workbook),
            N_("Filters"),
            [(N_("Filter"), 28), (N_("Value"), 30)],
            self.locale,
        )
        for row in filters_in_force(board, self.locale):
            about.append(row)
        self.headline()
        self.sheet(
            N_("Pipeline"),
            [(N_("Stage"), 16), (N_("Meaning"), 48), (N_("Needs"), 10), (N_("Offers"), 10)],
            (
                [text(s.label), text(s.meaning), board.needs_pipeline[s], board.offers_pipeline[s]]
                for s in Stage
            ),
        )
        self.sheet(
            N_("County coverage"),
            [
                (N_("County or district"), 16),
                (N_("Code"), 14),
                (N_("Without agreement"), 12),
                (N_("Agreements"), 10),
                *money_columns(N_("County or district"))[1:],
            ],
            (
                [
                    county.name,
                    county.code,
                    text(N_("Yes")) if county.agreements == 0 else "",
                    county.agreements,
                    *amounts(county.money),
                ]
                for county in board.coverage
            ),
            money_from=5,
        )
        self.money_sheet(N_("Funds by category"), N_("Category"), self.by_category())
        self.money_sheet(
            N_("Funds by month"), N_("Month"), ((g.key, g.money) for g in board.by_month)
        )
        self.sheet(
            N_("Open needs by urgency"),
            [(N_("Urgency"), 16), (N_("Open needs"), 12)],
            ([text(u.label), count] for u, count in board.needs_by_urgency.items()),
        )
        self.sheet(
            N_("Open needs by days open"),
            [(N_("Days open"), 16), (N_("Open needs"), 12)],
            ([text(age.label), count] for age, count in board.needs_by_age.items()),
        )
        if board.alerts is not None:
            self.sheet(
                N_("Open alerts"),
                [(N_("Alert"), 36), (N_("Open"), 10)],
                ([text(kind.label), count] for kind, count in board.alerts.items()),
            )
        return finished(self.workbook, self.money_sheets)

    def by_category(self) -> list[tuple[str, Money]]:
        return [
            (self.text(TopCategory(group.key).label), group.money)
            for group in self.board.by_category
        ]

    def labelled(self, label: str, part: str) -> str:
        """A figure and the part of it a row counts: 参与的社会组织：本地 / …: local."""
        return translate(
            self.locale, LABELLED, {"label": self.text(label), "text": self.text(part)}
        )

    def headline(self) -> None:
        overview, text = self.board.overview, self.text
        counts: list[tuple[str, int]] = [
            (text(N_("Organizations engaged")), overview.organizations),
            *(
                (self.labelled(N_("Organizations engaged"), origin.label), count)
                for origin, count in self.board.by_origin.items()
            ),
            *(
                (self.labelled(N_("Needs collected"), category.label), count)
                for category, count in self.board.needs_by_category.items()
            ),
            (text(N_("Agreements signed")), overview.agreements),
            (text(N_("Projects under way or done")), overview.projects),
        ]
        money = zip(MONEY_HEADERS, amounts(overview.money), strict=True)
        self.sheet(
            N_("Headline figures"),
            [(N_("Figure"), 36), (N_("Count"), 10), (N_("Yuan"), 18)],
            [
                *([name, count, None] for name, count in counts),
                *([text(name), None, amount] for name, amount in money),
            ],
            money_from=3,
        )


def dashboard_workbook(board: Dashboard, locale: str) -> bytes:
    return DashboardWorkbook(board, locale).content()
