"""The needs and offers export is a report as well as a template: after the import's columns
it says where each entry stands, how much of each line is claimed and delivered, when it was
published (a Beijing date), who posted it and where to see it; the file is named by the
filters and the day."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.workflow import EntryState
from demand.models import Need
from tests.conftest import FakeClock
from tests.factories import make_user, sign_in
from tests.listings.test_import_export import (
    NEED_HEADERS,
    NEED_REPORT_HEADERS,
    bearer,
    file_name,
    need_row,
    station_worker,
    upload,
    xlsx,
)


async def test_the_export_reports_state_progress_publication_station_and_link(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await station_worker(session)
    headers = await bearer(client, worker)
    rows = [
        need_row("留守儿童辅导"),
        need_row("饮水管道修缮", 类别="公共服务", 子类别="基础设施", 需求1数量="12,500.5"),
    ]
    assert (await upload(client, "needs", xlsx(NEED_HEADERS, rows), headers)).status_code == 201
    need = await session.scalar(select(Need).where(Need.title == "留守儿童辅导"))
    assert need is not None
    need.state = EntryState.PUBLISHED
    need.published_at = datetime(2026, 5, 20, 17, 30, tzinfo=UTC)  # 5月21日 in Beijing
    funds, bags = sorted(need.lines, key=lambda line: line.position)
    funds.committed, funds.delivered = Decimal(3000), Decimal(1000)
    bags.committed = Decimal(40)
    await session.flush()

    answer = await client.get(
        "/api/v1/exports/needs.xlsx", params={"mine": "true"}, headers=headers
    )
    assert answer.status_code == 200
    table = list(
        load_workbook(io.BytesIO(answer.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert list(table[0]) == [*NEED_HEADERS, *NEED_REPORT_HEADERS]
    records = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert set(records) == {"留守儿童辅导", "饮水管道修缮"}

    published = records["留守儿童辅导"]
    assert published["状态"] == "已发布"
    assert published["进展"] == (
        "资金 已认领 3000/5000 元，已交付 1000 元；物资 书包 已认领 40/40 个，已交付 0 个"
    )
    assert published["发布日期"].date().isoformat() == "2026-05-21"
    assert need.station is not None
    assert published["社工站"] == need.station.name
    assert published["链接"] == f"http://testserver/catalogue/needs/{need.id}"

    draft = records["饮水管道修缮"]
    assert draft["状态"] == "草稿"
    assert draft["发布日期"] is None
    assert draft["进展"].startswith("资金 已认领 0/12500.5 元，已交付 0 元；")

    need.deadline = (clock.now - timedelta(days=1)).date()  # the pages show it expired
    await session.flush()
    later = await client.get("/api/v1/exports/needs.csv", params={"mine": "true"}, headers=headers)
    assert "留守儿童辅导" in later.text
    assert ",已过期," in later.content.decode("utf-8-sig")


async def test_the_file_name_carries_the_filters_and_the_day(
    client: AsyncClient, session: AsyncSession
) -> None:
    headers = await bearer(client, await station_worker(session))
    query = {"county": "530627000000", "category": "industry", "state": "published", "q": "苹果/梨"}
    needs = await client.get("/api/v1/exports/needs.xlsx", params=query, headers=headers)
    assert file_name(needs) == "需求清单-镇雄县-产业-已发布-苹果梨-2026-06-01.xlsx"
    offers = await client.get("/api/v1/exports/offers.csv", params={"urgency": "red"})
    assert file_name(offers) == "资源清单-2026-06-01.csv"
    red = await client.get("/api/v1/exports/needs.csv", params={"urgency": "red"})
    assert file_name(red) == "需求清单-红色-2026-06-01.csv"
    assert "export.csv" in red.headers["content-disposition"]


async def test_my_lists_link_to_their_own_export(
    client: AsyncClient, session: AsyncSession
) -> None:
    worker = await station_worker(session)
    await sign_in(client, worker.username)
    page = await client.get("/my/needs")
    assert 'href="/api/v1/exports/needs.xlsx?mine=true"' in page.text
    await make_user(session, Role.MEMBER, username="member")
    await sign_in(client, "member")
    page = await client.get("/my/offers")
    assert 'href="/api/v1/exports/offers.xlsx?mine=true"' in page.text
