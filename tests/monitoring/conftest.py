"""Fixtures of the monitoring tests: the generated records, and staff with bearer headers."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.agreements.conftest import parties, proposal
from tests.factories import bearer, make_user
from tests.monitoring.records import Records, build
from tests.monitoring.review_records import build_half_year


@pytest.fixture
async def records(session: AsyncSession) -> Records:
    return await build(session)


@pytest.fixture
async def staff(session: AsyncSession, client: AsyncClient) -> dict[str, dict[str, str]]:
    """Bearer headers of a viewer, an administrator and an organization member."""
    headers = {}
    for name, role in (("viewer", Role.VIEWER), ("admin", Role.ADMIN), ("member", Role.MEMBER)):
        await make_user(session, role, username=f"stats_{name}")
        headers[name] = await bearer(client, f"stats_{name}")
    return headers


@pytest.fixture
async def half_year(session: AsyncSession) -> Records:
    return await build_half_year(session)


__all__ = ["half_year", "parties", "proposal", "records", "staff"]
