"""The hash chain of a ledger: stable hashes, and verify naming the first break."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

from funds.chain import GENESIS, content_hash, verify
from funds.models import EntryType, LedgerEntry

AGREEMENT = uuid4()
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def chained(*amounts: str) -> list[LedgerEntry]:
    entries: list[LedgerEntry] = []
    for sequence, amount in enumerate(amounts, start=1):
        entry = LedgerEntry(
            id=uuid4(),
            agreement_id=AGREEMENT,
            sequence=sequence,
            entry_type=EntryType.COMMITMENT if sequence == 1 else EntryType.DISBURSEMENT,
            amount=Decimal(amount),
            quantity=None,
            unit="",
            spend_category="",
            evidence="",
            note="",
            reverses_id=None,
            confirms_id=None,
            actor_id=None,
            actor_name="member",
            created_at=START + timedelta(minutes=sequence),
            previous_hash=entries[-1].content_hash if entries else GENESIS,
        )
        entry.content_hash = content_hash(entry)
        entries.append(entry)
    return entries


def test_an_untouched_chain_verifies() -> None:
    assert verify(chained("1000.00", "300.00", "200.00")) is None
    assert verify([]) is None


def test_the_hash_is_the_same_for_equal_amounts_and_times_however_written() -> None:
    entry = chained("1000")[0]
    original = entry.content_hash
    entry.amount = Decimal("1000.00")
    entry.created_at = START.astimezone(timezone(timedelta(hours=8))) + timedelta(minutes=1)
    assert content_hash(entry) == original


def test_an_altered_amount_is_named() -> None:
    entries = chained("1000.00", "300.00", "200.00")
    entries[1].amount = Decimal("30.00")
    broken = verify(entries)
    assert broken is not None
    assert (broken.sequence, broken.reason) == (2, "content altered")
    assert str(AGREEMENT) in str(broken)


def test_a_removed_entry_is_named() -> None:
    entries = chained("1000.00", "300.00", "200.00")
    broken = verify([entries[0], entries[2]])
    assert broken is not None
    assert broken.sequence == 3


def test_an_entry_rehashed_after_alteration_breaks_the_next_link() -> None:
    entries = chained("1000.00", "300.00", "200.00")
    entries[1].amount = Decimal("30.00")
    entries[1].content_hash = content_hash(entries[1])
    broken = verify(entries)
    assert broken is not None
    assert (broken.sequence, broken.reason) == (3, "previous hash differs")
