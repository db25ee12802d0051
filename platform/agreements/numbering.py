"""Agreement numbers ``ZT-<year>-<4 digits>``: unique and gapless per year.

The year's counter row is created if missing (``INSERT … ON CONFLICT DO NOTHING``) and then
incremented with one ``UPDATE … SET last = last + 1 … RETURNING last`` inside the creating
transaction. Concurrent creations queue on the row's lock (PostgreSQL) or the write lock
(SQLite); a creation that rolls back rolls its increment back too, so no number is skipped.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.models import AgreementCounter
from core.database import insert_unless_present

PREFIX = "ZT"


def format_number(year: int, serial: int) -> str:
    return f"{PREFIX}-{year}-{serial:04d}"


async def next_number(session: AsyncSession, year: int) -> str:
    """The year's next number, taken in the session's transaction."""
    dialect = session.get_bind().dialect.name
    await session.execute(
        insert_unless_present(dialect, AgreementCounter).values(year=year, last=0)
    )
    serial = await session.scalar(
        update(AgreementCounter)
        .where(AgreementCounter.year == year)
        .values(last=AgreementCounter.last + 1)
        .returning(AgreementCounter.last)
    )
    assert serial is not None  # the row was made just above
    return format_number(year, serial)
