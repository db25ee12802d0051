"""The agreements JSON API under ``/api/v1/agreements``: list and read (the policy decides what
each reader sees), create from accepted proposals or from paper, take lifecycle steps with the
version seen, add indicator targets, and upload, list and download documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from agreements.deps import AGREEMENT_DEPENDENCIES
from agreements.document_service import AgreementDocuments, ServedDocument
from agreements.documents import MAX_DOCUMENT_BYTES
from agreements.drafting import AgreementDrafting
from agreements.lifecycle import Step, steps_for
from agreements.models import Agreement, DocumentKind
from agreements.policy import parties_of, sees_private, signed_sides
from agreements.schemas import (
    AgreementCreate,
    AgreementFilters,
    AgreementRead,
    DocumentRead,
    IndicatorIn,
    IndicatorRead,
    PaperAgreementCreate,
    StepIn,
    agreement_read,
    document_read,
    indicator_read,
)
from agreements.service import AgreementService
from core.access import PUBLIC, SIGNED_IN, roles
from core.downloads import attachment
from core.error_contract import error_responses
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice

UPLOAD_LIMIT = MAX_DOCUMENT_BYTES + 2**20
"""Room for the multipart framing: a file just over 20 MB gets the clear "at most 20 MB"
answer, a far larger request a plain 413."""


def view(agreement: Agreement, identity: Identity | None) -> AgreementRead:
    return agreement_read(
        agreement,
        private=sees_private(identity, agreement),
        steps=steps_for(agreement.state, parties_of(identity, agreement), signed_sides(agreement)),
    )


def download(served: ServedDocument) -> Response[bytes]:
    """A document as an attachment under its own name (``core.downloads.attachment``), never
    cached by the way (the API's download and the page's link answer alike)."""
    response = attachment(served.content, served.content_type, served.file_name)
    response.headers.update(
        {
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{served.sha256}"',
        }
    )
    return response


@dataclass
class DocumentUpload:
    file: UploadFile
    kind: DocumentKind = DocumentKind.ANNEX


class AgreementApiController(Controller):
    path = "/api/v1/agreements"
    tags = ["agreements"]
    dependencies = AGREEMENT_DEPENDENCIES

    @get(
        "/",
        opt=PUBLIC,
        summary="Agreements the caller may read, newest first",
        responses=error_responses(400),
    )
    async def list_agreements(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[AgreementFilters],
    ) -> Page[AgreementRead]:
        """Parties see their own in every state, reviewers and viewers all; everyone else the
        signed, running and completed ones, without the people in them."""
        identity = request.scope.get("user")
        found = await agreements.list(identity, filters, page_request)
        return found.to_page(lambda agreement: view(agreement, identity))

    @post(
        "/",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Make an agreement from accepted proposals",
        responses=error_responses(400, 401, 403, 404, 409, 422),
    )
    async def create(
        self,
        request: Request[Identity, Any, Any],
        drafting: NamedDependency[AgreementDrafting],
        data: JSONBody[AgreementCreate],
    ) -> AgreementRead:
        """By the organization, the recipient's station or a reviewer of the category; the
        proposals' lines and amounts are carried over and held by the draft."""
        agreement = await drafting.create_from_proposals(data, request.user, actor_of(request))
        return view(agreement, request.user)

    @post(
        "/paper",
        opt={**roles(Role.REVIEWER), **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Enter an agreement signed on paper",
        responses=error_responses(400, 401, 403, 404, 409, 422),
    )
    async def enter_from_paper(
        self,
        request: Request[Identity, Any, Any],
        drafting: NamedDependency[AgreementDrafting],
        data: JSONBody[PaperAgreementCreate],
    ) -> AgreementRead:
        """A reviewer of the category enters it as a draft; after uploading the signed scan,
        ``sign-on-paper`` records the signature."""
        agreement = await drafting.enter_from_paper(data, request.user, actor_of(request))
        return view(agreement, request.user)

    @get(
        "/{agreement_id:uuid}",
        opt=PUBLIC,
        summary="One agreement",
        responses=error_responses(400, 404),
    )
    async def get_agreement(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
    ) -> AgreementRead:
        identity = request.scope.get("user")
        return view(await agreements.require(agreement_id, identity), identity)

    @post(
        "/{agreement_id:uuid}/{step:str}",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        summary="Take a lifecycle step",
        responses=error_responses(400, 401, 403, 404, 409),
    )
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
        step: FromPath[Step],
        data: JSONBody[StepIn],
    ) -> AgreementRead:
        """``confirm`` (your side signs; with both, it is signed), ``sign-on-paper`` (a
        reviewer, once the scan is uploaded), ``start``, ``confirm-completion`` (the
        recipient), ``complete``, ``terminate`` (with a reason). Send the ``version`` you saw."""
        agreement = await agreements.take(agreement_id, step, data, request.user, actor_of(request))
        return view(agreement, request.user)

    @get(
        "/{agreement_id:uuid}/indicators",
        opt=PUBLIC,
        summary="Indicator targets",
        responses=error_responses(400, 404),
    )
    async def list_indicators(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
    ) -> Page[IndicatorRead]:
        agreement = await agreements.require(agreement_id, request.scope.get("user"))
        return Slice.cut(list(agreement.indicators), page_request).to_page(indicator_read)

    @post(
        "/{agreement_id:uuid}/indicators",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Add an indicator target to a draft",
        responses=error_responses(400, 401, 403, 404, 409, 422),
    )
    async def add_indicator(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
        data: JSONBody[IndicatorIn],
    ) -> IndicatorRead:
        indicator = await agreements.add_indicator(
            agreement_id, data, request.user, actor_of(request)
        )
        return indicator_read(indicator)

    @get(
        "/{agreement_id:uuid}/documents",
        opt=SIGNED_IN,
        summary="The agreement's documents",
        responses=error_responses(400, 401, 403, 404),
    )
    async def list_documents(
        self,
        request: Request[Identity, Any, Any],
        documents: NamedDependency[AgreementDocuments],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
    ) -> Page[DocumentRead]:
        """For the parties and staff; 404 for everyone else."""
        found = await documents.list(agreement_id, request.user)
        return Slice.cut(found, page_request).to_page(document_read)

    @post(
        "/{agreement_id:uuid}/documents",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_LIMIT,
        summary="Upload the signed scan or an annex (PDF, JPEG or PNG, at most 20 MB)",
        responses=error_responses(400, 401, 403, 404, 409, 413, 422),
    )
    async def add_document(
        self,
        request: Request[Identity, Any, Any],
        documents: NamedDependency[AgreementDocuments],
        agreement_id: FromPath[UUID],
        data: Annotated[
            DocumentUpload,
            Body(
                media_type=RequestEncodingType.MULTI_PART,
                description="The file as the field `file`; `kind`: signed_scan or annex",
            ),
        ],
    ) -> DocumentRead:
        content = await data.file.read(MAX_DOCUMENT_BYTES + 1)
        document = await documents.add(
            agreement_id,
            data.kind,
            data.file.filename,
            content,
            request.user,
            actor_of(request),
        )
        return document_read(document)

    @get(
        "/{agreement_id:uuid}/documents/{document_id:uuid}",
        opt=SIGNED_IN,
        summary="Download a document",
        responses=error_responses(400, 401, 403, 404),
    )
    async def download_document(
        self,
        request: Request[Identity, Any, Any],
        documents: NamedDependency[AgreementDocuments],
        agreement_id: FromPath[UUID],
        document_id: FromPath[UUID],
    ) -> Response[bytes]:
        served = await documents.open(agreement_id, document_id, request.user, actor_of(request))
        return download(served)
