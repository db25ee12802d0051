"""The demo holds money and progress reports at every stage, written through the services: its
ledger verifies from a fresh ``xiangxing ledger verify`` process, every kind of alert shows
for the reviewer, and each party finds its to-do items."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from agreements.models import Agreement
from core.clock import utc_now
from followup.alerts import AlertKind
from followup.schemas import AlertFilters
from followup.service import FollowUpService
from followup.todo import TodoKind
from funds.ledger import balance
from funds.models import EntryType
from funds.repository import LedgerRepository
from outcomes.models import ProgressReport, ReportState
from tests.conftest import copy_database


async def _identity(demo: AsyncSession, username: str) -> Identity:
    return Identity.of((await demo.scalars(select(User).where(User.username == username))).one())


async def _kinds_of_todo(demo: AsyncSession, username: str) -> set[TodoKind]:
    todo = await FollowUpService(demo, utc_now).todo(await _identity(demo, username))
    return {item.kind for item in todo.items}


def test_the_demo_ledger_verifies_from_the_command_line(tmp_path: Path, demo_file: Path) -> None:
    copy_database(demo_file, tmp_path)
    environment = {key: value for key, value in os.environ.items() if key != "XIANGXING_ENV"}
    environment.pop("XIANGXING_DATABASE_URL", None)
    verified = subprocess.run(
        [sys.executable, "-m", "xiangxing.cli", "ledger", "verify"],
        capture_output=True,
        text=True,
        check=False,
        env={**environment, "XIANGXING_VAR_DIR": str(tmp_path)},
    )
    assert verified.returncode == 0, verified.stderr
    assert "4 ledger chains verify" in verified.stdout


async def test_the_ledgers_hold_every_stage(demo: AsyncSession) -> None:
    agreements = {a.title: a for a in await demo.scalars(select(Agreement))}
    ledgers = LedgerRepository(demo)
    signed = await ledgers.entries(agreements["昭阳区儿童之家建设帮扶协议"].id)
    assert [entry.entry_type for entry in signed] == [EntryType.COMMITMENT]
    running = await ledgers.entries(agreements["以勒镇困境学生助学帮扶协议"].id)
    assert {entry.entry_type for entry in running} == set(EntryType) - {EntryType.REFUND}
    assert balance(running).disputed > 0
    completed = await ledgers.entries(agreements["以勒镇高山农产品消费帮扶协议"].id)
    assert balance(completed).refunded > 0
    purchase_line = agreements["以勒镇高山农产品消费帮扶协议"].lines[0]
    assert purchase_line.delivered == purchase_line.amount, "every yuan confirmed"


async def test_reports_stand_approved_submitted_returned_and_overdue(
    demo: AsyncSession,
) -> None:
    states = set(await demo.scalars(select(ProgressReport.state)))
    assert states >= {ReportState.APPROVED, ReportState.SUBMITTED, ReportState.RETURNED}
    assert ReportState.DRAFT in states


async def test_every_kind_of_alert_shows_for_the_reviewer(demo: AsyncSession) -> None:
    alerts = await FollowUpService(demo, utc_now).alerts(
        await _identity(demo, "reviewer"), AlertFilters()
    )
    assert {alert.kind for alert in alerts} == set(AlertKind)


async def test_each_party_finds_its_to_do_items(demo: AsyncSession) -> None:
    assert await _kinds_of_todo(demo, "station_worker") == {
        TodoKind.CONFIRM_RECEIPT,
        TodoKind.APPROVE_REPORT,
        TodoKind.SIGN_AGREEMENT,
    }
    assert await _kinds_of_todo(demo, "org_member") == {
        TodoKind.REPORT_RETURNED,
        TodoKind.SIGN_AGREEMENT,
    }
    assert await _kinds_of_todo(demo, "qjh_finance") == {TodoKind.WRITE_REPORT}
