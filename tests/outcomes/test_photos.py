"""Photos of progress reports: the organization adds them while it may change the report,
whoever may read the reports sees them, no one else; anything that is not a JPEG, PNG or WebP
image is refused and leaves nothing behind; the orphan sweep keeps the files reports name."""

from __future__ import annotations

import hashlib
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from outcomes.photos import report_photo_digests
from tests.demand.test_photos import PNG
from tests.factories import csrf_token, sign_in
from tests.matching.parties import Parties
from tests.outcomes.reporting import draft, report_step, reports_of, signed_with_target

THIRD_QUARTER = {"period_start": "2026-07-01", "period_end": "2026-09-30"}


def photos_of(agreement: dict[str, Any], report: dict[str, Any]) -> str:
    return f"{reports_of(agreement)}/{report['id']}/photos"


async def upload(
    parties: Parties,
    agreement: dict[str, Any],
    report: dict[str, Any],
    content: bytes = PNG,
    who: str = "member",
) -> Response:
    return await parties.client.post(
        photos_of(agreement, report),
        files={"file": ("现场.png", content, "image/png")},
        headers=parties.headers[who],
    )


async def test_readers_of_the_reports_see_the_photos_and_no_one_else(
    parties: Parties, proposal: dict[str, Any], client: AsyncClient
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    assert (await upload(parties, agreement, report, who="worker")).status_code == 403
    added = await upload(parties, agreement, report)
    assert added.status_code == 201, added.text
    photo = added.json()
    assert (photo["content_type"], photo["byte_size"]) == ("image/png", len(PNG))
    for who in ("member", "worker", "rev"):
        listed = await parties.client.get(
            photos_of(agreement, report), headers=parties.headers[who]
        )
        assert [item["id"] for item in listed.json()["items"]] == [photo["id"]], who
        served = await parties.client.get(photo["url"], headers=parties.headers[who])
        assert served.content == PNG, who
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["cache-control"].startswith("private")
    assert (await parties.client.get(photo["url"])).status_code == 401
    for who in ("stranger", "outsider"):
        hidden = await parties.client.get(photo["url"], headers=parties.headers[who])
        assert hidden.status_code == 404, f"{who} may not read the agreement's reports"
        listed = await parties.client.get(
            photos_of(agreement, report), headers=parties.headers[who]
        )
        assert listed.status_code == 404, who
    other = (await draft(parties, agreement, **THIRD_QUARTER)).json()
    elsewhere = f"{photos_of(agreement, other)}/{photo['id']}"
    assert (await parties.client.get(elsewhere, headers=parties.headers["member"])).status_code == (
        404
    ), "a photo is found only under its own report"
    page = f"/agreements/{agreement['id']}/reports/{report['id']}/photos/{photo['id']}"
    await sign_in(client, "outsider")
    assert (await client.get(page)).status_code == 404
    await sign_in(client, "worker")
    assert (await client.get(page)).content == PNG


async def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_kept(
    parties: Parties, proposal: dict[str, Any], client: AsyncClient, session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    refused = await upload(parties, agreement, report, content=b"%PDF-1.4\n%%EOF\n")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "not_an_image"
    listed = await parties.client.get(
        photos_of(agreement, report), headers=parties.headers["member"]
    )
    assert listed.json()["total"] == 0
    await sign_in(client, "member")
    page = f"/agreements/{agreement['id']}/reports/{report['id']}"
    on_page = await client.post(
        f"{page}/photos",
        data={"_csrf_token": await csrf_token(client, page)},
        files={"file": ("现场.jpg", b"not an image at all", "image/jpeg")},
    )
    assert on_page.status_code == 400
    assert "请上传 JPEG、PNG 或 WebP 格式的图片。" in on_page.text, "beside the field, in Chinese"
    assert await report_photo_digests(session) == set()


async def test_photos_change_only_while_the_organization_may_change_the_report(
    parties: Parties, proposal: dict[str, Any], client: AsyncClient, session: AsyncSession
) -> None:
    agreement = await signed_with_target(parties, proposal)
    report = (await draft(parties, agreement)).json()
    photo = (await upload(parties, agreement, report)).json()
    page = f"/agreements/{agreement['id']}/reports/{report['id']}"
    remove = f"{page}/photos/{photo['id']}/delete"
    await sign_in(client, "worker")
    refused = await client.post(remove, data={"_csrf_token": await csrf_token(client, page)})
    assert refused.status_code == 403, "only the organization removes its photos"
    await sign_in(client, "member")
    removed = await client.post(remove, data={"_csrf_token": await csrf_token(client, page)})
    assert removed.status_code in (302, 303), removed.text
    assert await report_photo_digests(session) == set()

    for _count in range(6):
        assert (await upload(parties, agreement, report)).status_code == 201
    too_many = await upload(parties, agreement, report)
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["code"] == "too_many_photos"
    assert await report_photo_digests(session) == {hashlib.sha256(PNG).hexdigest()}, (
        "the sweep keeps the files reports name"
    )
    await report_step(parties, "member", agreement, report, "submit")
    listed = await parties.client.get(
        photos_of(agreement, report), headers=parties.headers["member"]
    )
    kept = listed.json()["items"][0]
    late = await client.post(
        f"{page}/photos/{kept['id']}/delete", data={"_csrf_token": await csrf_token(client, page)}
    )
    assert late.status_code == 409, "a submitted report keeps its photos"
    assert (await upload(parties, agreement, report)).status_code == 409
