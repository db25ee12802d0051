"""The world of the authorization matrix: two organizations (A and B), two stations (X and Y),
an organization pending verification and a suspended one, staff of every kind, and, owned by A
and X, an object in every state a path can name — a draft, a published and a submitted entry of
each kind, a pending proposal, a draft and a signed agreement with its ledger, a draft progress
report with a photo, an agreement document, a need photo, a signing event with its plan.

Everything is made through the app's own API, by the people whose work it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Verification
from matching.models import Notice
from matching.plan_runs import PLAN_JOB
from tests.agreements.flow import AGREEMENTS, step, terms
from tests.agreements.test_documents import PDF
from tests.clients import app_client
from tests.conftest import FakeClock
from tests.demand.test_photos import PNG
from tests.factories import (
    bearer,
    make_department,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)
from tests.funds.flow import Books
from tests.matching.parties import OTHER_TOWNSHIP, YILE, Parties
from tests.outcomes.reporting import draft

PEOPLE = (
    "anonymous",
    "member_a",
    "member_b",
    "member_pending",
    "member_suspended",
    "worker_x",
    "worker_y",
    "reviewer",
    "scoped_reviewer",
    "viewer",
    "admin",
)
PRIVATE = (
    "草稿：以勒村护理床位",
    "待审：以勒村饮水工程",
    "草稿：光明助学金",
    "待审：光明助老服务",
    "草稿：以勒村义诊协议",
)
"""Titles of A's and X's entries no one else may see (drafts and submitted entries) and of
their draft agreement: found in a list or export of anyone else, they leaked."""
SCOPED_CATEGORIES = ["industry"]
"""The scoped reviewer's categories: not the category of A's and X's entries."""


@dataclass
class World:
    """The ids a path parameter resolves to, and each person's bearer headers."""

    ids: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


async def people(session: AsyncSession) -> dict[str, str]:
    """Everyone but the anonymous visitor; the ids of their organizations and stations."""
    station_x = await make_station(session, YILE)
    station_y = await make_station(session, OTHER_TOWNSHIP)
    organizations = {
        name: await make_organization(session, f"昭通市{label}公益协会", verification=state)
        for name, label, state in (
            ("a", "光明", Verification.VERIFIED),
            ("b", "春晖", Verification.VERIFIED),
            ("pending", "待审", Verification.PENDING),
            ("suspended", "暂停", Verification.SUSPENDED),
        )
    }
    for name, organization in organizations.items():
        await make_user(session, Role.MEMBER, username=f"member_{name}", organization=organization)
    worker_x = await make_user(session, Role.STATION_WORKER, username="worker_x", station=station_x)
    await make_user(session, Role.STATION_WORKER, username="worker_y", station=station_y)
    await make_user(session, Role.REVIEWER, username="reviewer")
    await make_user(
        session, Role.REVIEWER, username="scoped_reviewer", reviewer_categories=SCOPED_CATEGORIES
    )
    await make_user(session, Role.VIEWER, username="viewer")
    await make_user(session, Role.ADMIN, username="admin")
    department = await make_department(session)
    await session.commit()
    return {
        "organization_a": str(organizations["a"].id),
        "station_x": str(station_x.id),
        "worker_x": str(worker_x.id),
        "department": str(department.id),
    }


