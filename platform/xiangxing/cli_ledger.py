"""``xiangxing ledger verify``: walk every agreement's hash chain and name any break, then
recompute the money summary the monitoring reads from the entries and name any difference, for
an audit or after restoring a backup."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.ext.asyncio import AsyncSession

from funds.chain import ChainBreak, verify
from funds.repository import LedgerRepository
from monitoring.summary_check import Difference, summary_differences
from xiangxing import models as _registry  # noqa: F401 (every table: the ledger's foreign keys take their column types from them)
from xiangxing.cli_support import in_transaction


@click.group("ledger")
def ledger_group() -> None:
    """The funds ledger."""


async def breaks(session: AsyncSession) -> tuple[int, list[ChainBreak]]:
    """How many chains were walked, and the first break of each broken one."""
    walked = 0
    found: list[ChainBreak] = []
    async for chain in LedgerRepository(session).chains():
        walked += 1
        broken = verify(chain)
        if broken is not None:
            found.append(broken)
    return walked, found


async def findings(
    session: AsyncSession,
) -> tuple[int, list[ChainBreak], int, list[Difference]]:
    walked, found = await breaks(session)
    return (walked, found, *await summary_differences(session))


@ledger_group.command("verify")
def verify_ledger() -> None:
    """Check every agreement's chain of entries and money summary; exit 1 naming each break
    and each difference."""
    walked, found, summarised, differences = asyncio.run(in_transaction(findings))
    for broken in found:
        click.echo(f"broken: {broken}", err=True)
    for difference in differences:
        click.echo(f"summary differs: {difference}", err=True)
    if found or differences:
        raise SystemExit(1)
    click.echo(f"{walked} ledger chains verify")
    click.echo(f"the money summaries of {summarised} agreements agree with their ledgers")
