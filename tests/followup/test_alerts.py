"""The reviewers' alerts, each at its threshold on the moving clock, with its agreement,
parties and since when, oldest first; filtered by kind and county; for reviewers of the
category and administrators only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.agreements.flow import signed
from tests.conftest import FakeClock
from tests.factories import bearer, make_user, sign_in
from tests.followup.follow_up import alerts, kinds
from tests.funds.flow import Books
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, later

SIGNED_AT = FakeClock.START
ZHENXIONG = "530627000000"


def day(days: int) -> datetime:
    return SIGNED_AT + timedelta(days=days)


async def test_nothing_disbursed_alerts_from_the_ninetieth_day(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed(parties, proposal)
    await later(parties, clock, day(89))
    assert await kinds(parties) == []

    await later(parties, clock, day(91))
    [alert] = await alerts(parties)
    assert alert["kind"] == "no_disbursement"
    assert alert["since"] == agreement["signed_on"]
    assert alert["days"] == 91
    assert alert["agreement"]["number"] == agreement["number"]
    assert alert["agreement"]["organization_name"] == "昭通市光明公益协会"
    assert alert["agreement"]["link"] == f"/agreements/{agreement['id']}"

    books = Books(parties, agreement)
    await books.funded(committed="1000", disbursed="1000")
    assert await kinds(parties) == []


async def test_an_unconfirmed_disbursement_alerts_after_thirty_days(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    books = Books(parties, await signed(parties, proposal))
    await books.add("rev", "commitment", amount="1000")
    handed = await books.add("member", "disbursement", amount="600")

    await later(parties, clock, day(29))
    assert await kinds(parties) == []
    await later(parties, clock, day(31))
    [alert] = await alerts(parties)
    assert (alert["kind"], alert["amount"], alert["subject_id"]) == (
        "unconfirmed",
        "600.00",
        handed["id"],
    )

    await books.add("worker", "receipt_confirmation", confirms_id=handed["id"])
    assert await kinds(parties) == []


async def test_an_expenditure_without_evidence_alerts_until_reversed(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    books = Books(parties, await signed(parties, proposal))
    await books.funded(committed="1000", disbursed="1000")
    await books.add("member", "expenditure", amount="300", spend_category="交通", evidence="票据")
    bare = await books.add("member", "expenditure", amount="200", spend_category="餐费")
    assert await kinds(parties) == ["no_evidence"]

    await books.add("member", "reversal", reverses_id=bare["id"], note="补录凭证")
    await books.add("member", "expenditure", amount="200", spend_category="餐费", evidence="发票")
    assert await kinds(parties) == []


async def test_a_report_alerts_the_day_after_it_was_due(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed(parties, proposal)
    await books_moving(parties, agreement)
    await draft(parties, agreement)
    await later(parties, clock, datetime(2026, 7, 15, 8, 0, tzinfo=UTC))
    assert await kinds(parties) == []
    await later(parties, clock, datetime(2026, 7, 16, 8, 0, tzinfo=UTC))
    [alert] = await alerts(parties)
    assert (alert["kind"], alert["since"], alert["days"]) == ("report_overdue", "2026-07-15", 1)


async def books_moving(parties: Parties, agreement: dict[str, Any]) -> None:
    """Money that moved in order, so only the report can alert."""
    await Books(parties, agreement).funded(committed="1000", disbursed="1000")


async def test_alerts_sort_oldest_first_and_filter_by_kind_and_county(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed(parties, proposal)
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="1000")
    await books.add("member", "disbursement", amount="500")
    await draft(parties, agreement)
    await later(parties, clock, day(60))
    await books.funded(committed="1", disbursed="1")
    await books.add("member", "expenditure", amount="1", spend_category="杂费")

    found = await alerts(parties)
    assert [alert["kind"] for alert in found] == ["unconfirmed", "report_overdue", "no_evidence"]
    assert [alert["since"] for alert in found] == sorted(alert["since"] for alert in found)
    assert await kinds(parties, kind="no_evidence") == ["no_evidence"]
    assert len(await alerts(parties, county=ZHENXIONG)) == 3
    assert await alerts(parties, county="530602000000") == []
    refused = await parties.client.get(
        "/api/v1/alerts", params={"kind": "late"}, headers=parties.headers["rev"]
    )
    assert refused.status_code == 400


async def test_only_reviewers_of_the_category_and_administrators_see_alerts(
    parties: Parties,
    proposal: dict[str, Any],
    clock: FakeClock,
    session: AsyncSession,
    client: AsyncClient,
) -> None:
    await signed(parties, proposal)
    await make_user(
        session, Role.REVIEWER, username="rev_industry", reviewer_categories=["industry"]
    )
    await make_user(session, Role.ADMIN, username="boss")
    await later(parties, clock, day(91))
    for who in ("member", "worker"):
        answer = await parties.client.get("/api/v1/alerts", headers=parties.headers[who])
        assert answer.status_code == 403
    parties.headers["rev_industry"] = await bearer(client, "rev_industry")
    parties.headers["boss"] = await bearer(client, "boss")
    assert await kinds(parties, "rev_industry") == []
    assert await kinds(parties, "boss") == ["no_disbursement"]

    await sign_in(client, "member")
    assert (await client.get("/alerts")).status_code == 403


async def test_the_alerts_page_names_the_agreement_and_the_parties(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, client: AsyncClient
) -> None:
    agreement = await signed(parties, proposal)
    clock.now = day(95)
    await sign_in(client, "rev")
    page = await client.get("/alerts")
    assert page.status_code == 200
    assert "签约 90 天仍未拨付" in page.text
    assert agreement["title"] in page.text
    assert "昭通市光明公益协会" in page.text
    assert "95 天" in page.text

    filtered = await client.get("/alerts", params={"kind": "no_evidence"})
    assert agreement["title"] not in filtered.text

    badge = await client.get("/follow-up/_badge")
    assert 'href="/alerts"' in badge.text
