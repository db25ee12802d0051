"""Bulk import (all or nothing, every problem by row and column) and export of needs and
offers; an export imports back to the same entries."""

from __future__ import annotations

import csv
import io
import os
from typing import Any
from urllib.parse import unquote

from httpx import AsyncClient, Response
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, User
from core.audit import AuditEntry
from demand.models import Need
from listings.sheet import NEED_COLUMNS, OFFER_COLUMNS
from supply.models import Offer
from tests.factories import PASSWORD, csrf_token, make_station, make_user, sign_in

YILE = "530627106000"
NEED_HEADERS = [column.header for column in NEED_COLUMNS]
NEED_REPORT_HEADERS = ["状态", "进展", "发布日期", "社工站", "链接"]
OFFER_HEADERS = [column.header for column in OFFER_COLUMNS]


def need_row(title: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "标题": title,
        "类别": "特殊困难群体",
        "子类别": "留守儿童",
        "地点": "镇雄县/以勒镇/以勒村",
        "描述": "暑期看护和课业辅导",
        "受益人数": 40,
        "受益群体": "留守儿童、困境儿童",
        "紧急程度": "黄",
        "截止日期": "2026-09-30",
        "需求1类型": "资金",
        "需求1数量": 5000,
        "需求2类型": "物资",
        "需求2数量": 40,
        "需求2物品": "书包",
        "需求2单位": "个",
        "标签": "暑期、助学",
        "来源渠道": "社工站",
    }
    row.update(overrides)
    return row


def offer_row(title: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "标题": title,
        "类别": "人才",
        "子类别": "技能培训",
        "服务区域": "镇雄县、530627106000",
        "有效期起": "2026-07-01",
        "有效期止": "2026-12-31",
        "可对接数量": 2,
        "联系人": "李老师",
        "联系电话": "0870-2123456",
        "资源1类型": "人天",
        "资源1数量": 30,
    }
    row.update(overrides)
    return row


