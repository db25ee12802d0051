"""Steps of the outcome tests through the API: a signed agreement with a quarterly target,
drafting a report and taking its steps with the version seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.agreements.flow import AGREEMENTS, signed
from tests.conftest import FakeClock
from tests.matching.parties import Parties, parties_at

FIRST_QUARTER = {"period_start": "2026-06-15", "period_end": "2026-06-30"}
"""The first reporting period of the agreement in ``tests.agreements.flow.terms`` (quarterly
from 2026-06-15): cut short by the calendar quarter."""


async def signed_with_target(parties: Parties, proposal: dict[str, Any]) -> dict[str, Any]:
    agreement = await signed(parties, proposal)
    assert agreement["indicators"][0]["frequency"] == "quarterly"
    return agreement


def reports_of(agreement: dict[str, Any]) -> str:
    return f"{AGREEMENTS}/{agreement['id']}/reports"


async def draft(
    parties: Parties,
    agreement: dict[str, Any],
    actual: str = "10",
    who: str = "member",
    **period: str,
) -> Any:
    indicator = agreement["indicators"][0]["id"]
    return await parties.client.post(
        reports_of(agreement),
        json={
            **(period or FIRST_QUARTER),
            "narrative": "暑期托管开班，首批儿童入学。",
            "values": [{"indicator_id": indicator, "actual": actual}],
        },
        headers=parties.headers[who],
    )


async def report_step(
    parties: Parties,
    who: str,
    agreement: dict[str, Any],
    report: dict[str, Any],
    name: str,
    **body: Any,
) -> Any:
    return await parties.client.post(
        f"{reports_of(agreement)}/{report['id']}/{name}",
        json={"version": report["version"], **body},
        headers=parties.headers[who],
    )


async def progress(parties: Parties, agreement: dict[str, Any]) -> list[str]:
    answer = await parties.client.get(f"{AGREEMENTS}/{agreement['id']}/progress")
    assert answer.status_code == 200, answer.text
    return [item["cumulative"] for item in answer.json()["items"]]


async def later(parties: Parties, clock: FakeClock, moment: datetime) -> None:
    """Move the clock to ``moment`` and give everyone fresh tokens (they last 30 days)."""
    clock.now = moment
    parties.headers.update((await parties_at(parties.client)).headers)
