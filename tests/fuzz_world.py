"""What a fuzzing run's role finds on its demo when it starts, read through the API with its own
token: the entries it may copy into new ones and the needs and offers it may pair. Bodies made
up from nothing almost never name a sub-category of the catalogue, a village of the right
township or a need and offer that suit each other, so the API refuses them and the stateful
phase never gets a row to follow its links from (``tests/fuzz_hooks.py`` uses this)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

Json = dict[str, Any]


@dataclass(frozen=True)
class World:
    """Entries the role owns (or, for staff, any published ones: they enter on others' behalf),
    the (need, offer) pairs that the matching suggests for its own entries (for staff, for the
    published needs: a reviewer may propose any pairing), and organizations to sign with."""

    needs: list[Json] = field(default_factory=list)
    offers: list[Json] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    organization_ids: list[str] = field(default_factory=list)


def _items(client: httpx.Client, path: str, **query: Any) -> list[Json]:
    answer = client.get(path, params={"page_size": 20, **query})
    return list(answer.json()["items"]) if answer.status_code == 200 else []


def _pairs(client: httpx.Client, needs: list[Json], offers: list[Json]) -> list[tuple[str, str]]:
    """Each published entry's suggestions: a need with the offers that suit it, an offer with
    the needs."""
    pairs: list[tuple[str, str]] = []
    for need in needs:
        if need["state"] == "published":
            suggested = client.get(f"/api/v1/needs/{need['id']}/suggestions")
            if suggested.status_code == 200:
                pairs += [(need["id"], item["offer_id"]) for item in suggested.json()["items"]]
    for offer in offers:
        if offer["state"] == "published":
            suggested = client.get(f"/api/v1/offers/{offer['id']}/suggestions")
            if suggested.status_code == 200:
                pairs += [(item["need_id"], offer["id"]) for item in suggested.json()["items"]]
    return pairs


def explore(base_url: str, token: str | None) -> World:
    """The world as the role sees it; an anonymous visitor gets the published entries only."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        own_needs = _items(client, "/api/v1/needs", mine="true")
        own_offers = _items(client, "/api/v1/offers", mine="true")
        needs = own_needs or _items(client, "/api/v1/needs", state="published")
        offers = own_offers or _items(client, "/api/v1/offers", state="published")
        owns_any = bool(own_needs or own_offers)
        return World(
            needs=needs,
            offers=offers,
            pairs=_pairs(client, own_needs, own_offers) if owns_any else _pairs(client, needs, []),
            organization_ids=[o["id"] for o in _items(client, "/api/v1/organizations")],
        )
