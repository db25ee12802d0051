"""The meeting papers as .xlsx: the half-year (or year) review, one sheet per section of its
page, and the commendation list. The figures are the page's, as numbers with two places."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook

from core.errors import N_
from core.i18n import translate
from core.workbooks import Columns, finished, first_sheet, headed_sheet
from monitoring.commendation import Commended
from monitoring.money import FIGURES
from monitoring.review import HalfYearReview, ListedAgreement, PeriodFigures, completed_on

FIGURE_COLUMNS: Columns = (
    (N_("Group"), 12),
    (N_("Name"), 24),
    (N_("Signed in the period"), 12),
    (N_("Committed in the period"), 16),
    (N_("Disbursed in the period"), 16),
    (N_("Delivered in the period"), 16),
    (N_("Spent in the period"), 16),
    (N_("Committed, cumulative"), 16),
    (N_("Disbursed, cumulative"), 16),
    (N_("Delivered, cumulative"), 16),
    (N_("Spent, cumulative"), 16),
)
MONEY_POSITIONS = list(range(4, 12))
AGREEMENT_COLUMNS: Columns = (
    (N_("Number"), 14),
    (N_("Title"), 30),
    (N_("Organization"), 28),
    (N_("County or district"), 12),
    (N_("Category"), 12),
)
AgreementList = tuple[str, str, str, list[tuple[ListedAgreement, date | None, str]]]
COMMENDATION_COLUMNS: Columns = (
    (N_("Rank"), 8),
    (N_("Organization"), 30),
    (N_("Delivered, yuan"), 16),
    (N_("Agreements completed"), 12),
    (N_("Reports approved on time"), 12),
    (N_("Tier"), 10),
)


def _figures(line: PeriodFigures, group: str) -> list[object]:
    return [
        group,
        line.name,
        line.signed,
        *(getattr(line.period, name) for name in FIGURES),
        *(getattr(line.cumulative, name) for name in FIGURES),
    ]


def _agreement(
    review: HalfYearReview, row: tuple[ListedAgreement, date | None, str], locale: str
) -> list[object]:
    agreement, day, note = row
    return [
        agreement.number,
        agreement.title,
        agreement.organization_name,
        review.county_names.get(agreement.county_code or "", ""),
        translate(locale, agreement.category.label),
        day,
        note,
    ]


def agreement_lists(review: HalfYearReview, locale: str) -> list[AgreementList]:
    """The review's lists of agreements, as the page and the workbook show them: an anchor,
    a heading and the heading of the day column (message ids), and (agreement, day, note) rows."""

    def text(message: str, **params: object) -> str:
        return translate(locale, message, params)

    return [
        (
            "signed",
            N_("Signed in the period"),
            N_("Signed on"),
            [(a, a.signed_on, "") for a in review.signed],
        ),
        (
            "completed",
            N_("Completed in the period"),
            N_("Completed on"),
            [(a, completed_on(a), "") for a in review.completed],
        ),
        (
            "stalled",
            N_("Stalled"),
            N_("Last activity"),
            [
                (s.agreement, s.last_activity, text(N_("%(days)s days"), days=s.days))
                for s in review.stalled
            ],
        ),
        (
            "overdue",
            N_("Reports overdue"),
            N_("Due on"),
            [
                (o.agreement, o.report.due_on, text(N_("%(days)s days"), days=o.days))
                for o in review.overdue
            ],
        ),
        (
            "disputes",
            N_("Open disputes"),
            N_("Disputed since"),
            [(d.agreement, d.since, f"{d.disbursement.amount:,.2f}") for d in review.disputes],
        ),
    ]


def _commended(sheet_rows: Iterable[Commended], locale: str) -> Iterable[list[object]]:
    for found in sheet_rows:
        yield [
            found.rank,
            found.name,
            found.delivered,
            found.completed,
            found.on_time_reports,
            translate(locale, found.tier.label),
        ]


def review_workbook(review: HalfYearReview, locale: str) -> bytes:
    workbook = Workbook()
    figures = headed_sheet(first_sheet(workbook), N_("Figures"), FIGURE_COLUMNS, locale)
    figures.append(
        _figures(review.totals.named(translate(locale, N_("All"))), translate(locale, N_("Total")))
    )
    groups: Sequence[tuple[str, list[PeriodFigures]]] = (
        (N_("County or district"), review.by_county),
        (N_("Category"), review.by_category),
        (N_("Programme"), review.by_programme),
    )
    for group, lines in groups:
        for line in lines:
            if group == N_("Category"):
                line = line.named(translate(locale, line.name))
            figures.append(_figures(line, translate(locale, group)))
    for _anchor, title, day_heading, rows in agreement_lists(review, locale):
        columns = (*AGREEMENT_COLUMNS, (day_heading, 12), (N_("Note"), 14))
        sheet = headed_sheet(workbook.create_sheet(), title, columns, locale)
        for listed in rows:
            sheet.append(_agreement(review, listed, locale))
    commended = headed_sheet(
        workbook.create_sheet(), N_("To commend"), COMMENDATION_COLUMNS, locale
    )
    for row in _commended(review.commended, locale):
        commended.append(row)
    return finished(
        workbook,
        {figures.title: MONEY_POSITIONS, commended.title: [3]},
    )


def commendation_workbook(ranked: Iterable[Commended], locale: str) -> bytes:
    workbook = Workbook()
    sheet = headed_sheet(first_sheet(workbook), N_("Commendation"), COMMENDATION_COLUMNS, locale)
    for row in _commended(ranked, locale):
        sheet.append(row)
    return finished(workbook, {sheet.title: [3]})
