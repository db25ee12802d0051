"""The catalogue side of a party's to-do list: a station's needs and an organization's offers
still in draft or returned for correction, and the pairing proposals waiting for the visitor's
answer. Each figure comes from the service that lists them (``demand``, ``supply``,
``matching``), under the same policy as the list its link opens, so the count and the list
agree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role
from catalogue.schemas import EntryFilters
from catalogue.workflow import EntryState
from core.clock import Clock
from core.errors import N_
from core.pagination import PageRequest
from demand.service import NeedService
from matching.proposals import ProposalService
from supply.service import OfferService

COUNT_ONLY = PageRequest(1, 1)
UNFINISHED = (EntryState.DRAFT, EntryState.RETURNED)
_LABELS = {
    ("needs", EntryState.DRAFT): N_("Needs in draft, not yet submitted"),
    ("needs", EntryState.RETURNED): N_("Needs returned for correction"),
    ("offers", EntryState.DRAFT): N_("Offers in draft, not yet submitted"),
    ("offers", EntryState.RETURNED): N_("Offers returned for correction"),
}
TO_ANSWER = N_("Pairing proposals awaiting your answer")


@dataclass(frozen=True, slots=True)
class Waiting:
    """One line of the list: what waits (a message id), how many, and the page to do it."""

    label: str
    count: int
    href: str


async def entry_work(session: AsyncSession, clock: Clock, identity: Identity) -> list[Waiting]:
    """The lines for a station worker (its township's needs) and an organization's member (its
    offers), then the proposals either answers; nothing for other roles."""
    found: list[Waiting] = []
    station = identity.has(Role.STATION_WORKER) and identity.township_code is not None
    member = identity.has(Role.MEMBER) and identity.organization_id is not None
    for state in UNFINISHED if station else ():
        needs = await NeedService(session, clock).listed(
            COUNT_ONLY, EntryFilters(state=state), identity, mine=True
        )
        found.append(Waiting(_LABELS["needs", state], needs.total, f"/my/needs?state={state}"))
    for state in UNFINISHED if member else ():
        offers = await OfferService(session, clock).list(
            COUNT_ONLY, EntryFilters(state=state), identity, mine=True
        )
        found.append(Waiting(_LABELS["offers", state], offers.total, f"/my/offers?state={state}"))
    if station or member:
        answers = await ProposalService(session, clock).to_answer(identity)
        found.append(Waiting(TO_ANSWER, answers, "/proposals"))
    return found
