"""The balance and invariants of a ledger, as pure functions of its entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from funds.ledger import (
    BadConfirmation,
    BadReversal,
    Balance,
    OverDisbursed,
    OverSpent,
    balance,
    check,
)
from funds.models import EntryType as T


@dataclass
class Entry:
    entry_type: T
    amount: Decimal = Decimal("0.00")
    reverses_id: UUID | None = None
    confirms_id: UUID | None = None
    id: UUID = field(default_factory=uuid4)


def money(text: str) -> Decimal:
    return Decimal(text)


def commit(amount: str) -> Entry:
    return Entry(T.COMMITMENT, money(amount))


def disburse(amount: str) -> Entry:
    return Entry(T.DISBURSEMENT, money(amount))


def confirm(disbursement: Entry) -> Entry:
    return Entry(T.RECEIPT_CONFIRMATION, disbursement.amount, confirms_id=disbursement.id)


def dispute(disbursement: Entry) -> Entry:
    return Entry(T.RECEIPT_DISPUTE, disbursement.amount, confirms_id=disbursement.id)


def reverse(entry: Entry) -> Entry:
    return Entry(T.REVERSAL, entry.amount, reverses_id=entry.id)


def test_an_empty_ledger_balances_to_zero() -> None:
    assert balance([]) == Balance()


def test_a_disbursement_counts_as_delivered_only_once_confirmed() -> None:
    handed = disburse("3000")
    entries = [commit("10000"), handed]
    assert balance(entries).confirmed == 0
    assert balance(entries).unconfirmed == money("3000")
    assert balance([*entries, confirm(handed)]).confirmed == money("3000")


def test_every_kind_is_summed_in_its_own_column() -> None:
    first, second = disburse("4000"), disburse("1000.50")
    entries = [
        commit("8000"),
        commit("2000"),
        first,
        second,
        confirm(first),
        dispute(second),
        Entry(T.EXPENDITURE, money("2500")),
        Entry(T.REFUND, money("500")),
    ]
    assert balance(entries) == Balance(
        committed=money("10000"),
        disbursed=money("5000.50"),
        confirmed=money("4000"),
        disputed=money("1000.50"),
        spent=money("2500"),
        refunded=money("500"),
    )


def test_a_dispute_settled_by_a_confirmation_is_no_longer_disputed() -> None:
    handed = disburse("1000")
    entries = [commit("1000"), handed, dispute(handed), confirm(handed)]
    assert balance(entries).disputed == 0
    assert balance(entries).confirmed == money("1000")


def test_a_reversed_entry_and_its_reversal_count_for_nothing() -> None:
    top_up = commit("500")
    entries = [commit("1000"), top_up, reverse(top_up)]
    assert balance(entries).committed == money("1000")


def test_a_reversed_disbursement_is_no_longer_confirmed() -> None:
    handed = disburse("1000")
    entries = [commit("1000"), handed, confirm(handed), reverse(handed)]
    assert balance(entries).confirmed == 0
    assert balance(entries).disbursed == 0


def test_disbursements_may_reach_the_commitment_but_not_pass_it() -> None:
    entries = [commit("1000"), disburse("600")]
    assert check(entries, disburse("400")).disbursed == money("1000")
    with pytest.raises(OverDisbursed) as refused:
        check(entries, disburse("400.01"))
    assert refused.value.params == {"disbursed": "1000.01", "committed": "1000.00"}


def test_reversing_a_commitment_already_disbursed_is_refused() -> None:
    promised = commit("1000")
    with pytest.raises(OverDisbursed):
        check([promised, disburse("1000")], reverse(promised))


def test_spending_needs_confirmed_receipts() -> None:
    handed = disburse("1000")
    entries = [commit("1000"), handed]
    with pytest.raises(OverSpent):
        check(entries, Entry(T.EXPENDITURE, money("1")))
    confirmed = [*entries, confirm(handed)]
    assert check(confirmed, Entry(T.EXPENDITURE, money("1000"))).spent == money("1000")
    with pytest.raises(OverSpent):
        check(confirmed, Entry(T.EXPENDITURE, money("1000.01")))


def test_refunds_count_against_confirmed_receipts_with_spending() -> None:
    handed = disburse("1000")
    entries = [commit("1000"), handed, confirm(handed), Entry(T.EXPENDITURE, money("800"))]
    assert check(entries, Entry(T.REFUND, money("200"))).refunded == money("200")
    with pytest.raises(OverSpent):
        check(entries, Entry(T.REFUND, money("200.01")))


def test_a_disputed_disbursement_cannot_be_spent() -> None:
    handed = disburse("1000")
    with pytest.raises(OverSpent):
        check([commit("1000"), handed, dispute(handed)], Entry(T.EXPENDITURE, money("10")))


def test_a_reversal_must_name_an_entry_of_the_ledger() -> None:
    with pytest.raises(BadReversal):
        check([commit("1000")], reverse(commit("1000")))


def test_an_entry_is_reversed_at_most_once() -> None:
    top_up = commit("500")
    with pytest.raises(BadReversal):
        check([commit("1000"), top_up, reverse(top_up)], reverse(top_up))


def test_a_reversal_is_not_itself_reversed() -> None:
    top_up = commit("500")
    undo = reverse(top_up)
    with pytest.raises(BadReversal):
        check([top_up, undo], reverse(undo))


def test_only_a_disbursement_is_confirmed() -> None:
    promised = commit("1000")
    with pytest.raises(BadConfirmation):
        check([promised], confirm(promised))


def test_a_disbursement_is_confirmed_once() -> None:
    handed = disburse("1000")
    entries = [commit("1000"), handed, confirm(handed)]
    with pytest.raises(BadConfirmation):
        check(entries, confirm(handed))
    with pytest.raises(BadConfirmation):
        check(entries, dispute(handed))


def test_a_disbursement_is_disputed_once() -> None:
    handed = disburse("1000")
    with pytest.raises(BadConfirmation):
        check([commit("1000"), handed, dispute(handed)], dispute(handed))


def test_a_reversed_disbursement_cannot_be_confirmed() -> None:
    handed = disburse("1000")
    with pytest.raises(BadConfirmation):
        check([commit("1000"), handed, reverse(handed)], confirm(handed))


def test_a_confirmation_of_another_ledgers_disbursement_is_refused() -> None:
    with pytest.raises(BadConfirmation):
        check([commit("1000"), disburse("1000")], confirm(disburse("1000")))
