"""The outcomes tab and the report pages as people use them: each role reads what the reports
API lets it read and is offered only the steps ``outcomes.policy`` allows; a report goes from
draft to approval through the forms; the figures count approved values only."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient, Response

from tests.conftest import FakeClock
from tests.demand.test_photos import PNG
from tests.factories import csrf_token, post_form, sign_in
from tests.matching.parties import Parties
from tests.outcomes.reporting import (
    FIRST_QUARTER,
    draft,
    later,
    reports_of,
    signed_with_target,
)

AFTER_FIRST_QUARTER = datetime(2026, 7, 2, 1, 0, tzinfo=UTC)
"""The first reporting period (2026-06-15 – 06-30) has ended; its report is due 07-15."""
REPORT_LINK = re.compile(r'href="(/agreements/[0-9a-f-]{36}/reports/[0-9a-f-]{36})"')


def charted(page: str) -> list[str]:
    """The approved running totals the page's first chart draws."""
    found = re.search(r'<script type="application/json" data-chart="chart-1">(.*?)</script>', page)
    assert found, "a chart per indicator"
    return json.loads(found.group(1))["series"][0]["data"]


def outcomes_of(agreement: dict[str, Any]) -> str:
    return f"/agreements/{agreement['id']}/outcomes"


def page_of(agreement: dict[str, Any], report: dict[str, Any]) -> str:
    return f"/agreements/{agreement['id']}/reports/{report['id']}"


async def as_(client: AsyncClient, who: str, path: str) -> Response:
    await sign_in(client, who)
    return await client.get(path)


async def post_step(
    client: AsyncClient, agreement: dict[str, Any], report: dict[str, Any], step: str, **data: str
) -> Response:
    """A step's form as the report page posts it, with the version the page showed."""
    page = page_of(agreement, report)
    shown = await client.get(page)
    version = re.search(r'name="version" value="(\d+)"', shown.text)
    assert version, f"no form with a version on {page}"
    return await post_form(
        client, f"{page}/{step}", {"version": version.group(1), **data}, token_page=page
    )


async def state_of(parties: Parties, agreement: dict[str, Any]) -> list[tuple[str, list[str]]]:
    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    return [
        (item["state"], [value["actual"] for value in item["values"]])
        for item in listed.json()["items"]
    ]


