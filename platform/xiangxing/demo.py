"""The embedded demo: illustrative accounts and catalogue on top of the real Zhaotong divisions.

Everything here except the divisions is invented for the demo (示例) and says so: organization
names end in （示例）, credit codes are made up (they only pass the check character).
Loaded once, into a database without users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from accounts.credit_code import check_character
from accounts.models import (
    Department,
    Organization,
    OrganizationType,
    Origin,
    RegistrationLevel,
    Role,
    Station,
    User,
    Verification,
)
from accounts.passwords import hash_password
from core.categories import TopCategory
from core.clock import local_date, utc_now
from core.settings import Settings
from matching.models import SigningEvent
from regions.models import Region, RegionLevel
from xiangxing.demo_agreements import load_demo_agreements
from xiangxing.demo_catalogue import load_demo_catalogue
from xiangxing.demo_follow_up import FINANCE_OFFICERS, load_demo_follow_up
from xiangxing.demo_pairings import load_demo_pairings

DEMO_PASSWORD = "Xiangxing-demo-2026"  # noqa: S105 - printed for the demo, documented
STATION_COUNTIES = ("镇雄县", "昭阳区")
DEPARTMENTS = ("昭通市民政局", "昭通市农业农村局", "昭通市乡村振兴局")

# name, type, origin, registration level, focus, party branch, verification
ORGANIZATIONS = (
    (
        "云南青基会乡村助学项目组（示例）",
        OrganizationType.FOUNDATION,
        Origin.PROVINCIAL,
        RegistrationLevel.PROVINCIAL,
        (TopCategory.SPECIAL_GROUPS, TopCategory.TALENT),
        True,
        Verification.VERIFIED,
    ),
    (
        "中华儿童关爱基金会昭通联络处（示例）",
        OrganizationType.FOUNDATION,
        Origin.NATIONAL,
        RegistrationLevel.NATIONAL,
        (TopCategory.SPECIAL_GROUPS,),
        True,
        Verification.VERIFIED,
    ),
    (
        "沪滇协作乡村振兴工作站（示例）",
        OrganizationType.SOCIAL_GROUP,
        Origin.EAST_WEST,
        RegistrationLevel.CITY,
        (TopCategory.INDUSTRY, TopCategory.CONSUMPTION),
        True,
        Verification.VERIFIED,
    ),
    (
        "昭通市苹果产业协会（示例）",
        OrganizationType.TRADE_ASSOCIATION,
        Origin.LOCAL,
        RegistrationLevel.CITY,
        (TopCategory.INDUSTRY, TopCategory.CONSUMPTION),
        True,
        Verification.VERIFIED,
    ),
    (
        "昭阳区阳光社会工作服务中心（示例）",
        OrganizationType.SOCIAL_SERVICE,
        Origin.LOCAL,
        RegistrationLevel.COUNTY,
        (TopCategory.PUBLIC_SERVICES, TopCategory.SPECIAL_GROUPS),
        False,
        Verification.VERIFIED,
    ),
    (
        "镇雄县志愿者协会（示例）",
        OrganizationType.SOCIAL_GROUP,
        Origin.LOCAL,
        RegistrationLevel.COUNTY,
        (TopCategory.PUBLIC_SERVICES, TopCategory.TALENT),
        True,
        Verification.VERIFIED,
    ),
    (
        "昭通市乡村医生协会（示例）",
        OrganizationType.SOCIAL_GROUP,
        Origin.LOCAL,
        RegistrationLevel.CITY,
        (TopCategory.PUBLIC_SERVICES,),
        False,
        Verification.PENDING,
    ),
    (
        "彝良县天麻商会（示例）",
        OrganizationType.TRADE_ASSOCIATION,
        Origin.LOCAL,
        RegistrationLevel.COUNTY,
        (TopCategory.INDUSTRY, TopCategory.CONSUMPTION),
        False,
        Verification.SUSPENDED,
    ),
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: Role
    belongs_to: str


async def load_demo_data(engine: AsyncEngine, settings: Settings) -> list[DemoAccount]:
    """Load the demo accounts into a database without users; returns them (empty if skipped).
    The scans of the agreements signed on paper go under the settings' ``var_dir``."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        if await session.scalar(select(func.count()).select_from(User)):
            return []
        now = utc_now()
        departments = {name: Department(name=name) for name in DEPARTMENTS}
        session.add_all(departments.values())
        organizations = [
            Organization(
                name=name,
                credit_code=_credit_code(serial, org_type),
                org_type=org_type,
                origin=origin,
                registration_level=level,
                focus_categories=[category.value for category in focus],
                has_party_branch=party,
                description="平台演示用的示例社会组织，非真实机构。",
                contact_name="示例联系人",
                contact_phone="0870-0000000",
                verification=verification,
                verified_at=now if verification is Verification.VERIFIED else None,
            )
            for serial, (name, org_type, origin, level, focus, party, verification) in enumerate(
                ORGANIZATIONS, start=1
            )
        ]
        session.add_all(organizations)
        stations = [
            Station(
                township_code=township.code,
                name=f"{township.short_name}社工站",
                contact_name="示例社工",
                contact_phone="0870-1111111",
            )
            for township in await _townships_of(session, STATION_COUNTIES)
        ]
        session.add_all(stations)
        await session.flush()
        civil_affairs = departments["昭通市民政局"]
        by_name = {organization.name: organization for organization in organizations}
        plans = [
            ("admin", "平台管理员", [Role.ADMIN], {"department_id": civil_affairs.id}, []),
            ("reviewer", "民政审核员", [Role.REVIEWER], {"department_id": civil_affairs.id}, []),
            (
                "agri_reviewer",
                "农业农村审核员",
                [Role.REVIEWER],
                {"department_id": departments["昭通市农业农村局"].id},
                [TopCategory.INDUSTRY.value, TopCategory.CONSUMPTION.value],
            ),
            (
                "viewer",
                "监测查看员",
                [Role.VIEWER],
                {"department_id": departments["昭通市乡村振兴局"].id},
                [],
            ),
            (
                "org_member",
                "社会组织成员",
                [Role.MEMBER],
                {"organization_id": organizations[3].id},
                [],
            ),
            (
                "station_worker",
                "社工站工作人员",
                [Role.STATION_WORKER],
                {"station_id": _yile(stations).id},
                [],
            ),
            *(
                (username, display_name, [Role.MEMBER], {"organization_id": by_name[name].id}, [])
                for username, display_name, name in FINANCE_OFFICERS
            ),
        ]
        password_hash = hash_password(DEMO_PASSWORD)
        accounts = []
        for username, display_name, roles, affiliation, categories in plans:
            user = User(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                roles=[role.value for role in roles],
                reviewer_categories=categories,
                **affiliation,
            )
            session.add(user)
            await session.flush()
            await session.refresh(user)
            accounts.append(DemoAccount(username, roles[0], user.affiliation_name))
        await load_demo_catalogue(session, now)
        await load_demo_pairings(session, now)
        await load_demo_agreements(session, settings, now)
        await load_demo_follow_up(session, now)
        session.add(await _signing_event(session, now))
        await session.commit()
        return accounts


async def _signing_event(session: AsyncSession, now: datetime) -> SigningEvent:
    """A signing event a month ahead for every county, not yet planned: the reviewer plans it."""
    counties = await session.scalars(
        select(Region.code).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)
    )
    return SigningEvent(
        name="百社助千村签约活动（示例）",
        held_on=local_date(now) + timedelta(days=30),
        place="昭通市民政局会议室（示例）",
        county_codes=list(counties),
        uncovered={},
        pairs=[],
    )


def _credit_code(serial: int, org_type: OrganizationType) -> str:
    category = "3" if org_type is OrganizationType.FOUNDATION else "1"
    first17 = f"5{category}530600MJ{serial:07d}"
    return first17 + check_character(first17)


async def _townships_of(session: AsyncSession, county_names: tuple[str, ...]) -> list[Region]:
    counties = select(Region.code).where(
        Region.level == RegionLevel.COUNTY, Region.short_name.in_(county_names)
    )
    return list(
        await session.scalars(
            select(Region).where(Region.parent_code.in_(counties)).order_by(Region.code)
        )
    )


def _yile(stations: list[Station]) -> Station:
    return next(station for station in stations if station.name.startswith("以勒镇"))
