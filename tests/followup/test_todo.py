"""Each to-do item appears for exactly the party that takes its step, and disappears once the
step is taken: signatures, receipts to confirm, reports to write, returned and to approve."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient

from tests.agreements.flow import make_agreement, signed, step
from tests.conftest import FakeClock
from tests.factories import sign_in
from tests.followup.follow_up import todo
from tests.funds.flow import Books
from tests.matching.parties import NAMES, Parties
from tests.outcomes.reporting import draft, later, report_step

AFTER_FIRST_QUARTER = datetime(2026, 7, 2, 2, 0, tzinfo=UTC)
"""The first reporting period (2026-06-15 to 06-30) has ended; its report is due 07-15."""


async def everyone(parties: Parties) -> dict[str, list[str]]:
    return {name: [kind for kind, _ in await todo(parties, name)] for name in NAMES}


def only(**lists: list[str]) -> dict[str, list[str]]:
    return {name: lists.get(name, []) for name in NAMES}


async def test_a_draft_awaits_each_side_until_it_signs(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    created = await make_agreement(parties, proposal)
    assert created.status_code == 201, created.text
    sign = ["sign_agreement"]
    assert await everyone(parties) == only(member=sign, worker=sign)

    confirmed = await step(parties, "member", created.json(), "confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert await everyone(parties) == only(worker=sign)

    await step(parties, "worker", confirmed.json(), "confirm")
    assert await everyone(parties) == only()


async def test_a_disbursement_awaits_the_recipient_until_confirmed_or_disputed(
    parties: Parties, proposal: dict[str, Any]
) -> None:
    agreement = await signed(parties, proposal)
    books = Books(parties, agreement)
    await books.add("rev", "commitment", amount="9000")
    first = await books.add("member", "disbursement", amount="5000")
    second = await books.add("member", "disbursement", amount="4000")
    receipts = ["confirm_receipt", "confirm_receipt"]
    assert await everyone(parties) == only(worker=receipts)
    assert (await todo(parties, "worker"))[0][1] == agreement["number"]

    await books.add("worker", "receipt_confirmation", confirms_id=first["id"])
    await books.add("worker", "receipt_dispute", confirms_id=second["id"], note="未到账")
    assert await everyone(parties) == only()


async def test_a_report_goes_from_the_organization_to_the_recipient_and_back(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock
) -> None:
    agreement = await signed(parties, proposal)
    drafted = await draft(parties, agreement)
    assert drafted.status_code == 201, drafted.text
    assert await everyone(parties) == only(), "nothing is due while the period runs"

    await later(parties, clock, AFTER_FIRST_QUARTER)
    assert await everyone(parties) == only(member=["write_report"])

    submitted = await report_step(parties, "member", agreement, drafted.json(), "submit")
    assert await everyone(parties) == only(worker=["approve_report"])

    returned = await report_step(
        parties, "worker", agreement, submitted.json(), "return", reason="请补充照片"
    )
    assert await everyone(parties) == only(member=["report_returned"])

    again = await report_step(parties, "member", agreement, returned.json(), "submit")
    assert await everyone(parties) == only(worker=["approve_report"])

    await report_step(parties, "worker", agreement, again.json(), "approve")
    assert await everyone(parties) == only()


async def test_an_overdue_report_is_marked_on_the_page(
    parties: Parties, proposal: dict[str, Any], clock: FakeClock, client: AsyncClient
) -> None:
    agreement = await signed(parties, proposal)
    await draft(parties, agreement)
    await later(parties, clock, datetime(2026, 7, 20, 2, 0, tzinfo=UTC))
    await sign_in(client, "member")

    page = await client.get("/todo")
    assert page.status_code == 200
    assert agreement["title"] in page.text
    assert f'href="/agreements/{agreement["id"]}"' in page.text
    assert "逾期" in page.text

    badge = await client.get("/follow-up/_badge")
    assert badge.status_code == 200
    assert 'href="/todo"' in badge.text
    assert '<span class="badge count"' in badge.text
    assert ">1</span>" in badge.text


async def test_the_badge_counts_nothing_when_nothing_waits(
    parties: Parties, client: AsyncClient
) -> None:
    await sign_in(client, "worker")
    badge = await client.get("/follow-up/_badge")
    assert badge.status_code == 200
    assert "badge count" not in badge.text
    assert (await client.get("/todo")).status_code == 200
