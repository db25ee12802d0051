"""A visitor's to-do list and the reviewers' alerts, gathered for the pages and the API alike.

Both are computed when asked, from the agreements, their ledgers and open reports and the
project's clock: nothing is stored, so an item disappears the moment its step is taken.
Services flush, never commit (these only read).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from agreements.policy import agreement_of_party, parties_of
from core.clock import Clock, local_date
from core.errors import PermissionDenied
from followup.alerts import Alert, AlertKind, ledger_alerts, oldest_first, report_alerts
from followup.entries import Waiting, entry_work
from followup.policy import NO_ALERTS, alerts_readable, sees_alerts, todo_parties
from followup.repository import FollowUpRepository, may_alert
from followup.schemas import AlertFilters
from followup.todo import TodoItem, TodoKind, ledger_items, report_items, signature_items


@dataclass(frozen=True, slots=True)
class Todo:
    items: list[TodoItem]
    counts: dict[TodoKind, int]

    @property
    def total(self) -> int:
        return len(self.items)


class FollowUpService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.clock = clock
        self.session = session
        self.repository = FollowUpRepository(session)

    async def todo(self, identity: Identity) -> Todo:
        """What waits for the visitor on the agreements it is a party to, oldest first."""
        today = self.today()
        agreements = await self.repository.agreements(agreement_of_party(identity))
        signed = [a.id for a in agreements if a.state in SIGNED_OR_LATER]
        entries = await self.repository.entries(signed)
        reports = await self.repository.open_reports(signed)
        items: list[TodoItem] = []
        for agreement in agreements:
            parties = todo_parties(parties_of(identity, agreement))
            items += signature_items(agreement, parties)
            items += ledger_items(agreement, parties, entries.get(agreement.id, []))
            items += report_items(agreement, parties, reports.get(agreement.id, []), today)
        items.sort(key=lambda item: (item.since, item.agreement.number))
        counted = Counter(item.kind for item in items)
        return Todo(items, {kind: counted.get(kind, 0) for kind in TodoKind})

    async def entry_work(self, identity: Identity) -> list[Waiting]:
        """A station's or an organization's unfinished entries and the proposals it answers."""
        return await entry_work(self.session, self.clock, identity)

    async def alerts(self, identity: Identity, filters: AlertFilters) -> list[Alert]:
        """The alerts of the agreements the reviewer follows, oldest first; 403 for others."""
        today = self.today()
        conditions = [*self._followed(identity, filters), may_alert(today)]
        agreements = await self.repository.agreements(*conditions)
        ids = [agreement.id for agreement in agreements]
        entries = await self.repository.entries(ids)
        reports = await self.repository.open_reports(ids)
        found: list[Alert] = []
        for agreement in agreements:
            found += ledger_alerts(agreement, entries.get(agreement.id, []), today)
            found += report_alerts(agreement, reports.get(agreement.id, []), today)
        if filters.kind is not None:
            found = [alert for alert in found if alert.kind is filters.kind]
        return oldest_first(found)

    async def alert_counts(self, identity: Identity, filters: AlertFilters) -> dict[AlertKind, int]:
        """The number of ``alerts`` of each kind, counted by the database."""
        counts = await self.repository.alert_counts(
            self.today(), *self._followed(identity, filters)
        )
        if filters.kind is not None:
            return {kind: count if kind is filters.kind else 0 for kind, count in counts.items()}
        return counts

    def _followed(self, identity: Identity, filters: AlertFilters) -> list[ColumnElement[bool]]:
        if not sees_alerts(identity):
            raise PermissionDenied(NO_ALERTS)
        conditions = [alerts_readable(identity), Agreement.state.in_(SIGNED_OR_LATER)]
        if filters.county is not None:
            conditions.append(Agreement.county_code == filters.county)
        return conditions

    def today(self) -> date:
        return local_date(self.clock())
