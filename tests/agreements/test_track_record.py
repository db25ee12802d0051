"""What an organization's agreements tell matching: signed-or-later ones and completed ones,
counted per organization in one query."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.track_record import AgreementTrackRecord, TrackFacts
from tests.agreements.flow import accepted, make_agreement, signed, step
from tests.conftest import FakeClock
from tests.factories import make_organization, need_body, offer_body
from tests.matching.parties import Parties


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
