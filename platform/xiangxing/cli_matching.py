"""``xiangxing matching``: store the segmented words of entries written before the words were
stored, or by bulk inserts (`matching.terms`); carry out a claimed plan run as the planning
process the plan job starts (`matching.plan_process`)."""

from __future__ import annotations

import asyncio
import select
import sys
from uuid import UUID

import click
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from core.clock import utc_now
from matching.models import PlanRunState
from matching.plan_work import RunNotRunning, carry_out, get_ready
from matching.terms import store_missing
from matching.weights import weights_from
from xiangxing import models as _registry  # noqa: F401 (every table, and the words' flush events)
from xiangxing.cli_support import in_transaction, settings_or_exit, with_engine
from xiangxing.wiring import register_listeners

PLANNING_COMMAND = (sys.executable, "-m", "xiangxing.cli", "matching", "run-plan")
"""The planning process of a run, less the run's id: this interpreter, whatever its path."""


@click.group("matching")
def matching_group() -> None:
    """Pairing and signing-event plans."""


@matching_group.command("store-terms")
def store_terms() -> None:
    """Store the words of every need and offer whose words are missing or out of date."""
    stored = asyncio.run(in_transaction(store_missing))
    click.echo(f"stored the words of {stored} entries")


def run_id_given(wait_seconds: float) -> UUID | None:
    """The run's id, read from standard input by a process started ahead; None when none came
    within ``wait_seconds`` or the job that started it closed the pipe (it went away)."""
    ready, _, _ = select.select([sys.stdin], [], [], wait_seconds)
    line = sys.stdin.readline().strip() if ready else ""
    if not line:
        return None
    try:
        return UUID(line)
    except ValueError as error:
        raise click.BadParameter(f"not a plan run's id: {line!r}") from error


@matching_group.command("run-plan")
@click.argument("run_id", type=click.UUID, required=False)
@click.option(
    "--wait-seconds",
    type=click.FloatRange(min=0),
    default=0,
    help="Without RUN_ID: wait this long for it on standard input, then exit.",
)
def run_plan(run_id: UUID | None, wait_seconds: float) -> None:
    """Make the plan of the running (claimed) plan run RUN_ID and store it; exits 1 if the plan
    failed (the run says why). The plan job starts it, one process per run, either with the
    run's id or ahead of the run (then the id comes on standard input)."""
    settings = settings_or_exit()
    if run_id is None:
        get_ready()
        if (run_id := run_id_given(wait_seconds)) is None:
            return
    register_listeners()

    async def action(engine: AsyncEngine) -> PlanRunState:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return await carry_out(
                session, run_id, weights_from(settings), settings.plan_min_score, utc_now
            )

    try:
        ended = asyncio.run(with_engine(action))
    except RunNotRunning as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"plan run {run_id}: {ended.value}")
    if ended is not PlanRunState.DONE:
        sys.exit(1)
