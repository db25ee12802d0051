"""Three app instances on one database behave as one: a visitor sent to any of them by the load
balancer keeps their session and form tokens, a lockout counts failures made on any of them, a
retried request lands once, a plan runs once whoever asks and whichever worker takes it, and a
publication is searchable everywhere, once."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from tests.factories import YILE_VILLAGE
from tests.matching.bureau import ZHAOYANG
from tests.xiangxing.instances import (
    instance_environment,
    run_workers,
    shared_demo_database,
    three_instances,
)
from xiangxing.demo import DEMO_PASSWORD

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
REVOCATION_LAG = 5.0
"""How long another instance may still know a signed-out session (`accounts.identity_memory`)."""


@dataclass(frozen=True)
class Cluster:
    bases: list[str]
    environment: dict[str, str]
    """What the instances were started with, for the workers."""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Cluster]:
    var_dir = tmp_path_factory.mktemp("instances")
    with shared_demo_database(demo_file, var_dir) as url:
        environment = instance_environment(url, var_dir)
        with three_instances(environment, var_dir) as bases:
            yield Cluster(bases, environment)


@pytest.fixture(scope="module")
def instances(cluster: Cluster) -> list[str]:
    return cluster.bases


def in_days(days: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days)


def token(base: str, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    answer = httpx.post(
        f"{base}/api/v1/auth/token", json={"username": username, "password": password}, timeout=60
    )
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def form_token(browser: httpx.Client, url: str) -> str:
    found = CSRF_INPUT.search(browser.get(url).text)
    assert found, f"{url} carries no form token"
    return found.group(1)


def test_a_session_and_its_form_token_hold_on_every_instance(instances: list[str]) -> None:
    first, second, third = instances
    with httpx.Client(timeout=60) as browser:
        signed_in = browser.post(
            f"{first}/login",
            data={
                "username": "reviewer",
                "password": DEMO_PASSWORD,
                "_csrf_token": form_token(browser, f"{first}/login"),
            },
        )
        assert signed_in.status_code in (302, 303), signed_in.text[:300]
        assert browser.get(f"{third}/account", follow_redirects=False).status_code == 200
        session_token = form_token(browser, f"{third}/account")

        forged = browser.post(f"{second}/logout", data={"_csrf_token": "forged"})
        assert forged.status_code == 403
        signed_out = browser.post(f"{second}/logout", data={"_csrf_token": session_token})
        assert signed_out.status_code in (302, 303)
        assert browser.get(f"{second}/account").status_code in (302, 303)
        time.sleep(REVOCATION_LAG)
        for base in instances:
            assert browser.get(f"{base}/account").status_code in (302, 303), base


def test_failed_sign_ins_on_several_instances_lock_the_account(instances: list[str]) -> None:
    attempts = [instances[number % len(instances)] for number in range(5)]

    def wrong(base: str) -> int:
        body = {"username": "viewer", "password": "not-the-password"}
        return httpx.post(f"{base}/api/v1/auth/token", json=body, timeout=60).status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        assert list(pool.map(wrong, attempts)) == [401] * len(attempts)
    right = {"username": "viewer", "password": DEMO_PASSWORD}
    answer = httpx.post(f"{instances[0]}/api/v1/auth/token", json=right, timeout=60)
    assert answer.status_code == 401, "five failures spread over the instances must lock"


def _event_id(base: str, headers: dict[str, str]) -> str:
    events = httpx.get(f"{base}/api/v1/events", headers=headers, timeout=60).json()
    return str(events["items"][0]["id"])


def test_a_plan_asked_for_on_several_instances_runs_once(cluster: Cluster) -> None:
    first, second, third = cluster.bases
    headers = token(first, "reviewer")
    event = _event_id(first, headers)
    with httpx.Client(timeout=60) as browser:
        browser.post(
            f"{first}/login",
            data={
                "username": "reviewer",
                "password": DEMO_PASSWORD,
                "_csrf_token": form_token(browser, f"{first}/login"),
            },
        )
        page_token = form_token(browser, f"{third}/events/{event}")
        asked = browser.post(f"{second}/events/{event}/plan", data={"_csrf_token": page_token})
    assert asked.status_code in (302, 303), asked.text[:300]
    queued = httpx.get(f"{third}/api/v1/events/{event}/plan", headers=headers, timeout=60).json()
    assert queued["state"] == "queued"
    for base in (first, third):
        again = httpx.post(f"{base}/api/v1/events/{event}/plan", headers=headers, timeout=60)
        assert again.status_code == 409, again.text

    printed = run_workers(cluster.environment, 2)
    assert sum("matching.run_plans" in output for output in printed) == 1, printed
    latest = httpx.get(f"{second}/api/v1/events/{event}/plan", headers=headers, timeout=60)
    assert latest.json()["id"] == queued["id"]
    assert latest.json()["state"] == "done", latest.text


def test_one_idempotency_key_sent_to_two_instances_creates_one_event(
    instances: list[str],
) -> None:
    first, second, _third = instances
    headers = token(first, "reviewer")
    retried = {**headers, "Idempotency-Key": str(uuid4())}
    body = {
        "name": "多实例重发检验",
        "held_on": str(in_days(40)),
        "place": "昭通市",
        "county_codes": [ZHAOYANG],
    }

    def send(base: str) -> httpx.Response:
        return httpx.post(f"{base}/api/v1/events", json=body, headers=retried, timeout=60)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, (first, second)))
    assert [answer.status_code for answer in answers] == [201, 201], answers[0].text
    assert answers[0].json()["id"] == answers[1].json()["id"]
    listed = httpx.get(f"{second}/api/v1/events", headers=headers, timeout=60).json()["items"]
    assert [event["name"] for event in listed].count(body["name"]) == 1


def test_a_publication_on_one_instance_is_found_once_on_the_others(instances: list[str]) -> None:
    first, second, third = instances
    need_body = {
        "category": "special_groups",
        "subcategory": "left_behind_children",
        "title": "以勒村留守儿童周末课堂",
        "description": "村里留守儿童周末无人辅导，需要志愿者。",
        "region_code": YILE_VILLAGE,
        "beneficiary_count": 30,
        "beneficiary_groups": ["left_behind_children"],
        "lines": [{"kind": "person_days", "amount": "20", "item": "大学生志愿者"}],
        "urgency": "yellow",
        "deadline": str(in_days(60)),
        "tags": [],
    }
    worker, reviewer = token(first, "station_worker"), token(second, "reviewer")
    created = httpx.post(f"{first}/api/v1/needs", json=need_body, headers=worker, timeout=60)
    assert created.status_code == 201, created.text
    url = f"/api/v1/needs/{created.json()['id']}"
    assert httpx.post(f"{first}{url}/submit", headers=worker, timeout=60).status_code == 200
    approved = httpx.post(f"{second}{url}/approve", headers=reviewer, timeout=60)
    assert approved.json()["state"] == "published", approved.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = httpx.get(
            f"{third}/api/v1/search", params={"q": need_body["title"]}, timeout=60
        ).json()["items"]
        ids = [item["entry_id"] for item in found]
        if created.json()["id"] in ids:
            assert ids.count(created.json()["id"]) == 1
            return
        time.sleep(0.5)
    pytest.fail("the published need never reached the search index")
