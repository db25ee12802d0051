"""The agreements list as .xlsx: the rows the reader may see under the filters in force, with
the responsible persons only where the reader may see them (``agreements.policy``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from agreements.models import Agreement
from agreements.programmes import programme_name
from core.errors import N_
from core.i18n import clauses, translate
from core.units import unit_name
from core.workbooks import table_workbook

EXPORT_LIMIT = 10_000
"""Far above a city's agreements (the seed city signed 113 projects)."""
COLUMNS = (
    (N_("Number"), 14),
    (N_("Title"), 30),
    (N_("State"), 16),
    (N_("Organization"), 28),
    (N_("Origin"), 12),
    (N_("Recipient"), 30),
    (N_("Category"), 12),
    (N_("Programme"), 12),
    (N_("Signing event"), 24),
    (N_("Period"), 24),
    (N_("Signed on"), 12),
    (N_("Committed in yuan"), 14),
    (N_("Other lines"), 30),
    (N_("Responsible persons"), 36),
)


def money_total(agreement: Agreement) -> Decimal:
    """What the agreement commits in yuan (funds and purchases counted in 元)."""
    return sum((line.amount for line in agreement.lines if line.amount_unit == "元"), Decimal(0))


def _row(
    agreement: Agreement, locale: str, sees_private: Callable[[Agreement], bool]
) -> list[object]:
    def text(message: str) -> str:
        return translate(locale, message)

    others = clauses(
        locale,
        (
            f"{text(line.kind.label)}{' ' + line.item if line.item else ''} "
            f"{line.amount.normalize():f} {unit_name(locale, line.amount_unit, line.amount)}"
            for line in agreement.lines
            if line.amount_unit != "元"
        ),
    )
    people = (
        clauses(
            locale,
            (
                f"{agreement.organization_contact_name} {agreement.organization_contact_phone}",
                f"{agreement.recipient_contact_name} {agreement.recipient_contact_phone}",
            ),
        )
        if sees_private(agreement)
        else ""
    )
    return [
        agreement.number,
        agreement.title,
        text(agreement.state.label),
        agreement.organization.name,
        text(agreement.organization.origin.label),
        agreement.recipient_name,
        text(agreement.category.label),
        programme_name(agreement.programme),
        agreement.event.name if agreement.event else "",
        f"{agreement.period_start.isoformat()} – {agreement.period_end.isoformat()}",
        agreement.signed_on,
        money_total(agreement),
        others,
        people,
    ]


def agreements_workbook(
    agreements: Iterable[Agreement], locale: str, sees_private: Callable[[Agreement], bool]
) -> bytes:
    """One sheet, one row per agreement; yuan as numbers with two places."""
    rows = (_row(agreement, locale, sees_private) for agreement in agreements)
    return table_workbook(N_("Agreements"), COLUMNS, rows, locale, money_columns=[12])
