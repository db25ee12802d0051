"""The audit log keeps secrets out and keeps rows for at least 180 days."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.audit import REDACTED, Actor, AuditEntry, prune, record, redact

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ACTOR = Actor(user_id=None, username="tester", role="admin", ip="127.0.0.1")


def test_secret_looking_keys_are_redacted_at_any_depth() -> None:
    cleaned = redact(
        {
            "password": "x",
            "password_hash": "$argon2id$…",
            "nested": {"api_token": "xx_abc", "Secret": 1, "name": "ok"},
            "items": [{"csrf_token": "t"}],
            "must_change_password": True,
            "token_id": None,
        }
    )
    assert cleaned == {
        "password": REDACTED,
        "password_hash": REDACTED,
        "nested": {"api_token": REDACTED, "Secret": REDACTED, "name": "ok"},
        "items": [{"csrf_token": REDACTED}],
        "must_change_password": True,
        "token_id": None,
    }


def test_values_become_json_safe() -> None:
    uid = UUID("018f0000-0000-7000-8000-000000000000")
    assert redact({"id": uid, "amount": Decimal("1.50"), "role": Role.ADMIN, "at": NOW}) == {
        "id": str(uid),
        "amount": "1.50",
        "role": "admin",
        "at": NOW.isoformat(),
    }


async def _entry(session: AsyncSession, age_days: int) -> None:
    record(
        session,
        actor=ACTOR,
        action="test.action",
        object_type="test",
        at=NOW - timedelta(days=age_days),
    )
    await session.flush()


async def test_prune_deletes_only_rows_older_than_asked(session: AsyncSession) -> None:
    for age in (10, 179, 200, 400):
        await _entry(session, age)
    deleted = await prune(session, older_than_days=365, now=NOW)
    assert deleted == 1
    ages = await session.scalars(
        select(AuditEntry.occurred_at).where(AuditEntry.action == "test.action")
    )
    assert len(list(ages)) == 3


async def test_prune_never_deletes_younger_than_180_days(session: AsyncSession) -> None:
    await _entry(session, 100)
    with pytest.raises(ValueError, match="180"):
        await prune(session, older_than_days=90, now=NOW)
    count = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.action")
    )
    assert count == 1
