"""The audit log page and its download, through the real app: entries in words, objects by
name with links, changes as before/after tables, filters, Beijing time, the .xlsx."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts import audit_log, audit_names
from accounts.audit_names import Named
from accounts.audit_words import ACTIONS
from accounts.models import Role, User
from core.audit import Actor, AuditEntry, record
from tests.agreements.flow import accepted, make_agreement
from tests.conftest import FakeClock
from tests.factories import (
    make_organization,
    make_station,
    make_user,
    need_body,
    offer_body,
    sign_in,
)
from tests.matching.parties import parties_at, people

MORNING = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
EVENING = datetime(2026, 6, 1, 20, 30, tzinfo=UTC)
"""20:30 UTC on 1 June is 04:30 on 2 June in Beijing."""


async def _admin(client: AsyncClient, session: AsyncSession) -> User:
    admin = await make_user(session, Role.ADMIN, username="boss")
    await sign_in(client, "boss")
    return admin


async def _entry(
    session: AsyncSession,
    username: str,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    at: datetime = MORNING,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record(
        session,
        actor=Actor(None, username, Role.ADMIN.value, "10.0.0.7"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        at=at,
    )
    await session.flush()


async def test_entries_read_as_phrases_with_objects_by_name_and_changes_by_field(
    client: AsyncClient, session: AsyncSession
) -> None:
    admin = await _admin(client, session)
    organization = await make_organization(session, "昭阳区助农服务中心")
    station = await make_station(session)
    before = {"name": "昭阳区助农中心", "contact_phone": "0870-2150000", "version": 1}
    after = {"name": "昭阳区助农服务中心", "contact_phone": "0870-2150000", "version": 2}
    await _entry(session, "boss", "organization.updated", "organization", organization.id,
                 before=before, after=after)  # fmt: skip
    await _entry(session, "boss", "station.updated", "station", station.id)
    page = await client.get("/admin/audit")
    assert page.status_code == 200
    text = page.text
    cells = text[text.index("<tbody>") :]
    for phrase in ("登录成功", "修改社会组织信息", "修改社工站"):
        assert f'data-label="操作">{phrase}</td>' in cells
    assert "login.succeeded" not in cells, "codes are not shown, phrases are"
    assert f'<a href="/admin/users/{admin.id}">{admin.display_name}</a>' in text
    assert f'<a href="/admin/organizations/{organization.id}">昭阳区助农服务中心</a>' in text
    assert f'<a href="/admin/stations/{station.id}">{station.name}</a>' in text
    assert '<th scope="row">名称</th><td>昭阳区助农中心</td><td>昭阳区助农服务中心</td>' in text
    assert "联系电话" not in text, "a field that did not change is left out"


async def test_names_are_read_once_per_object_type_for_the_whole_page(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _admin(client, session)
    organizations = [await make_organization(session, f"协会{n}") for n in range(3)]
    for organization in organizations:
        await _entry(session, "boss", "organization.verified", "organization", organization.id)
    asked: list[list[UUID]] = []
    real = audit_names._NAMERS["organization"]

    async def counting(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Named]:
        asked.append(list(ids))
        return await real(session, ids)

    monkeypatch.setitem(audit_names._NAMERS, "organization", counting)
    page = (await client.get("/admin/audit")).text
    assert asked == [sorted(organization.id for organization in organizations)]
    for organization in organizations:
        assert f'<a href="/admin/organizations/{organization.id}">{organization.name}</a>' in page


async def test_needs_and_agreements_are_named_and_linked_and_every_code_has_a_phrase(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await people(session)
    parties = await parties_at(client)
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    agreement = (await make_agreement(parties, await accepted(parties, need, offer))).json()
    await _admin(client, session)
    needs = await client.get("/admin/audit", params={"object_type": "need"})
    assert f'<a href="/catalogue/needs/{need["id"]}">{need["title"]}</a>' in needs.text
    assert "审核通过并发布需求" in needs.text
    agreements = await client.get("/admin/audit", params={"object_type": "agreement"})
    assert f'<a href="/agreements/{agreement["id"]}">{agreement["number"]}</a>' in agreements.text
    written = set(await session.scalars(select(AuditEntry.action).distinct()))
    assert {"proposal.accepted", "agreement.created"} <= written
    assert sorted(written - set(ACTIONS)) == []


async def test_filters_by_person_object_type_action_and_beijing_days(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    await _entry(session, "alice", "user.created", "user_account")
    await _entry(session, "bob", "login.failed", "user", at=EVENING)

    async def people_on(**query: str) -> set[str]:
        response = await client.get("/admin/audit", params=query)
        assert response.status_code == 200, response.text
        return {name for name in ("alice", "bob") if f">{name}</a>" in response.text}

    assert await people_on() == {"alice", "bob"}
    assert await people_on(actor="alice") == {"alice"}
    assert await people_on(action="login.failed") == {"bob"}
    assert await people_on(object_type="user_account") == {"alice", "bob"}
    assert await people_on(object_type="department") == set()
    assert await people_on(**{"from": "2026-06-02", "to": "2026-06-02"}) == {"bob"}
    assert await people_on(**{"to": "2026-06-01"}) == {"alice"}
    choices = (await client.get("/admin/audit")).text
    assert '<option value="login.failed" >登录失败</option>' in choices
    assert '<optgroup label="登录与访问">' in choices
    assert '<datalist id="f-people"><option value="boss">' in choices, "people to choose from"
    unknown = await client.get("/admin/audit", params={"action": "nonsense"})
    assert unknown.status_code == 400
    assert "请从选项中选择" in unknown.text


async def test_times_are_beijing_time(client: AsyncClient, session: AsyncSession) -> None:
    await _admin(client, session)
    await _entry(session, "bob", "login.failed", "user", at=EVENING)
    page = (await client.get("/admin/audit")).text
    assert '<span class="nowrap">2026-06-02</span> 04:30:00' in page
    assert '<span class="nowrap">2026-06-01</span> 16:00:00' in page, "the admin's sign-in"
    assert "UTC" not in page
    account = (await client.get("/account")).text
    assert "2026-06-01 16:00" in account, "the last sign-in, 08:00 UTC"


def _rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(min_row=3, values_only=True))


async def test_the_download_holds_the_filtered_entries_in_words(
    client: AsyncClient, session: AsyncSession
) -> None:
    await _admin(client, session)
    await _entry(session, "alice", "user.updated", "user_account",
                 before={"display_name": "王芳"}, after={"display_name": "王芳芳"})  # fmt: skip
    await _entry(session, "bob", "login.failed", "user", at=EVENING, after={"reason": "locked"})
    response = await client.get("/admin/audit.xlsx", params={"action": "login.failed"})
    assert response.status_code == 200
    assert quote("审计日志-2026-06-01.xlsx") in response.headers["content-disposition"]
    rows = _rows(response.content)
    assert [(row[0], row[1], row[3], row[8]) for row in rows] == [
        ("2026-06-02 04:30:00", "bob", "登录失败", "原因：locked")
    ]
    everything = _rows((await client.get("/admin/audit.xlsx")).content)
    assert {row[1] for row in everything} == {"alice", "bob", "boss"}
    assert ("alice", "修改用户", "名称：王芳 → 王芳芳") in {(r[1], r[3], r[8]) for r in everything}


async def test_a_download_too_large_is_refused_with_its_limit(
    client: AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _admin(client, session)
    await _entry(session, "alice", "user.created", "user_account")
    monkeypatch.setattr(audit_log, "EXPORT_LIMIT", 1)
    response = await client.get("/admin/audit.xlsx")
    assert response.status_code == 400
    assert "最多 1 条" in response.text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.MEMBER])
async def test_only_administrators_read_the_log(
    client: AsyncClient, session: AsyncSession, role: Role
) -> None:
    await make_user(session, role, username="someone")
    await sign_in(client, "someone")
    for path in ("/admin/audit", "/admin/audit.xlsx"):
        assert (await client.get(path)).status_code == 403, path
