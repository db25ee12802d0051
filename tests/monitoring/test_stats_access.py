"""Who reads the stats (reviewers, viewers, administrators) and what a bad filter answers:
400 in the error envelope, naming the field (issue 18, item 2)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from tests.monitoring.records import Records

PATHS = ["overview", "coverage", "funds?group_by=month", "organizations"]


@pytest.mark.parametrize("path", PATHS)
async def test_staff_read_the_stats_and_nobody_else(
    client: AsyncClient, staff: dict[str, dict[str, str]], path: str
) -> None:
    url = f"/api/v1/stats/{path}"
    assert (await client.get(url)).status_code == 401
    refused = await client.get(url, headers=staff["member"])
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_role"
    for reader in ("viewer", "admin"):
        assert (await client.get(url, headers=staff[reader])).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=week", "group_by"),
        ("county=530627106000", "county"),
        ("county=999999000000", "county"),
        ("county=zhenxiong", "county"),
        ("year=1999", "year"),
        ("year=twenty", "year"),
        ("category=fishing", "category"),
        ("programme=nothing", "programme"),
    ],
)
async def test_a_bad_filter_is_a_400_naming_the_field(
    client: AsyncClient, staff: dict[str, dict[str, str]], query: str, field: str
) -> None:
    answer = await client.get(f"/api/v1/stats/funds?{query}", headers=staff["viewer"])
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["code"] == "invalid_input"
    assert [error["field"] for error in body["errors"]] == [field]


async def test_amounts_are_decimal_strings(
    client: AsyncClient, staff: dict[str, dict[str, str]], records: Records
) -> None:
    answer = await client.get("/api/v1/stats/overview", headers=staff["viewer"])
    assert answer.json()["money"]["committed"] == "250000.00"
