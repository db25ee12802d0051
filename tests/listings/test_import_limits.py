"""Spreadsheets cannot deny service (issue 10, item 2): sheets that reach past the row limit and
zip bombs are refused before they are read, and the app keeps answering while a full-size
import runs."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar
from openpyxl import Workbook
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from accounts.models import Role, Verification
from listings.importing import MAX_ROWS
from supply.models import Offer
from tests.clients import serve
from tests.factories import make_organization, make_user
from tests.listings.test_import_export import (
    NEED_HEADERS,
    OFFER_HEADERS,
    bearer,
    count,
    need_row,
    station_worker,
    upload,
    xlsx,
)


def far_cell_workbook(*, keep_dimension: bool) -> bytes:
    """The template's header row and one cell at the last row Excel has: about 1.4 KB."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(OFFER_HEADERS)
    sheet["A1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    if keep_dimension:
        return buffer.getvalue()
    return _rewritten(
        buffer.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml),
    )


def _rewritten(content: bytes, name: str, change: Any) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == name else data)
    return output.getvalue()


@pytest.fixture
async def member_headers(client: AsyncClient, session: AsyncSession) -> dict[str, str]:
    """A member of an organization still waiting for verification: imports are open to them."""
    organization = await make_organization(session, verification=Verification.PENDING)
    return await bearer(client, await make_user(session, Role.MEMBER, organization=organization))


@pytest.mark.parametrize("keep_dimension", [True, False], ids=["dimension", "no-dimension"])
async def test_a_sheet_reaching_row_1048576_is_refused_unread(
    client: AsyncClient,
    session: AsyncSession,
    member_headers: dict[str, str],
    keep_dimension: bool,
) -> None:
    content = far_cell_workbook(keep_dimension=keep_dimension)
    assert len(content) < 8 * 1024
    response = await upload(client, "offers", content, member_headers)
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_rows"
    assert f"{MAX_ROWS:,}" in response.json()["message"]
    assert await count(session, Offer) == 0


async def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    client: AsyncClient, session: AsyncSession, member_headers: dict[str, str]
) -> None:
    workbook = Workbook()
    workbook.active.append(OFFER_HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", b"\0" * (8 * 2**20))
    bomb = buffer.getvalue()
    assert len(bomb) < 64 * 1024
    response = await upload(client, "offers", bomb, member_headers)
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "file_too_large"
    assert await count(session, Offer) == 0


class BodyReceived:
    """An ASGI wrapper that tells when the import request's body has fully arrived, so the
    test knows the import is under way before it asks for ``/health``."""

    def __init__(self, app: Litestar, path: str) -> None:
        self.app = app
        self.path = path
        self.arrived = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return

        async def watched() -> Any:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body"):
                self.arrived.set()
            return message

        await self.app(scope, watched, send)


@pytest.fixture
async def watched_client(app: Litestar) -> AsyncIterator[tuple[AsyncClient, BodyReceived]]:
    watcher = BodyReceived(app, "/api/v1/needs/import")
    async with serve(app, asgi=watcher) as client:
        yield client, watcher


async def test_health_answers_while_a_full_size_import_runs(
    watched_client: tuple[AsyncClient, BodyReceived], session: AsyncSession, engine: AsyncEngine
) -> None:
    """``/health`` is asked the moment the 5,000-row workbook has arrived. Its database ping
    must run while the workbook is still being read, before the import's first query (the
    vocabulary it checks rows against): reading in the event loop would hold it back until
    the whole file was read."""
    client, watcher = watched_client
    headers = await bearer(client, await station_worker(session))
    rows = [need_row(f"以勒村第{n}号需求") for n in range(MAX_ROWS)]
    content = xlsx(NEED_HEADERS, rows)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        importing = asyncio.create_task(upload(client, "needs", content, headers))
        await watcher.arrived.wait()
        health = await client.get("/health")
        imported = await importing
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert health.status_code == 200
    assert imported.status_code == 201, imported.text[:300]
    assert imported.json()["created"] == MAX_ROWS
    ping = statements.index("SELECT 1")
    first_import_query = next(i for i, s in enumerate(statements) if "FROM category" in s)
    assert ping < first_import_query, "the app did not answer while the workbook was read"
