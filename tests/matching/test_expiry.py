"""Proposals past their deadline: every read shows them expired without writing anything; the
periodic job writes it down, once, with an audit entry."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from matching.expiry import expire_proposals
from matching.models import Proposal, ProposalState
from tests.conftest import FakeClock
from tests.factories import sign_in
from tests.matching.parties import Parties


async def _stored(session: AsyncSession, proposal_id: str) -> Proposal:
    proposal = await session.scalar(
        select(Proposal)
        .where(Proposal.id == UUID(proposal_id))
        .execution_options(populate_existing=True)
    )
    assert proposal is not None
    return proposal


async def test_a_proposal_past_its_deadline_reads_as_expired_and_the_job_writes_it(
    parties: Parties, pair: tuple[dict, dict], session: AsyncSession, clock: FakeClock
) -> None:
    need, offer = pair
    proposal = (await parties.propose("member", need, offer)).json()
    clock.advance(days=15)
    headers = parties.headers["worker"]

    shown = await parties.client.get(f"/api/v1/proposals/{proposal['id']}", headers=headers)
    assert (shown.json()["state"], shown.json()["steps"]) == ("expired", [])
    listed = await parties.client.get("/api/v1/proposals?state=expired", headers=headers)
    assert [item["id"] for item in listed.json()["items"]] == [proposal["id"]]
    still_open = await parties.client.get("/api/v1/proposals?state=proposed", headers=headers)
    assert still_open.json()["total"] == 0
    await sign_in(parties.client, "worker")
    page = await parties.client.get("/proposals")
    assert "state-expired" in page.text
    assert (await _stored(session, proposal["id"])).state is ProposalState.PROPOSED, (
        "reading wrote nothing"
    )

    assert await expire_proposals(session, clock()) == 1
    assert await expire_proposals(session, clock()) == 0
    stored = await _stored(session, proposal["id"])
    assert stored.state is ProposalState.EXPIRED
    assert stored.answered_at == stored.expires_at, "it expired at its deadline"
    audited = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == proposal["id"])
    )
    assert list(audited).count("proposal.expired") == 1
