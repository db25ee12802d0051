"""The reviewers' queue as .xlsx: the page's lists with the page's rule (a scoped reviewer's
categories only), every entry and not one page of them, moments in Beijing time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.conftest import FakeClock
from tests.factories import make_user, sign_in
from tests.listings.test_import_export import file_name
from tests.listings.test_review_queue import INDUSTRY, _submitted_needs, _worker


async def test_the_queue_downloads_whole_in_the_reviewers_categories(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session)
    await _submitted_needs(session, clock, worker, 25, "产业需求", **INDUSTRY)
    await _submitted_needs(session, clock, worker, 2, "留守儿童需求")
    await make_user(session, Role.REVIEWER, username="industry", reviewer_categories=["industry"])
    await sign_in(client, "industry")

    page = (await client.get("/review")).text
    assert 'href="/review.xlsx"' in page
    answer = await client.get("/review.xlsx")
    assert answer.status_code == 200
    assert file_name(answer) == "审核队列-2026-06-01.xlsx"
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["待审核村社需求", "待审核资源", "已发布待核实村社需求"]
    needs = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert needs[0] == (
        "标题", "类别", "子类别", "地点", "紧急程度", "社工站", "提交时间（北京时间）", "链接"
    )  # fmt: skip
    assert [row[0] for row in needs[1:]] == [f"产业需求{n:03d}" for n in range(25)]
    first = needs[1]
    assert first[1:3] == ("产业", "种植")
    assert first[6] == datetime(2026, 6, 1, 16, 0, tzinfo=UTC).replace(tzinfo=None), "Beijing"
    assert str(first[7]).startswith("http://testserver/catalogue/needs/")
    assert workbook.worksheets[0].freeze_panes == "A2"
    assert workbook.worksheets[0]["A1"].font.bold
    assert len(list(workbook.worksheets[1].iter_rows())) == 1, "only the header: no offers"


async def test_only_reviewers_download_the_queue(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.STATION_WORKER, username="worker")
    await sign_in(client, "worker")
    assert (await client.get("/review")).status_code == 403
    assert (await client.get("/review.xlsx")).status_code == 403
