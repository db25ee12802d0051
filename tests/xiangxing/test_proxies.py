"""Behind the reverse proxy: the client's address in the audit log comes from
``X-Forwarded-For`` only when the peer is a configured trusted proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from core.settings import Settings
from tests.clients import serve
from tests.factories import csrf_token

PEER = "127.0.0.1"
"""The address the test transport connects from: the proxy, as the app sees it."""
FORWARDED = {"X-Forwarded-For": "203.0.113.7, 10.0.0.2", "X-Forwarded-Proto": "https"}
"""A visitor at 203.0.113.7 through an inner proxy at 10.0.0.2: the address recorded is the
nearest one that is not a trusted proxy."""


async def _failed_sign_in_ip(app: Litestar, session: AsyncSession, headers: dict[str, str]) -> str:
    async with serve(app) as client:
        token = await csrf_token(client)
        await client.post(
            "/login",
            data={"username": "nobody", "password": "Wrong-password-1", "_csrf_token": token},
            headers=headers,
        )
    entry = await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "login.failed")
        .order_by(AuditEntry.occurred_at.desc())
    )
    assert entry is not None
    return str(entry.ip)


@pytest.mark.parametrize(
    ("trusted", "recorded"),
    [
        (("127.0.0.1",), "10.0.0.2"),
        (("127.0.0.0/8", "10.0.0.0/8"), "203.0.113.7"),
        (("192.0.2.0/24",), PEER),
        ((), PEER),
    ],
    ids=["trusted-peer", "trusted-chain", "untrusted-peer", "no-proxy-configured"],
)
async def test_forwarded_address_is_believed_only_from_trusted_proxies(
    test_settings: Settings,
    make_app: Callable[[Settings], Litestar],
    session: AsyncSession,
    trusted: tuple[str, ...],
    recorded: str,
) -> None:
    app = make_app(test_settings.model_copy(update={"trusted_proxies": trusted}))
    assert await _failed_sign_in_ip(app, session, FORWARDED) == recorded
