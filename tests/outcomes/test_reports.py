"""Progress reports over the API: the organization drafts and submits, the recipient or a
reviewer approves or returns; only approved values count; stale versions and the wrong party
are refused, and every step is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from tests.agreements.flow import make_agreement
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, progress, report_step, reports_of, signed_with_target


async def test_the_organization_submits_and_the_recipient_approves(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    refused = await draft(parties, agreement, who="worker")
    assert refused.status_code == 403, "only the organization writes its reports"
    created = await draft(parties, agreement)
    assert created.status_code == 201, created.text
    report = created.json()
    assert (report["state"], report["due_on"], report["steps"]) == (
        "draft",
        "2026-07-15",
        ["save", "submit"],
    )
    assert report["values"][0]["actual"] == "10.00"
    assert (await draft(parties, agreement)).status_code == 409, "one report per period"
    early = await report_step(parties, "worker", agreement, report, "approve")
    assert early.status_code == 409, "a draft is not approved"
    submitted = await report_step(parties, "member", agreement, report, "submit")
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["state"], submitted.json()["on_time"]) == ("submitted", True)
    own = await report_step(parties, "member", agreement, submitted.json(), "approve")
    assert own.status_code == 403, "the organization does not approve its own report"
    approved = await report_step(parties, "worker", agreement, submitted.json(), "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    assert [item["state"] for item in listed.json()["items"]] == ["approved"]
    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == report["id"])
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    assert list(actions) == ["report.created", "report.submit", "report.approve"]


async def test_a_returned_report_is_corrected_and_submitted_again(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    submitted = (await report_step(parties, "member", agreement, report, "submit")).json()
    without_reason = await report_step(parties, "reviewer", agreement, submitted, "return")
    assert without_reason.status_code == 400, without_reason.text
    returned = await report_step(
        parties, "reviewer", agreement, submitted, "return", reason="请附上签到表"
    )
    assert returned.status_code == 200, returned.text
    assert (returned.json()["state"], returned.json()["return_reason"]) == (
        "returned",
        "请附上签到表",
    )
    values = [{"indicator_id": agreement["indicators"][0]["id"], "actual": "12"}]
    again = await report_step(
        parties, "member", agreement, returned.json(), "submit", values=values
    )
    assert again.status_code == 200, again.text
    assert (again.json()["state"], again.json()["values"][0]["actual"]) == (
        "resubmitted",
        "12.00",
    )
    approved = await report_step(parties, "reviewer", agreement, again.json(), "approve")
    assert approved.json()["state"] == "approved"


async def test_only_approved_values_count_towards_the_target(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = await signed_with_target(parties, proposal)
    first = (await draft(parties, agreement, actual="10")).json()
    second = (
        await draft(
            parties, agreement, actual="15", period_start="2026-07-01", period_end="2026-09-30"
        )
    ).json()
    assert await progress(parties, agreement) == ["0.00"]
    first = (await report_step(parties, "member", agreement, first, "submit")).json()
    second = (await report_step(parties, "member", agreement, second, "submit")).json()
    assert await progress(parties, agreement) == ["0.00"], "submitted is not approved"
    await report_step(parties, "worker", agreement, first, "approve")
    assert await progress(parties, agreement) == ["10.00"]
    await report_step(parties, "worker", agreement, second, "return", reason="数字有误")
    assert await progress(parties, agreement) == ["10.00"], "a returned report does not count"


async def test_a_stale_version_is_refused(parties: Parties, proposal: dict[str, Any]) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    assert (
        await report_step(parties, "member", agreement, report, "save", narrative="改")
    ).status_code == 200
    stale = await report_step(parties, "member", agreement, report, "submit")
    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "stale_version"


async def test_reports_need_a_signed_agreement_and_one_of_its_periods(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    unsigned = (await make_agreement(parties, proposal)).json()
    refused = await draft(parties, unsigned)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "conflict"


async def test_a_report_for_another_period_or_indicator_is_refused(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = await signed_with_target(parties, proposal)
    wrong = await draft(parties, agreement, period_start="2026-06-15", period_end="2026-07-31")
    assert wrong.status_code == 400, wrong.text
    stranger = await parties.client.post(
        reports_of(agreement),
        json={
            "period_start": "2026-06-15",
            "period_end": "2026-06-30",
            "values": [{"indicator_id": agreement["id"], "actual": "1"}],
        },
        headers=parties.headers["member"],
    )
    assert stranger.status_code == 400, stranger.text
    negative = await draft(parties, agreement, actual="-3")
    assert negative.status_code == 400, negative.text
    listed = await parties.client.get(reports_of(agreement), headers=parties.headers["member"])
    assert listed.json()["total"] == 0, "nothing was stored"


async def test_only_a_reviewer_moves_a_due_date_and_it_is_audited(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    by_member = await report_step(
        parties, "member", agreement, report, "move-due", due_on="2026-08-01"
    )
    assert by_member.status_code == 403
    without_reason = await report_step(
        parties, "reviewer", agreement, report, "move-due", due_on="2026-08-01"
    )
    assert without_reason.status_code == 400, "a moved due date says why"
    moved = await report_step(
        parties,
        "reviewer",
        agreement,
        report,
        "move-due",
        due_on="2026-08-01",
        reason="汛期道路中断",
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["due_on"] == "2026-08-01"
    entry = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_id == report["id"], AuditEntry.action == "report.move-due"
        )
    )
    assert entry is not None
    assert (entry.before["due_on"], entry.after["due_on"]) == ("2026-07-15", "2026-08-01")
    assert entry.after["reason"] == "汛期道路中断"


async def test_outsiders_do_not_see_the_reports(parties: Parties, proposal: dict[str, Any]) -> None:
    agreement = await signed_with_target(parties, proposal)
    await draft(parties, agreement)
    anonymous = await parties.client.get(reports_of(agreement))
    assert anonymous.status_code == 401
    for who in ("stranger", "outsider"):
        hidden = await parties.client.get(reports_of(agreement), headers=parties.headers[who])
        assert hidden.status_code == 404, f"{who} is no party to the agreement"
        assert (await draft(parties, agreement, who=who)).status_code == 404
