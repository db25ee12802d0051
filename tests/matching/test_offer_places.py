"""A need's suggestions read their candidates from the place table (`matching.offer_places`):
on a generated catalogue they are exactly the offers, scores, reasons and order that scoring
every offer of the catalogue one by one gives, and they stay so as offers are withdrawn and
organizations suspended."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Organization, Role, Verification
from core.clock import local_date
from demand.models import Need
from matching.facts import need_facts, offer_facts
from matching.models import offer_place
from matching.repository import pairings_held
from matching.schemas import SuggestionFilters
from matching.scoring import eligible, score
from matching.suggestions import SuggestionService
from matching.track_record import track_records
from supply.models import Offer
from supply.policy import offer_public
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body, offer_body

TOWNSHIPS = {"530627106000": "530627106201", "530627105000": "530627105201"}
"""以勒镇 with 以勒村, 大湾镇 with 大湾村, both in 镇雄县."""
PLACES = [
    "530600000000",
    "530627000000",
    "530602000000",
    "530627106000",
    "530627105000",
    "530627106201",
    "530627105201",
]
"""The city, two counties, the two townships and their villages."""
SUBCATEGORIES = {
    "planting": "industry",
    "breeding": "industry",
    "expert_service": "talent",
    "skills_training": "talent",
    "left_behind_children": "special_groups",
}
"""Planting and breeding needs are also served by expert services (a related sub-category)."""
WORDS = ["苹果", "种植", "技术", "培训", "儿童", "托管", "养殖", "志愿者", "暑期", "果树"]


def _text(rng: random.Random) -> str:
    return "".join(rng.sample(WORDS, 3))


def _lines(rng: random.Random) -> list[dict[str, str]]:
    lines = [{"kind": "funds", "amount": f"{rng.randint(1, 50) * 1000}.00"}]
    if rng.random() < 0.5:
        lines.append({"kind": "person_days", "amount": str(rng.randint(5, 60)), "item": "志愿者"})
    return lines


class Publisher:
    def __init__(self, client: AsyncClient, reviewer: dict[str, str]) -> None:
        self.client, self.reviewer = client, reviewer

    async def publish(self, kind: str, body: dict[str, Any], owner: dict[str, str]) -> str:
        created = await self.client.post(f"/api/v1/{kind}", json=body, headers=owner)
        assert created.status_code == 201, created.text
        entry_id: str = created.json()["id"]
        await self.client.post(f"/api/v1/{kind}/{entry_id}/submit", headers=owner)
        approved = await self.client.post(
            f"/api/v1/{kind}/{entry_id}/approve", headers=self.reviewer
        )
        assert approved.status_code == 200, approved.text
        return entry_id


@dataclass
class Generated:
    needs: list[str]
    offers: list[str]
    owners: dict[str, dict[str, str]]
    """Each offer's organization, as the headers of one of its members."""


@pytest.fixture
async def generated(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> Generated:
    """Eight needs and forty offers of a few sub-categories, places and sizes, published
    through the API by three organizations."""
    rng = random.Random(15)
    await make_user(session, Role.REVIEWER, username="places-rev")
    reviewer = await bearer(client, "places-rev")
    publisher = Publisher(client, reviewer)
    members = [
        await bearer(client, (await make_user(session, Role.MEMBER)).username) for _ in "abc"
    ]
    workers = {}
    for township in TOWNSHIPS:
        station = await make_station(session, township)
        workers[township] = await bearer(
            client, (await make_user(session, Role.STATION_WORKER, station=station)).username
        )
    offers, owners = [], {}
    for _ in range(40):
        subcategory = rng.choice(list(SUBCATEGORIES))
        body = offer_body(
            clock,
            category=SUBCATEGORIES[subcategory],
            subcategory=subcategory,
            title=_text(rng),
            description=_text(rng),
            lines=_lines(rng),
            service_region_codes=rng.sample(PLACES, rng.randint(1, 2)),
            tags=rng.sample(["暑期", "托管", "技术"], rng.randint(0, 2)),
        )
        owner = rng.choice(members)
        offers.append(await publisher.publish("offers", body, owner))
        owners[offers[-1]] = owner
    needs = []
    for _ in range(8):
        subcategory = rng.choice(list(SUBCATEGORIES))
        township = rng.choice(list(TOWNSHIPS))
        body = need_body(
            clock,
            category=SUBCATEGORIES[subcategory],
            subcategory=subcategory,
            title=_text(rng),
            description=_text(rng),
            lines=_lines(rng),
            region_code=rng.choice([township, TOWNSHIPS[township]]),
            urgency=rng.choice(["red", "yellow", "green"]),
            tags=rng.sample(["暑期", "托管", "技术"], rng.randint(0, 2)),
        )
        needs.append(await publisher.publish("needs", body, workers[township]))
    return Generated(needs, offers, owners)


async def _scored_one_by_one(
    session: AsyncSession, clock: FakeClock, need_id: UUID
) -> list[tuple[UUID, float, dict[str, float]]]:
    """Every current offer of the catalogue scored against the need, best first: the ranking
    the place table must not change."""
    need = await session.get(Need, need_id)
    assert need is not None
    now = clock()
    offers = list(
        (
            await session.scalars(
                select(Offer).where(
                    offer_public(),
                    Offer.valid_until >= local_date(now),
                    Offer.capacity_used < Offer.capacity,
                )
            )
        ).unique()
    )
    facts = need_facts(need, await pairings_held(session, [need.township_code]))
    track = await track_records(session, {offer.organization_id for offer in offers})
    ranked = []
    for offer in offers:
        about = offer_facts(offer, track[offer.organization_id])
        if eligible(facts, about):
            scored = score(facts, about, now)
            ranked.append((offer.id, scored.total, dict(scored.parts)))
    ranked.sort(key=lambda found: (-found[1], found[0]))
    return ranked


async def _assert_same_as_one_by_one(
    session: AsyncSession, clock: FakeClock, needs: list[str]
) -> int:
    compared = 0
    for need_id in needs:
        expected = await _scored_one_by_one(session, clock, UUID(need_id))
        found = await SuggestionService(session, clock).for_need(
            UUID(need_id), 50, SuggestionFilters()
        )
        assert found.total == len(expected)
        assert [(s.entry.id, s.score.total, dict(s.score.parts)) for s in found.items] == expected
        compared += len(expected)
    return compared


async def test_suggestions_from_the_place_table_rank_as_scoring_every_offer_does(
    generated: Generated, session: AsyncSession, clock: FakeClock
) -> None:
    assert await _assert_same_as_one_by_one(session, clock, generated.needs) > 30


async def _placed(session: AsyncSession, offer_id: str) -> bool:
    found = await session.scalar(
        select(offer_place.c.offer_id).where(offer_place.c.offer_id == UUID(offer_id)).limit(1)
    )
    return found is not None


async def test_the_place_table_follows_withdrawals_and_suspensions(
    generated: Generated, client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    gone, suspended = generated.offers[0], generated.offers[1]
    assert await _placed(session, gone)
    withdrawn = await client.post(f"/api/v1/offers/{gone}/withdraw", headers=generated.owners[gone])
    assert withdrawn.status_code == 200, withdrawn.text
    assert not await _placed(session, gone)
    await session.execute(
        update(Organization)
        .where(
            Organization.id
            == select(Offer.organization_id).where(Offer.id == UUID(suspended)).scalar_subquery()
        )
        .values(verification=Verification.SUSPENDED)
    )
    assert await _assert_same_as_one_by_one(session, clock, generated.needs) > 10
