"""Reading the audit log: the administrators' page, newest first, with filters.

Dates are calendar days in UTC and both ends are inclusive: ``from 2025-03-01 to 2025-03-01``
is that whole day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.repository import AuditEntryRepository
from core.audit import AuditEntry
from core.errors import N_, FieldProblem, InvalidInput
from core.pagination import PageRequest, Slice

DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Exact action, object type and actor user name; a range of UTC days."""

    action: str | None = None
    object_type: str | None = None
    actor_username: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(
        cls,
        *,
        action: str | None = None,
        object_type: str | None = None,
        actor: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> AuditFilters:
        """Filters from query-string values (blank means no filter), or ``InvalidInput``
        naming the bad field (``from`` or ``to``)."""
        problems: list[FieldProblem] = []
        first = _day(date_from, "from", problems)
        last = _day(date_to, "to", problems)
        if first is not None and last is not None and first > last:
            problems.append(
                FieldProblem("to", "before_start", N_("The end date is before the start date."))
            )
        if problems:
            raise InvalidInput(N_("Some fields need correcting."), problems=problems)
        return cls(
            action=_text(action),
            object_type=_text(object_type),
            actor_username=_text(actor),
            date_from=first,
            date_to=last,
        )

    @property
    def since(self) -> datetime | None:
        """The first instant of the first day (inclusive)."""
        return _midnight(self.date_from) if self.date_from else None

    @property
    def until(self) -> datetime | None:
        """The first instant after the last day (exclusive)."""
        return _midnight(self.date_to + timedelta(days=1)) if self.date_to else None

    def query(self) -> dict[str, str]:
        """The filters as query-string values, for links that keep them (pagination)."""
        values = {
            "action": self.action,
            "object_type": self.object_type,
            "actor": self.actor_username,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in values.items() if value}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _day(value: str | None, field: str, problems: list[FieldProblem]) -> date | None:
    text = _text(value)
    if text is None:
        return None
    if DATE_FORMAT.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(
        FieldProblem(field, "invalid_date", N_("Enter a date as YYYY-MM-DD, e.g. 2025-03-01."))
    )
    return None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class AuditLogService:
    def __init__(self, session: AsyncSession) -> None:
        self.entries = AuditEntryRepository(session=session)

    async def page(self, page_request: PageRequest, filters: AuditFilters) -> Slice[AuditEntry]:
        """One page of entries, newest first."""
        items, total = await self.entries.page(
            page_request,
            action=filters.action,
            object_type=filters.object_type,
            actor_username=filters.actor_username,
            since=filters.since,
            until=filters.until,
        )
        return Slice.of(items, total, page_request)


async def provide_audit_log(db_session: NamedDependency[AsyncSession]) -> AuditLogService:
    return AuditLogService(db_session)
