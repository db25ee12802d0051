"""Photos of needs over HTTP: the API to add and remove them, the page forms on the need's edit
page, and the media route that serves the images to whoever may see the need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_304_NOT_MODIFIED
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.access import PUBLIC, SIGNED_IN, roles
from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from core.clock import Clock
from core.error_contract import error_responses
from core.errors import N_, InvalidInput
from core.i18n import locale_of, translate
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice, provide_page_request
from core.settings import Settings
from demand.models import NeedPhoto
from demand.photo_service import NeedPhotoService, photo_url
from demand.photo_store import MAX_PHOTO_BYTES, PhotoStore

UPLOAD_LIMIT = MAX_PHOTO_BYTES + 2**20
"""The request may be a little larger than the photo (multipart framing, the caption); a larger
photo gets the clear "at most 5 MB" answer, an even larger request a plain 413."""
PUBLIC_CACHE = "public, max-age=86400"
PRIVATE_CACHE = "private, max-age=0, must-revalidate"


async def provide_photos(
    db_session: NamedDependency[AsyncSession],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> NeedPhotoService:
    return NeedPhotoService(db_session, clock, PhotoStore.of(settings))


PHOTO_DEPENDENCIES = {"photos": Provide(provide_photos)}
PHOTO_API_DEPENDENCIES = {**PHOTO_DEPENDENCIES, "page_request": Provide(provide_page_request)}


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


class NeedMediaController(Controller):
    path = "/media/needs"
    dependencies = PHOTO_DEPENDENCIES
    include_in_schema = False

    @get("/{need_id:uuid}/{photo_id:uuid}", name="media:need-photo", opt=PUBLIC)
    async def photo(
        self,
        request: Request[Any, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        need_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The image, for whoever may see the need (404 for everyone else); cached by anyone
        once the need is published, only by the visitor's own browser before."""
        served = await photos.open(need_id, photo_id, request.scope.get("user"))
        headers = {
            "Cache-Control": PUBLIC_CACHE if served.public else PRIVATE_CACHE,
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{served.sha256}"',
            "Content-Disposition": "inline",
        }
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(content=served.content, media_type=served.content_type, headers=headers)


def _flash(
    request: Request[Any, Any, Any],
    message: str,
    params: dict[str, Any] | None = None,
    category: str = "success",
) -> None:
    flash(request, translate(locale_of(request), message, params), category)


def _edit_page(need_id: UUID) -> Redirect:
    return Redirect(f"/my/needs/{need_id}/edit#photos")


class NeedPhotoPageController(Controller):
    """The forms of the photos section on a need's edit page."""

    path = "/my/needs/{need_id:uuid}/photos"
    dependencies = PHOTO_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.STATION_WORKER, Role.REVIEWER)

    @post("/", name="my:need-photo-add", opt=IDEMPOTENT, request_max_body_size=UPLOAD_LIMIT)
    async def add(
        self,
        request: Request[Identity, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        need_id: FromPath[UUID],
    ) -> Redirect:
        form = await request.form()
        upload = form.get("file")
        caption = form.get("caption")
        if not isinstance(upload, UploadFile) or not upload.filename:
            _flash(request, N_("Choose a photo to upload."), category="error")
            return _edit_page(need_id)
        try:
            await photos.add(
                need_id,
                request.user,
                actor_of(request),
                await read_upload(upload),
                caption if isinstance(caption, str) else None,
            )
        except InvalidInput as error:
            _flash(request, error.message, error.params, "error")
            return _edit_page(need_id)
        _flash(request, N_("The photo is added."))
        return _edit_page(need_id)

    @post("/{photo_id:uuid}/delete", name="my:need-photo-delete")
    async def remove(
        self,
        request: Request[Identity, Any, Any],
        photos: NamedDependency[NeedPhotoService],
        need_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> Redirect:
        await photos.remove(need_id, photo_id, request.user, actor_of(request))
        _flash(request, N_("The photo is removed."))
        return _edit_page(need_id)
