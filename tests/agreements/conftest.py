"""Fixtures of the agreement tests: the parties of a pairing and an accepted proposal."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.agreements.flow import accepted
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.parties import Parties, parties_at, people


@pytest.fixture
async def parties(session: AsyncSession, client: AsyncClient) -> Parties:
    await people(session)
    return await parties_at(client)


@pytest.fixture
async def proposal(parties: Parties, clock: FakeClock) -> dict[str, Any]:
    """An accepted pairing of 40 person-days of volunteers: the need's only line, fully
    committed by it."""
    need = await parties.publish(
        "needs",
        need_body(clock, lines=[{"kind": "person_days", "amount": "40", "item": "大学生志愿者"}]),
    )
    offer = await parties.publish("offers", offer_body(clock))
    return await accepted(parties, need, offer)
