"""Plans carried out inside the test's transaction: what the planning process does with a run
(`matching.plan_work`) without the process, so that it sees the test's uncommitted catalogue.
The process itself is drilled on a database of its own in `tests/matching/test_plan_process.py`;
`waiting_children` finds the processes started ahead of a plan.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar

from matching.models import PlanRunState
from matching.plan_process import claim
from matching.plan_work import carry_out
from matching.weights import weights_from


async def carry_out_queued(app: Litestar) -> PlanRunState:
    """Claim the oldest queued run as the plan job does, and carry it out with the app's
    settings and clock; how it ended."""
    settings, clock = app.state.settings, app.state.clock
    async with app.state.jobs.session_maker() as session:
        run_id = await claim(session, clock())
        assert run_id is not None, "no plan is queued"
        return await carry_out(
            session, run_id, weights_from(settings), settings.plan_min_score, clock
        )


def waiting_children() -> list[int]:
    """This process's children started ahead (waiting for a run's id)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            parent = next(
                line for line in status.read_text().splitlines() if line.startswith("PPid:")
            )
            cmdline = (status.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, StopIteration):
            continue
        if int(parent.split()[1]) == os.getpid() and b"--wait-seconds" in cmdline:
            found.append(int(status.parent.name))
    return found
