"""Random sequences of ledger requests against a plain model of the books.

A Hypothesis state machine drives one signed agreement's ledger through the API as its parties
would: commitments by the reviewer; money and goods handed over, spent and refunded by the
organization; receipts confirmed or disputed by the station; any entry reversed by whoever
may record it; a request sent again with its idempotency key (the first answer, nothing new)
or the key reused for another request (422). The model says beforehand whether each request
is accepted or which invariant refuses it; after every step the stored ledger must hold what
the model holds, keep its invariants, have answered each key once and verify as a chain.

Each sequence runs inside a savepoint of the test's transaction, rolled back when it ends, so
that all of them share one app and one agreement. Hypothesis runs in a worker thread and hands
each request to the test's event loop, where the app and the database connection live.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from itertools import count
from typing import Any, ClassVar
from uuid import UUID

import anyio
import httpx
from anyio import from_thread
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncSession,
    AsyncTransaction,
    async_sessionmaker,
)

from funds.chain import verify
from funds.ledger import balance
from funds.models import LedgerEntry
from tests.matching.parties import Parties

SEQUENCES = settings(
    max_examples=100,
    stateful_step_count=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
RECORDER = {
    "commitment": "rev",
    "disbursement": "member",
    "expenditure": "member",
    "refund": "member",
    "receipt_confirmation": "worker",
    "receipt_dispute": "worker",
}
"""Who records each kind of entry; a reversal, whoever records the entry it cancels."""
SUMMED = ("commitment", "disbursement", "expenditure", "refund")


def yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


COMMITTED = st.builds(yuan, st.integers(min_value=100_000, max_value=800_000))
HANDED_OVER = st.builds(yuan, st.integers(min_value=10_000, max_value=300_000))
"""Sized so that most requests fit and some go over: both answers come up often."""
QUANTITIES = st.integers(min_value=1, max_value=500)
OVERREACH = Decimal("1.2")
"""Spending and refunds are drawn up to this share of what is left to spend."""


@dataclass(frozen=True)
class Posted:
    """An entry the ledger accepted, as the model knows it."""

    id: str
    kind: str
    amount: Decimal
    names: str | None = None
    """The entry a reversal cancels or a confirmation or dispute answers."""


@dataclass(frozen=True)
class Sent:
    """An accepted request: who sent it with which key and body, and the answer."""

    who: str
    key: str
    body: dict[str, Any]
    answer: dict[str, Any]


@dataclass
class Books:
    """The model: the accepted entries, and what they add up to."""

    entries: list[Posted] = field(default_factory=list)

    def totals(self, extra: Posted | None = None) -> dict[str, Decimal]:
        entries = [*self.entries, *([extra] if extra else [])]
        cancelled = {e.names for e in entries if e.kind == "reversal"}
        live = [e for e in entries if e.id not in cancelled and e.kind != "reversal"]
        confirmed = {e.names for e in live if e.kind == "receipt_confirmation"}
        disputed = {e.names for e in live if e.kind == "receipt_dispute"} - confirmed
        totals = {name: Decimal(0) for name in (*SUMMED, "confirmed", "disputed")}
        for entry in live:
            if entry.kind in SUMMED:
                totals[entry.kind] += entry.amount
            if entry.kind == "disbursement" and entry.id in confirmed:
                totals["confirmed"] += entry.amount
            if entry.kind == "disbursement" and entry.id in disputed:
                totals["disputed"] += entry.amount
        return totals

    def refusal(self, new: Posted) -> str | None:
        """The code of the 409 that refuses ``new``, or None if it is accepted."""
        named = next((e for e in self.entries if e.id == new.names), None)
        cancelled = {e.names for e in self.entries if e.kind == "reversal"}
        if new.kind == "reversal" and (
            named is None or named.kind == "reversal" or named.id in cancelled
        ):
            return "reversal_invalid"
        if new.kind in ("receipt_confirmation", "receipt_dispute"):
            live = [e for e in self.entries if e.id not in cancelled]
            answers = {(e.kind, e.names) for e in live}
            if (
                named is None
                or named.id in cancelled
                or ("receipt_confirmation", named.id) in answers
                or (new.kind, named.id) in answers
            ):
                return "confirmation_invalid"
        after = self.totals(new)
        if after["disbursement"] > after["commitment"]:
            return "disbursed_over_committed"
        if after["expenditure"] + after["refund"] > after["confirmed"]:
            return "spent_over_confirmed"
        return None

    def named(self, entry_id: str) -> Posted:
        return next(e for e in self.entries if e.id == entry_id)


@dataclass
class World:
    """What the machine drives, in the test's event loop."""

    parties: Parties
    agreement_id: str
    connection: AsyncConnection
    session_maker: async_sessionmaker[AsyncSession]

    @property
    def url(self) -> str:
        return f"/api/v1/agreements/{self.agreement_id}/ledger"

    async def savepoint(self) -> AsyncTransaction:
        return await self.connection.begin_nested()

    async def stored(self) -> list[LedgerEntry]:
        async with self.session_maker() as session:
            found = await session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.agreement_id == UUID(self.agreement_id))
                .order_by(LedgerEntry.sequence)
            )
            return list(found)


def has_sent(machine: LedgerMachine) -> bool:
    return bool(machine.sent)


