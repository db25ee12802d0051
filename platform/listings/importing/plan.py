"""Checking every row of a file into NeedFields or OfferFields, collecting every problem.

An import is all or nothing, so every row is checked before anything is stored, including for
duplicates against the database and against earlier rows of the same file; only a file without
any problem reaches storing. ``import_file`` is the whole import: read, check, store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Organization, Role, Verification
from catalogue.workflow import EntryState
from core.audit import Actor
from core.categories import TopCategory
from core.clock import Clock, local_date
from core.database import write_phase
from core.errors import N_
from demand.models import Channel, Need
from demand.policy import may_post_in
from demand.schemas import NeedFields
from listings.importing import cells, storing
from listings.importing.cells import MISSING, NOT_ONE_OF
from listings.importing.problems import RowProblem, RowsRejected
from listings.importing.reading import SheetRow, keyed_rows, read_rows
from listings.sheet import (
    CHANNEL_WORDS,
    CITY_CODE,
    GROUP_WORDS,
    URGENCY_WORDS,
    SheetKind,
    Vocabulary,
    columns_of,
    load_vocabulary,
    words_index,
)
from regions.models import Region, RegionLevel
from supply.models import Offer
from supply.schemas import OfferFields

ACTIVE_STATES = (
    EntryState.DRAFT,
    EntryState.SUBMITTED,
    EntryState.RETURNED,
    EntryState.PUBLISHED,
)
"""Entries a new one may duplicate; closed and withdrawn ones are history."""
QUERY_CHUNK = 500
Checked = list[tuple[cells._Row, Any, str | None]]
"""Each row with its checked fields (None if it has problems) and its place."""


class ImportPlan:
    """Checks every row of one file for one importing identity; then stores them all."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        kind: SheetKind,
        identity: Identity,
        vocabulary: Vocabulary,
    ) -> None:
        self.session = session
        self.clock = clock
        self.kind = kind
        self.identity = identity
        self.vocabulary = vocabulary
        self.columns = {c.key: c for c in columns_of(kind)}
        self.today = local_date(clock())
        self.problems: list[RowProblem] = []
        self.entries: list[tuple[int, Any, str | None]] = []
        """Each row to store: its number, its checked fields and its place (see ``Checked``)."""
        self.organizations: dict[str, Organization] = {}
        """Verified organizations by name and by credit code, for reviewers' offer rows."""
        self.owners: dict[int, Organization] = {}
        """Row number → the organization a reviewer's offer row is entered for."""
        self.batch_stored: Callable[[list[Any]], Awaitable[None]] | None = None
        """Awaited with each batch's entries once it is flushed, before it commits: where a
        test looks at an import half stored."""

    @property
    def on_behalf(self) -> bool:
        """A reviewer entering for stations, associations, departments or organizations (代录),
        rather than a station or an organization entering its own."""
        return Role.REVIEWER in self.identity.roles

    def _within_scope(self, row: cells._Row, top: str | None) -> None:
        if self.on_behalf and top is not None and not self.identity.may_review(TopCategory(top)):
            row.problem(
                "category",
                "not_your_category",
                N_("You review only %(categories)s; this row is %(category)s."),
                categories="、".join(
                    self.vocabulary.category_name(c.value)
                    for c in sorted(self.identity.reviewer_categories)
                ),
                category=self.vocabulary.category_name(top),
            )

    @classmethod
    async def of(
        cls, session: AsyncSession, clock: Clock, kind: SheetKind, identity: Identity
    ) -> ImportPlan:
        plan = cls(session, clock, kind, identity, await load_vocabulary(session))
        if kind is SheetKind.OFFERS and plan.on_behalf:
            verified = await session.scalars(
                select(Organization).where(Organization.verification == Verification.VERIFIED)
            )
            for organization in verified:
                plan.organizations[organization.name] = organization
                plan.organizations[organization.credit_code] = organization
        return plan

    def owner_of(self, number: int) -> dict[str, Any]:
        """What ``create`` needs beyond the fields: the organization of a reviewer's row."""
        owner = self.owners.get(number)
        return {"on_behalf_of": owner} if owner is not None else {}

    # needs

    def need_row(self, row: cells._Row) -> tuple[NeedFields | None, str | None]:
        title = row.required("title")
        top, sub = cells.category(self.vocabulary, row)
        self._within_scope(row, top)
        channel = self._channel(row)
        region = self._need_region(row, channel)
        deadline = row.date_in("deadline")
        if deadline is not None and deadline <= self.today:
            row.problem("deadline", "past", N_("The deadline must be in the future."))
        urgency = row.word("urgency", URGENCY_WORDS)
        if urgency is None and "urgency" not in row.flagged:
            row.problem("urgency", "missing", MISSING)
        groups = []
        for word in row.listed("beneficiary_groups"):
            found = words_index(GROUP_WORDS).get(word.casefold())
            if found is None:
                row.problem(
                    "beneficiary_groups",
                    "unknown_value",
                    NOT_ONE_OF,
                    value=word,
                    choices="、".join(spellings[0] for spellings in GROUP_WORDS.values()),
                )
            else:
                groups.append(found)
        lines = row.lines()
        values = {
            "title": title,
            "category": top,
            "subcategory": sub,
            "region_code": region.code if region else None,
            "description": row.text("description"),
            "beneficiary_count": row.whole("beneficiary_count", 0),
            "beneficiary_groups": list(dict.fromkeys(groups)),
            "lines": lines,
            "urgency": urgency,
            "deadline": deadline,
            "tags": row.listed("tags"),
            "channel": channel or Channel.STATION,
            "channel_name": row.text("channel_name"),
        }
        fields = row.validated(NeedFields, values, lines)
        return fields, (region.code if region else None)

    def _channel(self, row: cells._Row) -> Channel | None:
        """社工站 unless the row says otherwise; only reviewers import for associations and
        departments, and for any township's station (代录)."""
        channel = row.word("channel", CHANNEL_WORDS, Channel.STATION)
        if "channel" in row.flagged:
            return None
        if channel is not Channel.STATION and not self.on_behalf:
            row.problem(
                "channel",
                "not_yours",
                N_("Only reviewers post needs on behalf of associations or departments."),
            )
        return channel

    def _need_region(self, row: cells._Row, channel: Channel | None) -> Region | None:
        text = row.required("region")
        if not text:
            return None
        region = cells.region(self.vocabulary, row, "region", text)
        if region is None:
            return None
        if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
            row.problem("region", "wrong_region", N_("Choose a township or a village."))
            return None
        if not self.on_behalf and not may_post_in(self.identity, region):
            row.problem(
                "region",
                "wrong_region",
                N_("A station posts needs only for its own township and its villages."),
            )
            return None
        return region

    # offers

    def offer_row(self, row: cells._Row) -> tuple[OfferFields | None, str | None]:
        title = row.required("title")
        top, sub = cells.category(self.vocabulary, row)
        self._within_scope(row, top)
        organization = self._organization(row)
        regions: list[str] = []
        for text in row.listed("service_regions"):
            if text in ("昭通市", "昭通", "全市"):
                regions.append(CITY_CODE)
            elif (found := cells.region(self.vocabulary, row, "service_regions", text)) is not None:
                regions.append(found.code)
        if not regions and "service_regions" not in row.flagged:
            row.problem("service_regions", "missing", MISSING)
        lines = row.lines()
        values = {
            "title": title,
            "category": top,
            "subcategory": sub,
            "description": row.text("description"),
            "lines": lines,
            "service_region_codes": list(dict.fromkeys(regions)),
            "valid_from": row.date_in("valid_from", default=self.today),
            "valid_until": row.date_in("valid_until"),
            "capacity": row.whole("capacity", 1),
            "contact_name": row.text("contact_name"),
            "contact_phone": row.text("contact_phone"),
            "tags": row.listed("tags"),
        }
        fields = row.validated(OfferFields, values, lines)
        if fields is not None and organization is not None:
            self.owners[row.number] = organization
        return fields, str(organization.id if organization else self.identity.organization_id)

    def _organization(self, row: cells._Row) -> Organization | None:
        """A reviewer names a verified organization (by name or credit code) on each row; a
        member's rows are their own organization's, so the column stays empty or names it."""
        text = row.text("organization")
        if not self.on_behalf:
            if text and text != self.identity.affiliation_name:
                row.problem(
                    "organization",
                    "not_yours",
                    N_("Members import offers only for their own organization."),
                )
            return None
        if not text:
            if "organization" not in row.flagged:
                row.problem("organization", "missing", MISSING)
            return None
        found = self.organizations.get(text.upper()) or self.organizations.get(text)
        if found is None:
            row.problem(
                "organization",
                "unknown_organization",
                N_("No verified organization is called %(value)s."),
                value=text,
            )
        return found

    # the whole file

    async def check(self, rows: list[SheetRow]) -> Checked:
        """Every row on its own, in a worker thread (no I/O: the vocabulary is loaded)."""
        return await anyio.to_thread.run_sync(self._check_rows, rows)

    async def check_duplicates(self, checked: Checked) -> None:
        """Duplicates against the database and earlier rows; then every problem, or none.

        Runs in the write phase, so that a concurrent import cannot slip the same titles in
        between the check and the store."""
        existing = await self._existing([fields.title for _, fields, _ in checked if fields])
        seen: dict[tuple[str, str | None], int] = {}
        for row, fields, place in checked:
            if fields is not None:
                key = (fields.title, place)
                if key in existing:
                    row.problem("title", "duplicate", self._duplicate_message())
                elif key in seen:
                    row.problem("title", "duplicate", self._repeat_message(), row=seen[key])
                else:
                    seen[key] = row.number
            if row.problems:
                self.problems.extend(row.problems)
            else:
                self.entries.append((row.number, fields, place))
        if self.problems:
            raise RowsRejected(self._sorted(self.problems))

    def _check_rows(self, rows: list[SheetRow]) -> Checked:
        checked: Checked = []
        fields: NeedFields | OfferFields | None
        for sheet_row in rows:
            row = cells._Row(sheet_row, self.columns)
            if self.kind is SheetKind.NEEDS:
                fields, place = self.need_row(row)
            else:
                fields, place = self.offer_row(row)
            checked.append((row, fields, place))
        return checked

    def _duplicate_message(self) -> str:
        if self.kind is SheetKind.NEEDS:
            return N_("A need with this title already exists for this place.")
        return N_("The organization already has an offer with this title.")

    def _repeat_message(self) -> str:
        if self.kind is SheetKind.NEEDS:
            return N_("Row %(row)s already has the same title and place.")
        return N_("Row %(row)s already has the same title for the same organization.")

    async def duplicates_since_checked(
        self, entries: list[tuple[int, Any, str | None]], batch: str
    ) -> None:
        """Rows of a later batch that another import stored meanwhile (visible or still being
        stored itself) are duplicates after all: the whole import is refused."""
        existing = await self._existing([fields.title for _, fields, _ in entries], batch)
        header, message = self.columns["title"].header, self._duplicate_message()
        problems = [
            RowProblem(number, header, "duplicate", message)
            for number, fields, place in entries
            if (fields.title, place) in existing
        ]
        if problems:
            raise RowsRejected(problems)

    async def _existing(
        self, titles: list[str], batch: str | None = None
    ) -> set[tuple[str, str | None]]:
        """Active entries with these titles, leaving out this import's own stored batches."""
        found: set[tuple[str, str | None]] = set()
        unique = sorted(set(titles))
        for start in range(0, len(unique), QUERY_CHUNK):
            chunk = unique[start : start + QUERY_CHUNK]
            if self.kind is SheetKind.NEEDS:
                rows = await self.session.execute(
                    select(Need.title, Need.region_code).where(
                        Need.title.in_(chunk),
                        Need.state.in_(ACTIVE_STATES),
                        or_(Need.import_batch.is_(None), Need.import_batch != batch),
                    )
                )
                found.update((title, region) for title, region in rows)
            else:
                rows = await self.session.execute(
                    select(Offer.title, Offer.organization_id).where(
                        Offer.title.in_(chunk),
                        Offer.state.in_(ACTIVE_STATES),
                        or_(Offer.import_batch.is_(None), Offer.import_batch != batch),
                    )
                )
                found.update((title, str(organization)) for title, organization in rows)
        return found

    def _sorted(self, problems: list[RowProblem]) -> list[RowProblem]:
        order = {c.header: i for i, c in enumerate(self.columns.values())}
        return sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))

    async def store(self, actor: Actor, filename: str) -> list[Any]:
        """Create every checked entry as a draft, then one audit row: see ``storing``."""
        return await storing.store(self, actor, filename)


def _read_keyed(kind: SheetKind, filename: str, content: bytes) -> list[SheetRow]:
    return keyed_rows(kind, read_rows(filename, content))


async def import_file(
    session: AsyncSession,
    clock: Clock,
    kind: SheetKind,
    identity: Identity,
    actor: Actor,
    filename: str,
    content: bytes,
) -> list[Any]:
    """Read, check and store one file: every entry, or nothing and every problem.

    Reading and checking rows is CPU work of seconds for a full file: it runs in a worker
    thread so that the app goes on answering everyone else meanwhile, and before the write
    lock is taken (`write_phase`; the routes declare ``WRITES_LATE``), so that sign-ins and
    edits on SQLite wait only for the storing.
    """
    rows = await anyio.to_thread.run_sync(_read_keyed, kind, filename, content)
    plan = await ImportPlan.of(session, clock, kind, identity)
    checked = await plan.check(rows)
    async with write_phase(session):
        await plan.check_duplicates(checked)
        return await plan.store(actor, filename)
