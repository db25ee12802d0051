"""The money tab as each role uses it: who reads it (as the ledger API lets them), which forms
each sees and may use, every form recording its entry through the ledger's rules, refusals
shown at the form with nothing changed, the chain line turning to a break when a row is altered
behind the platform's back, and the ledger as .xlsx."""

from __future__ import annotations

import io
import re
from typing import Any

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.downloads import XLSX_TYPE
from tests.factories import sign_in
from tests.funds.flow import Books
from tests.funds.money_page import MoneyPage
from tests.funds.test_api import written
from tests.funds.test_verify_command import BEHIND_THE_BACK
from tests.matching.parties import Parties

AMOUNT_FORMS = ("commitment", "disbursement", "expenditure", "refund")


async def offered(page: MoneyPage) -> set[str]:
    """The entry types the page offers a form for."""
    return {kind for kind in (*AMOUNT_FORMS, "reversal") if await page.form(kind)}


async def funded_with_goods_awaiting(books: Books) -> dict[str, Any]:
    """1,000 committed, 600 disbursed and confirmed, 30 sets of goods worth 300 awaiting the
    station: the goods disbursement."""
    await books.funded("1000", "600")
    return await books.add(
        "member", "disbursement", amount="300", quantity="30", unit="套", note="校服"
    )


