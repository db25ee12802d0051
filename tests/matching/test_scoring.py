"""Each score component on hand-made cases, and the weighted sum."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from matching.relations import offer_subcategories_for
from matching.scoring import (
    DEFAULT_WEIGHTS,
    FUNDS_COVER,
    RELATED_SUBCATEGORY,
    UNPRICED_FUNDS_COVER,
    Component,
    NeedFacts,
    OfferFacts,
    ancestors,
    capacity,
    category,
    eligible,
    fairness,
    geography,
    has_evidence,
    score,
    scored_if_eligible,
    text,
    track_record,
    urgency,
)
from matching.track_record import TrackFacts

NOW = datetime(2026, 6, 1, tzinfo=UTC)
VILLAGE = "530627106201"  # 以勒村, 以勒镇, 镇雄县, 昭通市
TOWNSHIP = "530627106000"
COUNTY = "530627000000"
CITY = "530600000000"
FUNDS = ("funds", "元")
TIME = ("person_days", "人天")

NEED = NeedFacts(
    category="special_groups",
    subcategory="left_behind_children",
    tags=frozenset({"暑期", "托管"}),
    region_code=VILLAGE,
    words=frozenset({"留守儿童", "暑期", "托管", "志愿者"}),
    lacking={FUNDS: Decimal(30000), TIME: Decimal(40)},
    urgency="red",
    published_at=NOW - timedelta(days=30),
)
OFFER = OfferFacts(
    category="special_groups",
    subcategory="left_behind_children",
    tags=frozenset({"托管"}),
    service_codes=(COUNTY,),
    words=frozenset({"大学生", "暑期", "托管", "志愿者"}),
    remaining={TIME: Decimal(200)},
)


def test_a_related_sub_category_of_another_category_is_a_candidate() -> None:
    """产业·种植 needs are served by 人才·专家服务 offers (the relation's data), not the reverse
    unless the data says so."""
    pruning = dataclasses.replace(
        NEED,
        category="industry",
        subcategory="planting",
        tags=frozenset(),
        related=offer_subcategories_for("planting"),
        lacking={TIME: Decimal(12)},
    )
    experts = dataclasses.replace(
        OFFER, category="talent", subcategory="expert_service", tags=frozenset()
    )
    assert category(pruning, experts) == RELATED_SUBCATEGORY
    assert eligible(pruning, experts)
    assert has_evidence(pruning, experts)
    unrelated = dataclasses.replace(experts, subcategory="medical_volunteer")
    assert category(pruning, unrelated) == 0
    assert not eligible(pruning, unrelated)


def test_evidence_is_a_shared_sub_category_or_shared_words() -> None:
    assert has_evidence(NEED, OFFER)
    elsewhere = dataclasses.replace(OFFER, subcategory="disabled")
    assert has_evidence(NEED, elsewhere), "shared words are evidence enough"
    silent = dataclasses.replace(elsewhere, words=frozenset({"轮椅"}))
    assert not has_evidence(NEED, silent), "the same top category alone is no evidence"


def test_region_codes_nest() -> None:
    assert ancestors(VILLAGE) == {VILLAGE: 12, TOWNSHIP: 9, COUNTY: 6, CITY: 4}


@pytest.mark.parametrize(
    ("served", "expected"),
    [((VILLAGE,), 1.0), ((TOWNSHIP,), 0.85), ((COUNTY,), 0.7), ((CITY,), 0.55)],
)
def test_geography_is_hierarchical(served: tuple[str, ...], expected: float) -> None:
    assert geography(NEED, dataclasses.replace(OFFER, service_codes=served)) == expected


def test_a_city_wide_offer_covers_every_village() -> None:
    city_wide = dataclasses.replace(OFFER, service_codes=(CITY,))
    for village in ("530627106201", "530602001001", "530628100200", "530621105203"):
        assert geography(dataclasses.replace(NEED, region_code=village), city_wide) > 0


def test_an_offer_elsewhere_does_not_serve_the_village() -> None:
    elsewhere = dataclasses.replace(OFFER, service_codes=("530628000000", "530627107000"))
    assert geography(NEED, elsewhere) == 0
    assert not eligible(NEED, elsewhere)
    assert score(NEED, elsewhere, NOW).total == 0


def test_the_most_specific_service_region_counts() -> None:
    both = dataclasses.replace(OFFER, service_codes=(CITY, TOWNSHIP))
    assert geography(NEED, both) == 0.85


def test_category_needs_the_same_top_category_and_rewards_closeness() -> None:
    assert category(NEED, OFFER) == pytest.approx(0.8 + 0.2 * 1 / 2)
    other_sub = dataclasses.replace(OFFER, subcategory="disabled", tags=frozenset())
    assert category(NEED, other_sub) == 0.5
    other_top = dataclasses.replace(OFFER, category="industry", subcategory="ecommerce")
    assert category(NEED, other_top) == 0
    assert not eligible(NEED, other_top)


def test_text_is_the_overlap_of_words() -> None:
    assert text(NEED, OFFER) == pytest.approx(3 / 4)
    assert text(NEED, dataclasses.replace(OFFER, words=frozenset({"苹果"}))) == 0
    assert text(NEED, dataclasses.replace(OFFER, words=NEED.words)) == pytest.approx(1)


def test_capacity_compares_line_by_line() -> None:
    # time fully covered (200 ≥ 40), funds not offered at all
    assert capacity(NEED, OFFER) == pytest.approx(0.5)
    some_funds = dataclasses.replace(OFFER, remaining={TIME: Decimal(20), FUNDS: Decimal(30000)})
    assert capacity(NEED, some_funds) == pytest.approx((0.5 + 1) / 2)
    goods_in_other_unit = dataclasses.replace(OFFER, remaining={("goods", "张"): Decimal(9)})
    need_goods = dataclasses.replace(NEED, lacking={("goods", "件"): Decimal(3)})
    assert capacity(need_goods, goods_in_other_unit) == 0
    assert capacity(dataclasses.replace(NEED, lacking={}), OFFER) == 0


def test_urgency_orders_red_yellow_green_and_grows_with_waiting() -> None:
    red, yellow, green = (
        urgency(dataclasses.replace(NEED, urgency=level), NOW)
        for level in ("red", "yellow", "green")
    )
    assert red > yellow > green
    fresh = urgency(dataclasses.replace(NEED, published_at=NOW), NOW)
    waited = urgency(dataclasses.replace(NEED, published_at=NOW - timedelta(days=90)), NOW)
    assert fresh < urgency(NEED, NOW) < waited == pytest.approx(1.0)


def test_track_record_has_a_prior_for_newcomers() -> None:
    assert track_record(OFFER) == 0.5
    proven = dataclasses.replace(
        OFFER,
        track=TrackFacts(completed_agreements=8, agreements=8, reports_on_time=20, reports_due=20),
    )
    failing = dataclasses.replace(OFFER, track=TrackFacts(agreements=5, reports_due=10))
    assert track_record(failing) < track_record(OFFER) < track_record(proven) < 1


def test_a_village_already_paired_three_times_scores_lower() -> None:
    assert fairness(NEED) == 1.0
    thrice = dataclasses.replace(NEED, village_pairings=3)
    assert fairness(thrice) == 0.25
    assert score(thrice, OFFER, NOW).total < score(NEED, OFFER, NOW).total
    busy_township = dataclasses.replace(NEED, township_pairings=2)
    assert fairness(thrice) < fairness(busy_township) < fairness(NEED)


def test_score_is_the_normalised_weighted_sum_of_its_parts() -> None:
    result = score(NEED, OFFER, NOW)
    assert set(result.parts) == set(Component)
    assert all(0 <= value <= 1 for value in result.parts.values())
    expected = sum(DEFAULT_WEIGHTS[name] * value for name, value in result.parts.items())
    assert result.total == pytest.approx(expected / sum(DEFAULT_WEIGHTS.values()))
    assert 0 < result.total <= 1
    doubled = {name: weight * 2 for name, weight in DEFAULT_WEIGHTS.items()}
    assert score(NEED, OFFER, NOW, doubled).total == pytest.approx(result.total)
    only_fairness = {name: 0.0 for name in Component} | {Component.FAIRNESS: 1.0}
    assert score(NEED, OFFER, NOW, only_fairness).total == 1.0


def test_an_offer_with_nothing_the_need_lacks_is_no_candidate() -> None:
    funds_only = dataclasses.replace(OFFER, remaining={FUNDS: Decimal(0)})
    assert capacity(NEED, funds_only) == 0
    assert not eligible(NEED, funds_only)
    assert score(NEED, funds_only, NOW).total == 0


def test_scored_if_eligible_is_the_score_of_an_eligible_pair_and_none_for_another() -> None:
    elsewhere = dataclasses.replace(OFFER, service_codes=("530602000000",))
    for offer in (OFFER, elsewhere, dataclasses.replace(OFFER, remaining={})):
        found = scored_if_eligible(NEED, offer, NOW)
        assert found == (score(NEED, offer, NOW) if eligible(NEED, offer) else None)
    assert scored_if_eligible(NEED, OFFER, NOW) is not None


GOODS = ("goods", "台")
HEATERS = ("purchase", "台")


def test_funds_cover_other_kinds_for_less_than_the_same_kind() -> None:
    """Money for 50 台 of heaters scores below heaters themselves; with a worth in yuan the
    share grows with how much of it the money pays; without one it is a flat, lower share."""
    priced = dataclasses.replace(
        NEED, lacking={HEATERS: Decimal(50)}, worth={HEATERS: Decimal(40000)}
    )
    heaters = dataclasses.replace(OFFER, remaining={HEATERS: Decimal(50)})
    all_of_it = dataclasses.replace(OFFER, remaining={FUNDS: Decimal(40000)})
    half_of_it = dataclasses.replace(OFFER, remaining={FUNDS: Decimal(20000)})
    assert capacity(priced, heaters) == 1
    assert capacity(priced, all_of_it) == pytest.approx(FUNDS_COVER)
    assert capacity(priced, half_of_it) == pytest.approx(FUNDS_COVER / 2)
    unpriced = dataclasses.replace(NEED, lacking={GOODS: Decimal(50)})
    assert capacity(unpriced, all_of_it) == pytest.approx(UNPRICED_FUNDS_COVER)
    assert eligible(unpriced, all_of_it)
    assert eligible(priced, half_of_it)
    assert score(priced, all_of_it, NOW).total < score(priced, heaters, NOW).total


def test_funds_never_lower_what_the_same_kind_covers() -> None:
    time_and_funds = dataclasses.replace(OFFER, remaining={TIME: Decimal(40), FUNDS: Decimal(1)})
    assert capacity(dataclasses.replace(NEED, lacking={TIME: Decimal(40)}), time_and_funds) == 1
    no_funds_left = dataclasses.replace(OFFER, remaining={FUNDS: Decimal(0)})
    assert capacity(dataclasses.replace(NEED, lacking={GOODS: Decimal(5)}), no_funds_left) == 0
