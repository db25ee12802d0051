"""The signing list (签约清单) of an event: per county, each pair's organization, village,
amounts and why, for the page printed on A4 and for the .xlsx handed out on the day."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import N_, InvalidInput
from core.i18n import clauses, translate
from core.units import quantity
from matching.amounts import line_pairs
from matching.models import PlanPair, Proposal, SigningEvent
from matching.scoring import Component
from matching.why import why_sentence

COLUMNS = (
    (N_("County or district"), 12),
    (N_("Organization"), 28),
    (N_("Village"), 30),
    (N_("Need"), 30),
    (N_("Offer"), 30),
    (N_("Amounts"), 30),
    (N_("Why"), 50),
    (N_("Proposal"), 14),
)


@dataclass(frozen=True, slots=True)
class SigningRow:
    county: str
    organization: str
    village: str
    need: str
    offer: str
    amounts: str
    why: str
    state: str
    """The proposal's state, or "" while the pair is only planned."""

    def cells(self) -> tuple[str, ...]:
        return (
            self.county,
            self.organization,
            self.village,
            self.need,
            self.offer,
            self.amounts,
            self.why,
            self.state,
        )


def _amounts(pair: PlanPair, proposal: Proposal | None, locale: str) -> str:
    """What the proposal commits, or, before it is proposed, what it would."""
    if proposal is not None:
        lines = [(line.need_line, line.offer_line, line.amount) for line in proposal.lines]
    else:
        try:
            lines = [
                (commitment.need_line, commitment.offer_line, commitment.amount)
                for commitment in line_pairs(pair.need, pair.offer, None)
            ]
        except InvalidInput:
            lines = []
    return clauses(
        locale,
        (
            f"{translate(locale, need.kind.label)}{' ' + need.item if need.item else ''} "
            f"{quantity(locale, amount, offer.amount_unit)}"
            for need, offer, amount in lines
        ),
    )


async def signing_rows(
    session: AsyncSession,
    event: SigningEvent,
    county_names: Mapping[str, str],
    locale: str,
    weights: Mapping[Component, float],
) -> list[SigningRow]:
    """Every pair of the plan, by county then organization."""
    pairs = event.pairs_in_plan
    ids = [pair.proposal_id for pair in pairs if pair.proposal_id is not None]
    proposals = {
        proposal.id: proposal
        for proposal in await session.scalars(select(Proposal).where(Proposal.id.in_(ids)))
    }
    rows = []
    for pair in pairs:
        proposal = proposals.get(pair.proposal_id) if pair.proposal_id else None
        rows.append(
            SigningRow(
                county=county_names.get(pair.county_code, pair.county_code),
                organization=pair.offer.organization_name,
                village=pair.need.region_name,
                need=pair.need.title,
                offer=pair.offer.title,
                amounts=_amounts(pair, proposal, locale),
                why=why_sentence(pair.breakdown, pair.need, pair.offer, locale, weights),
                state=translate(locale, proposal.state.label) if proposal else "",
            )
        )
    rows.sort(key=lambda row: (row.county, row.organization, row.village))
    return rows


def signing_workbook(event: SigningEvent, rows: list[SigningRow], locale: str) -> bytes:
    """One sheet, one row per pair, headed by the event's name, date and place."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on a worksheet"
    sheet.title = translate(locale, N_("Signing list"))[:31]
    sheet.append([f"{event.name} · {event.held_on.isoformat()} · {event.place}".rstrip(" ·")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([translate(locale, header) for header, _width in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for position, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    for row in rows:
        sheet.append(list(row.cells()))
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
