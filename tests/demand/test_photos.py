"""Photos of needs: the owner adds them while the need is editable, through the API or the edit
page; anyone who may see the need sees them; anything that is not a small JPEG, PNG or WebP
image is refused and leaves nothing behind."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import UTC, datetime, timedelta
from uuid import UUID

from httpx import AsyncClient, Response
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Role
from catalogue.models import EntryEvent
from core.files import ORPHAN_AGE, ContentStore
from core.settings import Settings
from demand.models import NeedPhoto
from demand.photo_store import photo_digests
from tests.conftest import FakeClock
from tests.factories import PASSWORD, YILE_TOWNSHIP, csrf_token, make_station, make_user, sign_in

YILE_VILLAGE = "530627106201"
DAWAN_TOWNSHIP = "530627105000"
MB = 2**20


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def tiny_png() -> bytes:
    """A real 1×1 PNG, one white grey-scale pixel (67 bytes)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


PNG = tiny_png()
PNG_DIGEST = hashlib.sha256(PNG).hexdigest()


async def _bearer(client: AsyncClient, username: str) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _need_body(clock: FakeClock) -> dict[str, object]:
    return {
        "category": "public_services",
        "subcategory": "children_home",
        "title": "以勒村儿童之家修缮",
        "description": "儿童之家屋顶漏雨，需要修缮材料和资金。",
        "region_code": YILE_VILLAGE,
        "beneficiary_count": 35,
        "beneficiary_groups": ["left_behind_children"],
        "lines": [{"kind": "funds", "amount": "12000.00"}],
        "urgency": "yellow",
        "deadline": str((clock.now + timedelta(days=45)).date()),
        "tags": ["儿童之家"],
    }


async def _worker(
    session: AsyncSession,
    client: AsyncClient,
    username: str = "yile",
    township: str = YILE_TOWNSHIP,
) -> dict[str, str]:
    station = await make_station(session, township)
    await make_user(session, Role.STATION_WORKER, username=username, station=station)
    return await _bearer(client, username)


async def _draft(client: AsyncClient, clock: FakeClock, worker: dict[str, str]) -> str:
    created = await client.post("/api/v1/needs", json=_need_body(clock), headers=worker)
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def _publish(
    session: AsyncSession, client: AsyncClient, need_id: str, worker: dict[str, str]
) -> None:
    await make_user(session, Role.REVIEWER, username="shenhe")
    reviewer = await _bearer(client, "shenhe")
    url = f"/api/v1/needs/{need_id}"
    assert (await client.post(f"{url}/submit", headers=worker)).status_code in (200, 201)
    approved = await client.post(f"{url}/approve", headers=reviewer)
    assert approved.json()["state"] == "published", approved.text


async def _upload(
    client: AsyncClient,
    need_id: str,
    headers: dict[str, str],
    content: bytes = PNG,
    filename: str = "bridge.png",
    content_type: str = "image/png",
    caption: str | None = None,
) -> Response:
    data = {"caption": caption} if caption is not None else {}
    return await client.post(
        f"/api/v1/needs/{need_id}/photos",
        files={"file": (filename, content, content_type)},
        data=data,
        headers=headers,
    )


def _stored_files(settings: Settings) -> list[str]:
    """The names of the files in the app's content store (their digests)."""
    root = ContentStore.of(settings).root
    return sorted(path.name for path in root.glob("??/*")) if root.exists() else []


async def _sweep_orphans(session: AsyncSession, settings: Settings) -> int:
    """The orphan sweep as it runs once the files are old enough."""
    later = datetime.now(UTC) + ORPHAN_AGE + timedelta(minutes=1)
    return ContentStore.of(settings).sweep(await photo_digests(session), later)


async def _photo_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(NeedPhoto)) or 0


async def test_the_owner_adds_a_photo_that_is_public_once_the_need_is_published(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)

    added = await _upload(client, need_id, worker, caption="漏雨的屋顶")
    assert added.status_code == 201, added.text
    photo = added.json()
    assert photo["content_type"] == "image/png"
    assert photo["byte_size"] == len(PNG) == 67
    assert photo["url"] == f"/media/needs/{need_id}/{photo['id']}"
    assert _stored_files(app.state.settings) == [PNG_DIGEST], "named by its content"

    assert (await client.get(photo["url"])).status_code == 404, "a draft's photo is not public"
    assert (await client.get(f"/api/v1/needs/{need_id}/photos")).status_code == 404

    await _publish(session, client, need_id, worker)
    served = await client.get(photo["url"])
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=86400"
    assert served.headers["x-content-type-options"] == "nosniff"
    listed = await client.get(f"/api/v1/needs/{need_id}/photos")
    assert [item["caption"] for item in listed.json()["items"]] == ["漏雨的屋顶"]

    client.cookies.set("lang", "en")
    page = await client.get(f"/catalogue/needs/{need_id}")
    assert f'src="{photo["url"]}"' in page.text
    assert 'loading="lazy"' in page.text
    assert "漏雨的屋顶" in page.text
    assert "Photo added" in page.text
    actions = list(
        await session.scalars(select(EntryEvent.action).where(EntryEvent.entry_id == UUID(need_id)))
    )
    assert "photo_added" in actions

    refused = await _upload(client, need_id, worker)
    assert refused.status_code == 409, "a published need's photos are not changed"
    assert await _photo_count(session) == 1