def xlsx(headers: list[str], rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(response: Response) -> str:
    """The Chinese file name a download carries (RFC 6266 ``filename*``)."""
    disposition = response.headers["content-disposition"]
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def csv_bytes(headers: list[str], rows: list[dict[str, Any]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue().encode(encoding)


async def bearer(client: AsyncClient, user: User) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code in (200, 201), response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def upload(
    client: AsyncClient, kind: str, content: bytes, headers: dict[str, str], name: str = "f.xlsx"
) -> Response:
    return await client.post(
        f"/api/v1/{kind}/import", files={"file": (name, content)}, headers=headers
    )


async def station_worker(session: AsyncSession) -> User:
    return await make_user(session, Role.STATION_WORKER, station=await make_station(session, YILE))


async def count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_valid_workbook_creates_every_need_as_a_draft(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    rows = [
        need_row("以勒村留守儿童暑期辅导"),
        need_row("以堡村饮水管道修缮", 地点="530627106202", 类别="公共服务", 子类别="基础设施"),
        need_row(
            "毛坝村核桃销售",
            地点="镇雄县/以勒镇/毛坝村民委员会",
            类别="consumption",
            子类别="produce_purchase",
            截止日期="2026/10/01",
            紧急程度="red",
        ),
    ]
    response = await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] == 3
    assert len(body["ids"]) == 3
    needs = list(await session.scalars(select(Need).order_by(Need.title)))
    assert {n.state.value for n in needs} == {"draft"}
    by_title = {n.title: n for n in needs}
    assert by_title["毛坝村核桃销售"].region_code == "530627106203"
    assert by_title["毛坝村核桃销售"].urgency.value == "red"
    first = by_title["以勒村留守儿童暑期辅导"]
    assert [(line.kind.value, line.sought, line.unit) for line in first.lines] == [
        ("funds", 5000, "元"),
        ("goods", 40, "个"),
    ]
    assert first.beneficiary_groups == ["left_behind_children", "children_in_difficulty"]
    imported = list(
        await session.scalars(select(AuditEntry).where(AuditEntry.action == "need.imported"))
    )
    assert len(imported) == 1
    assert imported[0].after["count"] == 3


async def test_bad_rows_are_all_listed_and_nothing_is_stored(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    first = await upload(client, "needs", xlsx(NEED_HEADERS, [need_row("已有的需求")]), headers)
    assert first.status_code == 201
    before = await count(session, Need)
    rows = [
        need_row("好的一行"),  # row 2 is fine
        need_row("地点不对", 地点="镇雄县/以勒镇/不存在村"),  # 3
        need_row("类别不对", 类别="农业"),  # 4
        need_row("数量为负", 需求1数量=-5),  # 5
        need_row("数量不是数字", 需求1数量="五千"),  # 6
        need_row("", 描述="没有标题"),  # 7
        need_row("截止已过", 截止日期="2026-05-01"),  # 8
        need_row("已有的需求"),  # 9: already in the database
        need_row("好的一行"),  # 10: repeats row 2
        need_row("公式", 受益人数="=1+1"),  # 11
        need_row("别的乡镇", 地点="530627102000"),  # 12: 泼机镇, not this station's
    ]
    response = await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)
    assert response.status_code == 400, response.text
    body = response.json()
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert ("row 3: 地点", "unknown_region") in fields
    assert ("row 4: 类别", "unknown_category") in fields
    assert ("row 5: 需求1数量", "not_positive") in fields
    assert ("row 6: 需求1数量", "not_a_number") in fields
    assert ("row 7: 标题", "missing") in fields
    assert ("row 8: 截止日期", "past") in fields
    assert ("row 9: 标题", "duplicate") in fields
    assert ("row 10: 标题", "duplicate") in fields
    assert ("row 11: 受益人数", "formula") in fields
    assert ("row 12: 地点", "wrong_region") in fields
    assert not any(e["field"].startswith("row 2:") for e in body["errors"])
    assert all(e["message"] for e in body["errors"])
    assert await count(session, Need) == before


async def test_a_cell_breaking_a_limit_is_told_the_limit(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    rows = [
        need_row("描述太长", 描述="字" * 4001),  # row 2
        need_row("小数太多", 需求1数量="1.234"),  # 3
    ]
    response = await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)
    assert response.status_code == 400, response.text
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["row 2: 描述"] == "不超过 4,000 字。"
    assert messages["row 3: 需求1数量"] == "须大于 0，最多两位小数。"
    assert await count(session, Need) == 0


async def test_csv_in_utf8_with_bom_and_in_gb18030_both_import(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    for encoding, title in (("utf-8-sig", "UTF8导入的需求"), ("gb18030", "国标编码导入的需求")):
        content = csv_bytes(NEED_HEADERS, [need_row(title)], encoding)
        response = await upload(client, "needs", content, headers, name="清单.csv")
        assert response.status_code == 201, (encoding, response.text)
    titles = set(await session.scalars(select(Need.title)))
    assert {"UTF8导入的需求", "国标编码导入的需求"} <= titles


async def test_files_beyond_the_limits_or_not_spreadsheets_are_refused_clearly(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    big = await upload(client, "needs", b"a" * (10 * 1024 * 1024 + 1), headers, name="big.csv")
    assert big.status_code in (400, 413)
    assert big.json()["code"] in ("file_too_large", "payload_too_large")

    many = [need_row(f"需求{n}") for n in range(5001)]
    too_many = await upload(
        client, "needs", csv_bytes(NEED_HEADERS, many, "utf-8"), headers, "m.csv"
    )
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "too_many_rows"

    garbage = await upload(client, "needs", os.urandom(4096), headers, name="data.xlsx")
    assert garbage.status_code == 400
    assert garbage.json()["code"] == "not_a_spreadsheet"

    broken_zip = await upload(client, "needs", b"PK\x03\x04" + os.urandom(2000), headers)
    assert broken_zip.status_code == 400
    assert broken_zip.json()["code"] == "not_a_spreadsheet"

    no_columns = await upload(client, "needs", xlsx(["名称", "数量"], [{"名称": "x"}]), headers)
    assert no_columns.status_code == 400
    assert no_columns.json()["code"] == "missing_columns"
    assert await count(session, Need) == 0


async def test_exports_follow_the_filters_and_carry_chinese_headers(
    client: AsyncClient, session: AsyncSession
) -> None:
    worker = await station_worker(session)
    headers = await bearer(client, worker)
    rows = [
        need_row("留守儿童辅导"),
        need_row("饮水管道修缮", 类别="公共服务", 子类别="基础设施", 需求1数量="12,500.5"),
    ]
    assert (await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)).status_code == 201

    query = {"mine": "true", "category": "public_services"}
    as_xlsx = await client.get("/api/v1/exports/needs.xlsx", params=query, headers=headers)
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert file_name(as_xlsx) == "需求清单-我的-公共服务-2026-06-01.xlsx"
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == [*NEED_HEADERS, *NEED_REPORT_HEADERS]
    assert [row[0] for row in table[1:]] == ["饮水管道修缮"]
    record = dict(zip(table[0], table[1], strict=True))
    assert record["需求1数量"] == 12500.5
    assert record["截止日期"].date().isoformat() == "2026-09-30"

    as_csv = await client.get("/api/v1/exports/needs.csv", params={"mine": "true"}, headers=headers)
    assert as_csv.status_code == 200
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert {row["标题"] for row in parsed} == {"留守儿童辅导", "饮水管道修缮"}
    assert {row["地点"] for row in parsed} == {"镇雄县/以勒镇/以勒村"}

    public = await client.get("/api/v1/exports/needs.csv")
    assert public.status_code == 200
    assert public.content.decode("utf-8-sig").strip().splitlines() == [
        ",".join([*NEED_HEADERS, *NEED_REPORT_HEADERS])
    ]
    assert (await client.get("/api/v1/exports/people.csv")).status_code == 404


async def test_an_export_imports_back_to_the_same_entries(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    rows = [
        need_row("以勒村留守儿童辅导"),
        need_row(
            "金钟社区助老餐桌",
            地点="530627106001",
            类别="公共服务",
            子类别="养老",
            需求1类型="采购",
            需求1数量="3200.75",
            受益群体="",
            标签="",
        ),
    ]
    assert (await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)).status_code == 201
    before = _summary(await session.scalars(select(Need)))

    for extension in ("xlsx", "csv"):
        exported = await client.get(
            f"/api/v1/exports/needs.{extension}", params={"mine": "true"}, headers=headers
        )
        for need_id in await session.scalars(select(Need.id)):
            deleted = await client.delete(f"/api/v1/needs/{need_id}", headers=headers)
            assert deleted.status_code == 204
        assert await count(session, Need) == 0
        # the report's columns after the template's (状态 … 链接) ride along and are ignored
        again = await upload(client, "needs", exported.content, headers, f"export.{extension}")
        assert again.status_code == 201, again.text
        session.expire_all()
        assert _summary(await session.scalars(select(Need))) == before


def _summary(needs: Any) -> set[tuple[Any, ...]]:
    return {
        (
            n.title,
            n.region_code,
            n.category.value,
            n.subcategory_code,
            n.deadline,
            n.urgency.value,
            tuple(n.beneficiary_groups),
            tuple(n.tags),
            tuple((line.kind.value, line.sought, line.item, line.unit) for line in n.lines),
        )
        for n in needs
    }


async def test_a_member_imports_offers_for_their_organization(
    client: AsyncClient, session: AsyncSession
) -> None:
    member = await make_user(session, Role.MEMBER)
    headers = await bearer(client, member)
    rows = [
        offer_row("乡村教师培训"),
        offer_row("全市义诊", 类别="人才", 子类别="医疗义诊", 服务区域="昭通市"),
        offer_row(
            "校服捐赠",
            类别="特殊困难群体",
            子类别="困境儿童",
            资源1类型="物资",
            资源1数量=200,
            资源1物品="校服",
            资源1单位="套",
        ),
    ]
    response = await upload(client, "offers", xlsx(OFFER_HEADERS, rows), headers)
    assert response.status_code == 201, response.text
    offers = {o.title: o for o in await session.scalars(select(Offer))}
    assert set(offers) == {"乡村教师培训", "全市义诊", "校服捐赠"}
    assert {o.organization_id for o in offers.values()} == {member.organization_id}
    assert offers["全市义诊"].service_region_codes == ["530600000000"]
    assert offers["乡村教师培训"].service_region_codes == ["530627000000", "530627106000"]

    again = await upload(client, "offers", xlsx(OFFER_HEADERS, rows[:1]), headers)
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "row 2: 标题"

    exported = await client.get(
        "/api/v1/exports/offers.xlsx", params={"mine": "true"}, headers=headers
    )
    table = list(
        load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(table[0]) == [*OFFER_HEADERS, "状态", "进展", "发布日期", "链接"]
    assert len(table) == 4

    before = _offer_summary(offers.values())
    for offer_id in list(await session.scalars(select(Offer.id))):
        deleted = await client.delete(f"/api/v1/offers/{offer_id}", headers=headers)
        assert deleted.status_code == 204
    back = await upload(client, "offers", exported.content, headers)
    assert back.status_code == 201, back.text
    session.expire_all()
    assert _offer_summary(await session.scalars(select(Offer))) == before


def _offer_summary(offers: Any) -> set[tuple[Any, ...]]:
    return {
        (
            o.title,
            o.subcategory_code,
            tuple(o.service_region_codes),
            o.valid_from,
            o.valid_until,
            o.capacity,
            o.contact_phone,
            tuple((line.kind.value, line.offered, line.item, line.unit) for line in o.lines),
        )
        for o in offers
    }


async def test_who_may_import(client: AsyncClient, session: AsyncSession) -> None:
    viewer = await make_user(session, Role.VIEWER)
    member = await make_user(session, Role.MEMBER)
    content = xlsx(NEED_HEADERS, [need_row("看看能否导入")])
    assert (await upload(client, "needs", content, await bearer(client, viewer))).status_code == 403
    assert (await upload(client, "needs", content, await bearer(client, member))).status_code == 403
    assert (await upload(client, "needs", content, {})).status_code == 401
    assert await count(session, Need) == 0


async def test_templates_download_with_an_example_that_is_never_imported(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    template = await client.get("/api/v1/imports/needs/template.xlsx")
    assert template.status_code == 200
    table = list(
        load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(table[0]) == NEED_HEADERS
    assert str(table[1][0]).startswith("【示例】")
    as_csv = await client.get("/api/v1/imports/offers/template.csv")
    assert as_csv.content.decode("utf-8-sig").startswith(",".join(OFFER_HEADERS))
    only_example = await upload(client, "needs", template.content, headers)
    assert only_example.status_code == 400
    assert only_example.json()["code"] == "empty_file"


async def test_the_import_page_shows_the_columns_and_every_problem(
    client: AsyncClient, session: AsyncSession
) -> None:
    worker = await station_worker(session)
    await sign_in(client, worker.username)
    page = await client.get("/import/needs")
    assert page.status_code == 200
    assert "地点" in page.text
    assert "template.xlsx" in page.text

    token = await csrf_token(client, "/import/needs")
    bad = xlsx(NEED_HEADERS, [need_row("好的"), need_row("坏的", 需求1数量=-1)])
    answer = await client.post(
        "/import/needs", data={"_csrf_token": token}, files={"file": ("n.xlsx", bad)}
    )
    assert answer.status_code == 400
    assert "需求1数量" in answer.text
    assert '<td data-label="行">3</td>' in answer.text, "the problem names its row"
    assert await count(session, Need) == 0

    good = xlsx(NEED_HEADERS, [need_row("好的")])
    done = await client.post(
        "/import/needs", data={"_csrf_token": token}, files={"file": ("n.xlsx", good)}
    )
    assert done.status_code == 200, done.text[:2000]
    assert await count(session, Need) == 1