async def test_each_role_reads_what_the_reports_api_lets_it_read(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed_with_target(parties, proposal)
    await later(parties, clock, AFTER_FIRST_QUARTER)
    report = (await draft(parties, agreement)).json()
    anonymous = await client.get(outcomes_of(agreement))
    assert anonymous.status_code in (302, 303), "the reports are for signed-in parties"
    assert "/login" in anonymous.headers["location"]
    public_detail = await client.get(f"/agreements/{agreement['id']}")
    assert outcomes_of(agreement) not in public_detail.text, "no outcomes tab for the public"

    offered = {
        "member": ["保存草稿", "提交审核", "上传"],
        "worker": [],
        "rev": ["调整截止日期"],
    }
    for who, forms in offered.items():
        outcomes = await as_(client, who, outcomes_of(agreement))
        assert outcomes.status_code == 200, who
        assert "2026-06-15" in outcomes.text
        assert "草稿" in outcomes.text
        assert "目标" in outcomes.text
        detail = await client.get(f"/agreements/{agreement['id']}")
        assert outcomes_of(agreement) in detail.text, f"the tab for {who}"
        page = await client.get(page_of(agreement, report))
        assert page.status_code == 200, who
        for label in ("保存草稿", "提交审核", "上传", "调整截止日期", "通过报告"):
            assert (label in page.text) == (label in forms), f"{who}: {label}"
    for who in ("stranger", "outsider"):
        assert (await as_(client, who, outcomes_of(agreement))).status_code == 404, who
        assert (await client.get(page_of(agreement, report))).status_code == 404, who
        export = f"/agreements/{agreement['id']}/reports.xlsx"
        assert (await client.get(export)).status_code == 404, who


async def test_a_report_goes_from_draft_to_approval_through_the_pages(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed_with_target(parties, proposal)
    await later(parties, clock, AFTER_FIRST_QUARTER)
    outcomes = await as_(client, "member", outcomes_of(agreement))
    assert "撰写报告" in outcomes.text
    opened = await post_form(
        client, f"/agreements/{agreement['id']}/reports", FIRST_QUARTER, outcomes_of(agreement)
    )
    assert opened.status_code in (302, 303), opened.text
    page = opened.headers["location"]
    report = {"id": page.rsplit("/", 1)[1]}
    indicator = agreement["indicators"][0]["id"]

    bad = await post_step(client, agreement, report, "save", **{f"actual-{indicator}": "十"})
    assert bad.status_code == 400
    assert "请输入数字" in bad.text, "the problem beside the field, in Chinese"
    assert await state_of(parties, agreement) == [("draft", [])], "a refused save changes nothing"
    saved = await post_step(
        client, agreement, report, "save", **{f"actual-{indicator}": "10"}, narrative="开班"
    )
    assert saved.status_code in (302, 303), saved.text
    uploaded = await client.post(
        f"{page}/photos",
        data={"_csrf_token": await csrf_token(client, page)},
        files={"file": ("开班.png", PNG, "image/png")},
    )
    assert uploaded.status_code in (302, 303), uploaded.text
    shown = await client.get(page)
    photo = re.search(rf'src="({page}/photos/[0-9a-f-]{{36}})"', shown.text)
    assert photo, "the photo is shown on the report page"
    assert (await client.get(photo.group(1))).content == PNG
    submitted = await post_step(
        client, agreement, report, "submit", **{f"actual-{indicator}": "10"}
    )
    assert submitted.status_code in (302, 303), submitted.text
    assert await state_of(parties, agreement) == [("submitted", ["10.00"])]
    assert "删除照片" not in (await client.get(page)).text, "photos stay once submitted"

    await sign_in(client, "rev")
    no_reason = await post_step(client, agreement, report, "return")
    assert no_reason.status_code == 400
    assert "请填写理由" in no_reason.text
    assert await state_of(parties, agreement) == [("submitted", ["10.00"])]
    returned = await post_step(client, agreement, report, "return", reason="请附签到表")
    assert returned.status_code in (302, 303), returned.text
    outcomes = await client.get(outcomes_of(agreement))
    assert "已退回修改" in outcomes.text
    assert "请附签到表" in outcomes.text, "who returned it and why"

    await sign_in(client, "member")
    again = await post_step(client, agreement, report, "submit", **{f"actual-{indicator}": "12"})
    assert again.status_code in (302, 303), again.text
    await sign_in(client, "worker")
    pending = await client.get(outcomes_of(agreement))
    assert "27.9%" not in pending.text, "a report under review does not count"
    assert charted(pending.text)[0] == "0.00"
    approved = await post_step(client, agreement, report, "approve")
    assert approved.status_code in (302, 303), approved.text
    assert await state_of(parties, agreement) == [("approved", ["12.00"])]
    counted = await client.get(outcomes_of(agreement))
    assert "27.9%" in counted.text, "12 of 43 approved"
    assert charted(counted.text) == ["12.00"] * 5, "the running total, period by period"
    assert "已通过" in counted.text


async def test_a_refused_step_changes_nothing(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed_with_target(parties, proposal)
    await later(parties, clock, AFTER_FIRST_QUARTER)
    report = (await draft(parties, agreement)).json()
    await sign_in(client, "worker")
    page = page_of(agreement, report)
    approve = await post_form(client, f"{page}/approve", {"version": "1"}, token_page=page)
    assert approve.status_code == 409, "a draft is not approved"
    submit = await post_form(client, f"{page}/submit", {"version": "1"}, token_page=page)
    assert submit.status_code == 403, "only the organization submits"
    moved = await post_form(
        client, f"{page}/move-due", {"version": "1", "due_on": "2026-08-01"}, token_page=page
    )
    assert moved.status_code == 403, "only a reviewer moves a due date"
    await sign_in(client, "rev")
    unexplained = await post_form(
        client, f"{page}/move-due", {"version": "1", "due_on": "2026-08-01"}, token_page=page
    )
    assert unexplained.status_code == 400
    assert "请填写理由" in unexplained.text
    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    assert [(item["state"], item["due_on"]) for item in listed.json()["items"]] == [
        ("draft", "2026-07-15")
    ]
    moved = await post_form(
        client,
        f"{page}/move-due",
        {"version": "1", "due_on": "2026-08-01", "reason": "汛期道路中断"},
        token_page=page,
    )
    assert moved.status_code in (302, 303), moved.text
    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    assert listed.json()["items"][0]["due_on"] == "2026-08-01"
