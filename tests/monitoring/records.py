"""Agreements with ledger entries across counties, categories, programmes, origins and months,
made through the agreement and ledger services as reviewers, members and a station worker
would make them: what the figures are checked against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Origin, Role, User
from agreements.drafting import AgreementDrafting
from agreements.lifecycle import Step
from agreements.models import Agreement
from agreements.schemas import IndicatorIn, LineIn, PaperAgreementCreate, Person, StepIn
from agreements.service import AgreementService
from core.audit import Actor
from funds.models import EntryType, LedgerEntry
from funds.schemas import EntryIn
from funds.service import LedgerService
from tests.agreements.flow import accepted, signed, step
from tests.conftest import FakeClock
from tests.factories import (
    YILE_VILLAGE,
    bearer,
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
)
from tests.matching.parties import Parties

ZHENXIONG = "530627000000"
ZHAOYANG = "530602000000"
LUDIAN = "530621000000"
QIAOJIA = "530622000000"
PRIVATE_WORDS = ("秘密联系人", "13912345678", "私人签字人", "18887776666")
"""What the records hold that the public must never see: responsible persons, their phones,
signatories (and the organizations' registered contacts, `CONTACT`)."""
CONTACT = ("登记联系人", "0870-5550000")
TALENT = "expert_service"
"""A subcategory of talent, for needs and offers of another category."""
EVIDENCE = "发票号码 44001234，存于协会财务室"
"""The evidence of an expenditure: for the parties and staff, not the public."""


def at(day: str, hour: int = 4) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


LAST_MOMENT = at("2027-02-01")
"""After every record was made."""


@dataclass
class Party:
    identity: Identity
    actor: Actor


async def party_of(session: AsyncSession, user: User) -> Party:
    """The user as the services see a request of theirs (affiliations loaded)."""
    await session.refresh(user, ["organization", "station", "department"])
    return Party(Identity.of(user), Actor(str(user.id), user.username, user.roles[0], None))


@dataclass(frozen=True)
class Plan:
    organization: str
    """The key of its organization in ``Records.members`` (its origin)."""
    category: str
    programme: str
    region: str
    entered: str


PLANS = {
    "a": Plan("national", "industry", "industry", ZHENXIONG, "2026-06-01"),
    "b": Plan("provincial", "talent", "talent", ZHAOYANG, "2026-06-01"),
    "c": Plan("east_west", "industry", "consumption", YILE_VILLAGE, "2026-06-01"),
    "d": Plan("national", "special_groups", "public_welfare", LUDIAN, "2027-01-10"),
    "draft": Plan("local", "talent", "talent", QIAOJIA, "2026-06-01"),
    "ended": Plan("local", "talent", "talent", QIAOJIA, "2026-06-01"),
}
"""The agreements by name: a, b and c of 2026, d of 2027, a draft and one terminated."""


@dataclass
class Records:
    """The agreements made, by name, and the people who made them."""

    session: AsyncSession
    reviewer: Party
    agreements: dict[str, Agreement] = field(default_factory=dict)
    members: dict[str, Party] = field(default_factory=dict)
    worker: Party | None = None
    entries: dict[str, LedgerEntry] = field(default_factory=dict)

    async def organization(self, key: str, origin: Origin) -> None:
        organization = await make_organization(self.session)
        organization.origin = origin
        organization.contact_name, organization.contact_phone = CONTACT
        member = await make_user(self.session, Role.MEMBER, organization=organization)
        self.members[key] = await party_of(self.session, member)

    async def enter(
        self, name: str, plan: Plan, recipient: Party, indicators: Sequence[IndicatorIn] = ()
    ) -> None:
        """A paper agreement entered by the reviewer, then signed by both sides the next day
        unless it stays a draft."""
        member = self.members[plan.organization]
        assert member.identity.organization_id is not None
        data = PaperAgreementCreate(
            title=f"测试帮扶协议{name}",
            category=plan.category,
            programme=plan.programme,
            region_code=plan.region,
            period_start=date(2026, 6, 1),
            period_end=date(2027, 5, 31),
            organization_signatory=PRIVATE_WORDS[2],
            recipient_signatory=PRIVATE_WORDS[2],
            organization_contact=Person(name=PRIVATE_WORDS[0], phone=PRIVATE_WORDS[1]),
            recipient_contact=Person(name=PRIVATE_WORDS[0], phone=PRIVATE_WORDS[3]),
            organization_id=member.identity.organization_id,
            lines=[LineIn(kind="funds", amount=Decimal(100000))],
            indicators=list(indicators),
        )
        entered = at(plan.entered)
        drafting = AgreementDrafting(self.session, lambda: entered)
        self.agreements[name] = await drafting.enter_from_paper(
            data, self.reviewer.identity, self.reviewer.actor
        )
        if name != "draft":
            signed = entered + timedelta(days=1)
            await self.step(name, member, Step.CONFIRM, signed)
            await self.step(name, recipient, Step.CONFIRM, signed)

    async def step(self, name: str, who: Party, step: Step, moment: datetime) -> None:
        agreement = self.agreements[name]
        body = StepIn(version=agreement.version, reason="双方协商终止。")
        self.agreements[name] = await AgreementService(self.session, lambda: moment).take(
            agreement.id, step, body, who.identity, who.actor
        )

    async def book(
        self, name: str, who: Party, entry_type: EntryType, moment: datetime, **body: Any
    ) -> LedgerEntry:
        """An entry on the agreement's ledger at ``moment``; ``label`` names it for later."""
        label = body.pop("label", None)
        if entry_type is EntryType.EXPENDITURE:
            body = {"spend_category": "活动经费", "evidence": EVIDENCE} | body
        if entry_type in (EntryType.REVERSAL, EntryType.RECEIPT_DISPUTE):
            body |= {"note": "金额录入有误。"}
        entry = await LedgerService(self.session, lambda: moment).append(
            self.agreements[name].id,
            EntryIn(entry_type=entry_type, **body),
            who.identity,
            who.actor,
        )
        if label:
            self.entries[label] = entry
        return entry


async def build(session: AsyncSession) -> Records:
    """Four counted agreements (one of them of 2027) in three counties, a draft and a
    terminated one; commitments, disbursements of money and goods, confirmations, a dispute,
    expenditures and reversals across June, July and the turn of the month in China."""
    reviewer = await make_user(session, Role.REVIEWER)
    records = Records(session, await party_of(session, reviewer))
    for key, origin in (
        ("national", Origin.NATIONAL),
        ("provincial", Origin.PROVINCIAL),
        ("east_west", Origin.EAST_WEST),
        ("local", Origin.LOCAL),
    ):
        await records.organization(key, origin)
    station = await make_station(session)
    worker = await party_of(session, await make_user(session, Role.STATION_WORKER, station=station))
    records.worker = worker
    rev, E = records.reviewer, EntryType
    for name, plan in PLANS.items():
        await records.enter(name, plan, worker if plan.region == YILE_VILLAGE else rev)

    national = records.members["national"]
    await records.book("a", rev, E.COMMITMENT, at("2026-06-03"), amount="100000")
    a_paid = await records.book("a", national, E.DISBURSEMENT, at("2026-06-10"), amount="60000")
    await records.book("a", rev, E.RECEIPT_CONFIRMATION, at("2026-06-12"), confirms_id=a_paid.id)
    await records.book("a", national, E.EXPENDITURE, at("2026-07-02"), amount="20000.50")
    await records.step("a", national, Step.START, at("2026-07-03"))

    provincial = records.members["provincial"]
    await records.book("b", rev, E.COMMITMENT, at("2026-06-05"), amount="50000")
    wrong = await records.book("b", provincial, E.DISBURSEMENT, at("2026-06-06"), amount="30000")
    await records.book("b", provincial, E.REVERSAL, at("2026-06-07"), reverses_id=wrong.id)
    late = await records.book(
        "b", provincial, E.DISBURSEMENT, at("2026-06-30", hour=17), amount="25000"
    )
    await records.book("b", rev, E.RECEIPT_CONFIRMATION, at("2026-07-01"), confirms_id=late.id)

    east_west = records.members["east_west"]
    await records.book("c", east_west, E.COMMITMENT, at("2026-06-04"), amount="80000")
    goods = await records.book(
        "c",
        east_west,
        E.DISBURSEMENT,
        at("2026-06-20"),
        amount="16000",
        quantity="200",
        unit="套",
        label="goods",
    )
    await records.book("c", worker, E.RECEIPT_CONFIRMATION, at("2026-06-21"), confirms_id=goods.id)
    cash = await records.book("c", east_west, E.DISBURSEMENT, at("2026-07-05"), amount="10000")
    await records.book("c", worker, E.RECEIPT_DISPUTE, at("2026-07-06"), confirms_id=cash.id)
    await records.book("c", east_west, E.EXPENDITURE, at("2026-07-08"), amount="5000")

    await records.book("d", rev, E.COMMITMENT, at("2027-01-12"), amount="20000")
    d_paid = await records.book("d", national, E.DISBURSEMENT, at("2027-01-13"), amount="20000")
    taken_back = await records.book(
        "d", rev, E.RECEIPT_CONFIRMATION, at("2027-01-14"), confirms_id=d_paid.id
    )
    await records.book("d", rev, E.REVERSAL, at("2027-01-15"), reverses_id=taken_back.id)

    await records.book("ended", rev, E.COMMITMENT, at("2026-06-03"), amount="70000")
    await records.step("ended", rev, Step.TERMINATE, at("2026-06-04"))
    await session.flush()
    return records


async def parties_of(client: AsyncClient, records: Records) -> Parties:
    """The records' station worker, national organization's member and reviewer as API
    callers."""
    assert records.worker is not None
    who = {
        "worker": records.worker,
        "member": records.members["national"],
        "reviewer": records.reviewer,
    }
    return Parties(
        client,
        {name: await bearer(client, party.identity.username) for name, party in who.items()},
    )


async def build_pipeline(client: AsyncClient, records: Records, clock: FakeClock) -> None:
    """Needs and offers at every stage of the pipeline, with each urgency, published in June
    and November 2026 and in January 2027: a draft, one handed in, open ones, one proposed,
    one paired, one under agreement and one completed. The clock ends on 2027-01-20."""
    parties = await parties_of(client, records)

    async def on(day: str) -> None:
        """Move the clock, with fresh tokens for everyone (they last 30 days)."""
        clock.now = at(day)
        parties.headers.update((await parties_of(client, records)).headers)

    async def need(**changes: object) -> dict[str, Any]:
        return await parties.publish("needs", need_body(clock, **changes))

    worker = parties.headers["worker"]
    await parties.client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    handed_in = await parties.client.post(
        "/api/v1/needs", json=need_body(clock, urgency="yellow"), headers=worker
    )
    await parties.client.post(f"/api/v1/needs/{handed_in.json()['id']}/submit", headers=worker)
    offer = await parties.publish(
        "offers", offer_body(clock, capacity=10, valid_until="2027-06-30")
    )
    await parties.publish("offers", offer_body(clock, category="talent", subcategory=TALENT))
    done = await signed(parties, await accepted(parties, await need(), offer))
    for name in ("start", "confirm-completion", "complete"):
        answer = await step(
            parties, "worker" if name == "confirm-completion" else "member", done, name
        )
        assert answer.status_code == 200, answer.text
        done = answer.json()
    await need(urgency="green")
    await on("2026-11-01")
    await signed(parties, await accepted(parties, await need(urgency="green"), offer))
    await accepted(parties, await need(urgency="yellow"), offer)
    await need(category="talent", subcategory=TALENT, urgency="green")
    await on("2026-12-15")
    proposed = await parties.propose("member", await need(), offer)
    assert proposed.status_code == 201, proposed.text
    await on("2027-01-10")
    await need(urgency="yellow")
    await on("2027-01-20")