async def objects(client: AsyncClient, clock: FakeClock, world: World) -> None:
    """A's and X's objects in every state, made through the API."""
    parties = Parties(
        client,
        {
            "worker": world.headers["worker_x"],
            "member": world.headers["member_a"],
            "reviewer": world.headers["reviewer"],
        },
    )
    ids = world.ids

    async def created(kind: str, owner: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = await client.post(f"/api/v1/{kind}", json=body, headers=parties.headers[owner])
        assert answer.status_code == 201, answer.text
        return answer.json()

    async def stepped(kind: str, entry: dict[str, Any], name: str, who: str, **body: Any) -> None:
        url = f"/api/v1/{kind}/{entry['id']}/{name}"
        answer = await client.post(url, json=body, headers=parties.headers[who])
        assert answer.status_code == 200, answer.text

    lines = [{"kind": "person_days", "amount": "40", "item": "大学生志愿者"}]
    ids["need_draft"] = (await created("needs", "worker", need_body(clock, title=PRIVATE[0])))["id"]
    submitted_need = await created("needs", "worker", need_body(clock, title=PRIVATE[1]))
    await stepped("needs", submitted_need, "submit", "worker")
    ids["need_submitted"] = submitted_need["id"]
    ids["offer_draft"] = (await created("offers", "member", offer_body(clock, title=PRIVATE[2])))[
        "id"
    ]
    submitted_offer = await created("offers", "member", offer_body(clock, title=PRIVATE[3]))
    await stepped("offers", submitted_offer, "submit", "member")
    ids["offer_submitted"] = submitted_offer["id"]
    photo = await client.post(
        f"/api/v1/needs/{ids['need_draft']}/photos",
        files={"file": ("现场.png", PNG, "image/png")},
        headers=parties.headers["worker"],
    )
    assert photo.status_code == 201, photo.text
    ids["need_photo"] = photo.json()["id"]

    need = await parties.publish("needs", need_body(clock, lines=lines))
    second_need = await parties.publish("needs", need_body(clock, lines=lines, title="助学"))
    third_need = await parties.publish("needs", need_body(clock, lines=lines, title="义诊"))
    offer = await parties.publish("offers", offer_body(clock))
    ids["need_published"], ids["offer_published"] = need["id"], offer["id"]

    pending = await parties.propose("member", second_need, offer)
    assert pending.status_code == 201, pending.text
    ids["proposal"] = pending.json()["id"]
    drafted = await parties.propose("member", third_need, offer)
    await parties.step("worker", drafted.json(), "accept")
    draft_agreement = await client.post(
        AGREEMENTS,
        json=terms(proposal_ids=[drafted.json()["id"]], title=PRIVATE[4]),
        headers=parties.headers["member"],
    )
    assert draft_agreement.status_code == 201, draft_agreement.text
    ids["agreement_draft"] = draft_agreement.json()["id"]
    accepted = await parties.propose("member", need, offer)
    assert accepted.status_code == 201, accepted.text
    accepted_json = (await parties.step("worker", accepted.json(), "accept")).json()

    made = await client.post(
        AGREEMENTS,
        json=terms(proposal_ids=[accepted_json["id"]]),
        headers=parties.headers["member"],
    )
    assert made.status_code == 201, made.text
    first = await step(parties, "member", made.json(), "confirm")
    signed = (await step(parties, "worker", first.json(), "confirm")).json()
    assert signed["state"] == "signed", signed
    ids["agreement"] = signed["id"]

    books = Books(parties, signed)
    await books.add("reviewer", "commitment", amount="20000")
    handed = await books.add("member", "disbursement", amount="5000", note="转账")
    await books.add("worker", "receipt_confirmation", confirms_id=handed["id"])

    report = await draft(parties, signed)
    assert report.status_code == 201, report.text
    ids["report"] = report.json()["id"]
    report_photo = await client.post(
        f"{AGREEMENTS}/{signed['id']}/reports/{ids['report']}/photos",
        files={"file": ("现场.png", PNG, "image/png")},
        headers=parties.headers["member"],
    )
    assert report_photo.status_code == 201, report_photo.text
    ids["report_photo"] = report_photo.json()["id"]
    document = await client.post(
        f"{AGREEMENTS}/{signed['id']}/documents",
        files={"file": ("协议附件.pdf", PDF, "application/pdf")},
        data={"kind": "annex"},
        headers=parties.headers["member"],
    )
    assert document.status_code == 201, document.text
    ids["document"] = document.json()["id"]

    event = await client.post(
        "/api/v1/events",
        json={"name": "以勒镇签约活动", "held_on": "2026-07-01", "county_codes": ["530627000000"]},
        headers=parties.headers["reviewer"],
    )
    assert event.status_code == 201, event.text
    ids["event"] = event.json()["id"]
    planned = await client.post(
        f"/api/v1/events/{ids['event']}/plan", headers=parties.headers["reviewer"]
    )
    assert planned.status_code == 202, planned.text
    ids["plan_run"] = planned.headers["location"].rsplit("/", 1)[1]
    assert await app_client(client).app.state.jobs.run_one(PLAN_JOB)
    event_need = await parties.publish("needs", need_body(clock, lines=lines, title="托管"))
    event_offer = await parties.publish("offers", offer_body(clock, title="支教"))
    pair = await client.post(
        f"/api/v1/events/{ids['event']}/pairs",
        json={"need_id": event_need["id"], "offer_id": event_offer["id"]},
        headers=parties.headers["reviewer"],
    )
    assert pair.status_code == 201, pair.text
    ids["plan_pair"] = pair.json()["pairs"][0]["id"]

    ended = await parties.publish("needs", need_body(clock, lines=lines, title="以勒村图书角"))
    assert (await parties.propose("member", ended, offer)).status_code == 201
    await stepped("needs", ended, "withdraw", "worker", reason="村里已自筹解决", confirm=True)
    tokens = await client.get("/api/v1/auth/tokens", headers=parties.headers["member"])
    ids["token_a"] = tokens.json()["items"][0]["id"]
    ids["indicator"] = signed["indicators"][0]["id"]
    agreement = await client.get(f"{AGREEMENTS}/{signed['id']}", headers=parties.headers["member"])
    ids["agreement_version"] = str(agreement.json()["version"])
    reports = await client.get(
        f"{AGREEMENTS}/{signed['id']}/reports", headers=parties.headers["member"]
    )
    ids["report_version"] = str(reports.json()["items"][0]["version"])


async def a_notice_of_a(session: AsyncSession) -> str:
    """A notice the pending proposal left for someone of A or X."""
    notice = (await session.scalars(select(Notice).limit(1))).one()
    return str(notice.id)


async def headers_of(client: AsyncClient) -> dict[str, dict[str, str]]:
    return {name: await bearer(client, name) for name in PEOPLE if name != "anonymous"}
