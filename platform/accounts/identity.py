"""The signed-in user as every request sees it (``request.user``), loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from accounts.models import Role, User, Verification
from core.audit import Actor
from core.categories import TopCategory


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: UUID
    username: str
    display_name: str
    roles: frozenset[Role]
    organization_id: UUID | None
    station_id: UUID | None
    township_code: str | None
    department_id: UUID | None
    reviewer_categories: frozenset[TopCategory]
    affiliation_name: str
    must_change_password: bool
    session_secret_hash: str | None = None
    token_id: UUID | None = None
    organization_verified: bool = False
    """Whether the member's organization is verified (False for everyone else)."""

    @classmethod
    def of(
        cls, user: User, *, session_secret_hash: str | None = None, token_id: UUID | None = None
    ) -> Identity:
        return cls(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            roles=user.role_set,
            organization_id=user.organization_id,
            organization_verified=user.organization is not None
            and user.organization.verification is Verification.VERIFIED,
            station_id=user.station_id,
            township_code=user.station.township_code if user.station else None,
            department_id=user.department_id,
            reviewer_categories=frozenset(TopCategory(c) for c in user.reviewer_categories),
            affiliation_name=user.affiliation_name,
            must_change_password=user.must_change_password,
            session_secret_hash=session_secret_hash,
            token_id=token_id,
        )

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def may_review(self, category: TopCategory) -> bool:
        """Reviewers review every category unless their account names some."""
        return Role.REVIEWER in self.roles and (
            not self.reviewer_categories or category in self.reviewer_categories
        )

    @property
    def primary_role(self) -> Role | None:
        return min(self.roles, key=list(Role).index) if self.roles else None

    def actor(self, ip: str | None) -> Actor:
        role = self.primary_role
        return Actor(
            user_id=str(self.user_id),
            username=self.username,
            role=role.value if role else None,
            ip=ip,
        )
