"""The audit log: who did what to which object, when, from where, with before and after.

One table for every package, written through ``record()`` in the same transaction as the change
it describes, so a rolled-back change leaves no audit row and a committed one always has one.
Secrets never enter it: keys that name passwords, tokens, hashes or secrets are redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, String, delete, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

RETENTION_DAYS = 180
REDACTED = "[redacted]"
SECRET_KEY = re.compile(r"password|passwd|secret|token|hash|csrf|api_key|apikey", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in user, or an anonymous visitor known only by address."""

    user_id: str | None
    username: str | None
    role: str | None
    ip: str | None


class AuditEntry(UUIDv7Base):
    __tablename__ = "audit_entry"

    occurred_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_username: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), index=True)
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))


def record(
    session: AsyncSession,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime,
) -> AuditEntry:
    """Add an audit row to the session's transaction."""
    entry = AuditEntry(
        occurred_at=at,
        actor_id=actor.user_id,
        actor_username=actor.username,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=redact(before) if before is not None else None,
        after=redact(after) if after is not None else None,
        ip=actor.ip,
    )
    session.add(entry)
    return entry


def record_change(
    session: AsyncSession,
    target: Any,
    *,
    actor: Actor,
    action: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """An audit row about one stored object, named by its table and id."""
    return record(
        session,
        actor=actor,
        action=action,
        object_type=type(target).__tablename__,
        object_id=target.id,
        before=before,
        after=after,
        at=at,
    )


def snapshot(instance: object, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The column values of a model instance, ready for ``before``/``after``."""
    mapper = inspect(type(instance))
    return {
        column.key: getattr(instance, column.key)
        for column in mapper.column_attrs
        if column.key not in exclude and not column.key.startswith("_")
    }


def redact(values: Any) -> Any:
    """JSON-safe copy with every secret-looking key's value replaced."""
    if isinstance(values, dict):
        return {
            str(key): REDACTED if _is_secret(str(key), value) else redact(value)
            for key, value in values.items()
        }
    if isinstance(values, list | tuple | set | frozenset):
        return [redact(value) for value in values]
    if isinstance(values, Enum):
        return values.value
    if isinstance(values, datetime | date):
        return values.isoformat()
    if isinstance(values, UUID | Decimal):
        return str(values)
    return values


def _is_secret(key: str, value: object) -> bool:
    """A secret-looking key, unless its value is a flag or empty (``must_change_password``)."""
    return bool(SECRET_KEY.search(key)) and not isinstance(value, bool) and value is not None


async def prune(session: AsyncSession, *, older_than_days: int, now: datetime) -> int:
    """Delete entries older than the given age; never younger than the retention period."""
    if older_than_days < RETENTION_DAYS:
        msg = f"audit entries are kept at least {RETENTION_DAYS} days"
        raise ValueError(msg)
    result = await session.execute(
        delete(AuditEntry).where(AuditEntry.occurred_at < now - timedelta(days=older_than_days))
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # a DML result has one
