"""The photos API of needs: list, add and remove a need's photos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.denials import actor_of
from accounts.identity import Identity
from core.access import PUBLIC, SIGNED_IN
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice
from demand.deps import PHOTO_API_DEPENDENCIES
from demand.models import NeedPhoto
from demand.photo_service import NeedPhotoService, photo_url
from demand.photo_store import MAX_PHOTO_BYTES

UPLOAD_LIMIT = MAX_PHOTO_BYTES + 2**20
"""The request may be a little larger than the photo (multipart framing, the caption); a larger
photo gets the clear "at most 5 MB" answer, an even larger request a plain 413."""


@dataclass
class PhotoUpload:
    file: UploadFile
    caption: str = ""


@dataclass(frozen=True, slots=True)
class PhotoRead:
    id: UUID
    content_type: str
    byte_size: int
    caption: str
    url: str


def photo_read(photo: NeedPhoto) -> PhotoRead:
    return PhotoRead(
        id=photo.id,
        content_type=photo.content_type,
        byte_size=photo.byte_size,
        caption=photo.caption,
        url=photo_url(photo),
    )


async def read_upload(upload: UploadFile) -> bytes:
    """At most one byte more than a photo may have: enough to know it is too large."""
    return await upload.read(MAX_PHOTO_BYTES + 1)


class NeedPhotoApiController(Controller):
    path = "/api/v1/needs/{need_id:uuid}/photos"
    tags = ["needs"]
    dependencies = PHOTO_API_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="A need's photos (for whoever may see the need)",
        responses=error_responses(400, 404),
    )
    async def list_photos(
        self,
        request: Request[Any, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        page_request: NamedDependency[PageRequest],
        need_id: FromPath[UUID],
    ) -> Page[PhotoRead]:
        found = await photos.list(need_id, request.scope.get("user"))
        return Slice.cut(found, page_request).to_page(photo_read)

    @post(
        "/",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_LIMIT,
        summary="Add a photo (JPEG, PNG or WebP, at most 5 MB, 6 per need) to a draft or "
        "returned need",
        responses=error_responses(400, 401, 403, 404, 409, 413, 422),
    )
    async def add_photo(
        self,
        request: Request[Identity, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        need_id: FromPath[UUID],
        data: Annotated[
            PhotoUpload,
            Body(
                media_type=RequestEncodingType.MULTI_PART,
                description="The image as the field `file`, an optional `caption`",
            ),
        ],
    ) -> PhotoRead:
        content = await read_upload(data.file)
        photo = await photos.add(need_id, request.user, actor_of(request), content, data.caption)
        return photo_read(photo)

    @delete(
        "/{photo_id:uuid}",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a photo from a draft or returned need",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def remove_photo(
        self,
        request: Request[Identity, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        need_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> None:
        await photos.remove(need_id, photo_id, request.user, actor_of(request))
