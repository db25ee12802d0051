"""Fixtures of the pairing tests: the parties and a published need and offer."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.bureau import bureau, catalogue
from tests.matching.parties import Parties, parties_at, people

__all__ = ["bureau", "catalogue"]
"""The signing-event fixtures (`tests.matching.bureau`), for every test of the package."""


@pytest.fixture
async def parties(session: AsyncSession, client: AsyncClient) -> Parties:
    await people(session)
    return await parties_at(client)


@pytest.fixture
async def pair(parties: Parties, clock: FakeClock) -> tuple[dict, dict]:
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    return need, offer