async def test_each_role_reads_the_page_as_the_ledger_api_lets_them(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    goods = await funded_with_goods_awaiting(books)
    page = MoneyPage(client, agreement)
    anonymous = await page.open()
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")
    for stranger in ("stranger", "outsider"):
        await sign_in(client, stranger)
        assert (await page.open()).status_code == 404, stranger

    await sign_in(client, "member")
    shown = (await page.open()).text
    for figure in ("1,000.00", "900.00", "600.00", "300.00", "30 套", "账本校验通过：4 条记录"):
        assert figure in shown, figure
    assert "待确认" in shown
    assert "已确认" in shown
    assert 'data-chart="money-timeline"' in shown
    assert await offered(page) == {*AMOUNT_FORMS, "reversal"}
    assert await page.form("receipt_confirmation") is None, "only the recipient confirms"

    await sign_in(client, "worker")
    assert await offered(page) == {"reversal"}, "no amounts; it may reverse its confirmation"
    options = re.findall(r'<option value="([0-9a-f-]{36})"', (await page.open()).text)
    confirmation = (await books.entries())[2]
    assert options == [confirmation["id"]]
    assert await page.form("receipt_confirmation", goods["id"]) is not None
    assert await page.form("receipt_dispute", goods["id"]) is not None

    await sign_in(client, "rev")
    assert await offered(page) == {"commitment", "reversal"}, "a reviewer commits; reverses that"
    assert await page.form("receipt_confirmation") is None


async def test_each_form_records_its_entry_and_the_recipient_answers(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="10000")
    page = MoneyPage(client, agreement)
    await sign_in(client, "member")
    for entry_type, body in (
        ("commitment", {"amount": "2,000.50", "note": "追加"}),
        ("disbursement", {"amount": "6000", "evidence": "银行回单 0012"}),
        ("disbursement", {"amount": "1500", "quantity": "30", "unit": "套"}),
    ):
        answer = await page.submit(entry_type, **body)
        assert answer.status_code in (302, 303), answer.text[:500]
    money, goods = (await books.entries())[2:4]

    await sign_in(client, "worker")
    confirmed = await page.submit("receipt_confirmation", money["id"])
    assert confirmed.status_code in (302, 303), confirmed.text[:500]
    disputed = await page.submit("receipt_dispute", goods["id"], note="只收到 20 套")
    assert disputed.status_code in (302, 303), disputed.text[:500]
    assert await page.form("receipt_dispute", goods["id"]) is None, "disputed once"

    await sign_in(client, "member")
    spent = await page.submit(
        "expenditure", amount="4000", spend_category="materials", evidence="发票 3 张"
    )
    assert spent.status_code in (302, 303), spent.text[:500]
    assert (await page.submit("refund", amount="500", note="结余退回")).status_code in (302, 303)
    top_up = await books.add("member", "commitment", amount="1")
    undone = await page.submit("reversal", reverses_id=top_up["id"], note="录入错误")
    assert undone.status_code in (302, 303), undone.text[:500]

    entries = await books.entries()
    assert [(entry["entry_type"], entry["amount"]) for entry in entries] == [
        ("commitment", "10000.00"),
        ("commitment", "2000.50"),
        ("disbursement", "6000.00"),
        ("disbursement", "1500.00"),
        ("receipt_confirmation", "6000.00"),
        ("receipt_dispute", "1500.00"),
        ("expenditure", "4000.00"),
        ("refund", "500.00"),
        ("commitment", "1.00"),
        ("reversal", "1.00"),
    ]
    assert (entries[3]["quantity"], entries[3]["unit"]) == ("30.00", "套")
    assert entries[6]["spend_category"] == "materials"
    assert entries[9]["reverses_id"] == top_up["id"]
    shown = (await page.open()).text
    assert "物资采购" in shown
    assert "有异议" in shown
    assert "已被第 10 条冲销" in shown
    summary = await books.summary()
    assert summary["balance"]["confirmed"] == "6000.00"
    assert summary["balance"]["disputed"] == "1500.00"


async def test_a_refused_entry_shows_the_rule_at_the_form_and_changes_nothing(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    page = MoneyPage(client, agreement)
    await sign_in(client, "member")
    before = await written(session)
    refused = await page.submit("disbursement", amount="400.01", note="超额")
    assert refused.status_code == 409
    assert "已拒绝：拨付金额（1000.01 元）不得超过承诺金额（1000.00 元）。" in refused.text
    assert 'value="400.01"' in refused.text, "the form keeps what was typed"
    bad = await page.submit("expenditure", amount="10", evidence="车票")
    assert bad.status_code == 400
    assert "支出须填写支出类别。" in bad.text
    assert await written(session) == before


async def test_a_form_the_role_may_not_use_is_refused_and_records_nothing(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    handed = await books.funded("1000", "600")
    page = MoneyPage(client, agreement)
    await sign_in(client, "member")
    action = await page.form("disbursement")
    assert action is not None
    before = await written(session)
    await sign_in(client, "worker")
    answer = await page.post(action, "disbursement", amount="1")
    assert answer.status_code == 403
    assert "只有社会组织可以登记拨付。" in answer.text
    reversal = await page.post(action, "reversal", reverses_id=handed["id"], note="不是我的")
    assert reversal.status_code == 403
    await sign_in(client, "stranger")
    assert (await page.post(action, "commitment", amount="1")).status_code == 404
    assert await written(session) == before


async def test_a_double_submitted_form_records_one_entry(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    page = MoneyPage(client, agreement)
    await sign_in(client, "member")
    action = await page.form("disbursement")
    assert action is not None
    first = await page.post(action, "disbursement", amount="700")
    again = await page.post(action, "disbursement", amount="700")
    assert first.status_code == again.status_code in (302, 303)
    assert len(await books.entries()) == 2


async def test_an_expenditure_keeps_its_evidence_file_with_the_agreement(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    page = MoneyPage(client, agreement)
    await sign_in(client, "member")
    spent = await page.submit(
        "expenditure",
        files={"evidence_file": ("发票.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        amount="200",
        spend_category="training",
        evidence="发票 0031",
    )
    assert spent.status_code in (302, 303), spent.text[:500]
    assert (await books.entries())[-1]["evidence"] == "发票 0031；附件：发票.pdf"
    overview = await client.get(f"/agreements/{agreement['id']}")
    assert re.search(r'href="/agreements/[^"]+/documents/[^"]+">发票\.pdf', overview.text)


async def test_the_chain_line_names_a_row_altered_behind_the_platform(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    await sign_in(client, "worker")
    overview = await client.get(f"/agreements/{agreement['id']}")
    chain_url = f"/agreements/{agreement['id']}/money/chain"
    assert f'hx-get="{chain_url}"' in overview.text
    assert "账本校验通过：3 条记录" in (await client.get(chain_url)).text

    dialect = session.bind.dialect.name
    for statement in BEHIND_THE_BACK[dialect]:
        await session.execute(text(statement))

    broken = "账本校验未通过：第 2 条记录在记入后被改动。"
    assert broken in (await client.get(chain_url)).text
    assert broken in (await MoneyPage(client, agreement).open()).text


async def test_the_overview_shows_the_tabs_and_the_chain_only_to_ledger_readers(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    money = f"/agreements/{agreement['id']}/money"
    public = (await client.get(f"/agreements/{agreement['id']}")).text
    assert money not in public
    await sign_in(client, "member")
    own = (await client.get(f"/agreements/{agreement['id']}")).text
    assert f'href="{money}"' in own
    assert f'hx-get="{money}/chain"' in own


async def test_the_ledger_xlsx_has_every_entry_and_the_totals(
    client: AsyncClient, parties: Parties, agreement: dict[str, Any]
) -> None:
    books = Books(parties, agreement)
    goods = await funded_with_goods_awaiting(books)
    await books.add(
        "member", "expenditure", amount="250.5", spend_category="labour", evidence="劳务费签收单"
    )
    await books.add("member", "reversal", reverses_id=goods["id"], note="未发出")
    url = f"/api/v1/agreements/{agreement['id']}/ledger.xlsx"
    for who in ("stranger", "outsider"):
        assert (await client.get(url, headers=parties.headers[who])).status_code == 404
    answer = await client.get(url, headers=parties.headers["worker"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(XLSX_TYPE)
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:4] == ("序号", "日期", "类型", "金额（元）")
    entries = rows[1:7]
    assert [(row[0], row[2], row[3]) for row in entries] == [
        (1, "承诺", 1000),
        (2, "拨付", 600),
        (3, "确认收到", 600),
        (4, "拨付", 300),
        (5, "支出", 250.5),
        (6, "冲销", 300),
    ]
    assert entries[3][4:6] == (30, "套")
    assert entries[3][12] == 6, "reversed by entry 6"
    assert entries[2][11] == 2, "confirms entry 2"
    assert entries[4][6] == "劳务"
    assert entries[1][10] == "已确认"
    assert sheet.cell(3, 4).number_format.startswith("#,##0.00")
    totals = {row[2]: row[3] for row in rows[8:]}
    assert totals == {
        "已承诺": 1000,
        "已拨付": 600,
        "已交付（已确认收到）": 600,
        "有异议": 0,
        "待确认": 0,
        "已支出": 250.5,
        "已退回": 0,
    }
    await sign_in(client, "member")
    page = (await MoneyPage(client, agreement).open()).text
    link = f"/agreements/{agreement['id']}/money.xlsx"
    assert f'href="{link}"' in page
    download = await client.get(link)
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.content)).active.max_row == sheet.max_row
