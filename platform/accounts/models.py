"""Who uses the platform: organizations, stations, departments, their users, sessions, tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base, orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.columns import value_enum
from core.errors import N_
from regions.models import Region


class Role(StrEnum):
    MEMBER = "member"
    STATION_WORKER = "station_worker"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def affiliation(self) -> Affiliation:
        """Members belong to an organization, workers to a station, staff to a department."""
        if self is Role.MEMBER:
            return Affiliation.ORGANIZATION
        if self is Role.STATION_WORKER:
            return Affiliation.STATION
        return Affiliation.DEPARTMENT


class Affiliation(StrEnum):
    ORGANIZATION = "organization"
    STATION = "station"
    DEPARTMENT = "department"


_ROLE_LABELS = {
    Role.MEMBER: N_("Organization member"),
    Role.STATION_WORKER: N_("Station worker"),
    Role.REVIEWER: N_("Reviewer"),
    Role.ADMIN: N_("Administrator"),
    Role.VIEWER: N_("Monitoring viewer"),
}


class LabelledEnum(StrEnum):
    """An enum whose members carry a gettext id for pages (``labels`` maps value → id)."""

    @property
    def label(self) -> str:
        return self._labels()[self.value]

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError


class OrganizationType(LabelledEnum):
    SOCIAL_GROUP = "social_group"
    SOCIAL_SERVICE = "social_service"
    FOUNDATION = "foundation"
    TRADE_ASSOCIATION = "trade_association"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "social_group": N_("Social group"),
            "social_service": N_("Social service agency"),
            "foundation": N_("Foundation"),
            "trade_association": N_("Trade association or chamber"),
        }


class Origin(LabelledEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    EAST_WEST = "east_west"
    LOCAL = "local"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "national": N_("National"),
            "provincial": N_("Provincial"),
            "east_west": N_("East-west pairing"),
            "local": N_("Local"),
        }


class RegistrationLevel(LabelledEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "national": N_("Ministry of Civil Affairs"),
            "provincial": N_("Provincial civil-affairs department"),
            "city": N_("City civil-affairs bureau"),
            "county": N_("County civil-affairs bureau"),
        }


class Verification(LabelledEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "pending": N_("Awaiting verification"),
            "verified": N_("Verified"),
            "suspended": N_("Suspended"),
        }


organization_region = Table(
    "organization_region",
    orm_registry.metadata,
    Column(
        "organization_id",
        ForeignKey("organization.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("region_code", ForeignKey("region.code", ondelete="RESTRICT"), primary_key=True),
)


class Organization(UUIDv7AuditBase):
    """A social organization (社会组织); its contact data is private to platform users."""

    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    org_type: Mapped[OrganizationType] = mapped_column(value_enum(OrganizationType))
    origin: Mapped[Origin] = mapped_column(value_enum(Origin))
    registration_level: Mapped[RegistrationLevel] = mapped_column(value_enum(RegistrationLevel))
    has_party_branch: Mapped[bool] = mapped_column(Boolean, default=False)
    focus_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    verification: Mapped[Verification] = mapped_column(
        value_enum(Verification), default=Verification.PENDING, index=True
    )
    verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    service_regions: Mapped[list[Region]] = relationship(
        secondary=organization_region, lazy="selectin", order_by=Region.code
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def service_region_codes(self) -> list[str]:
        return [region.code for region in self.service_regions]


class Station(UUIDv7AuditBase):
    """A township social-work station (乡镇社工站): one per township."""

    __tablename__ = "station"

    township_code: Mapped[str] = mapped_column(
        ForeignKey("region.code", ondelete="RESTRICT"), unique=True
    )
    name: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    """A closed station keeps its history; its workers can no longer be given it."""

    township: Mapped[Region] = relationship(lazy="joined")


class Department(UUIDv7AuditBase):
    """A government department (民政局, 农业农村局 …) whose staff review and monitor."""

    __tablename__ = "department"

    name: Mapped[str] = mapped_column(String(100), unique=True)


class User(UUIDv7AuditBase):
    """A person who signs in; belongs to exactly one organization, station or department."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN organization_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN station_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN department_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_affiliation",
        ),
    )

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewer_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Empty: the reviewer may review every category."""
    organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    station_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("station.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_consent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the person agreed to the personal-data notice (/privacy) on registering."""

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    station: Mapped[Station | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(role) for role in self.roles)

    @property
    def affiliation_name(self) -> str:
        place = self.organization or self.station or self.department
        return place.name if place is not None else ""


class LoginSession(UUIDv7Base):
    """A signed-in browser; the cookie carries its secret id, this row only its hash.

    Written at login and logout only: ending the row ends the session at once, wherever the
    cookie is.
    """

    __tablename__ = "login_session"

    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(UUIDv7Base):
    """A bearer token for scripts; only its hash is stored, shown once at creation."""

    __tablename__ = "api_token"

    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")
