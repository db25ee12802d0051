"""A signed agreement committed to the scratch database (`scratch_engine`), for what needs
several connections at once or a command of its own: its organization member and a reviewer
as identities for the ledger service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.identity import Identity
from accounts.models import Role, User
from agreements.models import Agreement, AgreementState, RecipientKind
from core.audit import Actor
from core.categories import TopCategory
from funds.models import EntryType
from funds.schemas import EntryIn
from funds.service import LedgerService
from tests.conftest import FakeClock
from tests.factories import make_organization, make_user
from xiangxing.setup import upgrade_database

ACTOR = Actor(user_id=None, username="test", role=None, ip=None)


def identity_of(user: User, role: Role, organization_id: UUID | None = None) -> Identity:
    return Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset({role}),
        organization_id=organization_id,
        station_id=None,
        township_code=None,
        department_id=user.department_id,
        reviewer_categories=frozenset(),
        affiliation_name="",
        must_change_password=False,
    )


@dataclass(frozen=True, slots=True)
class SignedAgreement:
    agreement_id: UUID
    member: Identity
    reviewer: Identity


def signed_agreement_of(organization_id: UUID, number: int = 1) -> Agreement:
    """A signed agreement of the organization with a county, numbered ``ZT-2026-<number>``."""
    return Agreement(
        number=f"ZT-2026-{number:04d}",
        year=2026,
        title="以勒村留守儿童暑期托管帮扶协议",
        category=TopCategory.SPECIAL_GROUPS,
        programme="public_welfare",
        state=AgreementState.SIGNED,
        organization_id=organization_id,
        recipient_kind=RecipientKind.COUNTY,
        recipient_name="镇雄县",
        period_start=date(2026, 6, 1),
        period_end=date(2027, 5, 31),
    )


async def signed_agreement(engine: AsyncEngine) -> SignedAgreement:
    await upgrade_database(engine)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        organization = await make_organization(session)
        member = await make_user(session, Role.MEMBER, organization=organization)
        reviewer = await make_user(session, Role.REVIEWER)
        agreement = signed_agreement_of(organization.id)
        session.add(agreement)
        await session.commit()
    return SignedAgreement(
        agreement.id,
        identity_of(member, Role.MEMBER, organization.id),
        identity_of(reviewer, Role.REVIEWER),
    )


async def append(
    engine: AsyncEngine, identity: Identity, agreement_id: UUID, entry_type: EntryType, **body: str
) -> None:
    """One entry in a transaction of its own, as one request appends it."""
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        await LedgerService(session, FakeClock()).append(
            agreement_id, EntryIn(entry_type=entry_type, **body), identity, ACTOR
        )


async def funded_agreement(engine: AsyncEngine) -> SignedAgreement:
    """A signed agreement with 1,000 yuan committed and 600 disbursed."""
    signed = await signed_agreement(engine)
    await append(engine, signed.reviewer, signed.agreement_id, EntryType.COMMITMENT, amount="1000")
    await append(engine, signed.member, signed.agreement_id, EntryType.DISBURSEMENT, amount="600")
    return signed
