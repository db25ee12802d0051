"""Taking an agreement through its lifecycle over the API: both parties sign, the recipient
confirms completion, terminating releases what was held; stale versions and the wrong party are
refused, and every step is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from matching.models import Proposal, ProposalState
from tests.agreements.flow import AGREEMENTS, make_agreement, signed, step, terms
from tests.agreements.test_creation import committed
from tests.factories import make_organization
from tests.matching.parties import Parties


async def proposal_state(session: AsyncSession, proposal: dict[str, Any]) -> ProposalState:
    stored = await session.get(Proposal, UUID(proposal["id"]), populate_existing=True)
    assert stored is not None
    return stored.state


async def test_both_parties_sign_then_the_pairing_is_converted(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    assert draft["steps"] == ["confirm", "terminate"]
    first = await step(parties, "member", draft, "confirm")
    assert first.status_code == 200, first.text
    half = first.json()
    assert (half["state"], half["organization_confirmed"], half["recipient_confirmed"]) == (
        "draft",
        True,
        False,
    )
    assert await proposal_state(session, proposal) is ProposalState.ACCEPTED
    again = await step(parties, "member", half, "confirm")
    assert again.status_code == 403, "the organization has signed; the station has not"
    second = await step(parties, "worker", half, "confirm")
    assert second.status_code == 200, second.text
    assert second.json()["state"] == "signed"
    assert second.json()["signed_on"] == "2026-06-01"
    assert await proposal_state(session, proposal) is ProposalState.CONVERTED
    assert await committed(session, proposal) == (Decimal(40), Decimal(40), Decimal(1))


async def test_a_stale_version_is_refused(parties: Parties, proposal: dict[str, Any]) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    assert (await step(parties, "member", draft, "confirm")).status_code == 200
    stale = await step(parties, "worker", draft, "confirm")
    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "stale_version"


async def test_the_work_is_completed_only_after_the_recipient_signs_off(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    agreement = await signed(parties, proposal)
    early = await step(parties, "worker", agreement, "confirm-completion")
    assert early.status_code == 409, "not started yet"
    started = await step(parties, "member", agreement, "start")
    assert started.status_code == 200, started.text
    agreement = started.json()
    assert (await step(parties, "member", agreement, "complete")).status_code == 409
    for who in ("member", "rev"):
        refused = await step(parties, who, agreement, "confirm-completion")
        assert refused.status_code == 403, (who, refused.text)
    stranger = await step(parties, "stranger", agreement, "confirm-completion")
    assert stranger.status_code == 404, "another township's station is no party to it"
    confirmed = await step(parties, "worker", agreement, "confirm-completion")
    assert confirmed.status_code == 200, confirmed.text
    agreement = confirmed.json()
    assert agreement["state"] == "completion_confirmed"
    assert agreement["completion_confirmed_at"] is not None
    assert (await step(parties, "worker", agreement, "complete")).status_code == 403
    completed = await step(parties, "member", agreement, "complete")
    assert completed.status_code == 200, completed.text
    assert completed.json()["state"] == "completed"
    assert completed.json()["steps"] == []
    actions = await session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == agreement["id"])
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    assert list(actions) == [
        "agreement.created",
        "agreement.confirm",
        "agreement.confirm",
        "agreement.start",
        "agreement.confirm-completion",
        "agreement.complete",
    ]


async def test_terminating_a_signed_agreement_releases_what_it_held(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    agreement = await signed(parties, proposal)
    by_member = await step(parties, "member", agreement, "terminate", reason="资金未到位")
    assert by_member.status_code == 403, "a party ends only drafts"
    no_reason = await step(parties, "rev", agreement, "terminate")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert await committed(session, proposal) == (Decimal(40), Decimal(40), Decimal(1))
    ended = await step(parties, "rev", agreement, "terminate", reason="资金未到位")
    assert ended.status_code == 200, ended.text
    assert (ended.json()["state"], ended.json()["termination_reason"]) == (
        "terminated",
        "资金未到位",
    )
    assert await committed(session, proposal) == (Decimal(0), Decimal(0), Decimal(0))
    assert await proposal_state(session, proposal) is ProposalState.CONVERTED
    assert (await step(parties, "rev", ended.json(), "start")).status_code == 409


async def test_a_party_ending_a_draft_cancels_its_pairing_and_releases_it(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    ended = await step(parties, "worker", draft, "terminate", reason="村里另有安排")
    assert ended.status_code == 200, ended.text
    assert await committed(session, proposal) == (Decimal(0), Decimal(0), Decimal(0))
    assert await proposal_state(session, proposal) is ProposalState.CANCELLED


async def test_others_cannot_act_and_do_not_learn_it_exists(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    for who in ("outsider", "stranger"):
        refused = await step(parties, who, draft, "confirm")
        assert refused.status_code == 404, (who, refused.text)
    unknown_step = await step(parties, "member", draft, "approve")
    assert unknown_step.status_code == 400


async def test_a_draft_whose_pairing_ended_meanwhile_is_not_signed_nor_released_twice(
    parties: Parties, proposal: dict[str, Any], session: AsyncSession
) -> None:
    draft = (await make_agreement(parties, proposal)).json()
    withdrawn = await parties.client.post(
        f"/api/v1/needs/{proposal['need_id']}/withdraw",
        json={"reason": "村里已自行解决", "confirm": True},
        headers=parties.headers["worker"],
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert await committed(session, proposal) == (Decimal(0), Decimal(0), Decimal(0))
    confirmed = (await step(parties, "member", draft, "confirm")).json()
    refused = await step(parties, "worker", confirmed, "confirm")
    assert refused.status_code == 409
    assert refused.json()["code"] == "proposals_not_agreeable"
    ended = await step(parties, "member", confirmed, "terminate", reason="需求已撤回")
    assert ended.status_code == 200, ended.text
    assert await committed(session, proposal) == (Decimal(0), Decimal(0), Decimal(0))


async def test_a_county_agreement_from_paper_is_followed_by_the_reviewers(
    parties: Parties, session: AsyncSession
) -> None:
    organization = await make_organization(session, "浙江省东西部协作慈善基金会")
    body = terms(
        organization_id=str(organization.id),
        category="special_groups",
        region_code="530627000000",
        lines=[{"kind": "funds", "amount": "500000"}],
    )
    created = await parties.client.post(
        f"{AGREEMENTS}/paper", json=body, headers=parties.headers["rev"]
    )
    agreement = created.json()
    scan = await parties.client.post(
        f"{AGREEMENTS}/{agreement['id']}/documents",
        files={"file": ("签字页.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        data={"kind": "signed_scan"},
        headers=parties.headers["rev"],
    )
    assert scan.status_code == 201, scan.text
    for name in ("sign-on-paper", "start", "confirm-completion", "complete"):
        answer = await step(parties, "rev", agreement, name)
        assert answer.status_code == 200, (name, answer.text)
        agreement = answer.json()
    assert agreement["state"] == "completed"
    assert (await step(parties, "worker", agreement, "start")).status_code == 404
