"""The database itself refuses to change or delete a ledger entry (PostgreSQL and SQLite), and
a row altered behind the application's back (triggers turned off) is found by the chain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.funds.flow import Books
from tests.matching.parties import Parties
from xiangxing.cli_ledger import breaks

TAMPERING = {
    "sqlite": ("DROP TRIGGER ledger_entry_no_update",),
    "postgresql": ("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only",),
}
"""Ways round the triggers, inside the test's transaction (rolled back with it)."""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET amount = 1 WHERE id = :id",
        "DELETE FROM ledger_entry WHERE id = :id",
    ],
)
async def test_update_and_delete_are_refused_by_the_database(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession, statement: str
) -> None:
    books = Books(parties, agreement)
    entry = await books.add("rev", "commitment", amount="1000")
    row_id = (await session.execute(text("SELECT id FROM ledger_entry"))).scalar_one()
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement), {"id": row_id})
    assert [item["amount"] for item in await books.entries()] == ["1000.00"]
    assert entry["amount"] == "1000.00"


async def test_a_row_altered_behind_the_application_is_named(
    parties: Parties, agreement: dict[str, Any], session: AsyncSession
) -> None:
    books = Books(parties, agreement)
    await books.funded("1000", "600")
    assert await breaks(session) == (1, [])
    for statement in TAMPERING[session.bind.dialect.name]:
        await session.execute(text(statement))
    await session.execute(text("UPDATE ledger_entry SET amount = 60 WHERE sequence = 2"))
    session.expire_all()
    walked, found = await breaks(session)
    assert walked == 1
    assert [str(broken) for broken in found] == [
        f"agreement {agreement['id']}, entry 2: content altered"
    ]
    assert (await books.summary())["verified"] is False
