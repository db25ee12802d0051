"""Steps of the agreement tests through the API: an accepted pairing, the body that makes an
agreement of it, lifecycle steps with the version seen."""

from __future__ import annotations

from typing import Any

from tests.matching.parties import Parties

AGREEMENTS = "/api/v1/agreements"


async def accepted(parties: Parties, need: dict[str, Any], offer: dict[str, Any]) -> dict:
    """A proposal by the organization, accepted by the station."""
    proposed = await parties.propose("member", need, offer)
    assert proposed.status_code == 201, proposed.text
    answer = await parties.step("worker", proposed.json(), "accept")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "accepted"
    return answer.json()


def terms(**changes: Any) -> dict[str, Any]:
    return {
        "title": "以勒村留守儿童暑期托管帮扶协议",
        "programme": "public_welfare",
        "period_start": "2026-06-15",
        "period_end": "2027-06-14",
        "organization_signatory": "李会长",
        "recipient_signatory": "王站长",
        "organization_contact": {"name": "周老师", "phone": "13800000001"},
        "recipient_contact": {"name": "张社工", "phone": "13800000002"},
        "indicators": [{"name": "受益儿童", "unit": "人", "baseline": "0", "target": "43"}],
        **changes,
    }


async def make_agreement(
    parties: Parties, proposal: dict[str, Any], who: str = "member", **changes: Any
) -> Any:
    return await parties.client.post(
        AGREEMENTS,
        json=terms(proposal_ids=[proposal["id"]], **changes),
        headers=parties.headers[who],
    )


async def step(
    parties: Parties, who: str, agreement: dict[str, Any], name: str, **body: Any
) -> Any:
    return await parties.client.post(
        f"{AGREEMENTS}/{agreement['id']}/{name}",
        json={"version": agreement["version"], **body},
        headers=parties.headers[who],
    )


async def signed(parties: Parties, proposal: dict[str, Any]) -> dict[str, Any]:
    """An agreement made of the proposal and confirmed by both parties."""
    created = await make_agreement(parties, proposal)
    assert created.status_code == 201, created.text
    first = await step(parties, "member", created.json(), "confirm")
    assert first.status_code == 200, first.text
    second = await step(parties, "worker", first.json(), "confirm")
    assert second.status_code == 200, second.text
    assert second.json()["state"] == "signed"
    return second.json()
