"""Department-led collection: a reviewer imports needs for any township and channel and offers
for any verified organization named in the sheet, all or nothing, within their categories;
the entries are marked as entered on behalf (代录) and their owners see them."""

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Verification
from demand.models import Need
from supply.models import Offer
from tests.factories import make_organization, make_station, make_user, sign_in
from tests.listings.test_import_export import (
    NEED_HEADERS,
    OFFER_HEADERS,
    bearer,
    count,
    need_row,
    offer_row,
    upload,
    xlsx,
)

YILE = "530627106000"
CUIHUA_VILLAGE_PATH = "大关县/翠华镇"


async def test_a_reviewer_imports_needs_for_any_township_and_channel(
    client: AsyncClient, session: AsyncSession
) -> None:
    station = await make_station(session, YILE)
    worker = await make_user(session, Role.STATION_WORKER, station=station)
    reviewer = await make_user(session, Role.REVIEWER)
    rows = [
        need_row("以勒村留守儿童辅导"),
        need_row("翠华镇敬老院助餐", 地点=CUIHUA_VILLAGE_PATH, 类别="公共服务", 子类别="养老"),
        need_row("苹果协会冷库", 来源渠道="行业协会", 渠道名称="昭通苹果产业协会"),
    ]
    response = await upload(
        client, "needs", xlsx(NEED_HEADERS, rows), await bearer(client, reviewer)
    )
    assert response.status_code == 201, response.text
    needs = {n.title: n for n in await session.scalars(select(Need))}
    assert all(n.entered_on_behalf_by_id == reviewer.id for n in needs.values())
    assert needs["以勒村留守儿童辅导"].station_id == station.id
    assert needs["翠华镇敬老院助餐"].station_id is None, "a township without a station yet"
    mine = await client.get(
        "/api/v1/needs", params={"mine": "true"}, headers=await bearer(client, worker)
    )
    listed = {item["title"]: item for item in mine.json()["items"]}
    assert listed["以勒村留守儿童辅导"]["entered_on_behalf"] is True
    await sign_in(client, worker.username)
    assert "代录" in (await client.get("/my/needs")).text
    worker_own = await upload(
        client,
        "needs",
        xlsx(NEED_HEADERS, [need_row("翠华镇另一需求", 地点=CUIHUA_VILLAGE_PATH)]),
        await bearer(client, worker),
    )
    assert worker_own.status_code == 400, "a station still imports only its own township"


async def test_a_reviewer_imports_only_within_their_categories(
    client: AsyncClient, session: AsyncSession
) -> None:
    reviewer = await make_user(session, Role.REVIEWER, reviewer_categories=["industry"])
    rows = [
        need_row("核桃种植技术培训", 类别="产业", 子类别="种植"),
        need_row("以勒村留守儿童辅导"),
    ]
    response = await upload(
        client, "needs", xlsx(NEED_HEADERS, rows), await bearer(client, reviewer)
    )
    assert response.status_code == 400
    problems = [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]]
    assert problems == [
        ("row 3: 类别", "not_your_category", "您只审核产业类别；这一行属于特殊困难群体。")
    ]
    assert await count(session, Need) == 0


async def test_a_reviewer_imports_offers_for_verified_organizations_named_in_the_sheet(
    client: AsyncClient, session: AsyncSession
) -> None:
    verified = await make_organization(session, "昭通市助学公益协会")
    pending = await make_organization(session, "待核验协会", verification=Verification.PENDING)
    member = await make_user(session, Role.MEMBER, organization=verified)
    reviewer = await bearer(client, await make_user(session, Role.REVIEWER))
    bad = [
        offer_row("乡村教师培训", 社会组织=verified.name),
        offer_row("助学金", 社会组织=pending.name),
        offer_row("图书捐赠", 社会组织="不存在的协会"),
        offer_row("暑期支教"),
    ]
    refused = await upload(client, "offers", xlsx(OFFER_HEADERS, bad), reviewer)
    assert refused.status_code == 400
    problems = [(e["field"], e["code"]) for e in refused.json()["errors"]]
    assert problems == [
        ("row 3: 社会组织", "unknown_organization"),
        ("row 4: 社会组织", "unknown_organization"),
        ("row 5: 社会组织", "missing"),
    ]
    assert await count(session, Offer) == 0
    good = [
        offer_row("乡村教师培训", 社会组织=verified.name),
        offer_row("图书捐赠", 社会组织=verified.credit_code),
    ]
    created = await upload(client, "offers", xlsx(OFFER_HEADERS, good), reviewer)
    assert created.status_code == 201, created.text
    offers = list(await session.scalars(select(Offer)))
    assert {o.organization_id for o in offers} == {verified.id}
    assert all(o.entered_on_behalf_by_id is not None for o in offers)
    theirs = await client.get(
        "/api/v1/offers", params={"mine": "true"}, headers=await bearer(client, member)
    )
    assert sorted(item["title"] for item in theirs.json()["items"]) == ["乡村教师培训", "图书捐赠"]
    assert all(item["entered_on_behalf"] for item in theirs.json()["items"])
    again = await upload(client, "offers", xlsx(OFFER_HEADERS, good), reviewer)
    assert again.status_code == 400, "the organization already has these offers"


async def test_the_review_page_leads_a_reviewer_to_both_imports(
    client: AsyncClient, session: AsyncSession
) -> None:
    reviewer = await make_user(session, Role.REVIEWER)
    await sign_in(client, reviewer.username)
    review = await client.get("/review/")
    assert 'href="/import/needs"' in review.text
    assert 'href="/import/offers"' in review.text
    page = await client.get("/import/offers")
    assert page.status_code == 200
    assert "社会组织" in page.text
