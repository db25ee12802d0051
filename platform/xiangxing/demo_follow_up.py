"""The demo's money and progress reports, on the agreements of its first signing event, so the
ledger, the to-do lists and the reviewers' alerts show every stage:

- the signed agreement (昭阳区儿童之家) holds a commitment only, and after 90 days alerts;
- the one in progress (以勒镇助学) has a commitment, a confirmed disbursement, goods disputed,
  a disbursement awaiting the station's confirmation, expenditures (one without evidence) and
  a reversal of a mistyped one;
- the one confirmed done (苹果修剪) and the completed one (消费帮扶) carry their whole flow,
  each ending with a refund;
- progress reports approved, submitted, returned and one overdue.

Written through ``LedgerService.append`` and ``ReportService`` as the accounts would write
them, each on its day (the services take the moment from their clock), so the chains verify
and every entry and step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import Agreement
from core.clock import Clock, local_date
from funds.models import EntryType
from funds.schemas import EntryIn
from funds.service import LedgerService
from outcomes.models import ProgressReport
from outcomes.periods import agreement_periods, ended
from outcomes.policy import ReportStep
from outcomes.schemas import ReportCreate, ReportStepIn, ValueIn
from outcomes.service import ReportService
from xiangxing.demo_agreements import EVENT_DAYS_AGO, acting_as

FINANCE_OFFICERS = (
    ("qjh_finance", "青基会项目财务", "云南青基会乡村助学项目组（示例）"),
    ("hudian_finance", "沪滇工作站财务", "沪滇协作乡村振兴工作站（示例）"),
)
"""Members who record the money of the paper agreements' organizations (``org_member``
records its own association's)."""

C, D, E = EntryType.COMMITMENT, EntryType.DISBURSEMENT, EntryType.EXPENDITURE
OK, NO = EntryType.RECEIPT_CONFIRMATION, EntryType.RECEIPT_DISPUTE
UNDO, REFUND = EntryType.REVERSAL, EntryType.REFUND


@dataclass(frozen=True)
class Move:
    """One ledger entry: the day after the event, who records it, what; ``name`` lets a later
    confirmation or reversal point at it (``of``)."""

    day: int
    who: str
    kind: EntryType
    fields: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    of: str = ""


LEDGER: dict[str, list[Move]] = {
    "昭阳区儿童之家建设帮扶协议": [
        Move(1, "reviewer", C, {"amount": "120000", "note": "协议约定的建设和活动经费"}),
    ],
    "以勒镇困境学生助学帮扶协议": [
        Move(1, "reviewer", C, {"amount": "60000", "note": "助学金 5 万元，校服 200 套折 1 万元"}),
        Move(20, "qjh_finance", D, {"amount": "20000", "evidence": "银行回单 0031"}, "first"),
        Move(24, "station_worker", OK, of="first"),
        Move(
            40,
            "qjh_finance",
            D,
            {"amount": "6000", "quantity": "120", "unit": "套", "note": "校服第一批"},
            "uniforms",
        ),
        Move(43, "station_worker", NO, {"note": "清点只收到 100 套，差 20 套"}, of="uniforms"),
        Move(
            50,
            "qjh_finance",
            E,
            {"amount": "3000", "spend_category": "助学金发放", "evidence": "学生签领表"},
            "mistyped",
        ),
        Move(51, "qjh_finance", UNDO, {"note": "金额录错，应为 8,000 元"}, of="mistyped"),
        Move(
            51,
            "qjh_finance",
            E,
            {"amount": "8000", "spend_category": "助学金发放", "evidence": "学生签领表 40 份"},
        ),
        Move(
            60,
            "qjh_finance",
            E,
            {"amount": "2000", "spend_category": "运输", "note": "校服运费，发票待补"},
        ),
        Move(150, "qjh_finance", D, {"amount": "15000", "note": "第二批助学金"}),
    ],
    "以勒镇苹果树冬季修剪技术帮扶协议": [
        Move(15, "org_member", C, {"amount": "18000", "note": "修剪骨干 60 人天，按 300 元/人天"}),
        Move(
            30,
            "org_member",
            D,
            {"amount": "18000", "quantity": "60", "unit": "人天", "note": "冬季修剪现场教学"},
            "teaching",
        ),
        Move(33, "station_worker", OK, of="teaching"),
        Move(
            35,
            "org_member",
            E,
            {"amount": "16500", "spend_category": "专家补贴和差旅", "evidence": "补贴签领表、车票"},
        ),
        Move(40, "org_member", REFUND, {"amount": "1500", "note": "差旅结余退回"}),
    ],
    "以勒镇高山农产品消费帮扶协议": [
        Move(1, "reviewer", C, {"amount": "300000", "note": "订单采购总额"}),
        Move(5, "hudian_finance", D, {"amount": "180000", "evidence": "采购付款凭证 HD-01"}, "p1"),
        Move(7, "station_worker", OK, of="p1"),
        Move(15, "hudian_finance", D, {"amount": "120000", "evidence": "采购付款凭证 HD-02"}, "p2"),
        Move(18, "station_worker", OK, of="p2"),
        Move(
            20,
            "hudian_finance",
            E,
            {"amount": "290000", "spend_category": "农产品采购", "evidence": "收购清单和发票"},
        ),
        Move(25, "hudian_finance", REFUND, {"amount": "10000", "note": "采购结余退回"}),
    ],
}

