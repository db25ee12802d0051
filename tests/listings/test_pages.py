"""The catalogue's pages through the real app: the public list and entry pages, the forms of
station workers and members, the workflow buttons and the reviewers' queue."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import Role, Station, User
from catalogue.workflow import Transition
from demand.models import Need
from demand.schemas import NeedFields
from demand.service import NeedService
from tests.conftest import FakeClock
from tests.factories import (
    YILE_TOWNSHIP,
    created_id,
    make_organization,
    make_station,
    make_user,
    offer_form,
    post_form,
    sign_in,
)

YILE_VILLAGE = "530627106201"
DAWAN_VILLAGE = "530627105201"
"""A village of 大湾镇, the township next to 以勒镇."""
STATION_PHONE = "0870-6612345"


def _need_form(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "public_services",
        "subcategory": "children_home",
        "title": "以勒村儿童之家图书角",
        "description": "儿童之家缺少适龄图书和书架。",
        "region_code": YILE_VILLAGE,
        "urgency": "yellow",
        "deadline": "2026-07-15",
        "lines.0.kind": "goods",
        "lines.0.amount": "200",
        "lines.0.item": "儿童图书",
        "lines.0.unit": "册",
        "lines.2.kind": "funds",
        "lines.2.amount": "5000",
        "beneficiary_count": "35",
        "beneficiary_groups": ["left_behind_children"],
        "tags": "图书，儿童之家",
        **overrides,
    }


def _error_summary(page: str) -> str:
    """The summary of a failed form, which comes before the form and takes the focus."""
    found = re.search(r'<div class="error-summary"[^>]*autofocus[^>]*>.*?</div>', page, re.S)
    assert found is not None, "a failed form shows its summary, focused"
    assert found.start() < page.index('class="entry-form"'), "above the form"
    return found.group(0)


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _worker(session: AsyncSession, username: str = "yile") -> User:
    station = await make_station(session)
    station.contact_name = "王站长"
    station.contact_phone = STATION_PHONE
    await session.flush()
    return await make_user(session, Role.STATION_WORKER, username=username, station=station)


def _identity(user: User, station: Station | None = None) -> Identity:
    return Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(Role(role) for role in user.roles),
        organization_id=user.organization_id,
        station_id=user.station_id,
        township_code=station.township_code if station else None,
        department_id=user.department_id,
        reviewer_categories=frozenset(),
        affiliation_name="",
        must_change_password=False,
    )


async def _needs_in_service(session: AsyncSession, clock: FakeClock) -> tuple[Need, Need]:
    """A published need and a draft one of the 以勒镇 station, made through the service."""
    worker = await _worker(session)
    station = await session.get(Station, worker.station_id)
    reviewer = await make_user(session, Role.REVIEWER, username="shenhe")
    service = NeedService(session, clock)
    worker_id, reviewer_id = _identity(worker, station), _identity(reviewer)
    actor = worker_id.actor(None)
    data = {key: value for key, value in _need_form().items() if not key.startswith("lines.")}
    lines = [{"kind": "funds", "amount": "8000"}]
    published = await service.create(
        NeedFields.model_validate({**data, "tags": ["图书"], "lines": lines}), worker_id, actor
    )
    await service.transition(published, Transition.SUBMIT, worker_id, actor)
    await service.transition(published, Transition.APPROVE, reviewer_id, reviewer_id.actor(None))
    draft = await service.create(
        NeedFields.model_validate(
            {**data, "title": "尚未提交的草稿需求", "tags": [], "lines": lines}
        ),
        worker_id,
        actor,
    )
    return published, draft


# --- the public catalogue ------------------------------------------------------------------


async def test_anonymous_sees_a_published_need_without_its_contact_and_no_drafts(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    published, draft = await _needs_in_service(session, clock)

    listing = await english.get("/catalogue")
    assert listing.status_code == 200
    assert published.title in listing.text
    assert draft.title not in listing.text
    assert "urgency-yellow" in listing.text

    page = await english.get(f"/catalogue/needs/{published.id}")
    assert page.status_code == 200
    assert "儿童之家缺少适龄图书和书架" in page.text
    assert "8,000 yuan" in page.text, "the unit in the page's language"
    assert STATION_PHONE not in page.text
    assert "Sign in to see the contact" in page.text
    assert "Approved and published" in page.text
    assert 'action="/catalogue/needs/' not in page.text

    assert (await english.get(f"/catalogue/needs/{draft.id}")).status_code == 404
    assert (await english.get("/catalogue?kind=offers")).status_code == 200

    await make_user(session, Role.MEMBER, username="member")
    await sign_in(english, "member")
    signed_in = await english.get(f"/catalogue/needs/{published.id}")
    assert STATION_PHONE in signed_in.text


async def test_filters_narrow_the_catalogue(
    english: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    published, _draft = await _needs_in_service(session, clock)
    by_township = await english.get(
        "/catalogue", params={"county": "530627000000", "township": YILE_TOWNSHIP}
    )
    assert published.title in by_township.text
    elsewhere = await english.get("/catalogue", params={"urgency": "red"})
    assert published.title not in elsewhere.text
    assert (await english.get("/catalogue", params={"urgency": "purple"})).status_code == 400

    clock.advance(days=60)
    expired = await english.get("/catalogue")
    assert "state-expired" in expired.text


# --- station workers and reviewers ---------------------------------------------------------


async def test_a_station_need_goes_from_the_form_through_review_to_the_public(
    english: AsyncClient, session: AsyncSession
) -> None:
    await _worker(session)
    await make_user(session, Role.REVIEWER, username="shenhe")
    await sign_in(english, "yile")

    created = await post_form(english, "/my/needs/new", _need_form(), "/my/needs/new")
    need_id = created_id(created)
    need = await session.get(Need, need_id)
    assert need is not None
    assert [(line.kind.value, line.item, line.unit) for line in need.lines] == [
        ("goods", "儿童图书", "册"),
        ("funds", "", "元"),
    ]
    assert need.tags == ["图书", "儿童之家"]
    mine = await english.get("/my/needs")
    assert need.title in mine.text
    assert "Draft" in mine.text

    page = await english.get(f"/catalogue/needs/{need_id}")
    assert f'action="/catalogue/needs/{need_id}/step/submit"' in page.text
    submitted = await post_form(
        english,
        f"/catalogue/needs/{need_id}/step/submit",
        {"version": "1"},
        f"/catalogue/needs/{need_id}",
    )
    assert submitted.status_code in (302, 303)
    assert (await english.get("/catalogue")).text.count(need.title) == 0

    await sign_in(english, "shenhe")
    queue = await english.get("/review")
    assert queue.status_code == 200
    assert need.title in queue.text
    approved = await post_form(
        english,
        f"/catalogue/needs/{need_id}/step/approve",
        {"next": "/review"},
        "/review",
    )
    assert approved.headers["location"] == "/review"
    assert "Every published need is verified" not in (await english.get("/review")).text
    verified = await post_form(
        english, f"/catalogue/needs/{need_id}/verify", {"next": "/review"}, "/review"
    )
    assert verified.status_code in (302, 303)

    english.cookies.clear()
    english.cookies.set("lang", "en")
    assert need.title in (await english.get("/catalogue")).text
    public = await english.get(f"/catalogue/needs/{need_id}")
    assert public.status_code == 200
    assert "Verified on the ground" in public.text


async def test_a_bad_need_form_comes_back_with_the_problems_and_stores_nothing(
    english: AsyncClient, session: AsyncSession
) -> None:
    await _worker(session)
    await sign_in(english, "yile")
    cases = {
        "title": _need_form(title=""),
        "region_code": _need_form(region_code=DAWAN_VILLAGE),
        "deadline": _need_form(deadline="2026-05-20"),
        # the rows come back numbered in order: the row typed third, after a blank one, is 1
        "lines.1.amount": _need_form(**{"lines.2.amount": "-5"}),
        "lines": _need_form(**{"lines.0.amount": "", "lines.2.amount": ""}),
    }
    for field, form in cases.items():
        answer = await post_form(english, "/my/needs/new", form, "/my/needs/new")
        assert answer.status_code == 400, field
        assert "field-error" in answer.text, field
        assert "儿童之家缺少适龄图书和书架" in answer.text, field
        assert 'value="图书，儿童之家"' in answer.text, field
        summary = _error_summary(answer.text)
        assert "Please correct the following:" in summary, field
        assert f'href="#f-{field}"' in summary, "the summary links to the field to fix"
        assert f'id="f-{field}"' in answer.text, "and the field is there to be reached"
    region = await post_form(
        english, "/my/needs/new", _need_form(region_code=DAWAN_VILLAGE), "/my/needs/new"
    )
    assert "only for its own township" in region.text
    past = await post_form(
        english, "/my/needs/new", _need_form(deadline="2026-05-20"), "/my/needs/new"
    )
    assert "must be in the future" in past.text
    assert await _count(session, Need) == 0


# --- members and offers --------------------------------------------------------------------


async def test_people_without_the_role_are_kept_out(
    english: AsyncClient, session: AsyncSession
) -> None:
    assert (await english.get("/my/needs")).status_code in (302, 303)
    await make_user(session, Role.MEMBER, username="xiehui")
    await sign_in(english, "xiehui")
    assert (await english.get("/my/needs")).status_code == 403
    assert (await english.get("/review")).status_code == 403
    assert (await english.get("/my/offers")).status_code == 200


# --- phones and the form helpers -----------------------------------------------------------


async def test_the_pages_fit_a_phone(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    published, _draft = await _needs_in_service(session, clock)
    await sign_in(client, "yile")
    for path in ("/catalogue", f"/catalogue/needs/{published.id}", "/my/needs", "/my/needs/new"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
        tables = page.text.count("<table")
        assert len(re.findall(r'<div class="table-scroll">\s*<table', page.text)) == tables, path


async def test_a_reviewer_posts_a_need_for_an_association_and_finds_it_under_my_needs(
    english: AsyncClient, session: AsyncSession
) -> None:
    await make_user(session, Role.REVIEWER, username="shenhe")
    await sign_in(english, "shenhe")
    form = await english.get("/my/needs/new")
    assert 'name="channel"' in form.text
    missing_name = await post_form(
        english, "/my/needs/new", _need_form(channel="association"), "/my/needs/new"
    )
    assert missing_name.status_code == 400
    assert "Name the association or department" in missing_name.text
    need_id = created_id(
        await post_form(
            english,
            "/my/needs/new",
            _need_form(channel="association", channel_name="昭通市农业产业协会"),
            "/my/needs/new",
        )
    )
    mine = await english.get("/my/needs")
    assert f"/my/needs/{need_id}/edit" in mine.text


async def test_published_offers_show_their_organization_in_the_catalogue(
    english: AsyncClient, session: AsyncSession
) -> None:
    organization = await make_organization(session, "昭通市青年志愿者协会")
    await make_user(session, Role.MEMBER, username="xiehui", organization=organization)
    await make_user(session, Role.REVIEWER, username="shenhe")
    await sign_in(english, "xiehui")
    offer_id = created_id(
        await post_form(english, "/my/offers/new", offer_form(), "/my/offers/new")
    )
    step = f"/catalogue/offers/{offer_id}/step/"
    await post_form(english, step + "submit", {}, "/my/offers")
    await sign_in(english, "shenhe")
    await post_form(english, step + "approve", {}, "/review")
    english.cookies.clear()
    listing = await english.get("/catalogue", params={"kind": "offers"})
    assert "暑期支教志愿服务" in listing.text
    assert "昭通市青年志愿者协会" in listing.text
    page = await english.get(f"/catalogue/offers/{offer_id}")
    assert "13800000000" not in page.text
    assert "30 人天" in page.text
