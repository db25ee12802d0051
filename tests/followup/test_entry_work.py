"""The to-do list a station worker and an organization's member land on also counts their
unfinished entries (drafts, returned for correction) and the pairing proposals awaiting their
own answer, each linked to the list where the step is taken; the header's count includes them
(issue 19 item 2)."""

from __future__ import annotations

import re

from httpx import AsyncClient

from tests.conftest import FakeClock
from tests.factories import need_body, offer_body, sign_in
from tests.matching.parties import Parties

_ROW = re.compile(
    r'<th scope="row"><a href="([^"#]+)">[^<]+</a></th><td class="numeric">(\d+)</td>'
)


async def work_of(client: AsyncClient, username: str) -> dict[str, int]:
    """The catalogue lines of the visitor's to-do page: link → count."""
    client.cookies.clear()
    await sign_in(client, username)
    page = await client.get("/todo")
    assert page.status_code == 200, page.text[:300]
    return {href.replace("&amp;", "&"): int(count) for href, count in _ROW.findall(page.text)}


async def badge_of(client: AsyncClient) -> str:
    return (await client.get("/follow-up/_badge")).text


async def test_drafts_returned_entries_and_proposals_to_answer_wait_for_their_party(
    parties: Parties, clock: FakeClock
) -> None:
    client, worker, member = parties.client, parties.headers["worker"], parties.headers["member"]
    draft = await client.post("/api/v1/needs", json=need_body(clock), headers=worker)
    assert draft.status_code == 201, draft.text
    returned = (await client.post("/api/v1/needs", json=need_body(clock), headers=worker)).json()
    await client.post(f"/api/v1/needs/{returned['id']}/submit", headers=worker)
    answer = await client.post(
        f"/api/v1/needs/{returned['id']}/return",
        json={"reason": "请补充受益人数"},
        headers=parties.headers["rev"],
    )
    assert answer.status_code == 200, answer.text
    offer_draft = await client.post("/api/v1/offers", json=offer_body(clock), headers=member)
    assert offer_draft.status_code == 201, offer_draft.text
    need = await parties.publish("needs", need_body(clock))
    offer = await parties.publish("offers", offer_body(clock))
    proposed = await parties.propose("member", need, offer)
    assert proposed.status_code == 201, proposed.text

    assert await work_of(client, "worker") == {
        "/my/needs?state=draft": 1,
        "/my/needs?state=returned": 1,
        "/proposals": 1,
    }
    assert '<span class="badge count">3</span>' in await badge_of(client)
    assert await work_of(client, "member") == {
        "/my/offers?state=draft": 1,
        "/my/offers?state=returned": 0,
        "/proposals": 0,
    }
    assert await work_of(client, "stranger") == {
        "/my/needs?state=draft": 0,
        "/my/needs?state=returned": 0,
        "/proposals": 0,
    }
    assert "badge count" not in await badge_of(client)

    accepted = await parties.step("worker", proposed.json(), "accept")
    assert accepted.status_code == 200, accepted.text
    assert (await work_of(client, "worker"))["/proposals"] == 0


async def test_the_links_open_the_lists_they_count(parties: Parties, clock: FakeClock) -> None:
    client = parties.client
    await client.post("/api/v1/needs", json=need_body(clock), headers=parties.headers["worker"])
    for href in await work_of(client, "worker"):
        page = await client.get(href)
        assert page.status_code == 200, href


async def test_a_reviewer_has_no_catalogue_lines_on_the_to_do_list(
    parties: Parties,
) -> None:
    assert await work_of(parties.client, "rev") == {}
