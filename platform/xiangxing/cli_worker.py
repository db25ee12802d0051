"""``xiangxing worker``: the periodic and deferred jobs (`core.jobs`) as a process of their own,
for deployments that run the app with ``XIANGXING_JOBS_IN_APP=false``."""

from __future__ import annotations

import asyncio
import signal

import click
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from core.jobs import JobRunner
from xiangxing.cli_support import settings_or_exit, with_engine
from xiangxing.jobs import scheduled_jobs
from xiangxing.wiring import register_listeners


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit.")
def worker(once: bool) -> None:
    """Run due jobs until stopped (Ctrl-C or SIGTERM); any number of workers and apps may run
    beside each other, each run of a job is claimed by one of them."""
    settings = settings_or_exit()
    register_listeners()  # the jobs' writes announce as the app's do

    async def action(engine: AsyncEngine) -> list[str]:
        runner = JobRunner(
            async_sessionmaker(engine, expire_on_commit=False), scheduled_jobs(settings)
        )
        if once:
            return await runner.run_due()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        click.echo("worker running; stop with Ctrl-C")
        await runner.run_until(stop)
        return []

    ran = asyncio.run(with_engine(action))
    if once:
        click.echo(f"ran {len(ran)} due jobs: {', '.join(ran) or '-'}")
