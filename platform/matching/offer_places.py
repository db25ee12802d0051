"""Where each published offer is offered, kept in step with the offers (`models.offer_place`).

Written by mapper events in the flush that changes an offer, the way the search outbox is
(`search.outbox`), so no code path can publish, withdraw, re-categorise or move an offer and
leave its places behind: at the end of each flush the places of every offer touched are read
again from the offer and its `offer_region` rows, which by then are written too. A change to a
collection alone (the places served) marks the offer dirty, so it is caught as well. What
changes without the offer's own row (capacity, the organization's verification, validity
running out) is not kept here: suggestions check those on the offer itself.

Rows written outside the ORM (bulk loads) are put in step with ``refresh_statements``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Executable, Select, bindparam, delete, event, insert, select
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from catalogue.workflow import EntryState
from matching.models import offer_place
from matching.scoring import ancestors
from supply.models import Offer, offer_region

PENDING_KEY = "offer_places_pending"
BATCH = 500
"""Offers refreshed per statement: an import's flush touches thousands."""


def refresh_statements(offer_ids: Iterable[UUID] | None = None) -> list[Executable]:
    """Statements that put the places of these offers (all offers: None) in step."""
    if offer_ids is None:
        return [delete(offer_place), _insert_places(None)]
    ids = list(offer_ids)
    statements: list[Executable] = []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        statements.append(delete(offer_place).where(offer_place.c.offer_id.in_(batch)))
        statements.append(_insert_places(batch))
    return statements


def _insert_places(offer_ids: Sequence[UUID] | None) -> Executable:
    places = (
        select(
            offer_region.c.offer_id,
            offer_region.c.region_code,
            Offer.category,
            Offer.subcategory_code,
        )
        .join(Offer, Offer.id == offer_region.c.offer_id)
        .where(Offer.state == EntryState.PUBLISHED)
    )
    if offer_ids is not None:
        places = places.where(Offer.id.in_(offer_ids))
    return insert(offer_place).from_select(
        ["offer_id", "region_code", "category", "subcategory_code"], places
    )


def offers_at() -> Select[tuple[UUID]]:
    """Offers published for a region or a division above it, in a category or a related
    sub-category: read from the place table's indexes, never by scanning the offers. The
    values are parameters (`offers_at_values`), so the statement is built once. It is asked
    on its own, not as a subquery: PostgreSQL's generic plan of the joined statement, which it
    settles on after a few calls, read every current offer (8 ms against 1.3 at 100,000
    needs and 20,000 offers; docs/benchmarks.md, Suggestions in four statements)."""
    near = offer_place.c.region_code.in_(bindparam("places", expanding=True))
    kinds = (offer_place.c.category == bindparam("category")) | offer_place.c.subcategory_code.in_(
        bindparam("related", expanding=True)
    )
    return select(offer_place.c.offer_id).where(near, kinds).distinct()


def offers_at_values(region_code: str, category: str, related: Iterable[str]) -> dict[str, object]:
    """The parameters of `offers_at` for a need's region, category and related
    sub-categories."""
    return {
        "places": list(ancestors(region_code)),
        "category": category,
        "related": sorted(related),
    }


def _touched(_mapper: Mapper[Any], connection: Connection, offer: Offer) -> None:
    connection.info.setdefault(PENDING_KEY, set()).add(offer.id)


def _refresh_touched(session: Session, _flush: UOWTransaction) -> None:
    connection = session.connection()
    touched = connection.info.pop(PENDING_KEY, None)
    if touched:
        for statement in refresh_statements(sorted(touched)):
            connection.execute(statement)


for _event in ("after_insert", "after_update", "after_delete"):
    event.listen(Offer, _event, _touched)
event.listen(Session, "after_flush", _refresh_touched)
