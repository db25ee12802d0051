"""The "my offers" pages through the real app: a member's form, a stale edit, a reviewer's
return with a reason the members see."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.forms import WHOLE_CITY
from supply.models import Offer
from tests.factories import (
    YILE_TOWNSHIP,
    created_id,
    make_user,
    offer_form,
    post_form,
    sign_in,
)


async def test_a_member_creates_an_offer_and_a_stale_edit_is_refused(
    english: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.MEMBER, username="xiehui")
    await sign_in(english, "xiehui")
    created = await post_form(
        english, "/my/offers/new", offer_form(whole_city="on"), "/my/offers/new"
    )
    offer_id = created_id(created)
    offer = await session.get(Offer, offer_id)
    assert offer is not None
    assert sorted(offer.service_region_codes) == sorted([YILE_TOWNSHIP, WHOLE_CITY])
    assert "暑期支教志愿服务" in (await english.get("/my/offers")).text

    edit = f"/my/offers/{offer_id}/edit"
    form = await english.get(edit)
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.text
    assert 'value="暑期支教志愿服务"' in form.text
    first = await post_form(
        english, edit, offer_form(title="暑期支教（第二期）", version="1"), edit
    )
    assert first.status_code in (302, 303)
    stale = await post_form(
        english, edit, offer_form(title="暑期支教（第三期）", version="1"), edit
    )
    assert stale.status_code == 409

    bad = await post_form(english, edit, offer_form(valid_until="2026-05-01", version="2"), edit)
    assert bad.status_code == 400
    assert "end after it starts" in bad.text


async def test_a_reviewer_returns_an_offer_with_a_reason_its_members_see(
    english: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.MEMBER, username="xiehui")
    await make_user(session, Role.REVIEWER, username="shenhe", reviewer_categories=["talent"])
    await sign_in(english, "xiehui")
    offer_id = created_id(
        await post_form(english, "/my/offers/new", offer_form(), "/my/offers/new")
    )
    submitted = await post_form(
        english,
        f"/catalogue/offers/{offer_id}/step/submit",
        {"version": "1", "next": "/my/offers"},
        "/my/offers",
    )
    assert submitted.headers["location"] == "/my/offers"

    await sign_in(english, "shenhe")
    reason = "请补充每期支教的具体时间安排"
    no_reason = await post_form(
        english, f"/catalogue/offers/{offer_id}/step/return", {"next": "/review"}, "/review"
    )
    assert no_reason.status_code == 400
    returned = await post_form(
        english,
        f"/catalogue/offers/{offer_id}/step/return",
        {"reason": reason, "next": "/review"},
        "/review",
    )
    assert returned.status_code in (302, 303)

    await sign_in(english, "xiehui")
    page = await english.get(f"/catalogue/offers/{offer_id}")
    assert page.status_code == 200
    assert page.text.count(reason) == 2  # the notice on top and the history
    assert "Returned for revision" in page.text
    assert f'href="/my/offers/{offer_id}/edit"' in page.text
