"""Asking one route as one person, the way the matrix does: the route table walked, path
parameters filled with A's and X's objects, writes sent with a valid CSRF token or bearer
token (so a refusal is the policy's), each request in a savepoint rolled back afterwards so
that the world stays the same for the next, and the database compared before and after a
refused write."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from httpx import Response
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.access import OPTIONS_MODULE
from tests.clients import AppClient

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_PARAMETER = re.compile(r"{(\w+):\w+}")
_PAGE_CSRF = re.compile(r'"x-csrftoken": "([^"]+)"')
WRITTEN_BY_EVERY_REQUEST = {"audit_entry", "login_session", "api_token", "alembic_version"}
"""Refusals are audited and every request notes the session's or token's last use."""


def routes(app: Litestar) -> list[str]:
    """Every "METHOD path" of the app, Litestar's own OPTIONS answers aside."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if getattr(handler.fn, "__module__", "") == OPTIONS_MODULE:
                continue
            found += [f"{method} {route.path}" for method in handler.http_methods - {"OPTIONS"}]
    return sorted(found)


@dataclass
class Person:
    """Someone asking: cookies for pages, bearer headers for the API, the page's CSRF token."""

    client: AppClient
    headers: dict[str, str]
    csrf: str

    @classmethod
    async def of(cls, client: AppClient, headers: dict[str, str]) -> Person:
        page = await client.get("/")
        found = _PAGE_CSRF.search(page.text)
        assert found, "no CSRF token on the home page"
        return cls(client, headers, found.group(1))


@dataclass(frozen=True)
class Probe:
    """One request: the route's path filled in, and what it sends."""

    method: str
    url: str
    json: Any = None
    form: dict[str, Any] | None = None
    files: dict[str, Any] | None = None

    async def ask(self, person: Person) -> Response:
        api = self.url.startswith("/api/")
        headers = dict(person.headers) if api else {}
        if self.method in UNSAFE and not api:
            headers["X-CSRFToken"] = person.csrf
        if self.form is not None or self.files is not None:
            return await person.client.request(
                self.method, self.url, data=self.form, files=self.files, headers=headers
            )
        body = self.json if self.json is not None or not api else {}
        if self.method in UNSAFE and api:
            return await person.client.request(self.method, self.url, json=body, headers=headers)
        return await person.client.request(self.method, self.url, headers=headers)


def refused(answer: Response) -> bool:
    """Turned away: not signed in, not allowed, or told the object does not exist."""
    if answer.status_code in (401, 403, 404):
        return True
    location = answer.headers.get("location", "")
    return answer.is_redirect and location.startswith("/login")


def filled(path: str, values: dict[str, str]) -> str:
    """The path with each parameter replaced by the value named after it."""
    return _PARAMETER.sub(lambda match: values[match.group(1)], path)


async def fingerprint(connection: AsyncConnection) -> str:
    """A digest of every table's rows, those every request writes aside."""
    names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    digest = hashlib.sha256()
    for name in sorted(set(names) - WRITTEN_BY_EVERY_REQUEST):
        rows = (await connection.execute(text(f'SELECT * FROM "{name}"'))).all()  # noqa: S608
        digest.update(name.encode())
        digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()
