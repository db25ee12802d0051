"""The world of the authorization matrix: two organizations (A and B), two stations (X and Y),
an organization pending verification and a suspended one, staff of every kind, and, owned by A
and X, an object in every state a path can name — a draft, a published and a submitted entry of
each kind, a pending proposal, a draft and a signed agreement with its ledger, a draft progress
report with a photo, an agreement document, a need photo, a signing event with its plan.

Everything is made through the app's own API, by the people whose work it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Verification
from matching.models import Notice
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
from tests.matching.planning import carry_out_queued
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


LINES = [{"kind": "person_days", "amount": "40", "item": "大学生志愿者"}]


async def objects(client: AsyncClient, clock: FakeClock, world: World) -> None:
    """A's and X's objects in every state, made through the API."""
    builder = _Builder(client, clock, world)
    await builder.unpublished_entries()
    need, offer = await builder.pairings()
    signed = await builder.signed_agreement(need, offer)
    await builder.agreement_records(signed)
    await builder.signing_event()
    await builder.ended_pairing(offer)


class _Builder:
    """The steps of making the world, each by the party whose work it is."""

    def __init__(self, client: AsyncClient, clock: FakeClock, world: World) -> None:
        self.client = client
        self.clock = clock
        self.ids = world.ids
        self.parties = Parties(
            client,
            {
                "worker": world.headers["worker_x"],
                "member": world.headers["member_a"],
                "reviewer": world.headers["reviewer"],
            },
        )

    async def post(self, who: str, path: str, expected: int = 201, **sent: Any) -> Any:
        answer = await self.client.post(path, headers=self.parties.headers[who], **sent)
        assert answer.status_code == expected, answer.text
        return answer

    async def get(self, who: str, path: str) -> Any:
        return (await self.client.get(path, headers=self.parties.headers[who])).json()

    async def unpublished_entries(self) -> None:
        """X's draft and submitted needs (the draft with a photo), A's draft and submitted
        offers."""
        for kind, owner, bodies in (
            ("needs", "worker", (need_body(self.clock, title=title) for title in PRIVATE[:2])),
            ("offers", "member", (offer_body(self.clock, title=title) for title in PRIVATE[2:4])),
        ):
            draft_body, submitted_body = bodies
            made = await self.post(owner, f"/api/v1/{kind}", json=draft_body)
            self.ids[f"{kind[:-1]}_draft"] = made.json()["id"]
            made = await self.post(owner, f"/api/v1/{kind}", json=submitted_body)
            await self.post(owner, f"/api/v1/{kind}/{made.json()['id']}/submit", 200)
            self.ids[f"{kind[:-1]}_submitted"] = made.json()["id"]
        photo = await self.post(
            "worker",
            f"/api/v1/needs/{self.ids['need_draft']}/photos",
            files={"file": ("现场.png", PNG, "image/png")},
        )
        self.ids["need_photo"] = photo.json()["id"]

    async def pairings(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """A published need and offer; a pending pairing, and an accepted one made into a
        draft agreement."""
        need = await self.parties.publish("needs", need_body(self.clock, lines=LINES))
        offer = await self.parties.publish("offers", offer_body(self.clock))
        self.ids["need_published"], self.ids["offer_published"] = need["id"], offer["id"]
        waiting = await self.parties.publish(
            "needs", need_body(self.clock, lines=LINES, title="助学")
        )
        pending = await self.parties.propose("member", waiting, offer)
        self.ids["proposal"] = pending.json()["id"]
        drafted = await self._accepted(need_body(self.clock, lines=LINES, title="义诊"), offer)
        made = await self.post(
            "member", AGREEMENTS, json=terms(proposal_ids=[drafted["id"]], title=PRIVATE[4])
        )
        self.ids["agreement_draft"] = made.json()["id"]
        return need, offer

    async def _accepted(self, need_fields: dict[str, Any], offer: dict[str, Any]) -> Any:
        need = await self.parties.publish("needs", need_fields)
        proposed = await self.parties.propose("member", need, offer)
        return (await self.parties.step("worker", proposed.json(), "accept")).json()

    async def signed_agreement(self, need: dict[str, Any], offer: dict[str, Any]) -> Any:
        proposed = await self.parties.propose("member", need, offer)
        accepted = (await self.parties.step("worker", proposed.json(), "accept")).json()
        made = await self.post("member", AGREEMENTS, json=terms(proposal_ids=[accepted["id"]]))
        first = await step(self.parties, "member", made.json(), "confirm")
        signed = (await step(self.parties, "worker", first.json(), "confirm")).json()
        assert signed["state"] == "signed", signed
        self.ids["agreement"] = signed["id"]
        self.ids["indicator"] = signed["indicators"][0]["id"]
        return signed

    async def agreement_records(self, signed: dict[str, Any]) -> None:
        """Ledger entries, a draft report with a photo and a document; the versions a step
        names."""
        books = Books(self.parties, signed)
        await books.add("reviewer", "commitment", amount="20000")
        handed = await books.add("member", "disbursement", amount="5000", note="转账")
        await books.add("worker", "receipt_confirmation", confirms_id=handed["id"])
        report = await draft(self.parties, signed)
        assert report.status_code == 201, report.text
        self.ids["report"] = report.json()["id"]
        url = f"{AGREEMENTS}/{signed['id']}"
        photo = await self.post(
            "member",
            f"{url}/reports/{self.ids['report']}/photos",
            files={"file": ("现场.png", PNG, "image/png")},
        )
        self.ids["report_photo"] = photo.json()["id"]
        document = await self.post(
            "member",
            f"{url}/documents",
            files={"file": ("协议附件.pdf", PDF, "application/pdf")},
            data={"kind": "annex"},
        )
        self.ids["document"] = document.json()["id"]
        self.ids["agreement_version"] = str((await self.get("member", url))["version"])
        reports = await self.get("member", f"{url}/reports")
        self.ids["report_version"] = str(reports["items"][0]["version"])

    async def signing_event(self) -> None:
        """An event with a plan run and a pair added by hand."""
        body = {"name": "以勒镇签约活动", "held_on": "2026-07-01", "county_codes": ["530627000000"]}
        event = (await self.post("reviewer", "/api/v1/events", json=body)).json()
        self.ids["event"] = event["id"]
        planned = await self.post("reviewer", f"/api/v1/events/{event['id']}/plan", 202)
        self.ids["plan_run"] = planned.headers["location"].rsplit("/", 1)[1]
        await carry_out_queued(app_client(self.client).app)
        need = await self.parties.publish("needs", need_body(self.clock, title="托管"))
        offer = await self.parties.publish("offers", offer_body(self.clock, title="支教"))
        pair = {"need_id": need["id"], "offer_id": offer["id"]}
        added = await self.post("reviewer", f"/api/v1/events/{event['id']}/pairs", json=pair)
        self.ids["plan_pair"] = added.json()["pairs"][0]["id"]

    async def ended_pairing(self, offer: dict[str, Any]) -> None:
        """A pairing ended by X's withdrawal leaves A a notice; A's token to revoke."""
        need = await self.parties.publish(
            "needs", need_body(self.clock, lines=LINES, title="图书角")
        )
        await self.parties.propose("member", need, offer)
        await self.post(
            "worker",
            f"/api/v1/needs/{need['id']}/withdraw",
            200,
            json={"reason": "村里已自筹解决", "confirm": True},
        )
        tokens = await self.get("member", "/api/v1/auth/tokens")
        self.ids["token_a"] = tokens["items"][0]["id"]


async def notice_of(session: AsyncSession, organization_id: str) -> str:
    """The notice an ended pairing left the organization."""
    notice = await session.scalar(
        select(Notice).where(Notice.organization_id == UUID(organization_id))
    )
    assert notice is not None, "no notice"
    return str(notice.id)


async def headers_of(client: AsyncClient) -> dict[str, dict[str, str]]:
    return {name: await bearer(client, name) for name in PEOPLE if name != "anonymous"}
