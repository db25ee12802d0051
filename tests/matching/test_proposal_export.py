"""The proposals list as .xlsx: the proposals the page shows the reader (those they are party
to), each side's answer, what is committed in yuan as a number; nobody else's."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from httpx import AsyncClient
from openpyxl import load_workbook

from tests.conftest import FakeClock
from tests.factories import offer_body, sign_in
from tests.listings.test_import_export import file_name
from tests.matching.parties import Parties


async def _download(client: AsyncClient, who: str) -> list[tuple[object, ...]]:
    await sign_in(client, who)
    answer = await client.get("/proposals.xlsx")
    assert answer.status_code == 200
    assert file_name(answer) == "匹配提议-2026-06-01.xlsx"
    return list(load_workbook(io.BytesIO(answer.content)).worksheets[0].iter_rows(values_only=True))


async def test_a_party_downloads_the_proposals_the_page_shows(
    client: AsyncClient, parties: Parties, pair: tuple[dict, dict], clock: FakeClock
) -> None:
    need, offer = pair
    lines = [{"kind": "funds", "amount": "10000.50"}]
    body = offer_body(clock, title="留守儿童助学资金", lines=lines)
    funds = await parties.publish("offers", body)
    first = (await parties.propose("worker", need, offer)).json()
    assert (await parties.step("member", first, "accept")).json()["state"] == "accepted"
    assert (await parties.propose("reviewer", need, funds)).status_code == 201

    await sign_in(client, "member")
    assert 'href="/proposals.xlsx"' in (await client.get("/proposals")).text
    table = await _download(client, "member")
    assert table[0] == (
        "村社需求", "地点", "资源", "社会组织", "状态", "提议方", "提议时间（北京时间）",
        "答复截止", "社会组织同意日期", "受助方同意日期", "数量", "承诺资金（元）", "链接",
    )  # fmt: skip
    rows = {row[2]: row for row in table[1:]}
    assert set(rows) == {"大学生暑期支教与托管志愿服务", "留守儿童助学资金"}
    accepted, open_one = rows["大学生暑期支教与托管志愿服务"], rows["留守儿童助学资金"]
    assert accepted[0] == "以勒村留守儿童暑期托管"
    assert accepted[3] == "昭通市光明公益协会"
    assert accepted[4] == "已接受"
    assert accepted[8].date() == accepted[9].date() == date(2026, 6, 1)
    assert accepted[11] == 0
    assert open_one[4] == "待答复"
    assert open_one[9] is None
    assert Decimal(str(open_one[11])) == Decimal("10000.5")
    assert str(accepted[12]).endswith(f"/catalogue/needs/{need['id']}")


async def test_people_not_party_download_none_of_them(
    client: AsyncClient, parties: Parties, pair: tuple[dict, dict]
) -> None:
    need, offer = pair
    assert (await parties.propose("worker", need, offer)).status_code == 201
    assert len(await _download(client, "worker")) == 2
    assert len(await _download(client, "stranger")) == 1, "another township's station"
    assert len(await _download(client, "outsider")) == 1, "another organization"


async def test_anonymous_visitors_get_neither_page_nor_file(client: AsyncClient) -> None:
    page = await client.get("/proposals", follow_redirects=False)
    download = await client.get("/proposals.xlsx", follow_redirects=False)
    assert download.status_code == page.status_code
    assert download.status_code in (302, 303, 401)
