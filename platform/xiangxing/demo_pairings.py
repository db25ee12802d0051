"""The demo's pairings: the demo member's organization proposes three pairings to the demo
station, so each role sees consent at work on its pages — one awaiting the station's answer,
one accepted (both contacts shown, funds paying for seedlings), one declined with its reason.

Made through the proposal service, as the two accounts would make them, so the amounts, the
audit log and the consent columns are what the pages would have written.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from accounts.models import User
from core.audit import Actor
from demand.models import Need
from matching.proposals import ProposalService
from matching.rules import Step
from supply.models import Offer

# need title, offer title, what the organization says, yuan it gives (all it can if None),
# the station's answer, its reason
PAIRINGS: tuple[tuple[str, str, str, Decimal | None, Step | None, str], ...] = (
    (
        "茶木村苹果园冬季修剪没人会",
        "苹果树冬季修剪现场教学",
        "入冬后派两名修剪骨干进村，每户果园现场教。",
        None,
        None,
        "",
    ),
    (
        "以勒村高山苹果新建园缺脱毒苗木",
        "高山苹果新建园苗木补助",
        "补助6万元苗木款，其余由村合作社自筹。",
        Decimal(60000),
        Step.ACCEPT,
        "",
    ),
    (
        "以勒镇约20吨高山苹果待销",
        "协会会员企业订单收购高山苹果",
        "按一级果每公斤4元订单收购。",
        None,
        Step.DECLINE,
        "收购价低于农户期望的每公斤5元，合作社暂不接受，请调整价格后再联系。",
    ),
)


async def _as(session: AsyncSession, username: str) -> tuple[Identity, Actor]:
    user = (await session.scalars(select(User).where(User.username == username))).one()
    return Identity.of(user), Actor(str(user.id), user.username, user.roles[0], None)


async def load_demo_pairings(session: AsyncSession, now: datetime) -> int:
    """Propose, accept and decline the demo's pairings; returns how many were proposed."""
    proposals = ProposalService(session, lambda: now)
    member, member_actor = await _as(session, "org_member")
    worker, worker_actor = await _as(session, "station_worker")
    for need_title, offer_title, message, yuan, answer, reason in PAIRINGS:
        need = (await session.scalars(select(Need).where(Need.title == need_title))).one()
        offer_id = (await session.scalars(select(Offer.id).where(Offer.title == offer_title))).one()
        proposal = await proposals.propose(
            need.id,
            offer_id,
            member,
            member_actor,
            amounts=None if yuan is None else {need.lines[0].id: yuan},
            message=message,
        )
        if answer is not None:
            await proposals.take(proposal.id, answer, worker, worker_actor, reason=reason)
    return len(PAIRINGS)
