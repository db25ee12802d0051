"""The authorization matrix (issue 20, item 1): every route of the app, asked by everyone.

The route table is walked; each "METHOD path" is declared once in ``EXPECTED`` under the rule
that says who gets through, and a route without an entry fails the test by name. Path
parameters name A's and X's objects (drafts where there are drafts), so a rule about owners
is put to the people who do not own them; writes carry a valid CSRF or bearer token and must
change nothing when refused. The lists and exports are read for their contents."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from accounts import passwords
from core.database import build_db_config
from core.settings import Settings
from tests.authorization_probe import UNSAFE, Person, Probe, filled, fingerprint, refused, routes
from tests.authorization_requests import request_for
from tests.authorization_rules import EXPECTED, NOT_ASKED, PARTIES, RULES, STAFF
from tests.authorization_world import (
    PEOPLE,
    PRIVATE,
    World,
    headers_of,
    notice_of,
    objects,
    people,
)
from tests.clients import AppClient, serve
from tests.conftest import CHEAP_HASHER, FakeClock
from tests.factories import sign_in
from tests.matching.parties import YILE
from xiangxing.app import create_app

pytestmark = pytest.mark.anyio


class Matrix:
    """The module's world: the app, its connection (each request in a savepoint), everyone."""

    def __init__(
        self, app: Litestar, connection: AsyncConnection, world: World, clock: FakeClock
    ) -> None:
        self.app = app
        self.connection = connection
        self.world = world
        self.clock = clock
        self.people: dict[str, Person] = {}
        self.rows = ""
        """The digest of the world's rows, which every request leaves as it found them."""

    async def ask(self, who: str, probe: Probe, *, may_change: bool) -> Answer:
        """The answer, undone afterwards; for a write refused, or not ``may_change``, whether
        it left the rows as they were."""
        person = self.people[who]
        cookies = httpx.Cookies(person.client.cookies)
        savepoint = await self.connection.begin_nested()
        try:
            answer = await probe.ask(person)
            turned_away = refused(answer)
            unchanged = True
            if probe.method in UNSAFE and (turned_away or not may_change):
                unchanged = self.rows == await fingerprint(self.connection)
            return Answer(answer, turned_away, unchanged)
        finally:
            await savepoint.rollback()
            person.client.cookies = cookies


@dataclass(frozen=True)
class Answer:
    response: httpx.Response
    refused: bool
    unchanged: bool

    @property
    def status(self) -> int:
        return self.response.status_code


