"""The demo's agreements: a first signing event, half a year back, whose agreements stand in
every state of their lifecycle — a draft made from the accepted apple-seedling pairing, one
signed, one in progress, one whose completion the village confirmed, one completed and one
terminated — with indicator targets, so a newcomer sees the whole flow from each role.

Made through the agreement and document services as the accounts would make them (a reviewer
enters paper agreements and records their signature after uploading the scan; the demo member
and the demo station sign on the platform and confirm the work), so amounts, numbers, the
audit trail and the scans are what the pages would have written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Organization, User
from agreements.document_service import AgreementDocuments
from agreements.documents import DocumentStore
from agreements.drafting import AgreementDrafting
from agreements.lifecycle import Step
from agreements.models import Agreement, DocumentKind
from agreements.schemas import (
    AgreementCreate,
    IndicatorIn,
    LineIn,
    PaperAgreementCreate,
    Person,
    StepIn,
)
from agreements.service import AgreementService
from core.audit import Actor
from core.clock import local_date
from core.settings import Settings
from matching.models import Proposal, ProposalState, SigningEvent
from regions.models import Region, RegionLevel

EVENT_NAME = "百社助千村签约活动（第一批，示例）"
EVENT_DAYS_AGO = 200
YILE = "530627106000"
PAIRED_VILLAGE = "以勒村"
"""The village of the accepted pairing; the paper agreements go to others."""


@dataclass(frozen=True)
class PaperAgreement:
    """An agreement signed on paper at the event, and the steps taken on it since."""

    organization: str
    title: str
    category: str
    programme: str
    recipient: str
    """``yile`` (a village of the demo station's township), ``zhaoyang`` or ``zhenxiong``."""
    lines: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    steps: list[tuple[str, Step]] = field(default_factory=list)
    """(username, step) after the agreement is entered; ``paper`` marks a recorded signature."""
    reason: str = ""


PAPER = (
    PaperAgreement(
        "中华儿童关爱基金会昭通联络处（示例）",
        "昭阳区儿童之家建设帮扶协议",
        "special_groups",
        "public_welfare",
        "zhaoyang",
        [{"kind": "funds", "amount": "120000", "item": "儿童之家建设和活动经费"}],
        [
            {"name": "受益儿童", "unit": "人", "target": "43"},
            {"name": "开展活动", "unit": "次", "target": "24"},
        ],
        [("reviewer", Step.SIGN_ON_PAPER)],
    ),
    PaperAgreement(
        "云南青基会乡村助学项目组（示例）",
        "以勒镇困境学生助学帮扶协议",
        "talent",
        "talent",
        "yile",
        [
            {"kind": "funds", "amount": "50000", "item": "助学金"},
            {"kind": "goods", "amount": "200", "unit": "套", "item": "校服"},
        ],
        [{"name": "受助学生", "unit": "人", "target": "100"}],
        [("reviewer", Step.SIGN_ON_PAPER), ("reviewer", Step.START)],
    ),
    PaperAgreement(
        "昭通市苹果产业协会（示例）",
        "以勒镇苹果树冬季修剪技术帮扶协议",
        "industry",
        "industry",
        "yile",
        [{"kind": "person_days", "amount": "60", "item": "修剪骨干进村现场教学"}],
        [
            {"name": "培训果农", "unit": "人", "target": "120"},
            {"name": "修剪果园", "unit": "亩", "baseline": "0", "target": "300"},
        ],
        [
            ("org_member", Step.CONFIRM),
            ("station_worker", Step.CONFIRM),
            ("org_member", Step.START),
            ("station_worker", Step.CONFIRM_COMPLETION),
        ],
    ),
    PaperAgreement(
        "沪滇协作乡村振兴工作站（示例）",
        "以勒镇高山农产品消费帮扶协议",
        "consumption",
        "consumption",
        "yile",
        [{"kind": "purchase", "amount": "300000", "item": "高山苹果、马铃薯订单采购"}],
        [{"name": "带动农户增收", "unit": "户", "target": "80"}],
        [
            ("reviewer", Step.SIGN_ON_PAPER),
            ("reviewer", Step.START),
            ("station_worker", Step.CONFIRM_COMPLETION),
            ("reviewer", Step.COMPLETE),
        ],
    ),
    PaperAgreement(
        "镇雄县志愿者协会（示例）",
        "镇雄县留守老人探访帮扶协议",
        "special_groups",
        "vitality",
        "zhenxiong",
        [{"kind": "person_days", "amount": "150", "item": "志愿者探访"}],
        [{"name": "探访老人", "unit": "人", "target": "60"}],
        [("reviewer", Step.SIGN_ON_PAPER), ("reviewer", Step.TERMINATE)],
        reason="村里已纳入县级居家养老服务项目，双方协商终止，避免重复帮扶。",
    ),
)


async def acting_as(session: AsyncSession, username: str) -> tuple[Identity, Actor]:
    user = (await session.scalars(select(User).where(User.username == username))).one()
    return Identity.of(user), Actor(str(user.id), user.username, user.roles[0], None)


async def _villages(session: AsyncSession) -> dict[str, list[str]]:
    """Villages to receive help: of the demo station's township, of 昭阳区, of 镇雄县 outside
    以勒镇."""

    async def villages_under(prefix: str, *, not_under: str = "") -> list[str]:
        query = select(Region.code).where(
            Region.level == RegionLevel.VILLAGE,
            Region.code.startswith(prefix),
            Region.short_name != PAIRED_VILLAGE,
        )
        if not_under:
            query = query.where(~Region.code.startswith(not_under))
        return list(await session.scalars(query.order_by(Region.code).limit(6)))

    return {
        "yile": await villages_under(YILE[:9]),
        "zhaoyang": await villages_under("530602"),
        "zhenxiong": await villages_under("530627", not_under=YILE[:9]),
    }


def scan_pdf(number: str) -> bytes:
    """A one-page PDF standing in for the signed paper's scan."""
    text = f"BT /F1 18 Tf 72 760 Td (Demo scan of agreement {number}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for index, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (index, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


class DemoAgreements:
    """Enters and steps the demo's agreements on the days they happened."""

    def __init__(self, session: AsyncSession, settings: Settings, now: datetime) -> None:
        self.session = session
        self.event_day = now - timedelta(days=EVENT_DAYS_AGO)
        self.store = DocumentStore.of(settings)
        self.now = now

    def _service(self, at: datetime) -> AgreementService:
        return AgreementService(self.session, lambda: at)

    def _drafting(self, at: datetime) -> AgreementDrafting:
        return AgreementDrafting(self.session, lambda: at)

    def _documents(self, at: datetime) -> AgreementDocuments:
        return AgreementDocuments(self.session, lambda: at, self.store)

    async def load(self, event: SigningEvent) -> int:
        """Enter every agreement of the event and take its steps; returns how many."""
        villages = await _villages(self.session)
        made = [await self._from_pairing(event)]
        for index, paper in enumerate(PAPER):
            made.append(await self._from_paper(event, paper, villages[paper.recipient][index]))
        return len(made)

    def _terms(self, event: SigningEvent, title: str, programme: str) -> dict[str, Any]:
        start = local_date(self.event_day)
        return {
            "title": title,
            "programme": programme,
            "event_id": event.id,
            "period_start": start,
            "period_end": date(start.year + 1, start.month, 1) - timedelta(days=1),
            "organization_signatory": "示例会长",
            "recipient_signatory": "示例村主任",
            "recipient_contact": Person(name="示例村干部", phone="0870-2222222"),
        }

    async def _from_pairing(self, event: SigningEvent) -> Agreement:
        """The accepted apple-seedling pairing as a draft both sides have still to sign."""
        proposal = (
            await self.session.scalars(
                select(Proposal).where(Proposal.state == ProposalState.ACCEPTED)
            )
        ).one()
        member, actor = await acting_as(self.session, "org_member")
        data = AgreementCreate(
            **self._terms(event, "以勒村高山苹果新建园苗木补助协议", "industry"),
            proposal_ids=[proposal.id],
            indicators=[
                IndicatorIn(name="新建苹果园", unit="亩", target=Decimal(50)),
                IndicatorIn(name="受益农户", unit="户", target=Decimal(30)),
            ],
        )
        return await self._drafting(self.now).create_from_proposals(data, member, actor)

    async def _from_paper(
        self, event: SigningEvent, paper: PaperAgreement, village: str
    ) -> Agreement:
        organization_id = (
            await self.session.scalars(
                select(Organization.id).where(Organization.name == paper.organization)
            )
        ).one()
        reviewer, reviewer_actor = await acting_as(self.session, "reviewer")
        data = PaperAgreementCreate(
            **self._terms(event, paper.title, paper.programme),
            organization_id=organization_id,
            category=paper.category,
            region_code=village,
            lines=[LineIn(**line) for line in paper.lines],
            indicators=[IndicatorIn(**indicator) for indicator in paper.indicators],
        )
        agreement = await self._drafting(self.event_day).enter_from_paper(
            data, reviewer, reviewer_actor
        )
        for day, (username, step) in enumerate(paper.steps):
            at = self.event_day + timedelta(days=day * 14)
            identity, actor = await acting_as(self.session, username)
            if step is Step.SIGN_ON_PAPER:
                await self._documents(at).add(
                    agreement.id,
                    DocumentKind.SIGNED_SCAN,
                    f"{agreement.number}-签字盖章扫描件.pdf",
                    scan_pdf(agreement.number),
                    identity,
                    actor,
                )
            body = StepIn(
                version=agreement.version,
                reason=paper.reason if step is Step.TERMINATE else "",
                signed_on=local_date(at) if step is Step.SIGN_ON_PAPER else None,
            )
            agreement = await self._service(at).take(agreement.id, step, body, identity, actor)
        return agreement


async def demo_event(session: AsyncSession, now: datetime) -> SigningEvent:
    """The first signing event, held half a year ago for the demo stations' two counties."""
    counties = await session.scalars(
        select(Region.code)
        .where(Region.level == RegionLevel.COUNTY, Region.short_name.in_(("镇雄县", "昭阳区")))
        .order_by(Region.code)
    )
    event = SigningEvent(
        name=EVENT_NAME,
        held_on=local_date(now - timedelta(days=EVENT_DAYS_AGO)),
        place="镇雄县人民会堂（示例）",
        county_codes=list(counties),
        uncovered={},
        pairs=[],
    )
    session.add(event)
    await session.flush()
    return event


async def load_demo_agreements(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """The first event and its agreements; returns how many agreements were made."""
    return await DemoAgreements(session, settings, now).load(await demo_event(session, now))
