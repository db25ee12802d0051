"""Fixtures of the ledger tests: the parties of a pairing and their signed agreement."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.agreements.flow import accepted, signed
from tests.conftest import FakeClock
from tests.factories import need_body, offer_body
from tests.matching.parties import Parties, parties_at, people


@pytest.fixture
async def parties(session: AsyncSession, client: AsyncClient) -> Parties:
    await people(session)
    return await parties_at(client)


@pytest.fixture
async def agreement(parties: Parties, clock: FakeClock) -> dict[str, Any]:
    """A signed agreement between the member's organization and the worker's station."""
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    return await signed(parties, await accepted(parties, need, offer))
