"""The reports of an agreement as .xlsx: for whoever may read them, with Chinese headers, a sheet
of reports and a sheet of each indicator's values per period beside the target and the running
total of the approved values only."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from openpyxl import load_workbook

from core.downloads import XLSX_TYPE
from tests.factories import sign_in
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, report_step, signed_with_target
from tests.outcomes.test_photos import THIRD_QUARTER


def export_of(agreement: dict[str, Any]) -> str:
    return f"/api/v1/agreements/{agreement['id']}/reports.xlsx"


async def test_the_workbook_lists_the_reports_and_counts_approved_values_only(
    parties: Parties, proposal: dict[str, Any], client: AsyncClient
) -> None:
    agreement = await signed_with_target(parties, proposal)
    first = (await draft(parties, agreement, actual="10")).json()
    submitted = (await report_step(parties, "member", agreement, first, "submit")).json()
    await report_step(parties, "worker", agreement, submitted, "approve")
    second = (await draft(parties, agreement, actual="20", **THIRD_QUARTER)).json()
    await report_step(parties, "member", agreement, second, "submit")

    answer = await parties.client.get(export_of(agreement), headers=parties.headers["worker"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(XLSX_TYPE)
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["报告", "指标数值"]
    reports = list(workbook["报告"].iter_rows(values_only=True))
    assert reports[0][:5] == ("期初", "期末", "截止日期", "状态", "逾期")
    assert [(str(row[0].date()), row[3]) for row in reports[1:]] == [
        ("2026-06-15", "已通过"),
        ("2026-07-01", "已提交"),
    ]
    values = list(workbook["指标数值"].iter_rows(values_only=True))
    assert values[0] == (
        "指标",
        "单位",
        "期初",
        "期末",
        "报告状态",
        "填报值",
        "通过值",
        "累计通过值",
        "目标",
        "完成率",
    )
    figures = [(row[4], row[5], row[6], row[7], row[8], row[9]) for row in values[1:4]]
    assert [
        tuple(
            None if cell is None else Decimal(str(cell)) if i else cell
            for i, cell in enumerate(row)
        )
        for row in figures
    ] == [
        ("已通过", Decimal(10), Decimal(10), Decimal(10), Decimal(43), Decimal("23.3")),
        ("已提交", Decimal(20), None, Decimal(10), Decimal(43), Decimal("23.3")),
        ("尚无报告", None, None, Decimal(10), Decimal(43), Decimal("23.3")),
    ]
    assert len(values) == 1 + 5, "five quarterly periods from 2026-06-15 to 2027-06-14"

    for who in ("stranger", "outsider"):
        hidden = await parties.client.get(export_of(agreement), headers=parties.headers[who])
        assert hidden.status_code == 404, who
    assert (await parties.client.get(export_of(agreement))).status_code == 401
    await sign_in(client, "member")
    outcomes = await client.get(f"/agreements/{agreement['id']}/outcomes")
    link = f"/agreements/{agreement['id']}/reports.xlsx"
    assert link in outcomes.text
    assert (await client.get(link)).content[:2] == b"PK", "the page's link downloads the same"
