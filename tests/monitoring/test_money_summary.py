"""The money summary every ledger append rewrites (``funds.summary``) against the ledger: each
agreement's row equals ``funds.ledger.balance`` of its entries, the month rows add up to the
figures of each month computed in Python, the month rollup (``funds.rollup``) adds them up
per month and agreement key, and the recomputation in SQL behind
``xiangxing ledger verify`` finds no difference until a row is altered behind the service."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from funds.models import (
    AgreementMoney,
    EntryType,
    LedgerEntry,
    LedgerOpenItem,
    MonthMoney,
    MonthRollup,
    OpenItemKind,
)
from funds.rollup import KEY
from monitoring.summary_check import RollupDifference, summary_differences
from tests.monitoring.expected import (
    FIGURES,
    Money,
    booked_months,
    counted,
    money_of,
    monthly,
    zero,
)
from tests.monitoring.records import Records, at


async def book_every_kind(records: Records) -> None:
    """On top of the records: a disputed disbursement confirmed later, a refund, the reversal
    of a disbursement confirmed in an earlier month, and of an expenditure and a commitment."""
    assert records.worker is not None
    member, worker, reviewer = records.members["east_west"], records.worker, records.reviewer
    goods = records.entries["goods"]
    cash = await records.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.agreement_id == records.agreements["c"].id,
            LedgerEntry.entry_type == EntryType.DISBURSEMENT,
            LedgerEntry.id != goods.id,
        )
    )
    assert cash is not None
    E = EntryType
    await records.book("c", worker, E.RECEIPT_CONFIRMATION, at("2026-07-20"), confirms_id=cash.id)
    await records.book("c", member, E.REFUND, at("2026-07-21"), amount="500")
    await records.book("c", member, E.REVERSAL, at("2026-08-02"), reverses_id=goods.id)
    spent = await records.book("c", member, E.EXPENDITURE, at("2026-08-03"), amount="3000")
    await records.book("c", member, E.REVERSAL, at("2026-08-04"), reverses_id=spent.id)
    extra = await records.book("c", reviewer, E.COMMITMENT, at("2026-08-05"), amount="1000")
    await records.book("c", reviewer, E.REVERSAL, at("2026-08-31", hour=17), reverses_id=extra.id)


async def stored_months(session: AsyncSession) -> dict[str, Money]:
    """The month rows of the counted agreements, summed per month."""
    ids = [agreement.id for agreement in await counted(session, {})]
    months: dict[str, Money] = defaultdict(zero)
    for row in await session.scalars(select(MonthMoney).where(MonthMoney.agreement_id.in_(ids))):
        for name in FIGURES:
            months[row.month][name] += getattr(row, name)
    return {month: money for month, money in months.items() if any(money.values())}


async def test_each_agreements_row_is_the_balance_of_its_ledger(
    session: AsyncSession, records: Records
) -> None:
    await book_every_kind(records)
    stored = {
        row.agreement_id: {name: getattr(row, name) for name in FIGURES}
        for row in await session.scalars(select(AgreementMoney))
    }
    for agreement in records.agreements.values():
        assert stored.get(agreement.id, zero()) == await money_of(session, agreement)
    # The goods confirmed in June and reversed in August are neither disbursed nor delivered.
    assert stored[records.agreements["c"].id] == {
        "committed": Decimal("80000.00"),
        "disbursed": Decimal("10000.00"),
        "confirmed": Decimal("10000.00"),
        "spent": Decimal("5000.00"),
    }


async def test_month_rows_add_up_to_the_figures_booked_in_each_month(
    session: AsyncSession, records: Records
) -> None:
    await book_every_kind(records)
    months = await stored_months(session)
    assert months == await monthly(session, {})
    assert "2026-08" not in months  # everything booked in August was reversed


async def test_the_ledger_recomputed_in_sql_agrees_until_a_row_is_altered(
    session: AsyncSession, records: Records
) -> None:
    await book_every_kind(records)
    summarised, differences = await summary_differences(session)
    assert (summarised, differences) == (5, [])

    c, a = records.agreements["c"].id, records.agreements["a"].id
    await session.execute(
        update(MonthMoney)
        .where(MonthMoney.agreement_id == c, MonthMoney.month == "2026-07")
        .values(confirmed=MonthMoney.confirmed + 1)
    )
    await session.execute(
        update(AgreementMoney).where(AgreementMoney.agreement_id == a).values(spent=0)
    )
    _, differences = await summary_differences(session)
    assert [(d.agreement_id, d.month, d.figure) for d in differences] == sorted(
        [(c, "2026-07", "confirmed"), (a, None, "spent")], key=lambda d: d[0]
    )
    altered = next(d for d in differences if d.agreement_id == c)
    assert altered.stored == altered.ledger + 1
    assert f"agreement {a}, total: spent is 0.00 in the summary, 20000.50 by the ledger" in [
        str(d) for d in differences
    ]


async def open_items(session: AsyncSession) -> set[tuple[object, OpenItemKind]]:
    rows = await session.execute(select(LedgerOpenItem.entry_id, LedgerOpenItem.kind))
    return {(entry_id, kind) for entry_id, kind in rows}


async def test_open_items_are_the_entries_still_waiting_for_an_answer_or_evidence(
    session: AsyncSession, records: Records
) -> None:
    await book_every_kind(records)
    waiting = await open_items(session)
    member, worker = records.members["east_west"], records.worker
    assert worker is not None
    E = EntryType
    paid = await records.book("c", member, E.DISBURSEMENT, at("2026-09-01"), amount="100")
    blank = await records.book(
        "c", member, E.EXPENDITURE, at("2026-09-02"), amount="50", evidence=" \u3000"
    )
    await records.book(
        "c", member, E.EXPENDITURE, at("2026-09-03"), amount="40", evidence="收据 1 张"
    )
    assert await open_items(session) == waiting | {
        (paid.id, OpenItemKind.UNANSWERED),
        (blank.id, OpenItemKind.UNEVIDENCED),
    }

    await records.book("c", worker, E.RECEIPT_DISPUTE, at("2026-09-04"), confirms_id=paid.id)
    await records.book("c", member, E.REVERSAL, at("2026-09-05"), reverses_id=blank.id)
    assert await open_items(session) == waiting
    assert (await summary_differences(session))[1] == []


async def test_verify_names_an_open_item_the_summary_lost_or_made_up(
    session: AsyncSession, records: Records
) -> None:
    member = records.members["east_west"]
    paid = await records.book("c", member, EntryType.DISBURSEMENT, at("2026-09-01"), amount="100")
    kept = await session.scalar(select(LedgerOpenItem).where(LedgerOpenItem.entry_id == paid.id))
    assert kept is not None
    await session.execute(delete(LedgerOpenItem).where(LedgerOpenItem.id == kept.id))
    await session.execute(
        update(LedgerOpenItem)
        .where(LedgerOpenItem.kind == OpenItemKind.UNANSWERED)
        .values(kind=OpenItemKind.UNEVIDENCED)
    )
    _, differences = await summary_differences(session)
    missing = f"entry {paid.id}: open as unanswered by the ledger, not in the summary"
    assert any(missing in str(difference) for difference in differences)
    assert any(
        "open as unevidenced in the summary, not by the ledger" in str(difference)
        for difference in differences
    )


async def test_the_month_rollup_is_the_counted_agreements_ledgers_summed_by_month_and_key(
    session: AsyncSession, records: Records
) -> None:
    await book_every_kind(records)
    wanted: dict[tuple[object, ...], Money] = defaultdict(zero)
    for agreement in await counted(session, {}):
        key = (agreement.year, agreement.county_code or "", agreement.category.value)
        for month, money in (await booked_months(session, agreement)).items():
            for name in FIGURES:
                wanted[(month, *key, agreement.programme)][name] += money[name]
    stored = {
        (row.month, row.year, row.county_code, row.category.value, row.programme): {
            name: getattr(row, name) for name in FIGURES
        }
        for row in await session.scalars(select(MonthRollup))
    }
    assert {key: money for key, money in stored.items() if any(money.values())} == {
        key: money for key, money in wanted.items() if any(money.values())
    }
    # The terminated agreement booked money before it ended: the termination took it out.
    assert await booked_months(session, records.agreements["ended"])


async def test_verify_names_a_month_rollup_row_altered(
    session: AsyncSession, records: Records
) -> None:
    row = await session.scalar(select(MonthRollup).order_by(MonthRollup.month).limit(1))
    assert row is not None
    key = (row.month, row.year, row.county_code, row.category.value, row.programme)
    await session.execute(
        update(MonthRollup)
        .where(*(getattr(MonthRollup, name) == value for name, value in zip(KEY, key, strict=True)))
        .values(committed=MonthRollup.committed + 1)
    )
    _, differences = await summary_differences(session)
    assert [(d.key, d.figure) for d in differences if isinstance(d, RollupDifference)] == [
        (key, "committed")
    ]
    assert len(differences) == 1
