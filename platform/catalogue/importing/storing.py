"""Storing a checked import: every entry created as a draft, in one flush, with one audit row.

Each entry goes through its service's ``create``, so an imported draft is exactly what the
form would have made; the service's own problems are put back on their row and column, and any
of them leaves nothing stored. The single ``need.imported`` / ``offer.imported`` audit row
records the whole import rather than one row per entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalogue.importing.cells import _column_key
from catalogue.importing.problems import RowProblem, RowsRejected
from catalogue.sheet import SheetKind
from core.audit import Actor, record
from core.errors import InvalidInput
from demand.service import NeedService
from supply.service import OfferService

if TYPE_CHECKING:
    from catalogue.importing.plan import ImportPlan


async def store(plan: ImportPlan, actor: Actor, filename: str) -> list[Any]:
    """Create every checked entry as a draft, then one audit row for the import."""
    service: NeedService | OfferService
    if plan.kind is SheetKind.NEEDS:
        service = NeedService(plan.session, plan.clock)
    else:
        service = OfferService(plan.session, plan.clock)
    created: list[Any] = []
    problems: list[RowProblem] = []
    with plan.session.no_autoflush:  # one flush at the end, not one per row's lookups
        for number, fields in plan.entries:
            try:
                owner = plan.owner_of(number)
                created.append(
                    await service.create(fields, plan.identity, actor, flush=False, **owner)
                )
            except InvalidInput as error:
                for problem in error.problems:
                    key = _column_key(problem.field, type(fields), [])
                    header = plan.columns[key].header if key in plan.columns else key
                    problems.append(
                        RowProblem(number, header, problem.code, problem.message, problem.params)
                    )
    if problems:
        raise RowsRejected(plan._sorted(problems))
    entry = "need" if plan.kind is SheetKind.NEEDS else "offer"
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
