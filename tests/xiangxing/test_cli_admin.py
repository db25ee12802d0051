"""Building the directory of a fresh database from scripts: stations (one, or a file of them,
all or none), organizations, and then their users, whose work then starts."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.settings import get_settings
from tests.clients import serve
from tests.conftest import FakeClock, copy_database
from tests.factories import credit_code, need_body
from xiangxing.app import create_app
from xiangxing.cli import main

STRONG = "Strong-station-pass-77\n"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_file: Path) -> CliRunner:
    """The command line on a database as ``xiangxing db upgrade`` leaves it (a copy of the
    run's migrated database; the upgrade command has tests of its own)."""
    monkeypatch.setenv("XIANGXING_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("XIANGXING_DATABASE_URL", raising=False)
    monkeypatch.delenv("XIANGXING_ENV", raising=False)
    get_settings.cache_clear()
    copy_database(migrated_file, tmp_path)
    yield CliRunner()
    get_settings.cache_clear()


WORKER_YILE = ["user", "create", "--username", "yile", "--role", "station_worker"]


def _create_yile(runner: CliRunner) -> Result:
    """The command an administrator runs for the worker of 以勒镇's station."""
    return runner.invoke(
        main,
        [*WORKER_YILE, "--station", "以勒镇", "--password-stdin"],
        input=STRONG,
    )


def test_a_station_and_its_worker_from_an_empty_database(runner: CliRunner) -> None:
    before = _create_yile(runner)
    assert before.exit_code != 0
    assert "no station for township" in before.output
    created = runner.invoke(
        main,
        [
            "station",
            "create",
            "--township",
            "镇雄县/以勒镇",
            "--contact-name",
            "王芳",
            "--contact-phone",
            "0870-1234567",
        ],
    )
    assert created.exit_code == 0, created.output
    assert "530627106000" in created.output
    assert "以勒镇社工站" in created.output
    twice = runner.invoke(main, ["station", "create", "--township", "530627106000"])
    assert twice.exit_code != 0
    assert "already has a station" in twice.output
    county = runner.invoke(main, ["station", "create", "--township", "镇雄县"])
    assert county.exit_code != 0
    assert "no single township" in county.output
    worker = _create_yile(runner)
    assert worker.exit_code == 0, worker.output
    listed = runner.invoke(main, ["station", "list"])
    assert "镇雄县/以勒镇  以勒镇社工站  open  王芳 0870-1234567" in listed.output
    assert "1 stations" in listed.output


def test_a_file_of_stations_opens_all_or_none(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "乡镇,联系人,联系电话\n镇雄县/泼机镇,张三,\n大关县/翠华镇,,not a phone\n不存在镇,,\n",
        encoding="utf-8",
    )
    refused = runner.invoke(main, ["stations", "import", str(bad)])
    assert refused.exit_code != 0
    assert "nothing imported" in refused.output
    assert "row 3 contact_phone" in refused.output
    assert "row 4 township" in refused.output
    assert "0 stations" in runner.invoke(main, ["station", "list"]).output
    good = tmp_path / "good.csv"
    good.write_text(
        "乡镇,名称,联系人\n镇雄县/泼机镇,,张三\n530624101000,翠华镇社会工作服务站,\n",
        encoding="utf-8",
    )
    imported = runner.invoke(main, ["stations", "import", str(good)])
    assert imported.exit_code == 0, imported.output
    assert "created 2 stations" in imported.output
    again = runner.invoke(main, ["stations", "import", str(good)])
    assert again.exit_code != 0
    assert "row 2 township_code" in again.output
    listed = runner.invoke(main, ["station", "list"]).output
    assert "翠华镇社会工作服务站" in listed
    assert "泼机镇社工站" in listed


def test_an_organization_and_its_member_from_scripts(runner: CliRunner) -> None:
    options = ["org", "create", "--name", "昭通市助学公益协会", "--type", "social_group"]
    options += ["--contact-name", "李敏", "--contact-phone", "0870-2123456"]
    wrong = runner.invoke(main, [*options, "--credit-code", "51530600MJ0000001X"])
    assert wrong.exit_code != 0
    assert "credit_code" in wrong.output
    created = runner.invoke(
        main, [*options, "--credit-code", credit_code(1), "--region", "530627000000"]
    )
    assert created.exit_code == 0, created.output
    assert "verified" in created.output
    member = runner.invoke(
        main,
        [
            "user",
            "create",
            "--username",
            "zhuxue",
            "--role",
            "member",
            "--organization",
            "昭通市助学公益协会",
            "--password-stdin",
        ],
        input=STRONG,
    )
    assert member.exit_code == 0, member.output


@pytest.fixture
def directory_from_scripts(runner: CliRunner) -> CliRunner:
    """A station and its worker made by the commands alone, as a fresh deployment would."""
    assert runner.invoke(main, ["station", "create", "--township", "以勒镇"]).exit_code == 0
    worker = runner.invoke(
        main,
        [
            *("user", "create", "--username", "yile", "--role", "station_worker"),
            *("--station", "以勒镇", "--password-stdin"),
        ],
        input=STRONG,
    )
    assert worker.exit_code == 0, worker.output
    return runner


async def test_the_worker_made_by_the_commands_posts_a_need(
    directory_from_scripts: CliRunner,
) -> None:
    clock = FakeClock()
    async with serve(create_app(get_settings(), clock=clock)) as client:
        token = await client.post(
            "/api/v1/auth/token",
            json={"username": "yile", "password": STRONG.strip()},
        )
        assert token.status_code == 201, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        need = await client.post("/api/v1/needs", json=need_body(clock), headers=headers)
        assert need.status_code == 201, need.text
        assert need.json()["township_code"] == "530627106000"
