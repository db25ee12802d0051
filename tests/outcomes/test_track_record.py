"""What an organization's agreements tell matching: signed-or-later ones, completed ones, and
progress reports due and on time, counted per organization."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.track_record import AgreementTrackRecord, TrackFacts
from tests.agreements.flow import accepted, make_agreement, signed, step
from tests.conftest import FakeClock
from tests.factories import make_organization, need_body, offer_body
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, later, report_step, signed_with_target


async def test_signed_and_completed_agreements_per_organization(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, session: AsyncSession
) -> None:
    organization_id = UUID(proposal["organization_id"])
    newcomer = await make_organization(session)
    record = AgreementTrackRecord()
    assert await record.of_organizations(session, [organization_id]) == {}

    agreement = await signed(parties, proposal)
    for who, name in (
        ("member", "start"),
        ("worker", "confirm-completion"),
        ("member", "complete"),
    ):
        answer = await step(parties, who, agreement, name)
        assert answer.status_code == 200, answer.text
        agreement = answer.json()
    need = await parties.publish("needs", need_body(clock, title="以勒村儿童之家图书角"))
    offer = await parties.publish("offers", offer_body(clock, title="儿童读物捐赠与阅读陪伴"))
    draft = await make_agreement(parties, await accepted(parties, need, offer))
    assert draft.status_code == 201, "a draft does not count"

    facts = await record.of_organizations(session, [organization_id, newcomer.id])
    assert facts == {organization_id: TrackFacts(agreements=1, completed_agreements=1)}
    assert await record.of_organizations(session, []) == {}


async def test_reports_due_and_on_time_per_organization(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, session: AsyncSession
) -> None:
    organization_id = UUID(proposal["organization_id"])
    agreement = await signed_with_target(parties, proposal)
    on_time = (await draft(parties, agreement)).json()
    late = (
        await draft(parties, agreement, period_start="2026-07-01", period_end="2026-09-30")
    ).json()
    record = AgreementTrackRecord()
    facts = await record.of_organizations(session, [organization_id])
    assert (facts[organization_id].reports_due, facts[organization_id].reports_on_time) == (0, 0)

    await later(parties, clock, datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    assert (await report_step(parties, "member", agreement, on_time, "submit")).status_code == 200
    await later(parties, clock, datetime(2026, 10, 20, 2, 0, tzinfo=UTC))
    assert (await report_step(parties, "member", agreement, late, "submit")).status_code == 200

    facts = await record.of_organizations(session, [organization_id])
    assert (facts[organization_id].reports_due, facts[organization_id].reports_on_time) == (2, 1)
