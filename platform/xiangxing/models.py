"""Every table of every domain, imported once so Alembic sees the whole schema."""

from advanced_alchemy.base import orm_registry

from accounts.models import ApiToken, Department, LoginSession, Organization, Station, User
from core.audit import AuditEntry
from regions.models import Region

metadata = orm_registry.metadata

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Department",
    "LoginSession",
    "Organization",
    "Region",
    "Station",
    "User",
    "metadata",
]
