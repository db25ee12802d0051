"""``xiangxing ledger verify`` on a database of its own: every chain verifies until a row is
altered behind the application's back (its trigger dropped or disabled), then the command
names the agreement and the entry and exits 1."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.settings import Settings, get_settings
from tests.funds.scratch import funded_agreement
from xiangxing.cli import main

BEHIND_THE_BACK = {
    "sqlite": (
        "DROP TRIGGER ledger_entry_no_update",
        "UPDATE ledger_entry SET amount = 60 WHERE sequence = 2",
        "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry "
        "BEGIN SELECT RAISE(ABORT, 'append-only'); END",
    ),
    "postgresql": (
        "ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only",
        "UPDATE ledger_entry SET amount = 60 WHERE sequence = 2",
        "ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only",
    ),
}


@pytest.fixture
def scratch_environment(
    scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The command's settings point at the scratch database."""
    monkeypatch.setenv("XIANGXING_ENV", "test")
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(scratch_settings.var_dir))
    if scratch_settings.database_url:
        monkeypatch.setenv("XIANGXING_DATABASE_URL", scratch_settings.database_url)
    else:
        monkeypatch.delenv("XIANGXING_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run_verify() -> Result:
    """The command runs its own event loop: in a thread beside the test's."""
    return await anyio.to_thread.run_sync(CliRunner().invoke, main, ["ledger", "verify"])


async def test_verify_names_a_row_altered_behind_the_application(
    scratch_engine: AsyncEngine, scratch_environment: None
) -> None:
    signed = await funded_agreement(scratch_engine)
    clean = await run_verify()
    assert clean.exit_code == 0, clean.output
    assert "1 ledger chains verify" in clean.output

    async with scratch_engine.begin() as connection:
        for statement in BEHIND_THE_BACK[scratch_engine.dialect.name]:
            await connection.execute(text(statement))

    broken = await run_verify()
    assert broken.exit_code == 1
    assert f"agreement {signed.agreement_id}, entry 2: content altered" in broken.output


async def test_verify_names_a_money_summary_altered_behind_the_application(
    scratch_engine: AsyncEngine, scratch_environment: None
) -> None:
    signed = await funded_agreement(scratch_engine)
    clean = await run_verify()
    assert clean.exit_code == 0, clean.output
    assert "the money summaries of 1 agreements agree with their ledgers" in clean.output

    async with scratch_engine.begin() as connection:
        await connection.execute(text("UPDATE agreement_money SET committed = 999"))

    altered = await run_verify()
    assert altered.exit_code == 1
    assert (
        f"agreement {signed.agreement_id}, total: committed is 999.00 in the summary, "
        "1000.00 by the ledger"
    ) in altered.output
