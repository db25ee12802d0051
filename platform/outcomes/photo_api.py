"""The photos API of progress reports: list and add a report's photos, download one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.status_codes import HTTP_201_CREATED

from accounts.denials import actor_of
from accounts.identity import Identity
from core.access import SIGNED_IN
from core.downloads import inline_image
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice
from demand.api.photos import UPLOAD_LIMIT, read_upload
from demand.pages.photos import PRIVATE_CACHE
from outcomes.deps import OUTCOME_DEPENDENCIES
from outcomes.models import ReportPhoto
from outcomes.photos import ReportPhotos


@dataclass
class ReportPhotoUpload:
    file: UploadFile


@dataclass(frozen=True, slots=True)
class ReportPhotoRead:
    id: UUID
    content_type: str
    byte_size: int
    url: str
    """The image, for the readers of the agreement's reports."""


def photo_read(agreement_id: UUID, photo: ReportPhoto) -> ReportPhotoRead:
    return ReportPhotoRead(
        id=photo.id,
        content_type=photo.content_type,
        byte_size=photo.byte_size,
        url=f"/api/v1/agreements/{agreement_id}/reports/{photo.report_id}/photos/{photo.id}",
    )


class ReportPhotoApiController(Controller):
    path = "/api/v1/agreements/{agreement_id:uuid}/reports/{report_id:uuid}/photos"
    tags = ["outcomes"]
    dependencies = OUTCOME_DEPENDENCIES

    @get(
        "/",
        opt=SIGNED_IN,
        summary="A progress report's photos (for whoever may read the reports)",
        responses=error_responses(400, 401, 403, 404),
    )
    async def list_photos(
        self,
        request: Request[Identity, Any, Any],
        report_photos: NamedDependency[ReportPhotos],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
    ) -> Page[ReportPhotoRead]:
        agreement, found = await report_photos.list(agreement_id, report_id, request.user)
        return Slice.cut(found, page_request).to_page(lambda photo: photo_read(agreement.id, photo))

    @post(
        "/",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_LIMIT,
        summary="Add a photo (JPEG, PNG or WebP, at most 5 MB, 6 per report) to a draft or "
        "returned report",
        responses=error_responses(400, 401, 403, 404, 409, 413, 422),
    )
    async def add_photo(
        self,
        request: Request[Identity, Any, Any],
        report_photos: NamedDependency[ReportPhotos],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        data: Annotated[
            ReportPhotoUpload,
            Body(media_type=RequestEncodingType.MULTI_PART, description="The image as `file`"),
        ],
    ) -> ReportPhotoRead:
        """By the organization, while it may still change the report."""
        photo = await report_photos.add(
            agreement_id,
            report_id,
            await read_upload(data.file),
            request.user,
            actor_of(request),
        )
        return photo_read(agreement_id, photo)

    @get(
        "/{photo_id:uuid}",
        opt=SIGNED_IN,
        summary="The image of a report's photo",
        responses=error_responses(400, 401, 403, 404),
        media_type="image/*",
    )
    async def download_photo(
        self,
        request: Request[Identity, Any, Any],
        report_photos: NamedDependency[ReportPhotos],
        agreement_id: FromPath[UUID],
        report_id: FromPath[UUID],
        photo_id: FromPath[UUID],
    ) -> Response[bytes]:
        """For whoever may read the agreement's reports; 404 for everyone else."""
        return await serve_photo(request, report_photos, agreement_id, report_id, photo_id)


async def serve_photo(
    request: Request[Identity, Any, Any],
    report_photos: ReportPhotos,
    agreement_id: UUID,
    report_id: UUID,
    photo_id: UUID,
) -> Response[bytes]:
    """The image as the API and the pages serve it: kept only by the reader's own browser,
    which asks again each time (a reader may lose access)."""
    served = await report_photos.open(agreement_id, report_id, photo_id, request.user)
    return inline_image(
        served.content,
        served.content_type,
        served.sha256,
        PRIVATE_CACHE,
        request.headers.get("if-none-match"),
    )