@pytest.fixture(scope="module")
async def matrix(
    engine: AsyncEngine,
    test_settings: Settings,
    run_clock: FakeClock,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Matrix]:
    run_clock.now = FakeClock.START
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", CHEAP_HASHER)
        async with engine.connect() as connection:
            transaction = await connection.begin()
            makes = async_sessionmaker(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
            settings = test_settings.model_copy(
                update={"var_dir": tmp_path_factory.mktemp("matrix")}
            )
            config = build_db_config(settings, engine=engine, session_maker=makes)
            app = create_app(settings, db_config=config, clock=run_clock)
            async with serve(app) as client, makes() as session, AsyncExitStack() as clients:
                world = World(ids=await people(session))
                world.headers = await headers_of(client)
                await objects(client, run_clock, world)
                world.ids["notice"] = await notice_of(session, world.ids["organization_a"])
                found = Matrix(app, connection, world, run_clock)
                for who in PEOPLE:
                    person = await clients.enter_async_context(AppClient(app))
                    if who != "anonymous":
                        await sign_in(person, who)
                    found.people[who] = await Person.of(person, world.headers.get(who, {}))
                found.rows = await fingerprint(connection)
                yield found
            await transaction.rollback()


async def test_every_route_has_an_entry(matrix: Matrix) -> None:
    declared = {
        entry.partition(" | ")[0] for entries in EXPECTED.values() for entry in entries
    } | NOT_ASKED.keys()
    assert [route for route in routes(matrix.app) if route not in declared] == []
    assert sorted(declared - set(routes(matrix.app))) == [], "an entry names no route"


async def test_everyone_gets_the_answer_declared_for_every_route(matrix: Matrix) -> None:
    wrong = []
    for name, entries in EXPECTED.items():
        rule = RULES[name]
        changers = rule.passes if rule.changes is None else rule.changes
        for entry in entries:
            method, path = entry.partition(" | ")[0].split(" ", 1)
            asked = request_for(entry, matrix.world.ids, matrix.clock)
            probe = Probe(method, filled(path, asked.values), asked.json, asked.form, asked.files)
            for who in PEOPLE:
                answer = await matrix.ask(who, probe, may_change=who in changers)
                if answer.refused == (who in rule.passes):
                    wrong.append(f"{entry} as {who}: {answer.status} ({name})")
                if not answer.unchanged:
                    wrong.append(f"{entry} as {who}: {answer.status} and rows changed")
    assert wrong == [], "\n".join(wrong)


EXPORTS = tuple(
    f"/api/v1/exports/{kind}.{extension}"
    for kind in ("needs", "offers")
    for extension in ("csv", "xlsx")
)
FILTERED = tuple(
    f"{path}{query}"
    for path in ("/api/v1/needs", "/api/v1/offers", *EXPORTS)
    for query in ("", "?state=draft", "?state=submitted", "?mine=true")
)
LISTS = (
    *FILTERED,
    "/catalogue",
    "/catalogue?kind=offers",
    "/catalogue?state=draft",
    "/catalogue?kind=offers&state=submitted",
    "/api/v1/search?q=以勒",
    "/search?q=以勒",
    "/search/_suggest?q=以勒",
    f"/regions/{YILE}",
    "/api/v1/proposals",
    "/proposals",
    "/proposals.xlsx",
    "/api/v1/agreements",
    "/api/v1/agreements?state=draft",
    "/agreements",
    "/agreements.xlsx",
    "/agreements/mine",
    "/agreements/new",
    "/api/v1/todo",
    "/todo",
    "/my/needs",
    "/my/offers",
    "/review",
    "/api/v1/review",
    "/review.xlsx",
    "/review/unverified",
    "/workbench",
    "/dashboard",
    "/dashboard.xlsx",
    "/alerts",
    "/api/v1/alerts",
    "/transparency",
    "/transparency.csv",
    "/api/v1/exports/iati.xml",
)


def _private_to(who: str, world: World) -> list[str]:
    """What ``who`` must find in no list or export: the ids and titles of A's and X's entries
    before publication (theirs and the reviewer's of the category), their pending proposal
    (theirs), their draft agreement (theirs and staff's)."""
    ids = world.ids
    hidden: list[str] = []
    if who not in {"worker_x", "reviewer"}:
        hidden += [ids["need_draft"], ids["need_submitted"], *PRIVATE[:2]]
    if who not in {"member_a", "reviewer"}:
        hidden += [ids["offer_draft"], ids["offer_submitted"], *PRIVATE[2:4]]
    if who not in PARTIES:
        hidden.append(ids["proposal"])
    if who not in PARTIES | STAFF:
        hidden += [ids["agreement_draft"], PRIVATE[4]]
    return hidden


def _readable(response: httpx.Response) -> str:
    """The text of an answer; of a workbook, the values of all its cells."""
    if not response.content.startswith(b"PK"):
        return response.text
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


async def test_no_list_or_export_shows_anyone_else_a_private_row(matrix: Matrix) -> None:
    leaks = []
    for path in LISTS:
        for who in PEOPLE:
            answer = await matrix.ask(who, Probe("GET", path), may_change=False)
            if answer.refused:
                continue
            text = _readable(answer.response)
            leaks += [
                f"{path} as {who}: {secret}"
                for secret in _private_to(who, matrix.world)
                if secret in text
            ]
    assert leaks == [], "\n".join(leaks)


async def test_the_owners_find_their_private_rows_in_their_lists(matrix: Matrix) -> None:
    """The check above finds what it looks for: the same lists show the owners their rows."""
    ids = matrix.world.ids
    mine = (
        ("worker_x", "/api/v1/needs?mine=true", ids["need_draft"]),
        ("member_a", "/my/offers", PRIVATE[2]),
        ("reviewer", "/review.xlsx", PRIVATE[1]),
        ("reviewer", "/api/v1/review", ids["offer_submitted"]),
        ("viewer", "/api/v1/agreements?state=draft", ids["agreement_draft"]),
    )
    for who, path, secret in mine:
        answer = await matrix.ask(who, Probe("GET", path), may_change=False)
        assert secret in _readable(answer.response), f"{path} as {who}"
