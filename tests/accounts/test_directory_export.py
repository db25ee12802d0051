"""The administrators' lists of organizations and users as .xlsx: the rows the list shows
under the same filters, named by them, for administrators only; a user's row never carries a
password hash or anything secret."""

from __future__ import annotations

import io
from datetime import datetime

from httpx import AsyncClient, Response
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role, Verification
from tests.factories import make_organization, make_user, sign_in
from tests.listings.test_import_export import file_name


def _table(answer: Response) -> list[tuple[object, ...]]:
    assert answer.status_code == 200, answer.text
    return list(load_workbook(io.BytesIO(answer.content)).worksheets[0].iter_rows(values_only=True))


async def test_users_download_as_the_list_shows_them_without_secrets(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="boss")
    industry = ["industry"]
    rita = await make_user(session, Role.REVIEWER, username="rita", reviewer_categories=industry)
    await make_user(session, Role.MEMBER, username="mona")
    await sign_in(client, "boss")

    page = (await client.get("/admin/users", params={"role": "reviewer"})).text
    assert 'href="/admin/users.xlsx?role=reviewer"' in page
    answer = await client.get("/admin/users.xlsx", params={"role": "reviewer"})
    assert file_name(answer) == "用户-审核员-2026-06-01.xlsx"
    table = _table(answer)
    assert table[0] == (
        "用户名", "姓名", "角色", "审核类别", "所属单位", "状态", "锁定至（北京时间）",
        "须修改密码", "最近登录（北京时间）", "创建时间", "链接",
    )  # fmt: skip
    assert [row[0] for row in table[1:]] == ["rita"]
    row = table[1]
    assert row[2:4] == ("审核员", "产业")
    assert row[5] == "有效"
    assert isinstance(row[9], datetime), "a date cell (the row's own creation time)"
    assert str(row[10]).endswith(f"/admin/users/{rita.id}")
    everything = " ".join(str(cell) for line in table for cell in line if cell is not None)
    assert rita.password_hash not in everything
    assert "$" not in everything
    assert "argon" not in everything.lower()

    everyone = _table(await client.get("/admin/users.xlsx", params={"q": "mon"}))
    assert [row[0] for row in everyone[1:]] == ["mona"]
    assert (await client.get("/admin/users.xlsx", params={"role": "king"})).status_code == 400


async def test_organizations_download_with_the_verification_filter(
    client: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.ADMIN, username="boss")
    pending = await make_organization(session, "待审协会", verification=Verification.PENDING)
    await make_organization(session, "已认证协会")
    await sign_in(client, "boss")

    page = (await client.get("/admin/organizations", params={"verification": "pending"})).text
    assert 'href="/admin/organizations.xlsx?verification=pending"' in page
    answer = await client.get("/admin/organizations.xlsx", params={"verification": "pending"})
    assert file_name(answer) == "社会组织-待核验-2026-06-01.xlsx"
    table = _table(answer)
    assert table[0][:3] == ("名称", "统一社会信用代码", "类型")
    assert [row[0] for row in table[1:]] == ["待审协会"]
    record = dict(zip(table[0], table[1], strict=True))
    assert record["统一社会信用代码"] == pending.credit_code
    assert record["联系电话"] == "0870-2123456"
    assert record["核验状态"] == "待核验"
    assert record["核实日期"] is None
    assert str(record["链接"]).endswith(f"/admin/organizations/{pending.id}")
    assert len(_table(await client.get("/admin/organizations.xlsx"))) == 3


async def test_only_administrators_download_the_directory(
    client: AsyncClient, session: AsyncSession
) -> None:
    for role, name in ((Role.REVIEWER, "rev"), (Role.VIEWER, "view"), (Role.MEMBER, "mem")):
        await make_user(session, role, username=name)
        await sign_in(client, name)
        for path in ("/admin/users", "/admin/organizations"):
            assert (await client.get(path)).status_code == 403
            assert (await client.get(f"{path}.xlsx")).status_code == 403
