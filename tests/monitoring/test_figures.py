"""Each aggregate of the stats API equals the same figure computed directly over the
generated records (`tests.monitoring.records`), with and without filters (issue 18, item 2)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from core.clock import local_date
from demand.models import Need
from tests.conftest import FakeClock
from tests.factories import bearer, need_body
from tests.monitoring import expected
from tests.monitoring.records import (
    LUDIAN,
    QIAOJIA,
    ZHAOYANG,
    ZHENXIONG,
    Records,
    parties_of,
)

STATS = "/api/v1/stats"
FILTERS = [
    {},
    {"year": 2026},
    {"year": 2027},
    {"county": ZHENXIONG},
    {"county": QIAOJIA},
    {"category": "industry"},
    {"programme": "talent"},
    {"year": 2026, "category": "industry", "county": ZHENXIONG},
]


async def stats(client: AsyncClient, records: Records, path: str, **query: Any) -> dict[str, Any]:
    headers = await bearer(client, records.reviewer.identity.username)
    answer = await client.get(f"{STATS}/{path}", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("filters", FILTERS)
async def test_the_overview_counts_and_sums_the_records(
    client: AsyncClient, session: AsyncSession, records: Records, filters: dict[str, Any]
) -> None:
    answer = await stats(client, records, "overview", **filters)
    agreements = await expected.counted(session, filters)
    assert answer["agreements"] == len(agreements)
    assert answer["projects"] == sum(a.state.value != "signed" for a in agreements)
    origins = Counter(
        a.organization.origin.value for a in {a.organization_id: a for a in agreements}.values()
    )
    assert {row["origin"]: row["organizations"] for row in answer["organizations_by_origin"]} == (
        dict(origins)
    )
    assert answer["organizations"] == len(origins)
    total = expected.zero()
    for agreement in agreements:
        for figure, amount in (await expected.money_of(session, agreement)).items():
            total[figure] += amount
    assert answer["money"] == expected.as_json(total)


async def test_the_figures_of_the_records_are_what_their_ledgers_say(
    client: AsyncClient, records: Records
) -> None:
    """The sums by hand: drafts, terminated agreements, reversals, goods and disputes."""
    assert (await stats(client, records, "overview"))["money"] == {
        "committed": "250000.00",
        "disbursed": "131000.00",
        "confirmed": "101000.00",
        "spent": "25000.50",
    }


async def test_needs_are_counted_by_category_once_published(
    client: AsyncClient, session: AsyncSession, records: Records, clock: FakeClock
) -> None:
    parties = await parties_of(client, records)
    await parties.publish("needs", need_body(clock))
    await parties.publish(
        "needs", need_body(clock, category="talent", subcategory="expert_service")
    )
    await client.post("/api/v1/needs", json=need_body(clock), headers=parties.headers["worker"])
    for filters in (
        {},
        {"category": "talent"},
        {"county": ZHENXIONG},
        {"year": 2026},
        {"year": 2027},
        {"county": LUDIAN},
    ):
        answer = await stats(client, records, "overview", **filters)
        published = [
            need
            for need in await session.scalars(select(Need))
            if need.published_at is not None
            and filters.get("category", need.category.value) == need.category.value
            and filters.get("county", need.county_code) == need.county_code
            and filters.get("year", local_date(need.published_at).year)
            == local_date(need.published_at).year
        ]
        assert {row["category"]: row["needs"] for row in answer["needs_by_category"]} == dict(
            Counter(need.category.value for need in published)
        )
    assert sum(row["needs"] for row in answer["needs_by_category"]) == 0


KEYS = {
    "category": lambda agreement: agreement.category.value,
    "county": lambda agreement: agreement.county_code,
    "programme": lambda agreement: agreement.programme,
}


@pytest.mark.parametrize("group_by", ["category", "county", "programme", "month"])
@pytest.mark.parametrize("filters", FILTERS[:5])
async def test_funds_by_group_equal_the_sums_per_group(
    client: AsyncClient,
    session: AsyncSession,
    records: Records,
    group_by: str,
    filters: dict[str, Any],
) -> None:
    answer = await stats(client, records, "funds", group_by=group_by, **filters)
    assert answer["group_by"] == group_by
    if group_by == "month":
        wanted = await expected.monthly(session, filters)
    else:
        wanted = await expected.grouped(session, filters, KEYS[group_by])
    assert {group["key"]: group["money"] for group in answer["groups"]} == {
        key: expected.as_json(money) for key, money in wanted.items()
    }


async def test_money_is_booked_in_the_month_of_the_calendar_in_china(
    client: AsyncClient, records: Records
) -> None:
    """A disbursement at 17:00 UTC on 30 June is 1 July in China."""
    answer = await stats(client, records, "funds", group_by="month", county=ZHAOYANG)
    months = {group["key"]: group["money"]["disbursed"] for group in answer["groups"]}
    assert months == {"2026-06": "0.00", "2026-07": "25000.00"}


@pytest.mark.parametrize("filters", FILTERS[:6])
async def test_coverage_lists_every_county_and_those_without_agreements(
    client: AsyncClient, session: AsyncSession, records: Records, filters: dict[str, Any]
) -> None:
    answer = await stats(client, records, "coverage", **filters)
    agreements = await expected.counted(session, filters)
    money = await expected.grouped(session, filters, KEYS["county"])
    counties = {county["code"]: county for county in answer["counties"]}
    assert len(counties) == (1 if "county" in filters else 11)
    per_county = Counter(a.county_code for a in agreements)
    for code, county in counties.items():
        assert county["agreements"] == per_county[code]
        assert county["money"] == expected.as_json(money.get(code, expected.zero()))
    assert answer["uncovered"] == [code for code in counties if per_county[code] == 0]


@pytest.mark.parametrize("filters", FILTERS[:4])
async def test_organizations_with_their_figures(
    client: AsyncClient, session: AsyncSession, records: Records, filters: dict[str, Any]
) -> None:
    answer = await stats(client, records, "organizations", page_size=2, **filters)
    agreements = await expected.counted(session, filters)
    wanted: dict[str, dict[str, Any]] = {}
    for agreement in agreements:
        row = wanted.setdefault(
            str(agreement.organization_id), {"agreements": 0, "money": expected.zero()}
        )
        row["agreements"] += 1
        for figure, amount in (await expected.money_of(session, agreement)).items():
            row["money"][figure] += amount
    assert answer["total"] == len(wanted)
    pages = [answer]
    while len(pages) * 2 < answer["total"]:
        pages.append(
            await stats(
                client, records, "organizations", page_size=2, page=len(pages) + 1, **filters
            )
        )
    found = [item for page in pages for item in page["items"]]
    assert {
        item["id"]: {"agreements": item["agreements"], "money": item["money"]} for item in found
    } == {
        key: {"agreements": row["agreements"], "money": expected.as_json(row["money"])}
        for key, row in wanted.items()
    }
    committed = [item["money"]["committed"] for item in found]
    assert committed == sorted(committed, key=float, reverse=True)


async def test_drafts_and_terminated_agreements_count_for_nothing(
    client: AsyncClient, session: AsyncSession, records: Records
) -> None:
    answer = await stats(client, records, "coverage", county=QIAOJIA)
    assert answer["counties"][0]["agreements"] == 0
    assert answer["uncovered"] == [QIAOJIA]
    states = {a.state for a in await session.scalars(select(Agreement))}
    assert states - set(SIGNED_OR_LATER) == {"draft", "terminated"}
