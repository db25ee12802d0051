"""The import template's usability: a 选项 sheet behind Excel drop-downs, example dates valid
today, valid values named in every "unknown value" problem, purchase lines that keep their
unit, offers starting on the import date, and a station's own export imported back."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from demand.models import Need
from supply.models import Offer
from tests.conftest import FakeClock
from tests.factories import make_user, need_body
from tests.listings.test_import_export import (
    NEED_HEADERS,
    OFFER_HEADERS,
    bearer,
    count,
    need_row,
    offer_row,
    station_worker,
    upload,
    xlsx,
)

TODAY = date(2026, 6, 1)


async def test_the_template_offers_drop_downs_from_an_options_sheet(
    client: AsyncClient, clock: FakeClock
) -> None:
    response = await client.get("/api/v1/imports/needs/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["需求清单", "填写说明", "选项"]
    options = {
        column[0].value: [cell.value for cell in column[1:] if cell.value]
        for column in workbook["选项"].iter_cols()
    }
    assert options["紧急程度"] == ["红", "黄", "绿"]
    assert options["类型"] == ["资金", "物资", "人天", "采购"]
    assert {"留守儿童", "养老", "种植"} <= set(options["子类别"])
    assert "吨" in options["单位"]
    sheet = workbook["需求清单"]
    headers = [cell.value for cell in sheet[1]]
    validated = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            header = headers[cell_range.min_col - 1]
            validated[header] = (validation.formula1, validation.showErrorMessage)
    assert validated["紧急程度"] == ("'选项'!$F$2:$F$4", True)
    assert validated["子类别"][0].startswith("'选项'!$B$2:")
    assert validated["需求1类型"] == ("'选项'!$D$2:$D$5", True)
    assert validated["需求3单位"][1] is False, "any unit may be typed for goods and purchases"
    example = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert example["截止日期"].date() == TODAY + timedelta(days=60)
    offers = load_workbook(
        io.BytesIO((await client.get("/api/v1/imports/offers/template.xlsx")).content)
    )["资源清单"]
    offer_example = dict(
        zip([c.value for c in offers[1]], [c.value for c in offers[2]], strict=True)
    )
    assert offer_example["有效期起"].date() == TODAY


async def test_every_unknown_value_names_the_valid_ones(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    rows = [
        need_row("紧急程度不对", 紧急程度="紫"),
        need_row("子类别不对", 子类别="不存在的子类"),
        need_row("类型不对", 需求1类型="捐款"),
        need_row("渠道不对", 来源渠道="网络"),
    ]
    response = await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)
    assert response.status_code == 400
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "红、黄、绿" in messages["row 2: 紧急程度"]
    assert "留守儿童、留守老人" in messages["row 3: 子类别"]
    assert "资金、物资、人天、采购" in messages["row 4: 需求1类型"]
    assert "社工站、行业协会、部门" in messages["row 5: 来源渠道"]


async def test_a_purchase_keeps_its_quantity_and_unit_and_a_wrong_unit_is_refused(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    purchase = {"需求1类型": "采购", "需求1数量": 300, "需求1单位": "吨"}
    wrong = [
        need_row("资金论吨", 需求1类型="资金", 需求1数量=300, 需求1单位="吨"),
        need_row("人天论件", 需求1类型="人天", 需求1数量=5, 需求1单位="件"),
        need_row("资金带金额", 需求1类型="资金", 需求1数量=300, **{"需求1金额(元)": 300}),
    ]
    refused = await upload(client, "needs", xlsx(NEED_HEADERS, wrong), headers)
    assert refused.status_code == 400
    assert {(e["field"], e["code"]) for e in refused.json()["errors"]} == {
        ("row 2: 需求1单位", "wrong_unit"),
        ("row 3: 需求1单位", "wrong_unit"),
        ("row 4: 需求1金额(元)", "wrong_unit"),
    }
    assert await count(session, Need) == 0
    rows = [
        need_row("高山土豆采购", **purchase, **{"需求1金额(元)": "600000"}),
        need_row("农家腊肉采购", 需求1类型="采购", 需求1数量="8000"),
    ]
    created = await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)
    assert created.status_code == 201, created.text
    needs = {n.title: n for n in await session.scalars(select(Need))}
    potatoes = needs["高山土豆采购"].lines[0]
    assert (potatoes.sought, potatoes.unit, potatoes.value) == (
        Decimal("300.00"),
        "吨",
        Decimal("600000.00"),
    )
    assert needs["农家腊肉采购"].lines[0].unit == "元"
    exported = await client.get(
        "/api/v1/exports/needs.xlsx", params={"mine": "true"}, headers=headers
    )
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    written = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert written["高山土豆采购"]["需求1单位"] == "吨"
    assert written["高山土豆采购"]["需求1金额(元)"] == 600000


async def test_the_api_refuses_a_unit_the_line_cannot_have(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    headers = await bearer(client, await station_worker(session))
    response = await client.post(
        "/api/v1/needs",
        json=need_body(clock, lines=[{"kind": "funds", "amount": "300", "unit": "吨"}]),
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].startswith("lines.0")
    kept = await client.post(
        "/api/v1/needs",
        json=need_body(
            clock,
            lines=[{"kind": "purchase", "amount": "300", "unit": "吨", "value": "600000"}],
        ),
        headers=headers,
    )
    assert kept.status_code == 201, kept.text
    line = kept.json()["lines"][0]
    assert (line["unit"], line["amount_unit"], line["value"]) == ("吨", "吨", "600000.00")


async def test_an_offer_without_a_start_date_starts_on_the_import_date(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await make_user(session, Role.MEMBER)
    rows = [offer_row("乡村教师培训", 有效期起=None)]
    response = await upload(
        client, "offers", xlsx(OFFER_HEADERS, rows), await bearer(client, member)
    )
    assert response.status_code == 201, response.text
    offer = await session.scalar(select(Offer))
    assert offer is not None
    assert offer.valid_from == TODAY


async def test_a_station_imports_its_own_export_back(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    headers = await bearer(client, await station_worker(session))
    reviewer = await bearer(client, await make_user(session, Role.REVIEWER))
    ours = [need_row("以勒村留守儿童辅导"), need_row("土豆采购", 需求1类型="采购", 需求1单位="吨")]
    assert (await upload(client, "needs", xlsx(NEED_HEADERS, ours), headers)).status_code == 201
    association = await client.post(
        "/api/v1/needs",
        json=need_body(
            clock, title="协会在本镇的需求", channel="association", channel_name="某协会"
        ),
        headers=reviewer,
    )
    assert association.status_code == 201
    exported = await client.get(
        "/api/v1/exports/needs.xlsx", params={"mine": "true"}, headers=headers
    )
    for need in await session.scalars(select(Need).where(Need.channel == "station")):
        assert (await client.delete(f"/api/v1/needs/{need.id}", headers=headers)).status_code == 204
    again = await upload(client, "needs", exported.content, headers, "export.xlsx")
    assert again.status_code == 201, again.text
    assert again.json()["created"] == 2
