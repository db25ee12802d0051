"""The load of a province's working day, for locust: 70% browsing and searching, 20% detail
pages, 10% writes, each simulated user signed in as a station worker, an organization's member
or a reviewer (in equal numbers) and writing as that role does: a station posts a need, a member
records a commitment in its agreements' ledgers, a reviewer proposes a pairing. Half of the
browsing is anonymous (the public catalogue and search pages), half through the API with the
role's token; no pause between requests unless ``XIANGXING_LOAD_THINK_SECONDS`` says.
``YardstickVisitor`` loads the bare yardstick app (``yardstick_app.py``) the same
way, for the ratio.

``load_run.py`` starts the servers, signs the roles in and writes what the users need (tokens,
ids, words) to the JSON file ``XIANGXING_LOAD_FIXTURE`` names; run it, not this file.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from uuid import uuid4

from locust import FastHttpUser, between, constant, task

ROLES = ("station", "member", "reviewer")
THINK_SECONDS = float(os.environ.get("XIANGXING_LOAD_THINK_SECONDS", "0"))
"""Each user's pause between answer and next request, at most (uniform from 0); none by
default, so that N users are N requests always under way and throughput shows capacity."""
WAIT = between(0, THINK_SECONDS) if THINK_SECONDS else constant(0)


@cache
def fixture() -> dict[str, Any]:
    with open(os.environ["XIANGXING_LOAD_FIXTURE"], encoding="utf-8") as source:
        return dict(json.load(source))


class PlatformVisitor(FastHttpUser):
    """One signed-in person of the platform, browsing more than writing."""

    wait_time = WAIT
    serial = 0

    def on_start(self) -> None:
        PlatformVisitor.serial += 1
        self.role = ROLES[PlatformVisitor.serial % len(ROLES)]
        self.known = fixture()
        self.bearer = {"Authorization": f"Bearer {self.known['tokens'][self.role]}"}

    def pick(self, name: str) -> str:
        return str(random.choice(self.known[name]))

    @task(70)
    def browse(self) -> None:
        county, word = self.pick("counties"), self.pick("words")
        choice = random.randrange(5)
        if choice == 0:
            self.client.get(f"/catalogue?county={county}", name="/catalogue?county=…")
        elif choice == 1:
            self.client.get(f"/search?q={word}", name="/search?q=… page")
        elif choice == 2:
            url = f"/api/v1/needs?county={county}"
            self.client.get(url, headers=self.bearer, name="/api/v1/needs?county=…")
        elif choice == 3:
            url = f"/api/v1/offers?category={self.pick('categories')}"
            self.client.get(url, headers=self.bearer, name="/api/v1/offers?category=…")
        else:
            url = f"/api/v1/search?q={word}"
            self.client.get(url, headers=self.bearer, name="/api/v1/search?q=…")

    @task(20)
    def detail(self) -> None:
        choice = random.randrange(3)
        if choice == 0:
            self.client.get(f"/catalogue/needs/{self.pick('needs')}", name="/catalogue/needs/{id}")
        elif choice == 1:
            self.client.get(
                f"/catalogue/offers/{self.pick('offers')}", name="/catalogue/offers/{id}"
            )
        else:
            url = f"/api/v1/needs/{self.pick('needs')}"
            self.client.get(url, headers=self.bearer, name="/api/v1/needs/{id}")

    @task(10)
    def write(self) -> None:
        headers = {**self.bearer, "Idempotency-Key": str(uuid4())}
        if self.role == "station":
            self.client.post("/api/v1/needs", json=self.need(), headers=headers, name="post a need")
        elif self.role == "member":
            agreement = self.pick("agreements")
            entry = {"entry_type": "commitment", "amount": "100.00", "note": "追加自有资金"}
            url = f"/api/v1/agreements/{agreement}/ledger"
            self.client.post(url, json=entry, headers=headers, name="ledger: a commitment")
        elif self.known["pairs"]:
            need, offer = self.known["pairs"].pop()
            pair = {"need_id": need, "offer_id": offer}
            self.client.post("/api/v1/proposals", json=pair, headers=headers, name="propose")

    def need(self) -> dict[str, Any]:
        deadline = datetime.now(UTC).date() + timedelta(days=90)
        return {
            "category": "special_groups",
            "subcategory": "left_behind_children",
            "title": "留守儿童周末课堂",
            "description": "村里留守儿童周末无人辅导，需要志愿者和活动经费。",
            "region_code": self.known["village"],
            "beneficiary_count": 30,
            "beneficiary_groups": ["left_behind_children"],
            "lines": [{"kind": "funds", "amount": "20000.00"}],
            "urgency": "yellow",
            "deadline": str(deadline),
            "tags": [],
        }


class YardstickVisitor(FastHttpUser):
    """The same pace against the bare stack: an HTML page and a filtered list of 20."""

    wait_time = WAIT

    @task(1)
    def page(self) -> None:
        self.client.get("/fortunes")

    @task(3)
    def listed(self) -> None:
        county = random.choice(fixture()["counties"])
        self.client.get(f"/needs?county={county}", name="/needs?county=…")
