"""The demo catalogue: illustrative organizations, offers and needs from ``demo_catalogue.json``.

The text was written for this platform and is marked illustrative (组织名称带“（示例）”). Entries
are placed in every workflow state with plausible dates, on the real divisions; a station is
opened in every township so that each need has its station.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.credit_code import check_character
from accounts.models import (
    Organization,
    OrganizationType,
    Origin,
    RegistrationLevel,
    Station,
    Verification,
)
from catalogue.lines import LineKind
from catalogue.models import EntryEvent, EntryKind
from catalogue.workflow import EntryState
from core.categories import TopCategory
from core.clock import local_date
from demand.models import Channel, Need, NeedLine, Urgency
from regions.models import Region, RegionLevel
from supply.models import Offer, OfferLine

DEMO_FILE = Path(__file__).resolve().parent / "demo_catalogue.json"
CITY_CODE = "530600000000"
CREDIT_SERIAL_START = 100
_STEPS = {
    EntryState.DRAFT: [],
    EntryState.SUBMITTED: ["submitted"],
    EntryState.RETURNED: ["submitted", "returned"],
    EntryState.PUBLISHED: ["submitted", "approved"],
    EntryState.CLOSED: ["submitted", "approved", "closed"],
    EntryState.WITHDRAWN: ["submitted", "approved", "withdrawn"],
}


@dataclass
class _Places:
    by_path: dict[str, Region]
    stations: dict[str, Station] = field(default_factory=dict)

    def find(self, path: str) -> Region:
        if path == "昭通市":
            return self.by_path[CITY_CODE]
        return self.by_path[path]


async def load_demo_catalogue(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Add the demo organizations, offers and needs; returns how many of each. An offer may
    also belong to an organization already in the database (one of the demo accounts')."""
    content = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    places = await _places(session)
    rng = random.Random(2026)  # noqa: S311 - demo dates, not secrets
    organizations = _organizations(content["organizations"], now)
    session.add_all(organizations.values())
    await session.flush()
    by_name = {org.name: org for org in await session.scalars(select(Organization))}
    for path_region in places.by_path.values():
        if path_region.level is RegionLevel.TOWNSHIP and path_region.code not in places.stations:
            station = Station(
                township_code=path_region.code, name=f"{path_region.short_name}社工站"
            )
            session.add(station)
            places.stations[path_region.code] = station
    await session.flush()
    offers = [_offer(item, by_name, places, now, rng) for item in content["offers"]]
    needs = [_need(item, places, now, rng) for item in content["needs"]]
    session.add_all([*offers, *needs])
    await session.flush()
    for offer in offers:
        session.add_all(_history(offer, EntryKind.OFFER))
    for need in needs:
        session.add_all(_history(need, EntryKind.NEED))
    await session.flush()
    return {"organizations": len(organizations), "offers": len(offers), "needs": len(needs)}


async def _places(session: AsyncSession) -> _Places:
    regions = list(await session.scalars(select(Region)))
    by_path = {region.full_name: region for region in regions}
    by_path[CITY_CODE] = next(r for r in regions if r.code == CITY_CODE)
    stations = {s.township_code: s for s in await session.scalars(select(Station))}
    return _Places(by_path=by_path, stations=stations)


def _organizations(items: list[dict[str, Any]], now: datetime) -> dict[str, Organization]:
    found = {}
    for serial, item in enumerate(items, start=CREDIT_SERIAL_START):
        org_type = OrganizationType(item["org_type"])
        category = "3" if org_type is OrganizationType.FOUNDATION else "1"
        first17 = f"5{category}530600MJ{serial:07d}"
        found[item["name"]] = Organization(
            name=item["name"],
            credit_code=first17 + check_character(first17),
            org_type=org_type,
            origin=Origin(item["origin"]),
            registration_level=RegistrationLevel(item["registration_level"]),
            focus_categories=item["focus_categories"],
            has_party_branch=item.get("has_party_branch", False),
            description=item.get("description", ""),
            contact_name="示例联系人",
            contact_phone="0870-0000000",
            verification=Verification.VERIFIED,
            verified_at=now - timedelta(days=200),
        )
    return found


def _amount(line: dict[str, Any]) -> Decimal:
    return Decimal(line["amount"]).quantize(Decimal("0.01"))


def _unit(line: dict[str, Any]) -> str:
    """Goods and purchases keep the unit they name (a purchase without one is in yuan)."""
    kind = LineKind(line["kind"])
    return (line.get("unit", "") or kind.default_unit) if kind.names_its_unit else kind.default_unit


def _value(line: dict[str, Any]) -> Decimal | None:
    """What a purchase in 株 or 吨 is worth in yuan, where the demo says."""
    return Decimal(line["value"]).quantize(Decimal("0.01")) if "value" in line else None