REPORTS: dict[str, tuple[str, list[list[ReportStep]]]] = {
    "以勒镇困境学生助学帮扶协议": ("qjh_finance", [[ReportStep.SUBMIT], []]),
    "以勒镇苹果树冬季修剪技术帮扶协议": (
        "org_member",
        [[ReportStep.SUBMIT, ReportStep.APPROVE], [ReportStep.SUBMIT, ReportStep.RETURN]],
    ),
    "以勒镇高山农产品消费帮扶协议": (
        "hudian_finance",
        [[ReportStep.SUBMIT, ReportStep.APPROVE], [ReportStep.SUBMIT, ReportStep.APPROVE]],
    ),
}
"""Per agreement, who writes its reports, and the steps taken on the report of each of its
first two periods (both have ended and fallen due whenever the demo is loaded): an empty list
leaves a draft past its due date."""


class DemoFollowUp:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.event_day = now - timedelta(days=EVENT_DAYS_AGO)

    def _at(self, moment: datetime) -> datetime:
        """Never later than the demo's present."""
        return min(moment, self.now - timedelta(hours=1))

    async def _agreement(self, title: str) -> Agreement:
        return (await self.session.scalars(select(Agreement).where(Agreement.title == title))).one()

    async def ledger(self, title: str, moves: list[Move]) -> None:
        agreement = await self._agreement(title)
        named: dict[str, UUID] = {}
        for move in moves:
            at = self._at(self.event_day + timedelta(days=move.day, hours=2))
            identity, actor = await acting_as(self.session, move.who)
            fields = dict(move.fields)
            if move.of:
                fields["reverses_id" if move.kind is UNDO else "confirms_id"] = named[move.of]
            data = EntryIn(entry_type=move.kind, **fields)
            entry = await LedgerService(self.session, stopped_at(at)).append(
                agreement.id, data, identity, actor
            )
            if move.name:
                named[move.name] = entry.id

    async def reports(self, title: str, writer: str, plans: list[list[ReportStep]]) -> None:
        agreement = await self._agreement(title)
        frequencies = [indicator.frequency for indicator in agreement.indicators]
        due = ended(
            agreement_periods(agreement.period_start, agreement.period_end, frequencies),
            local_date(self.now),
        )
        for period, steps in zip(due, plans, strict=False):
            written = self._at(
                datetime.combine(period.due_on, time(2), tzinfo=UTC) - timedelta(days=5)
            )
            identity, actor = await acting_as(self.session, writer)
            data = ReportCreate(
                period_start=period.start,
                period_end=period.end,
                narrative=f"{agreement.title}：本期按计划推进，详见附表。",
                values=[
                    ValueIn(indicator_id=indicator.id, actual=_quarter_of(indicator.target))
                    for indicator in agreement.indicators
                ],
            )
            _, report = await ReportService(self.session, stopped_at(written)).create(
                agreement.id, data, identity, actor
            )
            for index, step in enumerate(steps):
                moment = written + timedelta(days=index * 8)
                await self._step(agreement, report, step, moment, writer)

    async def _step(
        self,
        agreement: Agreement,
        report: ProgressReport,
        step: ReportStep,
        at: datetime,
        writer: str,
    ) -> None:
        """The writer submits; the station approves or returns."""
        who = writer if step is ReportStep.SUBMIT else "station_worker"
        identity, actor = await acting_as(self.session, who)
        body = ReportStepIn(
            version=report.version,
            reason="请补充修剪前后果园的对比照片。" if step is ReportStep.RETURN else "",
        )
        await ReportService(self.session, stopped_at(self._at(at))).take(
            agreement.id, report.id, step, body, identity, actor
        )


def stopped_at(moment: datetime) -> Clock:
    """A clock standing at the moment a step of the demo happened."""
    return lambda: moment


def _quarter_of(target: Decimal) -> Decimal:
    return (target / 4).quantize(Decimal(1))


async def load_demo_follow_up(session: AsyncSession, now: datetime) -> None:
    follow_up = DemoFollowUp(session, now)
    for title, moves in LEDGER.items():
        await follow_up.ledger(title, moves)
    for title, (writer, plans) in REPORTS.items():
        await follow_up.reports(title, writer, plans)
