"""The proposals list as .xlsx (``/proposals.xlsx``): the proposals the reader is party to, as
the page lists them, with each side's answer and the yuan the pairing commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal

from core.clock import local_date
from core.errors import N_
from core.i18n import clauses, translate
from core.units import unit_name
from core.workbooks import Columns, beijing, table_workbook
from matching.consent import Pairing
from matching.models import Proposal

COLUMNS: Columns = (
    (N_("Need"), 30),
    (N_("Place"), 28),
    (N_("Offer"), 30),
    (N_("Organization"), 28),
    (N_("State"), 12),
    (N_("Proposed by"), 12),
    (N_("Proposed at (China time)"), 17),
    (N_("Answer by"), 12),
    (N_("Organization agreed on"), 12),
    (N_("Recipient agreed on"), 12),
    (N_("Amounts"), 36),
    (N_("Committed in yuan"), 14),
    (N_("Link"), 40),
)
YUAN_COLUMN = 12


def _number(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def yuan_of(proposal: Proposal) -> Decimal:
    """What the pairing commits in yuan: the lines drawn from funds or purchases in 元."""
    return sum(
        (line.amount for line in proposal.lines if line.offer_line.amount_unit == "元"),
        Decimal(0),
    )


def _day(moment: datetime | None) -> object:
    return local_date(moment) if moment else None


def proposals_workbook(
    proposals: Iterable[Proposal], now: datetime, locale: str, link: Callable[[Proposal], str]
) -> bytes:
    def text(message: str) -> str:
        return translate(locale, message)

    def row(proposal: Proposal) -> list[object]:
        amounts = clauses(
            locale,
            (
                f"{text(line.need_line.kind.label)}"
                f"{' ' + line.need_line.item if line.need_line.item else ''} "
                f"{_number(line.amount)} {unit_name(locale, line.offer_line.amount_unit)}"
                for line in proposal.lines
            ),
        )
        return [
            proposal.need.title,
            proposal.need.region_name,
            proposal.offer.title,
            proposal.offer.organization_name,
            text(Pairing.of(proposal, now).state.label),
            text(proposal.proposed_by.label),
            beijing(proposal.created_at),
            _day(proposal.expires_at),
            _day(proposal.organization_agreed_at),
            _day(proposal.recipient_agreed_at),
            amounts,
            yuan_of(proposal),
            link(proposal),
        ]

    rows = (row(proposal) for proposal in proposals)
    return table_workbook(
        N_("Pairing proposals"), COLUMNS, rows, locale, money_columns=[YUAN_COLUMN]
    )
