"""The track-record port: what a registered source says about organizations moves the
track-record component and the ranking as the formula says; without one, everyone is new."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from uuid import UUID

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matching.scoring import NEWCOMER_TRACK_RECORD, PRIOR_SUCCESSES, PRIOR_TRIALS
from matching.track_record import NoTrackRecord, TrackFacts, use_track_record
from supply.models import Offer
from tests.conftest import FakeClock
from tests.matching.test_suggestions import Catalogue


class KnownRecords:
    """A source of track records that knows some organizations, and counts its calls."""

    def __init__(self) -> None:
        self.facts: dict[UUID, TrackFacts] = {}
        self.calls = 0

    async def of_organizations(
        self, session: AsyncSession, organization_ids: Collection[UUID]
    ) -> Mapping[UUID, TrackFacts]:
        self.calls += 1
        return {key: value for key, value in self.facts.items() if key in organization_ids}


@pytest.fixture
async def catalogue(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> Catalogue:
    return await Catalogue(client, session, clock).start()


@pytest.fixture
def records() -> Iterator[KnownRecords]:
    source = KnownRecords()
    use_track_record(source)
    yield source
    use_track_record(NoTrackRecord())


async def _organization_of(session: AsyncSession, offer_id: str) -> UUID:
    organization_id = await session.scalar(
        select(Offer.organization_id).where(Offer.id == UUID(offer_id))
    )
    assert organization_id is not None
    return organization_id


async def test_a_proven_organization_ranks_above_a_failing_one(
    catalogue: Catalogue, records: KnownRecords, session: AsyncSession
) -> None:
    need = await catalogue.need()
    failing = await catalogue.offer(await catalogue.new_member())
    proven = await catalogue.offer(await catalogue.new_member())
    newcomer = await catalogue.offer(await catalogue.new_member())
    records.facts = {
        await _organization_of(session, failing): TrackFacts(agreements=4, reports_due=6),
        await _organization_of(session, proven): TrackFacts(
            agreements=3, completed_agreements=3, reports_due=5, reports_on_time=5
        ),
    }

    answer = await catalogue.offers_for(need)

    assert [item["offer_id"] for item in answer["items"]] == [proven, newcomer, failing]
    track = {item["offer_id"]: item["breakdown"]["track_record"] for item in answer["items"]}
    assert track[proven] == pytest.approx((8 + PRIOR_SUCCESSES) / (8 + PRIOR_TRIALS), abs=1e-4)
    assert track[newcomer] == NEWCOMER_TRACK_RECORD
    assert track[failing] == pytest.approx(PRIOR_SUCCESSES / (10 + PRIOR_TRIALS), abs=1e-4)
    assert records.calls == 1, "one question for the whole batch of offers"


async def test_without_a_source_every_organization_is_a_newcomer(catalogue: Catalogue) -> None:
    need = await catalogue.need()
    await catalogue.offer(await catalogue.new_member())
    answer = await catalogue.offers_for(need)
    assert [item["breakdown"]["track_record"] for item in answer["items"]] == [
        NEWCOMER_TRACK_RECORD
    ]
