"""The ledger over the API: every entry type by the party that records it, every invariant
refused with its name and nothing changed, retries with an idempotency key."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from funds.models import LedgerEntry
from tests.agreements.flow import accepted, make_agreement
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.funds.flow import Books
from tests.matching.parties import Parties


async def written(session: AsyncSession) -> tuple[int, int]:
    """Ledger entries and their audit rows (a refusal may leave an audit row of the denial)."""
    entries = await session.scalar(select(func.count()).select_from(LedgerEntry))
    audited = await session.scalar(
        select(func.count()).where(AuditEntry.action.startswith("ledger."))
    )
    return entries or 0, audited or 0


async def test_every_entry_type_by_the_party_that_records_it(
    parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="10000")
    await books.add("member", "commitment", amount="2,000.50", note="追加")
    money = await books.add("member", "disbursement", amount="6000", evidence="银行回单 0012")
    goods = await books.add(
        "member", "disbursement", amount="1500", quantity="30", unit="套", note="校服"
    )
    await books.add("worker", "receipt_confirmation", confirms_id=money["id"])
    await books.add("worker", "receipt_dispute", confirms_id=goods["id"], note="只收到 20 套")
    await books.add(
        "member", "expenditure", amount="4000", spend_category="活动经费", evidence="发票 3 张"
    )
    await books.add("member", "refund", amount="500", note="结余退回")
    top_up = await books.add("member", "commitment", amount="1")
    undone = await books.add("member", "reversal", reverses_id=top_up["id"], note="录入错误")

    assert undone["amount"] == "1.00"
    assert goods["quantity"] == "30.00"
    assert goods["unit"] == "套"
    entries = await books.entries("worker")
    assert [entry["sequence"] for entry in entries] == list(range(1, 11))
    assert all(
        later["previous_hash"] == earlier["content_hash"]
        for earlier, later in itertools.pairwise(entries)
    )
    summary = await books.summary("rev")
    assert summary == {
        "balance": {
            "committed": "12000.50",
            "disbursed": "7500.00",
            "confirmed": "6000.00",
            "disputed": "1500.00",
            "spent": "4000.00",
            "refunded": "500.00",
        },
        "verified": True,
    }


async def test_each_write_is_audited(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    entry = await books.add("rev", "commitment", amount="10000")
    audit = await session.scalar(select(AuditEntry).where(AuditEntry.object_id == entry["id"]))
    assert audit is not None
    assert audit.action == "ledger.commitment"
    assert audit.actor_username == "rev"
    assert audit.after is not None
    assert audit.after["amount"] == "10000.00"


async def refused(
    books: Books, session: AsyncSession, who: str, entry_type: str, **body: Any
) -> dict[str, Any]:
    """Post an entry that must be refused; nothing may change."""
    before = await written(session)
    answer = await books.post(who, entry_type, **body)
    assert answer.status_code in (400, 403, 404, 409, 422), answer.text
    assert await written(session) == before
    return {"status": answer.status_code, **answer.json()}


async def test_disbursing_beyond_the_commitment_is_refused_by_name(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    answer = await refused(books, session, "member", "disbursement", amount="400.01")
    assert (answer["status"], answer["code"]) == (409, "disbursed_over_committed")
    assert answer["message"] == "已拒绝：拨付金额（1000.01 元）不得超过承诺金额（1000.00 元）。"
    await books.add("member", "disbursement", amount="400")


async def test_spending_beyond_confirmed_receipts_is_refused(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    await books.add("member", "disbursement", amount="400")
    body = {"spend_category": "物资采购", "evidence": "发票"}
    answer = await refused(books, session, "member", "expenditure", amount="600.01", **body)
    assert (answer["status"], answer["code"]) == (409, "spent_over_confirmed")
    assert "已确认收到" in answer["message"]
    await books.add("member", "expenditure", amount="600", **body)


async def test_reversals_cancel_one_live_entry_of_this_agreement(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    handed = await books.funded("1000", "600")
    top_up = await books.add("member", "commitment", amount="100")
    await books.add("member", "reversal", reverses_id=top_up["id"], note="重复")
    again = await refused(
        books, session, "member", "reversal", reverses_id=top_up["id"], note="重复"
    )
    assert (again["status"], again["code"]) == (409, "reversal_invalid")
    assert "冲销" in again["message"]
    unknown = await refused(
        books, session, "member", "reversal", reverses_id=agreement["id"], note="?"
    )
    assert unknown["code"] == "reversal_invalid"
    undelivered = await books.add("member", "reversal", reverses_id=handed["id"], note="退票")
    assert undelivered["amount"] == "600.00"
    assert (await books.summary())["balance"]["confirmed"] == "0.00"


async def test_a_reversal_is_recorded_by_whoever_records_the_entry_it_cancels(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    handed = await books.funded("1000", "600")
    answer = await refused(
        books, session, "worker", "reversal", reverses_id=handed["id"], note="不是我的"
    )
    assert answer["status"] == 403


async def test_only_the_recipient_confirms_or_disputes(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    handed = await books.add("member", "disbursement", amount="1000")
    for who in ("member", "rev"):
        answer = await refused(
            books, session, who, "receipt_confirmation", confirms_id=handed["id"]
        )
        assert answer["status"] == 403
        assert answer["message"] == "只有受助方（其社工站或部门）可以确认收到。"
    elsewhere = await refused(
        books, session, "stranger", "receipt_confirmation", confirms_id=handed["id"]
    )
    assert elsewhere["status"] == 404
    await books.add("worker", "receipt_dispute", confirms_id=handed["id"], note="金额不符")
    twice = await refused(
        books, session, "worker", "receipt_dispute", confirms_id=handed["id"], note="再次"
    )
    assert twice["code"] == "confirmation_invalid"
    await books.add("worker", "receipt_confirmation", confirms_id=handed["id"])
    again = await refused(
        books, session, "worker", "receipt_confirmation", confirms_id=handed["id"]
    )
    assert again["code"] == "confirmation_invalid"


async def test_the_organization_alone_records_what_it_hands_over_and_spends(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "1000")
    for entry_type, body in (
        ("disbursement", {"amount": "1"}),
        ("expenditure", {"amount": "1", "spend_category": "交通", "evidence": "票据"}),
        ("refund", {"amount": "1"}),
    ):
        for who in ("worker", "rev"):
            answer = await refused(books, session, who, entry_type, **body)
            assert answer["status"] == 403, (who, entry_type)
    station = await refused(books, session, "worker", "commitment", amount="1")
    assert station["status"] == 403


async def test_bad_input_is_a_clear_error(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    for entry_type, body in (
        ("disbursement", {}),
        ("disbursement", {"amount": "1e3"}),
        ("disbursement", {"amount": "-5"}),
        ("disbursement", {"amount": "1.001"}),
        ("disbursement", {"amount": "10", "quantity": "3"}),
        ("expenditure", {"amount": "10"}),
        ("receipt_confirmation", {}),
        ("reversal", {"note": "?"}),
        ("commitment", {"amount": "10", "confirms_id": agreement["id"]}),
        ("payment", {"amount": "10"}),
    ):
        answer = await refused(books, session, "member", entry_type, **body)
        assert answer["status"] == 400, (entry_type, body, answer)
        assert answer["message"], answer


async def test_a_draft_takes_no_entries(
    parties: Parties, clock: FakeClock, session: AsyncSession
) -> None:
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    draft = await make_agreement(parties, await accepted(parties, need, offer))
    assert draft.status_code == 201, draft.text
    books = Books(parties, draft.json())
    answer = await refused(books, session, "rev", "commitment", amount="1000")
    assert (answer["status"], answer["code"]) == (409, "ledger_closed")


async def test_only_parties_and_staff_read_the_ledger(
    parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    for who in ("stranger", "outsider"):
        answer = await parties.client.get(books.url, headers=parties.headers[who])
        assert answer.status_code == 404
    assert len(await books.entries("worker")) == 1
    assert (await parties.client.get(books.url)).status_code == 401


async def test_a_retry_with_the_same_key_gets_the_first_answer(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    first = await books.post("member", "disbursement", key="pay-1", amount="700")
    retry = await books.post("member", "disbursement", key="pay-1", amount="700")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert len(await books.entries()) == 2
    other = await books.post("member", "disbursement", key="pay-1", amount="300")
    assert other.status_code == 422
    assert len(await books.entries()) == 2