def _timestamps(entry: Offer | Need, state: EntryState, now: datetime, rng: random.Random) -> None:
    created = now - timedelta(days=rng.randint(20, 160), hours=rng.randint(0, 23))
    entry.created_at = created
    entry.state = state
    if state is EntryState.DRAFT:
        return
    submitted = created + timedelta(days=rng.randint(0, 3))
    entry.submitted_at = submitted
    if state in (EntryState.PUBLISHED, EntryState.CLOSED, EntryState.WITHDRAWN):
        published = submitted + timedelta(days=rng.randint(1, 5))
        entry.published_at = published
        if state in (EntryState.CLOSED, EntryState.WITHDRAWN):
            entry.closed_at = published + timedelta(days=rng.randint(5, 30))


def _offer(
    item: dict[str, Any],
    organizations: dict[str, Organization],
    places: _Places,
    now: datetime,
    rng: random.Random,
) -> Offer:
    today = local_date(now)
    offer = Offer(
        organization_id=organizations[item["organization"]].id,
        category=TopCategory(item["category"]),
        subcategory_code=item["subcategory"],
        title=item["title"],
        description=item["description"],
        tags=item.get("tags", []),
        valid_from=today - timedelta(days=rng.randint(10, 60)),
        valid_until=today + timedelta(days=item.get("valid_days", 180)),
        capacity=item.get("capacity", 1),
        contact_name="示例联系人",
        contact_phone="0870-0000000",
        returned_reason=item.get("return_reason"),
        service_regions=[places.find(path) for path in item["service_regions"]],
        lines=[
            OfferLine(
                position=position,
                kind=LineKind(line["kind"]),
                item=line.get("item", ""),
                unit=_unit(line),
                offered=_amount(line),
            )
            for position, line in enumerate(item["lines"])
        ],
    )
    _timestamps(offer, EntryState(item["state"]), now, rng)
    return offer


def _need(item: dict[str, Any], places: _Places, now: datetime, rng: random.Random) -> Need:
    region = places.find(item["region"])
    township_code = region.code if region.level is RegionLevel.TOWNSHIP else region.parent_code
    assert township_code is not None
    channel = Channel(item.get("channel", "station"))
    need = Need(
        category=TopCategory(item["category"]),
        subcategory_code=item["subcategory"],
        title=item["title"],
        description=item["description"],
        tags=item.get("tags", []),
        region_code=region.code,
        township_code=township_code,
        county_code=township_code[:6] + "000000",
        station_id=places.stations[township_code].id if channel is Channel.STATION else None,
        channel=channel,
        channel_name=item.get("channel_name", "")
        or ("" if channel is Channel.STATION else "示例协会"),
        beneficiary_count=item["beneficiaries"]["count"],
        beneficiary_groups=item["beneficiaries"]["groups"],
        urgency=Urgency(item["urgency"]),
        deadline=local_date(now) + timedelta(days=item["deadline_days"]),
        returned_reason=item.get("return_reason"),
        lines=[
            NeedLine(
                position=position,
                kind=LineKind(line["kind"]),
                item=line.get("item", ""),
                unit=_unit(line),
                value=_value(line),
                sought=_amount(line),
            )
            for position, line in enumerate(item["lines"])
        ],
    )
    state = EntryState(item["state"])
    _timestamps(need, state, now, rng)
    published = need.published_at
    if state is EntryState.PUBLISHED and item.get("verified") and published is not None:
        need.verified_at = published + timedelta(days=rng.randint(1, 10))
    return need


def _history(entry: Offer | Need, kind: EntryKind) -> list[EntryEvent]:
    """The steps that brought the entry to its state, dated along its timestamps."""
    events = [
        EntryEvent(
            entry_kind=kind,
            entry_id=entry.id,
            occurred_at=entry.created_at,
            actor_name="demo",
            action="created",
            state_before=None,
            state_after="draft",
        )
    ]
    state_before = "draft"
    moments = {
        "submitted": entry.submitted_at,
        "returned": entry.submitted_at,
        "approved": entry.published_at,
        "closed": entry.closed_at,
        "withdrawn": entry.closed_at,
    }
    after = {
        "submitted": "submitted",
        "returned": "returned",
        "approved": "published",
        "closed": "closed",
        "withdrawn": "withdrawn",
    }
    for step in _STEPS[entry.state]:
        events.append(
            EntryEvent(
                entry_kind=kind,
                entry_id=entry.id,
                occurred_at=moments[step],
                actor_name="demo",
                action=step,
                state_before=state_before,
                state_after=after[step],
                reason=entry.returned_reason if step == "returned" else None,
            )
        )
        state_before = after[step]
    return events