async def test_the_edit_page_uploads_shows_and_deletes_photos(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    await sign_in(client, "yile")
    client.cookies.set("lang", "en")
    edit = f"/my/needs/{need_id}/edit"

    page = await client.get(edit)
    assert page.status_code == 200
    assert 'accept="image/jpeg,image/png,image/webp"' in page.text
    assert 'capture="environment"' in page.text
    assert 'enctype="multipart/form-data"' in page.text

    token = await csrf_token(client, edit)
    posted = await client.post(
        f"/my/needs/{need_id}/photos",
        data={"caption": "断桥", "_csrf_token": token},
        files={"file": ("IMG_0001.png", PNG, "image/png")},
    )
    assert posted.status_code in (302, 303), posted.text[:500]
    assert posted.headers["location"].startswith(edit)
    photo = (await session.scalars(select(NeedPhoto))).one()
    url = f"/media/needs/{need_id}/{photo.id}"

    page = await client.get(edit)
    assert "The photo is added." in page.text
    assert f'src="{url}"' in page.text
    assert "断桥" in page.text
    served = await client.get(url)
    assert served.status_code == 200, "the owner sees the draft's photo"
    assert served.content == PNG
    assert served.headers["cache-control"].startswith("private")

    token = await csrf_token(client, edit)
    refused = await client.post(
        f"/my/needs/{need_id}/photos",
        data={"_csrf_token": token},
        files={"file": ("notes.jpg", b"just some text, not a photo", "image/jpeg")},
    )
    assert refused.status_code in (302, 303)
    assert "Upload a JPEG, PNG or WebP image." in (await client.get(edit)).text
    assert await _photo_count(session) == 1

    token = await csrf_token(client, edit)
    deleted = await client.post(
        f"/my/needs/{need_id}/photos/{photo.id}/delete", data={"_csrf_token": token}
    )
    assert deleted.status_code in (302, 303)
    assert await _photo_count(session) == 0
    assert (await client.get(url)).status_code == 404
    assert _stored_files(app.state.settings) == [PNG_DIGEST], "until the orphan sweep"
    assert await _sweep_orphans(session, app.state.settings) == 1
    assert _stored_files(app.state.settings) == []


async def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    refused = await _upload(
        client, need_id, worker, b"Hello, this is plain text.\n", "photo.jpg", "image/jpeg"
    )
    assert refused.status_code == 400
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("photo", "not_an_image")
    ]
    assert await _photo_count(session) == 0
    assert _stored_files(app.state.settings) == []


async def test_a_photo_larger_than_5_mb_is_refused(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    too_large = PNG + b"\0" * (5 * MB + 1 - len(PNG))
    refused = await _upload(client, need_id, worker, too_large)
    assert refused.status_code == 400, refused.text[:300]
    assert [e["code"] for e in refused.json()["errors"]] == ["photo_too_large"]
    assert await _photo_count(session) == 0
    assert _stored_files(app.state.settings) == []

    just_right = PNG + b"\0" * (5 * MB - len(PNG))
    assert (await _upload(client, need_id, worker, just_right)).status_code == 201


async def test_a_need_has_at_most_six_photos(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    for _ in range(6):
        assert (await _upload(client, need_id, worker)).status_code == 201
    seventh = await _upload(client, need_id, worker)
    assert seventh.status_code == 400
    assert [e["code"] for e in seventh.json()["errors"]] == ["too_many_photos"]
    assert await _photo_count(session) == 6
    assert _stored_files(app.state.settings) == [PNG_DIGEST], "the same bytes are one file"
    positions = list(await session.scalars(select(NeedPhoto.position).order_by(NeedPhoto.position)))
    assert positions == [0, 1, 2, 3, 4, 5]


async def test_another_townships_station_cannot_add_or_remove_photos(
    client: AsyncClient, session: AsyncSession, clock: FakeClock
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    photo = (await _upload(client, need_id, worker)).json()
    other = await _worker(session, client, "dawan", DAWAN_TOWNSHIP)
    assert (await _upload(client, need_id, other)).status_code in (403, 404)
    removed = await client.delete(f"/api/v1/needs/{need_id}/photos/{photo['id']}", headers=other)
    assert removed.status_code in (403, 404)
    assert (
        await client.post(f"/api/v1/needs/{need_id}/photos", files={"file": PNG})
    ).status_code == 401
    assert await _photo_count(session) == 1


async def test_deleting_a_photo_removes_its_row_and_the_sweep_its_unshared_file(
    client: AsyncClient, session: AsyncSession, clock: FakeClock, app: Litestar
) -> None:
    worker = await _worker(session, client)
    need_id = await _draft(client, clock, worker)
    kept = (await _upload(client, need_id, worker)).json()
    gone = (await _upload(client, need_id, worker)).json()
    url = f"/api/v1/needs/{need_id}/photos/{gone['id']}"

    assert (await client.delete(url, headers=worker)).status_code == 204
    assert list(await session.scalars(select(NeedPhoto.id))) == [UUID(kept["id"])]
    assert await _sweep_orphans(session, app.state.settings) == 0, "the kept photo names it"
    assert _stored_files(app.state.settings) == [PNG_DIGEST]
    assert (await client.delete(url, headers=worker)).status_code == 404
    actions = list(
        await session.scalars(select(EntryEvent.action).where(EntryEvent.entry_id == UUID(need_id)))
    )
    assert actions.count("photo_added") == 2
    assert actions.count("photo_removed") == 1


async def test_photos_are_sniffed_not_named() -> None:
    from core.files import sniff

    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00") == "image/jpeg"
    assert sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"GIF89a") is None
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff(b"") is None
