"""Reading an agreement's ledger and appending to it.

An entry is appended in the request's transaction with the agreement row locked
(``core.database.locked``): concurrent writers to one agreement take turns, each reads the
entries the previous one committed, checks the invariants (``funds.ledger``) against them and
appends with the next sequence and the chain hash (``funds.chain``). A refused entry changes
nothing. Only the parties and staff read the ledger; only signed agreements (and later states)
take entries. A confirmation or reversal writes what was delivered back to the agreement's need
and offer lines in the same transaction (``funds.deliveries``), and every entry rewrites the
agreement's money summary the monitoring reads (``funds.summary``). Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from agreements.lifecycle import SIGNED_OR_LATER
from agreements.models import Agreement
from agreements.policy import parties_of
from agreements.service import AgreementService
from core.audit import Actor, record_change, snapshot
from core.clock import Clock
from core.columns import ZERO
from core.errors import N_, Conflict, PermissionDenied
from funds import chain
from funds.deliveries import write_deliveries
from funds.ledger import NOT_REVERSIBLE, BadReversal, Balance, balance, check
from funds.models import EntryType, LedgerEntry
from funds.policy import REFUSALS, may_record
from funds.repository import LedgerRepository
from funds.schemas import EntryIn
from funds.summary import write_summary

CHANGES_DELIVERED = (EntryType.RECEIPT_CONFIRMATION, EntryType.REVERSAL)
"""A confirmation adds to what was delivered; a reversal may cancel a confirmation or a
confirmed disbursement (a dispute holds a disbursement apart, so it changes nothing)."""


class LedgerClosed(Conflict):
    code = "ledger_closed"


@dataclass(frozen=True, slots=True)
class Ledger:
    agreement: Agreement
    entries: list[LedgerEntry]
    balance: Balance


def takes_entries(agreement: Agreement) -> bool:
    """Only a signed agreement (or one further on) records money and goods."""
    return agreement.state in SIGNED_OR_LATER


class LedgerService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.agreements = AgreementService(session, clock)
        self.ledger = LedgerRepository(session)

    async def read(self, agreement_id: UUID, identity: Identity | None) -> Ledger:
        agreement = await self.agreements.require(agreement_id, identity, private=True)
        entries = await self.ledger.entries(agreement.id)
        return Ledger(agreement, entries, balance(entries))

    async def append(
        self, agreement_id: UUID, data: EntryIn, identity: Identity, actor: Actor
    ) -> LedgerEntry:
        agreement = await self.agreements.require(agreement_id, identity, private=True, lock=True)
        if not takes_entries(agreement):
            raise LedgerClosed(N_("Only a signed agreement records money and goods."))
        entries = await self.ledger.entries(agreement.id)
        by_id = {entry.id: entry for entry in entries}
        named = by_id.get(data.reverses_id or data.confirms_id)  # type: ignore[arg-type]
        kind = data.entry_type
        if kind is EntryType.REVERSAL:
            if named is None or named.entry_type is EntryType.REVERSAL:
                raise BadReversal(NOT_REVERSIBLE)
            kind = named.entry_type
        if not may_record(kind, parties_of(identity, agreement)):
            raise PermissionDenied(REFUSALS[kind])
        entry = self._entry(agreement, data, identity, entries, named)
        check(entries, entry)
        self.session.add(entry)
        await self.session.flush()
        await write_summary(self.session, agreement, [*entries, entry])
        if entry.entry_type in CHANGES_DELIVERED:
            await write_deliveries(self.session, agreement, [*entries, entry])
        record_change(
            self.session,
            entry,
            actor=actor,
            action=f"ledger.{entry.entry_type.value}",
            after=snapshot(entry),
            at=entry.created_at,
        )
        return entry

    def _entry(
        self,
        agreement: Agreement,
        data: EntryIn,
        identity: Identity,
        entries: list[LedgerEntry],
        named: LedgerEntry | None,
    ) -> LedgerEntry:
        """The next entry of the chain; one naming another takes that one's amount."""
        entry = LedgerEntry(
            agreement_id=agreement.id,
            sequence=len(entries) + 1,
            entry_type=data.entry_type,
            amount=named.amount if named else (data.amount or ZERO).quantize(ZERO),
            quantity=named.quantity if named else data.quantity,
            unit=named.unit if named else data.unit,
            spend_category=data.spend_category,
            evidence=data.evidence,
            note=data.note,
            reverses_id=data.reverses_id,
            confirms_id=data.confirms_id,
            actor_id=identity.user_id,
            actor_name=identity.username,
            created_at=self.clock(),
            previous_hash=entries[-1].content_hash if entries else chain.GENESIS,
        )
        entry.content_hash = chain.content_hash(entry)
        return entry
