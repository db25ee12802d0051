"""Plans run in the background: a request queues one and answers 202 with its URL at once;
the run goes from queued to running to done with its result stored, or to failed with the
reason; while it is under way the API and the page say how far it has come and a second
request is refused. The runs are carried out here in the test's transaction
(`tests.matching.planning`); `test_plan_process` drills the planning process itself."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from matching import events
from matching.models import PlanRun, PlanRunState
from matching.plan_process import fail_interrupted, why_it_stopped
from matching.plan_runs import STALE_AFTER
from tests.conftest import FakeClock
from tests.factories import sign_in
from tests.matching.bureau import ZHAOYANG, ZHENXIONG, Bureau, make_event
from tests.matching.planning import carry_out_queued, waiting_children


async def _queue(bureau: Bureau, event_id: str) -> Any:
    queued = await bureau.call("POST", f"/{event_id}/plan", json={"k": 5})
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == queued.json()["url"]
    return queued.json()


async def _queued_as(
    bureau: Bureau, session: AsyncSession, counties: list[str], **run: object
) -> tuple[Any, Any]:
    """An event of ``counties`` and a plan of it queued, its run's row then set to ``run`` as
    its planning process would have left it."""
    event = await make_event(bureau, counties)
    queued = await _queue(bureau, event["id"])
    await session.execute(update(PlanRun).where(PlanRun.id == queued["id"]).values(**run))
    await session.commit()
    return event, queued


async def test_a_plan_is_queued_run_and_stored(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]], session: AsyncSession
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    run = await _queue(bureau, event["id"])
    assert run["state"] == "queued"
    assert run["result"] == {}
    untouched = (await bureau.call("GET", f"/{event['id']}")).json()
    assert untouched["planned_at"] is None, "nothing is planned while the run waits"

    refused = await bureau.call("POST", f"/{event['id']}/plan")
    assert refused.status_code == 409, "one plan of an event at a time"
    assert refused.json()["code"] == "plan_under_way"
    latest = await bureau.call("GET", f"/{event['id']}/plan")
    assert latest.json()["id"] == run["id"], "the run under way is the one to follow"

    assert await carry_out_queued(bureau.app) is PlanRunState.DONE
    done = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert done["state"] == "done"
    assert done["started_at"] is not None
    assert done["finished_at"] is not None
    assert done["result"]["pairs"] == 2
    assert done["result"]["covered"] == 2
    assert done["result"]["uncovered"] == {}
    assert done["result"]["solver_seconds"] <= done["result"]["seconds"]
    planned = (await bureau.call("GET", f"/{event['id']}")).json()
    assert planned["coverage"] == {ZHENXIONG: 1, ZHAOYANG: 1}, "the plan is stored"
    again = await bureau.call("POST", f"/{event['id']}/plan")
    assert again.status_code == 202, "a finished run no longer blocks the next"


async def test_the_api_and_the_page_follow_a_running_plan(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]], session: AsyncSession, clock: FakeClock
) -> None:
    event, run = await _queued_as(
        bureau,
        session,
        [ZHENXIONG, ZHAOYANG],
        state=PlanRunState.RUNNING,
        phase="reading",
        done=1,
        total=2,
        progressed_at=clock.now,
    )
    running = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert (running["state"], running["phase"], running["done"], running["total"]) == (
        "running",
        "reading",
        1,
        2,
    )
    assert (await bureau.call("POST", f"/{event['id']}/plan")).status_code == 409
    await sign_in(bureau.client, "rev")
    page = await bureau.client.get(f"/events/{event['id']}")
    assert "正在读取各县的需求和资源 1 / 2" in page.text
    assert '<progress value="1" max="2">' in page.text
    fragment = await bureau.client.get(f"/events/{event['id']}/plan-run?polling=true")
    assert 'hx-trigger="every 250ms"' in fragment.text, "polled often while it may soon end"
    clock.advance(seconds=6)
    fragment = await bureau.client.get(f"/events/{event['id']}/plan-run?polling=true")
    assert 'hx-trigger="every 1s"' in fragment.text, "then every second while it runs"
    member = await bureau.client.get(run["url"], headers=bureau.headers["member"])
    assert member.status_code == 403, "runs are for reviewers"


async def test_the_page_says_why_a_planning_process_stopped_in_the_readers_language(
    bureau: Bureau, session: AsyncSession, clock: FakeClock
) -> None:
    event, run = await _queued_as(
        bureau,
        session,
        [ZHENXIONG],
        state=PlanRunState.FAILED,
        error=why_it_stopped(-signal.SIGKILL),
        finished_at=clock.now,
    )
    await sign_in(bureau.client, "rev")
    page = await bureau.client.get(f"/events/{event['id']}")
    assert "原因：规划进程已停止：被信号 SIGKILL 终止" in page.text
    bureau.client.cookies.set("lang", "en")
    page = await bureau.client.get(f"/events/{event['id']}")
    assert "Reason: the planning process stopped: killed by SIGKILL" in page.text
    answer = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert answer["error"] == "the planning process stopped: killed by SIGKILL", "the API's words"


async def test_opening_an_event_page_starts_a_planning_process_ahead_where_the_app_runs_jobs(
    bureau: Bureau, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await make_event(bureau, [ZHENXIONG])
    await sign_in(bureau.client, "rev")
    assert (await bureau.client.get(f"/events/{event['id']}")).status_code == 200
    assert waiting_children() == [], "a worker (`xiangxing worker`) runs the plans"

    state = bureau.app.state
    monkeypatch.setattr(state, "settings", state.settings.model_copy(update={"jobs_in_app": True}))
    assert (await bureau.client.get(f"/events/{event['id']}")).status_code == 200
    await state.jobs.stop()  # awaits what the page started in the background
    [ahead] = waiting_children()
    assert (await bureau.client.get(f"/events/{event['id']}")).status_code == 200
    await state.jobs.stop()
    assert waiting_children() == [ahead], "one waits at a time"
    os.kill(ahead, signal.SIGKILL)


async def test_a_failed_plan_says_so_and_changes_nothing(
    bureau: Bureau,
    catalogue: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    first = await bureau.plan(event["id"])
    assert len(first["pairs"]) == 2

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the solver ran out of memory")

    monkeypatch.setattr(events, "solve", broken)
    run = await _queue(bureau, event["id"])
    assert await carry_out_queued(bureau.app) is PlanRunState.FAILED
    failed = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert failed["state"] == "failed"
    assert "the solver ran out of memory" in failed["error"]
    kept = (await bureau.call("GET", f"/{event['id']}")).json()
    assert {p["id"] for p in kept["pairs"]} == {p["id"] for p in first["pairs"]}
    await sign_in(bureau.client, "rev")
    page = await bureau.client.get(f"/events/{event['id']}")
    assert "上次规划失败，草案未改变" in page.text
    assert "原因：RuntimeError: the solver ran out of memory" in page.text, "why, for the admin"
    assert (await bureau.call("POST", f"/{event['id']}/plan")).status_code == 202


async def test_a_run_whose_process_died_no_longer_blocks(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]], session: AsyncSession, clock: FakeClock
) -> None:
    event, _ = await _queued_as(
        bureau, session, [ZHENXIONG], state=PlanRunState.RUNNING, progressed_at=clock.now
    )
    assert (await bureau.call("POST", f"/{event['id']}/plan")).status_code == 409
    clock.advance(seconds=(STALE_AFTER + timedelta(minutes=1)).total_seconds())
    retried = await bureau.call("POST", f"/{event['id']}/plan")
    assert retried.status_code == 202, "silent for too long: the process is gone"
    assert await fail_interrupted(session, clock()) == 1
    assert await carry_out_queued(bureau.app) is PlanRunState.DONE
    states = list(await session.scalars(select(PlanRun.state)))
    assert sorted(state.value for state in states) == ["done", "failed"]


async def test_unknown_runs_and_events_are_404(
    bureau: Bureau, catalogue: dict[str, dict[str, Any]]
) -> None:
    event = await make_event(bureau, [ZHENXIONG])
    assert (await bureau.call("GET", f"/{event['id']}/plan")).status_code == 404
    run = await _queue(bureau, event["id"])
    other = await make_event(bureau, [ZHAOYANG])
    elsewhere = await bureau.call("GET", f"/{other['id']}/plans/{run['id']}")
    assert elsewhere.status_code == 404, "a run is found only under its own event"


async def test_a_plan_stopped_while_saving_leaves_the_last_plan_and_is_reported_when_stale(
    bureau: Bureau,
    catalogue: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    session: AsyncSession,
    clock: FakeClock,
) -> None:
    """The plan stops between removing the old draft's pairs and storing the new ones, and no
    one is left to report it (the planning process and the job's own process both gone): the
    transaction never commits, so the last plan stands whole; the run reads as running until
    it has been silent too long, then as failed, and the plan is simply asked for again."""
    event = await make_event(bureau, [ZHENXIONG, ZHAOYANG])
    first = await bureau.plan(event["id"])

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed while saving")

    with monkeypatch.context() as patched:
        patched.setattr(events, "insert", killed)
        run = await _queue(bureau, event["id"])
        with pytest.raises(SystemExit):
            await carry_out_queued(bureau.app)
    kept = (await bureau.call("GET", f"/{event['id']}")).json()
    assert {p["id"] for p in kept["pairs"]} == {p["id"] for p in first["pairs"]}
    stuck = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert (stuck["state"], stuck["phase"]) == ("running", "saving")

    clock.advance(seconds=(STALE_AFTER + timedelta(minutes=1)).total_seconds())
    retried = await _queue(bureau, event["id"])
    assert await fail_interrupted(session, clock()) == 1
    assert await carry_out_queued(bureau.app) is PlanRunState.DONE
    failed = (await bureau.client.get(run["url"], headers=bureau.headers["rev"])).json()
    assert failed["state"] == "failed"
    assert "interrupted" in failed["error"]
    done = (await bureau.client.get(retried["url"], headers=bureau.headers["rev"])).json()
    assert done["state"] == "done"
    planned = (await bureau.call("GET", f"/{event['id']}")).json()
    assert len(planned["pairs"]) == done["result"]["pairs"] > 0, "the new plan is stored whole"
