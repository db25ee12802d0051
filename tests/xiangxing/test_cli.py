"""The ``xiangxing`` command on a fresh embedded database."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.settings import get_settings
from demand.models import Need
from tests.conftest import REPO_ROOT, copy_database
from xiangxing.cli import main
from xiangxing.cli_support import with_engine
from xiangxing.migrate import alembic_config


@pytest.fixture
def fresh_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("XIANGXING_DATABASE_URL", raising=False)
    monkeypatch.delenv("XIANGXING_ENV", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_db_upgrade_then_current(fresh_environment: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "current"]).output.strip() == "empty database (no revision)"
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "divisions new or changed: 1564" in upgraded.output
    assert (fresh_environment / "xiangxing.db").exists()
    assert runner.invoke(main, ["db", "current"]).output.strip() == HEAD
    again = runner.invoke(main, ["db", "upgrade"])
    assert "divisions new or changed: 0" in again.output


def test_downgrade_asks_before_dropping(fresh_environment: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    refused = runner.invoke(main, ["db", "downgrade", "base"], input="n\n")
    assert refused.exit_code != 0
    assert runner.invoke(main, ["db", "current"]).output.strip() == HEAD
    done = runner.invoke(main, ["db", "downgrade", "base", "--yes"])
    assert done.exit_code == 0, done.output
    assert runner.invoke(main, ["db", "current"]).output.strip() == "empty database (no revision)"


def test_invalid_settings_are_a_clear_error_not_a_traceback(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XIANGXING_ENV", "production")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code != 0
    assert "XIANGXING_SECRET_KEY" in result.output


def test_help_lists_the_commands() -> None:
    output = CliRunner().invoke(main, ["--help"]).output
    for command in ("serve", "demo", "db"):
        assert command in output


def test_user_create_makes_the_first_admin(fresh_environment: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    created = runner.invoke(
        main,
        ["user", "create", "--username", "chief", "--role", "admin", "--password-stdin"],
        input="Strong-admin-pass-99\n",
    )
    assert created.exit_code == 0, created.output
    assert "created department 昭通市民政局" in created.output
    assert "created chief (admin)" in created.output
    weak = runner.invoke(
        main,
        ["user", "create", "--username", "second", "--role", "admin", "--password-stdin"],
        input="password\n",
    )
    assert weak.exit_code != 0
    assert "password:" in weak.output
    taken = runner.invoke(
        main,
        ["user", "create", "--username", "chief", "--role", "viewer", "--password-stdin"],
        input="Strong-admin-pass-99\n",
    )
    assert taken.exit_code != 0
    assert "taken" in taken.output


def test_audit_prune_refuses_less_than_180_days(fresh_environment: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    assert runner.invoke(main, ["audit", "prune", "--older-than-days", "30"]).exit_code != 0
    result = runner.invoke(main, ["audit", "prune", "--older-than-days", "180"])
    assert result.exit_code == 0
    assert "deleted 0 audit entries" in result.output


def test_search_commands_on_a_fresh_database(fresh_environment: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    setup = runner.invoke(main, ["search", "setup"])
    assert setup.exit_code == 0, setup.output
    assert "search index ready (embedded)" in setup.output
    assert (fresh_environment / "search" / "index-0.db").exists()
    rebuilt = runner.invoke(main, ["search", "reindex"])
    assert rebuilt.output.strip() == "reindexed 0 documents"
    assert (fresh_environment / "search" / "CURRENT").exists(), "a new generation went live"
    status = runner.invoke(main, ["search", "status"])
    assert status.output.strip() == "documents: 0; pending changes: 0; oldest pending: -"


@pytest.mark.parametrize("environment", ["production", "test"])
def test_serve_outside_development_refuses_the_development_secret(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("XIANGXING_ENV", environment)
    monkeypatch.delenv("XIANGXING_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "XIANGXING_SECRET_KEY" in result.output
    assert "secrets.token_urlsafe" in result.output, "says how to make one"
    assert "Traceback" not in result.output


def test_search_status_is_one_line_when_the_engine_is_down(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    monkeypatch.setenv("XIANGXING_SEARCH_URL", "http://127.0.0.1:1")
    get_settings.cache_clear()
    result = runner.invoke(main, ["search", "status"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("search engine (meilisearch) unavailable (")
    assert result.output.endswith("pending changes: 0; oldest pending: -\n")


def test_backup_and_restore_commands(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    backup = runner.invoke(main, ["backup", str(fresh_environment / "backup")])
    assert backup.exit_code == 0, backup.output
    assert "sqlite at revision" in backup.output
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(fresh_environment / "restored"))
    get_settings.cache_clear()
    restored = runner.invoke(main, ["restore", str(fresh_environment / "backup")])
    assert restored.exit_code == 0, restored.output
    assert "rows, matching the backup" in restored.output
    again = runner.invoke(main, ["restore", str(fresh_environment / "backup")])
    assert again.exit_code == 1
    assert again.output.startswith("Error: the database holds")


def test_benchmark_generator_refuses_a_database_with_real_entries(
    fresh_environment: Path, demo_file: Path
) -> None:
    """The generator replaces every entry: on a database with real ones (the demo's) it needs
    ``--wipe``."""
    copy_database(demo_file, fresh_environment)
    script = REPO_ROOT / "benchmarks" / "generate_catalogue.py"
    refused = subprocess.run(  # noqa: S603
        [sys.executable, str(script), "--needs", "1", "--offers", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XIANGXING_VAR_DIR": str(fresh_environment)},
    )
    assert refused.returncode == 1
    assert "232 needs and offers this script did not generate" in refused.stderr
    assert "--wipe" in refused.stderr
    needs = asyncio.run(with_engine(_count_needs))
    assert needs == 163, "nothing was deleted"


async def _count_needs(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(Need)) or 0
