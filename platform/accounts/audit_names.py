"""The objects of audit entries by name, with a link to their page.

Accounts sits below the catalogue, agreements and the rest, so it cannot read their tables.
Each object type gets a *namer*, registered once (accounts' own here, the others by the
composition root): given the ids on one page of the log it answers their names in a single
query. A page of entries costs one query per object type on it, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from accounts.audit_words import SAME_TYPE
from accounts.models import Department, Organization, Station, User


@dataclass(frozen=True, slots=True)
class Named:
    """An object's name and the page that shows it (None: no page to link)."""

    text: str
    href: str | None


Namer = Callable[[AsyncSession, Sequence[UUID]], Awaitable[dict[UUID, Named]]]

_NAMERS: dict[str, Namer] = {}


def name_objects(object_type: str, namer: Namer) -> None:
    """Register the namer of an object type (registering again replaces it)."""
    _NAMERS[object_type] = namer


def namer(
    id_column: InstrumentedAttribute[UUID],
    name_column: InstrumentedAttribute[Any],
    href: str,
    *,
    parent_id: InstrumentedAttribute[UUID] | None = None,
) -> Namer:
    """A namer reading one name column: ``href`` is formatted with ``id`` (and ``parent``, the
    id in ``parent_id``, for an object shown on its parent's page, joined by foreign key)."""

    async def name(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Named]:
        parent = parent_id if parent_id is not None else id_column
        query = select(id_column, name_column, parent).where(id_column.in_(ids))
        if name_column.class_ is not id_column.class_:
            query = query.select_from(id_column.class_).join(name_column.class_)
        rows = await session.execute(query)
        return {
            key: Named(str(text), href.format(id=key, parent=parent_key))
            for key, text, parent_key in rows
        }

    return name


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


async def names_of(
    session: AsyncSession, objects: Iterable[tuple[str, str | None]]
) -> dict[tuple[str, str], Named]:
    """Names of (object type, object id) pairs, one query per type with a namer; an object
    that no longer exists, or of a type without a namer, is left out."""
    wanted: dict[str, set[UUID]] = defaultdict(set)
    for object_type, object_id in objects:
        kind = SAME_TYPE.get(object_type, object_type)
        key = _uuid(object_id)
        if key is not None and kind in _NAMERS:
            wanted[kind].add(key)
    found: dict[tuple[str, str], Named] = {}
    for kind, ids in wanted.items():
        for key, named in (await _NAMERS[kind](session, sorted(ids))).items():
            found[(kind, str(key))] = named
    return found


name_objects("user_account", namer(User.id, User.display_name, "/admin/users/{id}"))
name_objects("organization", namer(Organization.id, Organization.name, "/admin/organizations/{id}"))
name_objects("station", namer(Station.id, Station.name, "/admin/stations/{id}"))
name_objects("department", namer(Department.id, Department.name, "/admin/departments/{id}"))
