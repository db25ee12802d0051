"""Storing a checked import: every entry created as a draft, in hidden batches of
``staging.BATCH_ROWS`` (each its own short write transaction, so a sign-in gets the write lock
between two), then made visible in one update with one audit row.

Each entry goes through its service's ``create``, so an imported draft is exactly what the
form would have made; the service's own problems are put back on their row and column, and any
of them leaves nothing stored. The single ``need.imported`` / ``offer.imported`` audit row
records the whole import rather than one row per entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from core.audit import Actor, record
from core.errors import InvalidInput
from demand.models import Need
from demand.service import NeedService
from listings.importing import staging
from listings.importing.cells import _column_key
from listings.importing.problems import RowProblem, RowsRejected
from listings.sheet import SheetKind
from supply.models import Offer
from supply.service import OfferService

if TYPE_CHECKING:
    from listings.importing.plan import ImportPlan


async def store(plan: ImportPlan, actor: Actor, filename: str) -> list[Any]:
    """Create every checked entry as a draft, batch by batch, hidden until all are stored;
    then reveal them with one audit row for the import. Anything failing deletes them all.

    A file of one batch is stored, revealed and audited in one transaction, as before."""
    service: NeedService | OfferService
    model: type[Need] | type[Offer]
    if plan.kind is SheetKind.NEEDS:
        service, model, entry = NeedService(plan.session, plan.clock), Need, "need"
    else:
        service, model, entry = OfferService(plan.session, plan.clock), Offer, "offer"
    batch = str(uuid4())
    created: list[Any] = []
    try:
        for start in range(0, len(plan.entries), staging.BATCH_ROWS):
            entries = plan.entries[start : start + staging.BATCH_ROWS]
            if start:
                await staging.release_write_lock(plan.session)
                await plan.duplicates_since_checked(entries, batch)
            stored = await _create(plan, service, actor, entries, batch)
            if plan.batch_stored is not None:
                await plan.batch_stored(stored)
            created.extend(stored)
        await staging.reveal(plan.session, model, batch)
    except BaseException:
        await staging.discard(plan.session, model, batch)
        raise
    record(
        plan.session,
        actor=actor,
        action=f"{entry}.imported",
        object_type=entry,
        after={"count": len(created), "file": filename[:200]},
        at=plan.clock(),
    )
    await plan.session.flush()
    return created


async def _create(
    plan: ImportPlan,
    service: NeedService | OfferService,
    actor: Actor,
    entries: list[tuple[int, Any, str | None]],
    batch: str,
) -> list[Any]:
    """One batch, marked hidden and flushed once (not once per row's lookups)."""
    created: list[Any] = []
    problems: list[RowProblem] = []
    with plan.session.no_autoflush:
        for number, fields, _ in entries:
            try:
                owner = plan.owner_of(number)
                made = await service.create(fields, plan.identity, actor, flush=False, **owner)
            except InvalidInput as error:
                for problem in error.problems:
                    key = _column_key(problem.field, type(fields), [])
                    header = plan.columns[key].header if key in plan.columns else key
                    problems.append(
                        RowProblem(number, header, problem.code, problem.message, problem.params)
                    )
            else:
                made.import_batch = batch
                created.append(made)
    if problems:
        raise RowsRejected(plan._sorted(problems))
    await plan.session.flush()
    return created
