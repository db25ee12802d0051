"""Pairing suggestions through the API: ranking, what is never suggested, filters, who may
ask, and scores identical to the ones a proposal records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from httpx import AsyncClient
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from core.audit import Actor
from core.settings import Settings
from matching.proposals import ProposalService
from matching.schemas import SuggestionFilters
from matching.scoring import DEFAULT_WEIGHTS, Component
from matching.suggestions import SuggestionService
from matching.weights import weights_from
from tests.clients import serve
from tests.conftest import FakeClock
from tests.factories import (
    YILE_TOWNSHIP,
    YILE_VILLAGE,
    bearer,
    make_station,
    make_user,
    need_body,
    offer_body,
)

YIBAO_VILLAGE = "530627106202"
"""以堡村, in the same township as 以勒村."""
ZHENXIONG = "530627000000"
CITY = "530600000000"
ZHAOYANG = "530602000000"
FENGHUANG_TOWNSHIP = "530602001000"
FENGHUANG_VILLAGE = "530602001001"
DAWAN_TOWNSHIP = "530627105000"
DAWAN_VILLAGE = "530627105201"
"""大湾镇, beside 以勒镇 in the same county."""
COMPONENTS = {component.value for component in Component}

Headers = dict[str, str]


class Catalogue:
    """Publishes entries through the API as their owners, approved by one reviewer."""

    def __init__(self, client: AsyncClient, session: AsyncSession, clock: FakeClock) -> None:
        self.client = client
        self.session = session
        self.clock = clock
        self.reviewer: Headers = {}
        self.stations: dict[str, Headers] = {}
        self.member: Headers = {}

    async def start(self) -> Catalogue:
        await make_user(self.session, Role.REVIEWER, username="rev")
        self.reviewer = await bearer(self.client, "rev")
        self.member = await self.new_member()
        return self

    async def worker(self, township: str = YILE_TOWNSHIP) -> Headers:
        if township not in self.stations:
            station = await make_station(self.session, township)
            user = await make_user(self.session, Role.STATION_WORKER, station=station)
            self.stations[township] = await bearer(self.client, user.username)
        return self.stations[township]

    async def new_member(self) -> Headers:
        user = await make_user(self.session, Role.MEMBER)
        return await bearer(self.client, user.username)

    async def _publish(self, kind: str, body: dict[str, Any], owner: Headers) -> str:
        created = await self.client.post(f"/api/v1/{kind}", json=body, headers=owner)
        assert created.status_code == 201, created.text
        entry_id = created.json()["id"]
        await self.client.post(f"/api/v1/{kind}/{entry_id}/submit", headers=owner)
        approved = await self.client.post(
            f"/api/v1/{kind}/{entry_id}/approve", headers=self.reviewer
        )
        assert approved.status_code == 200, approved.text
        return entry_id

    async def need(self, township: str = YILE_TOWNSHIP, **changes: object) -> str:
        return await self._publish(
            "needs", need_body(self.clock, **changes), await self.worker(township)
        )

    async def offer(self, member: Headers | None = None, **changes: object) -> str:
        return await self._publish(
            "offers", offer_body(self.clock, **changes), member or self.member
        )

    async def offers_for(
        self, need_id: str, headers: Headers | None = None, **params: object
    ) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/needs/{need_id}/suggestions",
            params=params,
            headers=headers or self.reviewer,
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def needs_for(
        self, offer_id: str, headers: Headers | None = None, **params: object
    ) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/offers/{offer_id}/suggestions",
            params=params,
            headers=headers or self.reviewer,
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def catalogue(client: AsyncClient, session: AsyncSession, clock: FakeClock) -> Catalogue:
    return await Catalogue(client, session, clock).start()


def _ids(answer: dict[str, Any], key: str) -> list[str]:
    return [item[key] for item in answer["items"]]


async def _reviewer_identity(session: AsyncSession) -> tuple[Identity, Actor]:
    user = await make_user(session, Role.REVIEWER)
    identity = Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset({Role.REVIEWER}),
        organization_id=None,
        station_id=None,
        township_code=None,
        department_id=None,
        reviewer_categories=frozenset(),
        affiliation_name="",
        must_change_password=False,
    )
    return identity, Actor(str(user.id), user.username, Role.REVIEWER.value, None)


async def _propose(session: AsyncSession, clock: FakeClock, need_id: str, offer_id: str) -> Any:
    identity, actor = await _reviewer_identity(session)
    return await ProposalService(session, clock).propose(
        UUID(need_id), UUID(offer_id), identity, actor
    )


async def test_the_better_matching_offer_comes_first(catalogue: Catalogue) -> None:
    need = await catalogue.need()
    close = await catalogue.offer(
        title="以勒村留守儿童暑期托管志愿服务",
        description="大学生志愿者为留守儿童提供暑期托管，并资助活动经费。",
        service_region_codes=[YILE_VILLAGE],
        lines=[
            {"kind": "funds", "amount": "30000"},
            {"kind": "person_days", "amount": "60", "item": "志愿者"},
        ],
        tags=["暑期", "托管"],
    )
    far = await catalogue.offer(
        subcategory="children_in_difficulty",
        title="困境儿童冬衣捐赠",
        description="为困境儿童捐赠冬季棉衣。",
        service_region_codes=[CITY],
        lines=[{"kind": "funds", "amount": "500"}],
    )
    answer = await catalogue.offers_for(need)
    assert _ids(answer, "offer_id") == [close, far]
    assert answer["total"] == 2
    best, second = answer["items"]
    assert best["score"] > second["score"]
    assert set(best["breakdown"]) == COMPONENTS
    assert best["breakdown"]["geography"] == 1.0
    assert second["breakdown"]["geography"] == 0.55
    assert best["breakdown"]["capacity"] == 1.0
    assert best["url"] == f"/catalogue/offers/{close}"
    assert best["title"] == "以勒村留守儿童暑期托管志愿服务"
    assert best["service_region_codes"] == [YILE_VILLAGE]
    assert best["remaining_capacity"] == 3


async def test_a_city_wide_offer_is_suggested_for_every_village(catalogue: Catalogue) -> None:
    citywide = await catalogue.offer(service_region_codes=[CITY])
    yile = await catalogue.need()
    fenghuang = await catalogue.need(FENGHUANG_TOWNSHIP, region_code=FENGHUANG_VILLAGE)
    for need in (yile, fenghuang):
        assert _ids(await catalogue.offers_for(need), "offer_id") == [citywide]
    needs = await catalogue.needs_for(citywide)
    assert set(_ids(needs, "need_id")) == {yile, fenghuang}
    assert {item["region_code"] for item in needs["items"]} == {YILE_VILLAGE, FENGHUANG_VILLAGE}
    assert all(item["url"] == f"/catalogue/needs/{item['need_id']}" for item in needs["items"])


async def test_an_offer_serving_two_townships_is_suggested_there_and_not_elsewhere(
    catalogue: Catalogue,
) -> None:
    two = await catalogue.offer(service_region_codes=[YILE_TOWNSHIP, FENGHUANG_TOWNSHIP])
    citywide = await catalogue.offer(service_region_codes=[CITY])
    yile = await catalogue.need()
    fenghuang = await catalogue.need(FENGHUANG_TOWNSHIP, region_code=FENGHUANG_VILLAGE)
    dawan = await catalogue.need(DAWAN_TOWNSHIP, region_code=DAWAN_VILLAGE)
    for need in (yile, fenghuang):
        assert set(_ids(await catalogue.offers_for(need), "offer_id")) == {two, citywide}
    assert _ids(await catalogue.offers_for(dawan), "offer_id") == [citywide]
    assert set(_ids(await catalogue.needs_for(two), "need_id")) == {yile, fenghuang}
    assert set(_ids(await catalogue.needs_for(citywide), "need_id")) == {yile, fenghuang, dawan}
    served = await catalogue.client.get(f"/api/v1/offers/{two}")
    assert served.json()["service_region_codes"] == [FENGHUANG_TOWNSHIP, YILE_TOWNSHIP]


async def test_an_offer_serving_places_of_several_levels_finds_the_needs_of_each(
    catalogue: Catalogue,
) -> None:
    mixed = await catalogue.offer(service_region_codes=[ZHAOYANG, YILE_VILLAGE])
    yile = await catalogue.need()
    fenghuang = await catalogue.need(FENGHUANG_TOWNSHIP, region_code=FENGHUANG_VILLAGE)
    await catalogue.need(region_code=YIBAO_VILLAGE)
    await catalogue.need(DAWAN_TOWNSHIP, region_code=DAWAN_VILLAGE)
    assert set(_ids(await catalogue.needs_for(mixed), "need_id")) == {yile, fenghuang}


async def test_offers_of_another_county_or_category_or_past_their_end_are_never_suggested(
    catalogue: Catalogue, clock: FakeClock
) -> None:
    need = await catalogue.need()
    serving = await catalogue.offer(service_region_codes=[ZHENXIONG])
    elsewhere = await catalogue.offer(service_region_codes=[ZHAOYANG])
    industry = await catalogue.offer(
        category="industry", subcategory="planting", service_region_codes=[ZHENXIONG]
    )
    ending = await catalogue.offer(valid_until=str((clock.now + timedelta(days=5)).date()))
    draft = await catalogue.client.post(
        "/api/v1/offers", json=offer_body(clock), headers=catalogue.member
    )
    assert draft.status_code == 201
    assert set(_ids(await catalogue.offers_for(need), "offer_id")) == {serving, ending}
    clock.advance(days=6)
    assert _ids(await catalogue.offers_for(need), "offer_id") == [serving]
    for offer in (elsewhere, industry):
        assert (await catalogue.needs_for(offer))["total"] == 0


async def test_a_village_already_holding_pairings_ranks_lower(
    catalogue: Catalogue, session: AsyncSession, clock: FakeClock
) -> None:
    offer = await catalogue.offer()
    other_offer = await catalogue.offer(title="另一家机构的暑期托管")
    held = await catalogue.need()
    fresh = await catalogue.need(region_code=YIBAO_VILLAGE)
    neighbour = await catalogue.need(title="以勒村留守儿童周末课堂")
    await _propose(session, clock, neighbour, other_offer)
    answer = await catalogue.needs_for(offer)
    ranked = _ids(answer, "need_id")
    assert ranked.index(fresh) < ranked.index(held), "以堡村 holds no pairing yet"
    by_id = {item["need_id"]: item for item in answer["items"]}
    assert by_id[held]["breakdown"]["fairness"] < by_id[fresh]["breakdown"]["fairness"]
    assert by_id[held]["score"] < by_id[fresh]["score"]


async def test_a_need_s_offers_weigh_the_pairings_its_village_and_township_hold(
    catalogue: Catalogue, session: AsyncSession, clock: FakeClock
) -> None:
    """The need (two lines) is read with the pairings its place holds: one in its own village,
    one in a neighbouring village of its township (counted at half), none elsewhere."""
    need = await catalogue.need()
    offer = await catalogue.offer()
    elsewhere = await catalogue.need(DAWAN_TOWNSHIP, region_code=DAWAN_VILLAGE)
    same_village = await catalogue.need(title="以勒村留守儿童周末课堂")
    neighbour = await catalogue.need(region_code=YIBAO_VILLAGE)
    for held in (same_village, neighbour, elsewhere):
        await _propose(session, clock, held, await catalogue.offer(title=f"暑期托管 {held}"))
    by_id = {item["offer_id"]: item for item in (await catalogue.offers_for(need))["items"]}
    assert by_id[offer]["breakdown"]["fairness"] == round(1 / (1 + 1 + 0.5 * 1), 4)


async def test_a_pair_with_an_open_proposal_is_not_suggested_again(
    catalogue: Catalogue, session: AsyncSession, clock: FakeClock
) -> None:
    need = await catalogue.need()
    proposed = await catalogue.offer()
    other = await catalogue.offer(title="另一家机构的暑期托管")
    await _propose(session, clock, need, proposed)
    assert _ids(await catalogue.offers_for(need), "offer_id") == [other]
    assert (await catalogue.needs_for(proposed))["total"] == 0
    clock.advance(days=15)
    assert set(_ids(await catalogue.offers_for(need), "offer_id")) == {proposed, other}, (
        "an expired proposal no longer holds the pair"
    )


async def test_suggestions_cross_into_related_sub_categories(catalogue: Catalogue) -> None:
    """A need for 12 人天 of pruning guidance (产业·种植) is served by a city-wide experts'
    offer (人才·专家服务), not by volunteer doctors (人才·医疗义诊)."""
    pruning = await catalogue.need(
        category="industry",
        subcategory="planting",
        title="巡龙村苹果园修剪技术指导",
        description="果农不会修剪苹果树，需要专家到果园现场指导修剪。",
        tags=[],
        beneficiary_groups=[],
        lines=[{"kind": "person_days", "amount": "12", "item": "修剪指导"}],
    )
    experts = await catalogue.offer(
        category="talent",
        subcategory="expert_service",
        title="苹果修剪和病虫害防治专家指导",
        description="果树专家到果园现场指导修剪。",
        tags=[],
        service_region_codes=[CITY],
    )
    await catalogue.offer(
        category="talent",
        subcategory="medical_volunteer",
        title="巡回义诊",
        tags=[],
        service_region_codes=[CITY],
    )
    assert _ids(await catalogue.offers_for(pruning), "offer_id") == [experts]
    assert _ids(await catalogue.needs_for(experts), "need_id") == [pruning]


async def test_a_declined_pair_is_never_suggested_again(
    catalogue: Catalogue, session: AsyncSession, clock: FakeClock
) -> None:
    need = await catalogue.need()
    declined = await catalogue.offer()
    other = await catalogue.offer(title="另一家机构的暑期托管")
    proposal = await _propose(session, clock, need, declined)
    answer = await catalogue.client.post(
        f"/api/v1/proposals/{proposal.id}/decline",
        json={"reason": "时间不合适"},
        headers=await catalogue.worker(),
    )
    assert answer.json()["state"] == "declined"
    clock.advance(days=15)
    assert _ids(await catalogue.offers_for(need), "offer_id") == [other]
    assert (await catalogue.needs_for(declined))["total"] == 0


async def test_suggestion_scores_are_the_ones_a_proposal_records(
    catalogue: Catalogue, session: AsyncSession, clock: FakeClock
) -> None:
    need = await catalogue.need()
    first = await catalogue.offer(
        lines=[{"kind": "funds", "amount": "10000.50"}, {"kind": "person_days", "amount": "15"}]
    )
    second = await catalogue.offer(
        title="留守儿童阅读陪伴",
        lines=[{"kind": "person_days", "amount": "25", "item": "阅读志愿者"}],
        tags=["阅读"],
    )
    suggestions = SuggestionService(session, clock)
    offers = await suggestions.for_need(UUID(need), 10, SuggestionFilters())
    by_offer = {str(s.entry.id): s.score for s in offers.items}
    proposal = await _propose(session, clock, need, first)
    assert proposal.score == pytest.approx(by_offer[first].total)
    assert proposal.breakdown == pytest.approx(
        {name.value: value for name, value in by_offer[first].parts.items()}
    )
    needs = await suggestions.for_offer(UUID(second), 10, SuggestionFilters())
    scored = needs.items[0].score
    proposal = await _propose(session, clock, need, second)
    assert proposal.score == pytest.approx(scored.total)
    assert proposal.breakdown == pytest.approx(
        {name.value: value for name, value in scored.parts.items()}
    )


async def test_filters_narrow_the_suggestions(catalogue: Catalogue) -> None:
    need = await catalogue.need()
    village = await catalogue.offer(service_region_codes=[YILE_VILLAGE])
    difficulty = await catalogue.offer(subcategory="children_in_difficulty")
    citywide = await catalogue.offer(service_region_codes=[CITY])
    everything = await catalogue.offers_for(need)
    assert everything["total"] == 3
    sub = await catalogue.offers_for(need, subcategory="left_behind_children")
    assert set(_ids(sub, "offer_id")) == {village, citywide}
    county = await catalogue.offers_for(need, county=ZHENXIONG)
    assert set(_ids(county, "offer_id")) == {village, difficulty}
    best = everything["items"][0]
    above = await catalogue.offers_for(need, min_score=best["score"] - 0.0001)
    assert _ids(above, "offer_id") == [best["offer_id"]]
    assert above["total"] == 1
    one = await catalogue.offers_for(need, k=1)
    assert len(one["items"]) == 1
    assert one["total"] == 3

    red = await catalogue.need(title="以勒村留守儿童午餐", urgency="red")
    green = await catalogue.need(FENGHUANG_TOWNSHIP, region_code=FENGHUANG_VILLAGE, urgency="green")
    assert set(_ids(await catalogue.needs_for(citywide), "need_id")) == {need, red, green}
    assert set(_ids(await catalogue.needs_for(citywide, urgency="red"), "need_id")) == {need, red}
    assert _ids(await catalogue.needs_for(citywide, county=ZHAOYANG), "need_id") == [green]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"k": "0"}, "k"),
        ({"k": "51"}, "k"),
        ({"k": "ten"}, "k"),
        ({"min_score": "1.5"}, "min_score"),
        ({"county": "530627106000"}, "county"),
        ({"urgency": "purple"}, "urgency"),
    ],
)
async def test_bad_options_are_a_400_naming_the_field(
    catalogue: Catalogue, params: dict[str, str], field: str
) -> None:
    offer = await catalogue.offer()
    response = await catalogue.client.get(
        f"/api/v1/offers/{offer}/suggestions", params=params, headers=catalogue.reviewer
    )
    assert response.status_code == 400, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_offers_have_no_urgency_to_filter_on(catalogue: Catalogue) -> None:
    need = await catalogue.need()
    response = await catalogue.client.get(
        f"/api/v1/needs/{need}/suggestions", params={"urgency": "red"}, headers=catalogue.reviewer
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "urgency"


async def test_only_the_entry_s_own_side_and_its_reviewers_may_ask(
    catalogue: Catalogue, session: AsyncSession
) -> None:
    need = await catalogue.need()
    offer = await catalogue.offer()
    need_url = f"/api/v1/needs/{need}/suggestions"
    offer_url = f"/api/v1/offers/{offer}/suggestions"
    worker = await catalogue.worker()
    stranger = await catalogue.worker(FENGHUANG_TOWNSHIP)
    await make_user(session, Role.REVIEWER, username="agri", reviewer_categories=["industry"])
    agri = await bearer(catalogue.client, "agri")
    other_member = await catalogue.new_member()
    answers = {
        (need_url, "owner station"): (worker, 200),
        (need_url, "reviewer"): (catalogue.reviewer, 200),
        (need_url, "other township's station"): (stranger, 403),
        (need_url, "reviewer of another category"): (agri, 403),
        (need_url, "an organization"): (catalogue.member, 403),
        (offer_url, "owner organization"): (catalogue.member, 200),
        (offer_url, "reviewer"): (catalogue.reviewer, 200),
        (offer_url, "another organization"): (other_member, 403),
        (offer_url, "a station"): (worker, 403),
    }
    for (url, who), (headers, status) in answers.items():
        response = await catalogue.client.get(url, headers=headers)
        assert response.status_code == status, (url, who, response.text)
    for url in (need_url, offer_url):
        assert (await catalogue.client.get(url)).status_code == 401


async def test_unknown_entries_are_404(catalogue: Catalogue) -> None:
    for kind, code in (("needs", "need_not_found"), ("offers", "offer_not_found")):
        response = await catalogue.client.get(
            f"/api/v1/{kind}/{uuid4()}/suggestions", headers=catalogue.reviewer
        )
        assert response.status_code == 404
        assert response.json()["code"] == code


async def test_configured_weights_change_the_scores(
    make_app: Callable[[Settings], Litestar],
    test_settings: Settings,
    session: AsyncSession,
    clock: FakeClock,
) -> None:
    only_geography = {component.value: 0.0 for component in Component} | {"geography": 1.0}
    app = make_app(test_settings.model_copy(update={"match_weights": only_geography}))
    async with serve(app) as client:
        catalogue = await Catalogue(client, session, clock).start()
        need = await catalogue.need()
        await catalogue.offer(service_region_codes=[YILE_VILLAGE])
        await catalogue.offer(service_region_codes=[CITY])
        answer = await catalogue.offers_for(need)
    assert [item["score"] for item in answer["items"]] == [1.0, 0.55]


def test_weights_default_and_take_overrides() -> None:
    assert weights_from(Settings()) == DEFAULT_WEIGHTS
    weights = weights_from(Settings(match_weights={"text": 0.4}))
    assert weights[Component.TEXT] == 0.4
    assert weights[Component.FAIRNESS] == DEFAULT_WEIGHTS[Component.FAIRNESS]


def test_weights_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIANGXING_MATCH_WEIGHTS", '{"fairness": 0.3, "urgency": 0}')
    weights = weights_from(Settings())
    assert weights[Component.FAIRNESS] == 0.3
    assert weights[Component.URGENCY] == 0


@pytest.mark.parametrize(
    ("weights", "complaint"),
    [
        ({"distance": 0.2}, "distance"),
        ({"text": -0.1}, "text"),
        ({"text": float("nan")}, "text"),
        ({component.value: 0.0 for component in Component}, "above 0"),
    ],
)
def test_bad_weights_are_refused_by_name(weights: dict[str, float], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        weights_from(Settings(match_weights=weights))
