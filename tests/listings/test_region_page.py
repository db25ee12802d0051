"""A division's page: its station (the contact only for those who may see contacts), the open
needs posted in it and the offers serving it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from demand.models import Urgency
from regions.models import Region
from supply.models import Offer, OfferLine
from tests.factories import YILE_TOWNSHIP, YILE_VILLAGE, make_organization, make_station, sign_in
from tests.factories import make_user as make_account
from tests.listings.test_catalogue_orders import FIRST_DEADLINE, PUBLISHED, need

ZHENXIONG = YILE_TOWNSHIP[:6] + "000000"
DAWAN_TOWNSHIP = "530627105000"
YILIANG = "530628000000"
STATION_PHONE = "0870-6612345"


async def _place(session: AsyncSession) -> None:
    station = await make_station(session)
    station.contact_name = "王站长"
    station.contact_phone = STATION_PHONE
    open_need = need("以勒村的", "5000", 30, Urgency.RED, 1)
    elsewhere = need("大湾镇的", "5000", 30, Urgency.RED, 2)
    elsewhere.township_code = DAWAN_TOWNSHIP
    elsewhere.region_code = DAWAN_TOWNSHIP
    draft = need("草稿", "5000", 30, Urgency.RED, 3)
    draft.state = EntryState.DRAFT
    committed = need("已认领完", "5000", 30, Urgency.RED, 4)
    for line in committed.lines:
        line.committed = line.sought
    session.add_all([open_need, elsewhere, draft, committed])
    organization = await make_organization(session, "区域测试协会")
    for title, served in (("全县", ZHENXIONG), ("以勒镇", YILE_TOWNSHIP), ("彝良县", YILIANG)):
        session.add(
            Offer(
                organization_id=organization.id,
                category=TopCategory.TALENT,
                subcategory_code="expert_service",
                title=f"服务{title}的资源",
                state=EntryState.PUBLISHED,
                published_at=PUBLISHED,
                valid_from=FIRST_DEADLINE,
                valid_until=FIRST_DEADLINE + timedelta(days=90),
                lines=[OfferLine(position=0, kind=LineKind.FUNDS, unit="元", offered=Decimal(900))],
                service_regions=[await session.get_one(Region, served)],
            )
        )
    await session.flush()


async def test_a_township_page_lists_its_station_open_needs_and_serving_offers(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _place(session)
    page = (await client.get(f"/regions/{YILE_TOWNSHIP}")).text
    assert "以勒镇社工站" in page
    assert STATION_PHONE not in page, "the contact is for signed-in staff, stations, verified orgs"
    assert "联系方式仅向已登录的工作人员" in page
    needs = page.split('class="region-needs"')[1].split("</section>")[0]
    assert "排序测试以勒村的" in needs
    assert "红色：紧急" in needs
    for hidden in ("大湾镇的", "草稿", "已认领完"):
        assert hidden not in needs, hidden
    offers = page.split('class="region-offers"')[1].split("</section>")[0]
    assert "服务全县的资源" in offers, "a county-wide offer serves its townships"
    assert "服务以勒镇的资源" in offers
    assert "服务彝良县的资源" not in offers


async def test_a_village_page_lists_its_own_needs_and_the_offers_above_it(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _place(session)
    page = (await client.get(f"/regions/{YILE_VILLAGE}")).text
    assert "以勒镇社工站" in page, "a village is served by its township's station"
    assert "排序测试以勒村的" in page
    assert "服务以勒镇的资源" in page
    county = (await client.get(f"/regions/{ZHENXIONG}")).text
    needs = county.split('class="region-needs"')[1].split("</section>")[0]
    assert "排序测试以勒村的" in needs
    assert "排序测试大湾镇的" in needs
    assert "以勒镇社工站" in county


async def test_signed_in_staff_see_the_station_contact(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _place(session)
    await make_account(session, Role.REVIEWER, username="rev")
    await sign_in(client, "rev")
    page = (await client.get(f"/regions/{YILE_TOWNSHIP}")).text
    assert "王站长" in page
    assert STATION_PHONE in page


async def test_a_township_without_a_station_says_so(client: AsyncClient) -> None:
    page = (await client.get(f"/regions/{DAWAN_TOWNSHIP}")).text
    assert "这里尚未设立社工站。" in page
    assert "这里暂无待认领的需求。" in page
