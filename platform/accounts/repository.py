"""Every query on users, organizations, stations, departments, sessions and tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import or_, select, update

from accounts.models import (
    ApiToken,
    Department,
    LoginSession,
    Organization,
    Station,
    User,
    Verification,
)
from core.pagination import PageRequest


class UserRepository(SQLAlchemyAsyncRepository[User]):
    model_type = User

    async def by_username(self, username: str) -> User | None:
        return await self.get_one_or_none(User.username == username.strip().lower())

    async def page(
        self, page: PageRequest, *, search: str | None = None, role: str | None = None
    ) -> tuple[list[User], int]:
        """Users by name; the role filter runs in Python (roles are a JSON list, and a city
        has hundreds of accounts, not millions)."""
        conditions = []
        if search:
            pattern = f"%{search}%"
            conditions.append(or_(User.username.like(pattern), User.display_name.like(pattern)))
        users = list(
            await self.session.scalars(select(User).where(*conditions).order_by(User.username))
        )
        if role:
            users = [user for user in users if role in user.roles]
        return users[page.offset : page.offset + page.page_size], len(users)


class OrganizationRepository(SQLAlchemyAsyncRepository[Organization]):
    model_type = Organization

    async def page(
        self,
        page: PageRequest,
        *,
        verification: Verification | None = None,
        search: str | None = None,
    ) -> tuple[list[Organization], int]:
        conditions = []
        if verification is not None:
            conditions.append(Organization.verification == verification)
        if search:
            conditions.append(Organization.name.like(f"%{search}%"))
        return await self.get_many_and_count(
            *conditions,
            LimitOffset(limit=page.page_size, offset=page.offset),
            order_by=[(Organization.name, False)],
        )


class StationRepository(SQLAlchemyAsyncRepository[Station]):
    model_type = Station


class DepartmentRepository(SQLAlchemyAsyncRepository[Department]):
    model_type = Department


class LoginSessionRepository(SQLAlchemyAsyncRepository[LoginSession]):
    model_type = LoginSession

    async def by_secret_hash(self, secret_hash: str) -> LoginSession | None:
        return await self.get_one_or_none(LoginSession.secret_hash == secret_hash)

    async def end_all_of(self, user_id: UUID, *, at: datetime, reason: str) -> None:
        await self.session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
        )


class ApiTokenRepository(SQLAlchemyAsyncRepository[ApiToken]):
    model_type = ApiToken

    async def by_secret_hash(self, secret_hash: str) -> ApiToken | None:
        return await self.get_one_or_none(ApiToken.secret_hash == secret_hash)

    async def of_user(self, user_id: UUID) -> list[ApiToken]:
        return await self.get_many(
            ApiToken.user_id == user_id, order_by=[(ApiToken.created_at, True)]
        )

    async def revoke_all_of(self, user_id: UUID, *, at: datetime) -> None:
        await self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
