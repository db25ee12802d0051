"""Errors become one answer shape: JSON under /api, a page in the visitor's language elsewhere."""

import sqlite3
from collections.abc import AsyncIterator

import pytest
from advanced_alchemy.exceptions import IntegrityError
from asyncpg.exceptions import TooManyConnectionsError
from httpx import AsyncClient
from litestar import Litestar, get
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.access import PUBLIC
from core.errors import N_, Conflict, PermissionDenied
from tests.clients import serve


@get("/api/v1/forbidden", opt=PUBLIC)
async def api_forbidden() -> None:
    raise PermissionDenied(N_("You do not have permission to do this."))


@get("/forbidden", opt=PUBLIC)
async def page_forbidden() -> None:
    raise PermissionDenied(N_("You do not have permission to do this."))


@get("/stale", opt=PUBLIC)
async def page_stale() -> None:
    raise Conflict(N_("Someone else changed this in the meantime."))


@get("/broken", opt=PUBLIC)
async def page_broken() -> None:
    raise RuntimeError("a bug, with a secret detail")


@get("/api/v1/broken", opt=PUBLIC)
async def api_broken() -> None:
    raise RuntimeError("a bug, with a secret detail")


@get("/api/v1/unreadable-file", opt=PUBLIC)
async def api_unreadable_file() -> None:
    raise PermissionError(13, "Permission denied", "/srv/secret/path")


@pytest.fixture
async def client(own_app: Litestar) -> AsyncIterator[AsyncClient]:
    """The real app with a few routes that fail on purpose."""
    for handler in (
        api_forbidden,
        page_forbidden,
        page_stale,
        page_broken,
        api_broken,
        api_unreadable_file,
    ):
        own_app.register(handler)
    async with serve(own_app) as client:
        yield client


async def test_refusal_in_the_api_is_json_with_a_code(client: AsyncClient) -> None:
    response = await client.get("/api/v1/forbidden")
    assert response.status_code == 403
    assert response.json() == {
        "status_code": 403,
        "code": "permission_denied",
        "message": "您没有执行此操作的权限。",
    }


async def test_refusal_on_a_page_is_the_chinese_403_page(client: AsyncClient) -> None:
    response = await client.get("/forbidden")
    assert response.status_code == 403
    assert "无权访问" in response.text
    assert "您没有执行此操作的权限。" in response.text


async def test_conflict_page_in_english(client: AsyncClient) -> None:
    client.cookies.set("lang", "en")
    response = await client.get("/stale")
    assert response.status_code == 409
    assert "Someone else changed this in the meantime." in response.text


async def test_a_bug_is_a_500_page_that_hides_the_detail(client: AsyncClient) -> None:
    response = await client.get("/broken")
    assert response.status_code == 500
    assert "服务器错误" in response.text
    assert "secret detail" not in response.text
    api = await client.get("/api/v1/broken")
    assert api.status_code == 500
    assert api.json()["code"] == "server_error"
    assert "secret detail" not in api.text


async def test_a_database_lock_timeout_is_a_503_that_says_to_retry(own_app: Litestar) -> None:
    """The last resort when SQLite's busy timeout runs out: never a bare 409."""

    @get("/api/v1/locked", opt=PUBLIC)
    async def api_locked() -> None:
        try:
            raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
        except OperationalError as error:
            raise IntegrityError(detail="There was an issue processing the statement.") from error

    own_app.register(api_locked)
    async with serve(own_app) as client:
        response = await client.get("/api/v1/locked")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "status_code": 503,
        "code": "database_busy",
        "message": "数据库正在处理一项较大的变更，请几秒钟后重试。",
    }


async def test_an_operating_system_error_that_is_neither_the_database_nor_a_full_disk_is_a_500(
    client: AsyncClient,
) -> None:
    """Only a refused connection is 'the database is unreachable' and only a full disk is
    'storage full': any other refusal of the system is a plain server error, its path unsaid."""
    response = await client.get("/api/v1/unreadable-file")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "/srv/secret" not in response.text


async def test_a_database_without_a_free_connection_is_a_503_that_says_to_retry(
    own_app: Litestar,
) -> None:
    """PostgreSQL out of connection slots (Advanced Alchemy reports it as an integrity error)
    and a pool with none free in time: the visitor is told to come back, not shown a bug or a
    conflict."""

    @get("/api/v1/no-slot", opt=PUBLIC)
    async def api_no_slot() -> None:
        refused = TooManyConnectionsError("remaining connection slots are reserved")
        try:
            raise DBAPIError("SELECT …", {}, refused)
        except DBAPIError as error:
            raise IntegrityError(detail="There was an issue processing the statement.") from error

    @get("/no-connection", opt=PUBLIC)
    async def page_no_connection() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    own_app.register(api_no_slot)
    own_app.register(page_no_connection)
    async with serve(own_app) as client:
        api = await client.get("/api/v1/no-slot")
        page = await client.get("/no-connection")
    assert api.status_code == 503
    assert api.headers["retry-after"] == "5"
    assert api.json()["code"] == "database_busy"
    assert page.status_code == 503
    assert page.headers["retry-after"] == "5"
