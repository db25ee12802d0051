"""Every table of every domain, imported once so Alembic sees the whole schema."""

from advanced_alchemy.base import orm_registry

from accounts.models import ApiToken, Department, LoginSession, Organization, Station, User
from catalogue.models import Category, EntryEvent
from core.audit import AuditEntry
from demand.models import Need, NeedLine, NeedPhoto
from regions.models import Region
from supply.models import Offer, OfferLine

metadata = orm_registry.metadata

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Category",
    "Department",
    "EntryEvent",
    "LoginSession",
    "Need",
    "NeedLine",
    "NeedPhoto",
    "Offer",
    "OfferLine",
    "Organization",
    "Region",
    "Station",
    "User",
    "metadata",
]
