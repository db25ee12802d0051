"""A signing event's plan as .xlsx (``/events/{id}/plan.xlsx``), for the reviewers planning it:
how many pairings each county has and why a county has none, then every pair with its score,
whether a reviewer added or dropped it by hand and whether it is proposed yet.

What each pair commits and why it was chosen are the signing list's (签约清单), handed out on
the day; this file does not repeat them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.errors import N_
from core.i18n import translate
from core.workbooks import Columns, Table, tables_workbook
from matching.events import coverage
from matching.models import PlanPair, SigningEvent

COVERAGE_COLUMNS: Columns = (
    (N_("County or district"), 14),
    (N_("Pairings"), 10),
    (N_("Note"), 40),
)
PAIR_COLUMNS: Columns = (
    (N_("County or district"), 14),
    (N_("Need"), 30),
    (N_("Place"), 28),
    (N_("Urgency"), 8),
    (N_("Offer"), 30),
    (N_("Organization"), 28),
    (N_("Score"), 8),
    (N_("In the plan"), 12),
    (N_("Added by hand"), 10),
    (N_("Proposed"), 10),
    (N_("Link"), 40),
)
UNCOVERED = {
    "no_candidate": N_("No need here has a candidate offer"),
}
TAKEN_ELSEWHERE = N_("Offers that could serve it are needed by other counties")


def plan_workbook(
    event: SigningEvent,
    county_names: Mapping[str, str],
    locale: str,
    link: Callable[[PlanPair], str],
) -> bytes:
    def text(message: str) -> str:
        return translate(locale, message)

    def yes(flag: bool) -> str:
        return text(N_("Yes")) if flag else ""

    def county(code: str) -> str:
        return county_names.get(code, code)

    counties = [
        [
            county(code),
            count,
            text(UNCOVERED.get(event.uncovered[code], TAKEN_ELSEWHERE))
            if code in event.uncovered
            else "",
        ]
        for code, count in coverage(event).items()
    ]
    order = {code: position for position, code in enumerate(event.county_codes)}

    def place(pair: PlanPair) -> tuple[int, bool, float]:
        return (order.get(pair.county_code, len(order)), pair.dropped_by_hand, -pair.score)

    pairs = sorted(event.pairs, key=place)
    rows = [
        [
            county(pair.county_code),
            pair.need.title,
            pair.need.region_name,
            text(pair.need.urgency.label),
            pair.offer.title,
            pair.offer.organization_name,
            round(pair.score * 100),
            text(N_("Dropped by hand")) if pair.dropped_by_hand else text(N_("In the plan")),
            yes(pair.added_by_hand),
            yes(pair.proposal_id is not None),
            link(pair),
        ]
        for pair in pairs
    ]
    return tables_workbook(
        [
            Table(N_("County coverage"), COVERAGE_COLUMNS, counties),
            Table(N_("Plan"), PAIR_COLUMNS, rows),
        ],
        locale,
    )
