"""Every table of every domain, imported once so Alembic sees the whole schema."""

from advanced_alchemy.base import orm_registry

from regions.models import Region

metadata = orm_registry.metadata

__all__ = ["Region", "metadata"]
