"""``xiangxing db upgrade`` run as a container's start command runs it: a process of its own
(Alembic's context is process-wide, so two runs in one process prove nothing)."""

from __future__ import annotations

import asyncio
import os
import sys

from core.settings import Settings


async def upgrade_in_a_process(settings: Settings) -> tuple[int, str]:
    """The exit status and output of ``xiangxing db upgrade`` on the settings' database."""
    environment = {
        **os.environ,
        "XIANGXING_DATABASE_URL": settings.resolved_database_url,
        "XIANGXING_DATABASE_PGBOUNCER": str(settings.database_pgbouncer).lower(),
        "XIANGXING_VAR_DIR": str(settings.var_dir),
        "XIANGXING_ENV": "test",
    }
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "xiangxing.cli", "db", "upgrade"),
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()
