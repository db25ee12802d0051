"""Reading the audit log: the administrators' page and its download, newest first, with
filters, each entry in words (``accounts.audit_words``), its object by name with a link
(``accounts.audit_names``) and its change as a before/after table (``accounts.audit_changes``).

Dates are calendar days in China (Beijing time, as the page shows every time) and both ends
are inclusive: ``from 2025-03-01 to 2025-03-01`` is that whole day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.audit_changes import Change, changes_of
from accounts.audit_names import Named, names_of
from accounts.audit_words import (
    ACTIONS,
    OBJECT_TYPES,
    SAME_TYPE,
    object_label,
    phrase,
    stored_types,
)
from accounts.identity import Identity
from accounts.policy import reads_audit_log
from accounts.repository import AuditEntryRepository, UserRepository
from core.audit import AuditEntry
from core.clock import CHINA
from core.errors import N_, FieldProblem, InvalidInput, PermissionDenied
from core.pagination import PageRequest, Slice

DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPORT_LIMIT = 10_000
"""The most entries one download holds; a wider filter is refused with this number."""
CHOOSE = N_("Choose one of the options.")
PEOPLE_OFFERED = 2_000
"""The user names the person filter suggests; any other can still be typed."""


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Exact action (a code of the table), object type, actor user name; a range of days in
    China."""

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
        naming the bad field (``action``, ``object_type``, ``from`` or ``to``)."""
        problems: list[FieldProblem] = []
        chosen_action = _choice(action, ACTIONS, "action", problems)
        chosen_type = _choice(object_type, OBJECT_TYPES, "object_type", problems)
        first = _day(date_from, "from", problems)
        last = _day(date_to, "to", problems)
        if first is not None and last is not None and first > last:
            problems.append(
                FieldProblem("to", "before_start", N_("The end date is before the start date."))
            )
        if problems:
            raise InvalidInput(N_("Some fields need correcting."), problems=problems)
        return cls(
            action=chosen_action,
            object_type=chosen_type,
            actor_username=_text(actor),
            date_from=first,
            date_to=last,
        )

    @property
    def since(self) -> datetime | None:
        """The first instant of the first day in China (inclusive)."""
        return _midnight(self.date_from) if self.date_from else None

    @property
    def until(self) -> datetime | None:
        """The first instant after the last day in China (exclusive)."""
        return _midnight(self.date_to + timedelta(days=1)) if self.date_to else None

    @property
    def object_types(self) -> list[str] | None:
        """The stored types the object type filter matches (a user is ``user`` at sign-in)."""
        return stored_types(self.object_type) if self.object_type else None

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


def _choice(
    value: str | None, table: dict[str, str], field: str, problems: list[FieldProblem]
) -> str | None:
    text = _text(value)
    if text is not None and text not in table:
        problems.append(FieldProblem(field, "enum", CHOOSE))
        return None
    return text


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
    return datetime.combine(day, time.min, tzinfo=CHINA)


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry as people read it: the phrase of its action, its object by name, its change."""

    entry: AuditEntry
    phrase: str
    object_label: str
    named: Named | None
    changes: list[Change]


class AuditLogService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.entries = AuditEntryRepository(session=session)
        self.users = UserRepository(session=session)

    async def page(
        self, identity: Identity | None, page_request: PageRequest, filters: AuditFilters
    ) -> Slice[AuditLine]:
        """One page of entries, newest first."""
        _check(identity)
        items, total = await self._entries(page_request, filters)
        return Slice.of(await self._lines(items), total, page_request)

    async def people(self) -> list[tuple[str, str]]:
        """(user name, name) of the users, offered by the person filter."""
        return await self.users.names(PEOPLE_OFFERED)

    async def export(self, identity: Identity | None, filters: AuditFilters) -> list[AuditLine]:
        """Every entry the filters match, newest first; at most ``EXPORT_LIMIT``."""
        _check(identity)
        items, total = await self._entries(PageRequest(1, EXPORT_LIMIT), filters)
        if total > EXPORT_LIMIT:
            raise InvalidInput(
                N_(
                    "%(count)s entries match; a download holds at most %(limit)s. "
                    "Narrow the filters, for example to fewer days."
                ),
                params={"count": total, "limit": EXPORT_LIMIT},
            )
        return await self._lines(items)

    async def _entries(
        self, page_request: PageRequest, filters: AuditFilters
    ) -> tuple[list[AuditEntry], int]:
        return await self.entries.page(
            page_request,
            action=filters.action,
            object_types=filters.object_types,
            actor_username=filters.actor_username,
            since=filters.since,
            until=filters.until,
        )

    async def _lines(self, items: list[AuditEntry]) -> list[AuditLine]:
        names = await names_of(self.session, ((e.object_type, e.object_id) for e in items))
        return [
            AuditLine(
                entry=entry,
                phrase=phrase(entry.action),
                object_label=object_label(entry.object_type),
                named=names.get(
                    (SAME_TYPE.get(entry.object_type, entry.object_type), entry.object_id or "")
                ),
                changes=changes_of(entry.before, entry.after),
            )
            for entry in items
        ]


def _check(identity: Identity | None) -> None:
    if not reads_audit_log(identity):
        raise PermissionDenied(N_("Only administrators may read the audit log."))


async def provide_audit_log(db_session: NamedDependency[AsyncSession]) -> AuditLogService:
    return AuditLogService(db_session)
