"""The IATI 2.03 export (/api/v1/exports/iati.xml) validates against the standard's schema
(vendored in tests/schemas/iati-2.03) and carries a known agreement's money and results back
when parsed (issue 18, item 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from lxml import etree

from tests.funds.flow import Books
from tests.matching.parties import Parties
from tests.monitoring.records import Records
from tests.outcomes.reporting import FIRST_QUARTER, draft, report_step, signed_with_target

EXPORT = "/api/v1/exports/iati.xml"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "iati-2.03"
EXPENSES = {"spend_category": "活动经费", "evidence": "发票 3 张"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "iati-activities-schema.xsd")))


def read(parent: Any, tag: str, *paths: str) -> list[tuple[str, ...]]:
    """Each ``tag`` child of ``parent`` as the tuple of the values at ``paths``."""
    return [tuple(element.xpath(path)[0] for path in paths) for element in parent.xpath(tag)]


async def exported(client: AsyncClient, schema: etree.XMLSchema) -> Any:
    answer = await client.get(EXPORT)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(answer.content)
    schema.assertValid(document)
    return document


async def test_the_export_of_the_records_is_valid_iati(
    client: AsyncClient, records: Records, schema: etree.XMLSchema
) -> None:
    document = await exported(client, schema)
    identifiers = document.xpath("//iati-activity/iati-identifier/text()")
    assert sorted(identifiers) == sorted(
        f"CN-ZHAOTONG-MZJ-{records.agreements[name].number}" for name in "abcd"
    )
    goods = records.entries["goods"]
    values = document.xpath("//transaction/value/text()")
    assert f"{goods.amount:.2f}" not in values, "goods are not money"
    statuses = document.xpath("//iati-activity/activity-status/@code")
    assert sorted(statuses) == ["2", "2", "2", "2"]


async def test_a_known_agreement_round_trips(
    client: AsyncClient, parties: Parties, proposal: dict[str, Any], schema: etree.XMLSchema
) -> None:
    agreement = await signed_with_target(parties, proposal)
    books = Books(parties, agreement)
    await books.funded("1000.00", "600.00")
    await books.add("member", "expenditure", amount="150.00", **EXPENSES)
    wrong = await books.add("member", "disbursement", amount="50.00")
    await books.add("member", "reversal", reverses_id=wrong["id"], note="金额录入有误")
    report = (await draft(parties, agreement, actual="12")).json()
    submitted = (await report_step(parties, "member", agreement, report, "submit")).json()
    approved = await report_step(parties, "worker", agreement, submitted, "approve")
    assert approved.status_code == 200, approved.text
    pending = await draft(
        parties, agreement, actual="99", period_start="2026-07-01", period_end="2026-09-30"
    )
    await report_step(parties, "member", agreement, pending.json(), "submit")

    document = await exported(client, schema)
    (activity,) = document.xpath(
        "//iati-activity[iati-identifier=$id]", id=f"CN-ZHAOTONG-MZJ-{agreement['number']}"
    )
    assert activity.xpath("title/narrative/text()") == [agreement["title"]]
    assert activity.xpath("activity-status/@code") == ["2"]
    assert activity.xpath("participating-org/@role") == ["1", "4"]
    assert activity.xpath("sector/@vocabulary") == ["99"]
    assert activity.xpath("sector/@code") == ["special_groups"]
    assert activity.xpath("location/@ref") == [f"CN-NBS-{agreement['recipient_region_code']}"]
    transactions = read(
        activity,
        "transaction",
        "transaction-type/@code",
        "value/text()",
        "value/@currency",
        "value/@value-date",
    )
    day = "2026-06-01"
    assert transactions == [
        ("2", "1000.00", "CNY", day),
        ("3", "600.00", "CNY", day),
        ("4", "150.00", "CNY", day),
    ]
    (indicator,) = activity.xpath("result/indicator")
    assert indicator.xpath("title/narrative/text()") == ["受益儿童（人）"]
    assert indicator.xpath("baseline/@value") == ["0.00"]
    periods = read(
        indicator,
        "period",
        "period-start/@iso-date",
        "period-end/@iso-date",
        "target/@value",
        "actual/@value",
    )
    assert periods == [
        (FIRST_QUARTER["period_start"], FIRST_QUARTER["period_end"], "43.00", "12.00")
    ]
