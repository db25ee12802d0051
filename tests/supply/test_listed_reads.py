"""The offers' list and detail in the API answer from plain columns: every role gets exactly
what the loaded offers would show it, drafts only to their organization, contacts only where
the policy shows them."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role, User, Verification
from catalogue.workflow import shown_state
from core.clock import local_date
from supply.models import Offer
from supply.policy import sees_offer_contact
from supply.schemas import offer_read
from tests.conftest import FakeClock
from tests.factories import bearer, make_organization, make_user, offer_body


async def _identity(session: AsyncSession, username: str) -> Identity:
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    await session.refresh(user)
    return Identity.of(user)


async def _loaded_view(
    session: AsyncSession, clock: FakeClock, identity: Identity | None, offer_id: str
) -> dict[str, Any]:
    """What the loaded offer shows this reader (``offer_read`` over the ORM object)."""
    offer = await session.get(Offer, offer_id, populate_existing=True)
    assert offer is not None
    await session.refresh(offer, ["lines", "service_regions", "organization"])
    return offer_read(
        offer,
        shown_state=shown_state(offer.state, offer.valid_until, local_date(clock())),
        with_contact=sees_offer_contact(identity, offer),
    ).model_dump(mode="json")


async def test_each_role_reads_what_the_loaded_offers_show_it(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.MEMBER, username="member")
    await make_user(session, Role.MEMBER, username="other")
    pending = await make_organization(session, verification=Verification.PENDING)
    await make_user(session, Role.MEMBER, username="pending", organization=pending)
    await make_user(session, Role.REVIEWER, username="rev")
    await make_user(session, Role.REVIEWER, username="talent", reviewer_categories=["talent"])
    member, reviewer = await bearer(client, "member"), await bearer(client, "rev")

    async def create(**changes: object) -> str:
        body = offer_body(clock, **changes)
        answer = await client.post("/api/v1/offers", json=body, headers=member)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    published = await create(
        service_region_codes=["530627000000", "530602000000"],
        lines=[
            {"kind": "funds", "amount": "50000.00"},
            {"kind": "purchase", "amount": "2", "unit": "吨", "item": "大米", "value": "9000"},
        ],
    )
    await client.post(f"/api/v1/offers/{published}/submit", headers=member)
    await client.post(f"/api/v1/offers/{published}/approve", headers=reviewer)
    draft = await create(title="乡村图书捐赠", contact_name="")
    readers: dict[str | None, tuple[str, set[str]]] = {
        None: ("", {published}),
        "member": ("?mine=true", {published, draft}),
        "other": ("", {published}),
        "pending": ("", {published}),
        "rev": ("?state=", {published, draft}),
        "talent": ("", {published}),
    }
    for username, (query, expected) in readers.items():
        identity = None if username is None else await _identity(session, username)
        headers = {} if username is None else await bearer(client, username)
        listed = await client.get(f"/api/v1/offers{query}", headers=headers)
        assert listed.status_code == 200, (username, listed.text)
        items = listed.json()["items"]
        assert {item["id"] for item in items} == expected, username
        for item in items:
            loaded = await _loaded_view(session, clock, identity, item["id"])
            assert item == loaded, username
            detail = await client.get(f"/api/v1/offers/{item['id']}", headers=headers)
            assert detail.json() == loaded, username
        if draft not in expected:
            refused = await client.get(f"/api/v1/offers/{draft}", headers=headers)
            assert refused.status_code == 404, username
