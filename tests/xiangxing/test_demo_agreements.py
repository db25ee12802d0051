"""The demo holds agreements from its first signing event in every state, with indicator
targets and the scans of those signed on paper, so a newcomer sees the whole flow: the member
and the station each find what awaits them, the event's page gathers them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from agreements.documents import DocumentStore
from agreements.gathering import event_gathering, own_agreements
from agreements.lifecycle import Step
from agreements.models import Agreement, AgreementDocument, AgreementState
from agreements.policy import agreement_readable
from core.settings import Settings
from matching.models import SigningEvent
from xiangxing.demo_agreements import EVENT_NAME


async def _identity(demo: AsyncSession, username: str) -> Identity:
    return Identity.of((await demo.scalars(select(User).where(User.username == username))).one())


async def test_the_first_event_holds_an_agreement_in_every_state_with_targets(
    demo: AsyncSession,
) -> None:
    agreements = list(await demo.scalars(select(Agreement).order_by(Agreement.number)))
    assert {agreement.state for agreement in agreements} == set(AgreementState)
    event = (await demo.scalars(select(SigningEvent).where(SigningEvent.name == EVENT_NAME))).one()
    assert {agreement.event_id for agreement in agreements} == {event.id}
    assert all(agreement.indicators for agreement in agreements)
    from_pairing = next(agreement for agreement in agreements if agreement.proposals)
    assert from_pairing.state is AgreementState.DRAFT
    assert [line.amount for line in from_pairing.lines] == [60000]
    terminated = next(a for a in agreements if a.state is AgreementState.TERMINATED)
    assert terminated.termination_reason


async def test_the_scans_of_paper_signatures_are_stored(
    demo: AsyncSession, demo_settings: Settings
) -> None:
    store = DocumentStore.of(demo_settings)
    documents = list(await demo.scalars(select(AgreementDocument)))
    assert len(documents) == 4
    for document in documents:
        content = store.read(document.sha256)
        assert content.startswith(b"%PDF-")


async def test_member_and_station_find_what_awaits_them(demo: AsyncSession) -> None:
    member = await own_agreements(demo, await _identity(demo, "org_member"))
    assert sorted(step for _agreement, steps in member for step in steps) == [
        Step.COMPLETE,
        Step.CONFIRM,
    ]
    worker = await own_agreements(demo, await _identity(demo, "station_worker"))
    awaiting_worker = sorted(step for _agreement, steps in worker for step in steps)
    assert awaiting_worker == [Step.CONFIRM, Step.CONFIRM_COMPLETION]


async def test_the_event_gathers_origins_coverage_and_its_signed_agreements(
    demo: AsyncSession,
) -> None:
    reviewer = await _identity(demo, "reviewer")
    event = (await demo.scalars(select(SigningEvent).where(SigningEvent.name == EVENT_NAME))).one()
    gathered = await event_gathering(demo, event, agreement_readable(reviewer))
    assert len(gathered.agreements) == 6
    assert gathered.funnel.signed == 4, "signed, in progress, confirmed, completed"
    assert gathered.counties.reached == 2
    assert gathered.counties.in_scope == 2
    assert {origin.value: count for origin, count in gathered.origins.items()} == {
        "national": 1,
        "provincial": 1,
        "east_west": 1,
        "local": 1,
    }
