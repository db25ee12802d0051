"""Every query on users, organizations, stations, departments, sessions and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import (
    ApiToken,
    Department,
    LoginSession,
    Organization,
    Station,
    User,
    Verification,
)
from core.audit import AuditEntry
from core.database import locked
from core.pagination import PageRequest


class UserRepository(SQLAlchemyAsyncRepository[User]):
    model_type = User

    async def by_username(self, username: str) -> User | None:
        return await self.get_one_or_none(User.username == username.strip().lower())

    async def signing_in(self, username: str) -> User | None:
        """The account, its row locked until the sign-in's transaction ends: attempts made at
        once (on several app instances) count their failures one after another, none lost."""
        query = select(User).where(User.username == username.strip().lower())
        return await self.session.scalar(locked(query, of=User))

    async def names(self, limit: int) -> list[tuple[str, str]]:
        """(user name, name) of the users, by user name, at most ``limit`` of them."""
        rows = await self.session.execute(
            select(User.username, User.display_name).order_by(User.username).limit(limit)
        )
        return [(username, name) for username, name in rows]

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

    async def page(
        self, page: PageRequest, *, active: bool | None = None
    ) -> tuple[list[Station], int]:
        """By township code (county by county); ``active`` filters open or closed ones."""
        conditions = [] if active is None else [Station.is_active.is_(active)]
        return await self.get_many_and_count(
            *conditions,
            LimitOffset(limit=page.page_size, offset=page.offset),
            order_by=[(Station.township_code, False)],
        )


class DepartmentRepository(SQLAlchemyAsyncRepository[Department]):
    model_type = Department

    async def page(self, page: PageRequest) -> tuple[list[Department], int]:
        return await self.get_many_and_count(
            LimitOffset(limit=page.page_size, offset=page.offset),
            order_by=[(Department.name, False)],
        )


class LoginSessionRepository(SQLAlchemyAsyncRepository[LoginSession]):
    model_type = LoginSession

    async def by_secret_hash(self, secret_hash: str) -> LoginSession | None:
        return await self.get_one_or_none(LoginSession.secret_hash == secret_hash)

    async def end_all_of(
        self, user_id: UUID, *, at: datetime, reason: str, keep: str | None = None
    ) -> None:
        """End the user's open sessions, except the one whose secret hash is ``keep``."""
        statement = update(LoginSession).where(
            LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
        )
        if keep is not None:
            statement = statement.where(LoginSession.secret_hash != keep)
        await self.session.execute(statement.values(ended_at=at, end_reason=reason))


class ApiTokenRepository(SQLAlchemyAsyncRepository[ApiToken]):
    model_type = ApiToken

    async def by_secret_hash(self, secret_hash: str) -> ApiToken | None:
        return await self.get_one_or_none(ApiToken.secret_hash == secret_hash)

    async def of_user(self, user_id: UUID) -> list[ApiToken]:
        return await self.get_many(
            ApiToken.user_id == user_id, order_by=[(ApiToken.created_at, True)]
        )

    async def page_of_user(self, user_id: UUID, page: PageRequest) -> tuple[list[ApiToken], int]:
        return await self.get_many_and_count(
            ApiToken.user_id == user_id,
            LimitOffset(limit=page.page_size, offset=page.offset),
            order_by=[(ApiToken.created_at, True)],
        )

    async def revoke_all_of(self, user_id: UUID, *, at: datetime) -> None:
        await self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class AuditEntryRepository(SQLAlchemyAsyncRepository[AuditEntry]):
    model_type = AuditEntry

    async def page(
        self,
        page: PageRequest,
        *,
        action: str | None = None,
        object_types: list[str] | None = None,
        actor_username: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[list[AuditEntry], int]:
        """Newest first; ``object_types`` any of these; ``since`` is inclusive, ``until``
        exclusive."""
        conditions = []
        if action:
            conditions.append(AuditEntry.action == action)
        if object_types:
            conditions.append(AuditEntry.object_type.in_(object_types))
        if actor_username:
            conditions.append(AuditEntry.actor_username == actor_username)
        if since is not None:
            conditions.append(AuditEntry.occurred_at >= since)
        if until is not None:
            conditions.append(AuditEntry.occurred_at < until)
        return await self.get_many_and_count(
            *conditions,
            LimitOffset(limit=page.page_size, offset=page.offset),
            order_by=[(AuditEntry.occurred_at, True), (AuditEntry.id, True)],
        )


@dataclass(frozen=True, slots=True)
class DirectoryCounts:
    """How many users, organizations (by verification state), stations and departments."""

    users: int
    organizations: dict[Verification, int]
    stations: int
    departments: int

    @property
    def organizations_total(self) -> int:
        return sum(self.organizations.values())


class DirectoryCountRepository:
    """The administrators' dashboard figures, a handful of COUNT queries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def counts(self) -> DirectoryCounts:
        rows = await self.session.execute(
            select(Organization.verification, func.count()).group_by(Organization.verification)
        )
        by_state = {state: count for state, count in rows}
        return DirectoryCounts(
            users=await self._count(User),
            organizations={state: by_state.get(state, 0) for state in Verification},
            stations=await self._count(Station),
            departments=await self._count(Department),
        )

    async def _count(self, model: type[User | Station | Department]) -> int:
        return await self.session.scalar(select(func.count()).select_from(model)) or 0
