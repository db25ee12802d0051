"""The ledger as the money page reads it: running totals by China's calendar day, and each
entry with where its disbursement stands and which reversal cancelled it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from funds.ledger import Receipt
from funds.models import EntryType, LedgerEntry
from funds.statement import lines, timeline, timeline_option

AGREEMENT = uuid4()


def entry(
    sequence: int, entry_type: EntryType, amount: str, at: datetime, names: UUID | None = None
) -> LedgerEntry:
    return LedgerEntry(
        id=uuid4(),
        agreement_id=AGREEMENT,
        sequence=sequence,
        entry_type=entry_type,
        amount=Decimal(amount),
        reverses_id=names if entry_type is EntryType.REVERSAL else None,
        confirms_id=names
        if entry_type in (EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE)
        else None,
        created_at=at,
    )


def books() -> list[LedgerEntry]:
    """Committed on 1 June, 600 and 300 disbursed on 2 June (China time; 17:00 UTC on 1 June
    is already the 2nd), the 600 confirmed and the 300 reversed on 3 June."""
    committed = entry(1, EntryType.COMMITMENT, "1000", datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    first = entry(2, EntryType.DISBURSEMENT, "600", datetime(2026, 6, 1, 17, 0, tzinfo=UTC))
    second = entry(3, EntryType.DISBURSEMENT, "300", datetime(2026, 6, 2, 3, 0, tzinfo=UTC))
    at = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)
    confirmed = entry(4, EntryType.RECEIPT_CONFIRMATION, "600", at, first.id)
    reversed_ = entry(5, EntryType.REVERSAL, "300", at, second.id)
    return [committed, first, second, confirmed, reversed_]


def test_running_totals_stand_at_the_end_of_each_china_day() -> None:
    points = timeline(books())
    assert [point.day.isoformat() for point in points] == [
        "2026-06-01",
        "2026-06-02",
        "2026-06-03",
    ]
    assert [point.balance.disbursed for point in points] == [0, 900, 600]
    assert [point.balance.confirmed for point in points] == [0, 0, 600]
    option = timeline_option(
        points, {"committed": "承诺", "disbursed": "拨付", "confirmed": "确认", "spent": "支出"}
    )
    series = {line["name"]: line["data"] for line in option["series"]}  # type: ignore[attr-defined]
    assert series["拨付"] == ["0.00", "900.00", "600.00"]
    assert series["承诺"] == ["1000.00", "1000.00", "1000.00"]


def test_each_line_says_its_receipt_and_its_reversal() -> None:
    entries = books()
    read = lines(entries)
    assert read[1].receipt is Receipt.CONFIRMED
    assert read[2].receipt is None, "reversed: no longer awaiting anything"
    assert read[2].reversed_by is entries[4]
    assert read[4].names is entries[2]
    assert read[3].names is entries[1]
    assert [line.reversible for line in read] == [True, True, False, True, False]