class LedgerMachine(RuleBasedStateMachine):
    world: ClassVar[World]
    entries = Bundle("entries")
    disbursements = Bundle("disbursements")

    def __init__(self) -> None:
        super().__init__()
        self.books = Books()
        self.keys = count(1)
        self.sent: list[Sent] = []
        self.savepoint = from_thread.run(self.world.savepoint)

    def teardown(self) -> None:
        from_thread.run(self.savepoint.rollback)

    def _post(self, who: str, key: str, body: dict[str, Any]) -> httpx.Response:
        headers = {**self.world.parties.headers[who], "Idempotency-Key": key}
        send = partial(self.world.parties.client.post, self.world.url, json=body, headers=headers)
        return from_thread.run(send)

    def _record(self, who: str, expected: Posted, fields: dict[str, Any]) -> Any:
        """Send a new request with a new key; check it is accepted or refused as the model
        says; an accepted entry's id goes to the bundles."""
        key = f"key-{next(self.keys)}"
        body = {"entry_type": expected.kind, "note": key, **fields}
        refusal = self.books.refusal(expected)
        answer = self._post(who, key, body)
        if refusal is not None:
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == refusal
            return multiple()
        assert answer.status_code == 201, answer.text
        stored = answer.json()
        assert stored["sequence"] == len(self.books.entries) + 1
        assert Decimal(stored["amount"]) == expected.amount
        self.books.entries.append(replace(expected, id=stored["id"]))
        self.sent.append(Sent(who, key, body, stored))
        return stored["id"]

    def _amounted(self, kind: str, amount: Decimal, **fields: Any) -> Any:
        expected = Posted("new", kind, amount)
        return self._record(RECORDER[kind], expected, {"amount": str(amount), **fields})

    def _naming(self, kind: str, entry_id: str) -> Any:
        """A reversal, confirmation or dispute: it takes the amount of the entry it names and
        is recorded by whoever may record that entry (a reversal) or by the recipient."""
        named = self.books.named(entry_id)
        expected = Posted("new", kind, named.amount, names=entry_id)
        if kind == "reversal":
            return self._record(
                RECORDER.get(named.kind, "member"), expected, {"reverses_id": entry_id}
            )
        return self._record(RECORDER[kind], expected, {"confirms_id": entry_id})

    @initialize(target=entries, amount=COMMITTED)
    def signed_commitment(self, amount: Decimal) -> Any:
        """What the agreement commits, so that a sequence starts with money to hand over."""
        return self._amounted("commitment", amount)

    @rule(target=entries, amount=COMMITTED)
    def commit(self, amount: Decimal) -> Any:
        return self._amounted("commitment", amount)

    @rule(targets=(entries, disbursements), amount=HANDED_OVER)
    def disburse_money(self, amount: Decimal) -> Any:
        return self._amounted("disbursement", amount)

    @rule(targets=(entries, disbursements), amount=HANDED_OVER, quantity=QUANTITIES)
    def disburse_goods(self, amount: Decimal, quantity: int) -> Any:
        return self._amounted("disbursement", amount, quantity=str(quantity), unit="套")

    @rule(target=entries, disbursement=disbursements)
    def confirm(self, disbursement: str) -> Any:
        return self._naming("receipt_confirmation", disbursement)

    @rule(target=entries, disbursement=disbursements)
    def dispute(self, disbursement: str) -> Any:
        return self._naming("receipt_dispute", disbursement)

    def _within_reach(self, data: st.DataObject) -> Decimal:
        """An amount up to a little more than the confirmed receipts not yet spent."""
        totals = self.books.totals()
        left = totals["confirmed"] - totals["expenditure"] - totals["refund"]
        most = int(left * 100 * OVERREACH)
        return yuan(data.draw(st.integers(min_value=1, max_value=max(most, 100))))

    @rule(target=entries, data=st.data())
    def spend(self, data: st.DataObject) -> Any:
        amount = self._within_reach(data)
        return self._amounted("expenditure", amount, spend_category="活动经费", evidence="发票")

    @rule(target=entries, data=st.data())
    def refund(self, data: st.DataObject) -> Any:
        return self._amounted("refund", self._within_reach(data))

    @rule(target=entries, entry=entries)
    def reverse(self, entry: str) -> Any:
        return self._naming("reversal", entry)

    @precondition(has_sent)
    @rule(data=st.data())
    def send_again(self, data: st.DataObject) -> None:
        """The same request with its key: the first answer again, nothing new."""
        sent = data.draw(st.sampled_from(self.sent))
        answer = self._post(sent.who, sent.key, sent.body)
        assert answer.status_code == 201, answer.text
        assert answer.json() == sent.answer

    @precondition(has_sent)
    @rule(data=st.data())
    def reuse_a_key(self, data: st.DataObject) -> None:
        """Another request with a key already used: refused, nothing new."""
        sent = data.draw(st.sampled_from(self.sent))
        answer = self._post(sent.who, sent.key, {**sent.body, "note": f"{sent.key} again"})
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "idempotency_key_reused"

    @invariant()
    def stored_books_are_the_model(self) -> None:
        stored = from_thread.run(self.world.stored)
        found = balance(stored)
        totals = self.books.totals()
        assert found.committed == totals["commitment"]
        assert found.disbursed == totals["disbursement"]
        assert found.confirmed == totals["confirmed"]
        assert found.disputed == totals["disputed"]
        assert found.spent == totals["expenditure"]
        assert found.refunded == totals["refund"]
        assert found.disbursed <= found.committed
        assert found.spent + found.refunded <= found.confirmed
        assert Counter(entry.note for entry in stored) == Counter(s.key for s in self.sent)
        assert verify(stored) is None


async def test_random_request_sequences_keep_the_books(
    parties: Parties,
    agreement: dict[str, Any],
    connection: AsyncConnection,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    world = World(parties, agreement["id"], connection, session_maker)
    machine = type("LedgerOfOneAgreement", (LedgerMachine,), {"world": world})
    await anyio.to_thread.run_sync(partial(run_state_machine_as_test, machine, settings=SEQUENCES))
