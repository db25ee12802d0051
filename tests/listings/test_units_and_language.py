"""A need's page says its numbers with their units in the chosen language: 受益对象 43 人 and
30,000 元 in Chinese, 43 people and 30,000 yuan in English; names are listed with 、 or ", "."""

from __future__ import annotations

import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from core.i18n import LOCALE_COOKIE
from tests.conftest import FakeClock
from tests.factories import bearer, make_station, make_user, need_body, sign_in


def _facts(page: str) -> str:
    return re.sub(r"\s+", " ", page.split('class="facts"', 1)[1].split("</dl>", 1)[0])


async def test_beneficiaries_and_amounts_carry_their_units_in_the_chosen_language(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    station = await make_station(session, "530627106000")
    await make_user(session, Role.STATION_WORKER, username="worker", station=station)
    body = need_body(clock, beneficiary_groups=["left_behind_children", "left_behind_elderly"])
    worker = await bearer(client, "worker")
    need = (await client.post("/api/v1/needs", json=body, headers=worker)).json()
    await sign_in(client, "worker")
    chinese = (await client.get(f"/catalogue/needs/{need['id']}")).text
    assert "<dt>受益对象</dt> <dd>43 人 · 留守儿童、留守老人" in _facts(chinese)
    assert "30,000 元" in chinese
    assert "40 人天" in chinese
    client.cookies.set(LOCALE_COOKIE, "en")
    english = (await client.get(f"/catalogue/needs/{need['id']}")).text
    facts = _facts(english)
    assert "<dd>43 people · " in facts
    assert "Left-behind children, " in facts, facts
    assert "30,000 yuan" in english
    assert "40 person-days" in english
    assert not re.search(r"\d 元|人天|、", english)
