"""The words stored beside each entry are those its text is cut into, follow every edit, are
never used once the text changed behind their back, and give a plan exactly the scores that
cutting the text afresh gives."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from catalogue.lines import LineKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.clock import local_date
from demand.models import Need, NeedLine, Urgency
from matching.facts import entry_words
from matching.models import EntryTerms
from matching.plan_candidates import Candidates, gather
from matching.plan_scoring import entries, geography_of, score_pairs
from matching.scoring import DEFAULT_WEIGHTS
from matching.terms import store_missing, words_of
from tests.factories import YILE_TOWNSHIP, YILE_VILLAGE

ZHENXIONG = "530627000000"


def _need(title: str, description: str) -> Need:
    return Need(
        category=TopCategory.SPECIAL_GROUPS,
        subcategory_code="left_behind_children",
        title=title,
        description=description,
        state=EntryState.DRAFT,
        region_code=YILE_VILLAGE,
        township_code=YILE_TOWNSHIP,
        county_code=ZHENXIONG,
        urgency=Urgency.RED,
        deadline=date(2027, 6, 30),
        lines=[
            NeedLine(position=0, kind=LineKind.GOODS, item="书包", unit="个", sought=Decimal(50))
        ],
    )


async def _stored(session: AsyncSession, need: Need) -> tuple[int, str] | None:
    row = (
        await session.execute(
            select(EntryTerms.checksum, EntryTerms.words).where(EntryTerms.entry_id == need.id)
        )
    ).one_or_none()
    return None if row is None else (row.checksum, row.words)


async def test_the_words_are_stored_when_the_text_is_written_and_follow_its_edits(
    session: AsyncSession,
) -> None:
    need = _need("留守儿童课后托管", "为留守儿童提供课后辅导")
    session.add(need)
    await session.flush()
    stored = await _stored(session, need)
    assert stored is not None
    assert words_of(need.title, need.description, *stored) == entry_words(
        need.title, need.description
    )
    assert frozenset(stored[1].split()) == entry_words(need.title, need.description)

    need.title = "养老服务中心设备"
    await session.flush()
    stored = await _stored(session, need)
    assert stored is not None
    assert frozenset(stored[1].split()) == entry_words("养老服务中心设备", need.description)

    need.urgency = Urgency.GREEN
    await session.flush()
    assert await _stored(session, need) == stored, "a change of anything but the text keeps them"

    await session.delete(need)
    await session.flush()
    assert await _stored(session, need) is None


async def test_words_of_a_text_changed_behind_their_back_are_not_used(
    session: AsyncSession,
) -> None:
    need = _need("苹果种植技术培训", "")
    session.add(need)
    await session.flush()
    await session.execute(update(Need).where(Need.id == need.id).values(title="天麻销售渠道"))
    stale = await _stored(session, need)
    assert stale is not None
    assert words_of("天麻销售渠道", "", *stale) == entry_words("天麻销售渠道", "")
    assert "天麻" in words_of("天麻销售渠道", "", *stale)

    assert await store_missing(session) >= 1
    fresh = await _stored(session, need)
    assert fresh is not None
    assert frozenset(fresh[1].split()) == entry_words("天麻销售渠道", "")
    assert await store_missing(session) == 0, "nothing left to store"


async def _candidates(demo: AsyncSession, now: datetime) -> Candidates:
    reviewer = await demo.scalar(select(User).where(User.username == "reviewer"))
    assert reviewer is not None
    counties = list(await demo.scalars(select(Need.county_code).distinct()))
    return await gather(
        demo,
        counties=counties,
        today=local_date(now),
        identity=Identity.of(reviewer),
        waiting=Counter(),
        busy=Counter(),
        taken=set(),
    )


def _scores(found: Candidates, now: datetime) -> np.ndarray:
    scored = score_pairs(
        entries(found.need_facts, found.offer_facts, now),
        found.pair_need,
        found.pair_offer,
        geography_of(found.pair_level),
        DEFAULT_WEIGHTS,
    )
    return scored.parts


async def test_a_plan_scores_the_same_from_stored_words_as_from_the_text_cut_afresh(
    demo: AsyncSession,
) -> None:
    now = datetime.now(UTC)
    assert await demo.scalar(select(func.count()).select_from(EntryTerms)) > 100
    from_stored = await _candidates(demo, now)
    await demo.execute(delete(EntryTerms))
    cut_afresh = await _candidates(demo, now)
    assert len(from_stored.pair_need) > 50
    assert from_stored.need_facts == cut_afresh.need_facts
    assert from_stored.offer_facts == cut_afresh.offer_facts
    assert np.array_equal(_scores(from_stored, now), _scores(cut_afresh, now))
