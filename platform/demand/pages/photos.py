"""Photos of needs on pages: the forms of the photos section on a need's edit page, and the
media route that serves the images to whoever may see the need."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from core.access import PUBLIC, roles
from core.downloads import inline_image
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.idempotency import IDEMPOTENT
from demand.api.photos import UPLOAD_LIMIT, read_upload
from demand.deps import PHOTO_DEPENDENCIES
from demand.photo_service import NeedPhotoService

PUBLIC_CACHE = "public, max-age=86400"
PRIVATE_CACHE = "private, max-age=0, must-revalidate"


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
        return inline_image(
            served.content,
            served.content_type,
            served.sha256,
            PUBLIC_CACHE if served.public else PRIVATE_CACHE,
            request.headers.get("if-none-match"),
        )


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
            flash_text(request, N_("Choose a photo to upload."), "error")
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
            flash_text(request, error.message, "error", error.params)
            return _edit_page(need_id)
        flash_text(request, N_("The photo is added."))
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
        flash_text(request, N_("The photo is removed."))
        return _edit_page(need_id)
