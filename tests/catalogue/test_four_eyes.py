"""Four eyes: whoever entered an entry never approves it, and the pages say who must."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from tests.conftest import FakeClock
from tests.factories import bearer, make_user, need_body, sign_in


async def _posted_by_reviewer(client: AsyncClient, clock: FakeClock, poster: dict) -> str:
    posted = await client.post(
        "/api/v1/needs",
        json=need_body(
            clock,
            title="苹果协会代收的冷库需求",
            category="industry",
            subcategory="processing",
            channel="association",
            channel_name="昭通苹果产业协会",
            region_code="530602001001",
        ),
        headers=poster,
    )
    assert posted.status_code == 201, posted.text
    need_id = posted.json()["id"]
    assert (await client.post(f"/api/v1/needs/{need_id}/submit", headers=poster)).status_code == 200
    return need_id


async def test_a_reviewer_never_approves_what_they_entered_another_must(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.REVIEWER, username="poster")
    await make_user(session, Role.REVIEWER, username="second")
    poster = await bearer(client, "poster")
    need_id = await _posted_by_reviewer(client, clock, poster)
    own = await client.post(f"/api/v1/needs/{need_id}/approve", headers=poster)
    assert own.status_code == 403
    assert own.json()["code"] == "not_your_entry"
    returned = await client.post(
        f"/api/v1/needs/{need_id}/return", json={"reason": "请补充冷库面积"}, headers=poster
    )
    assert returned.status_code == 200, "returning one's own entry stays possible"
    assert (await client.post(f"/api/v1/needs/{need_id}/submit", headers=poster)).status_code == 200
    other = await client.post(
        f"/api/v1/needs/{need_id}/approve", headers=await bearer(client, "second")
    )
    assert other.status_code == 200
    assert other.json()["state"] == "published"


async def test_the_pages_name_who_must_approve_instead_of_an_approve_button(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    await make_user(session, Role.REVIEWER, username="poster")
    need_id = await _posted_by_reviewer(english, clock, await bearer(english, "poster"))
    await sign_in(english, "poster")
    must = "another reviewer of Industry must approve it"
    for page in (f"/catalogue/needs/{need_id}", "/review/"):
        text = (await english.get(page)).text
        assert must in text, page
        assert f"/catalogue/needs/{need_id}/step/approve" not in text, page
