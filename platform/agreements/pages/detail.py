"""One agreement's page: parties, responsible persons (for those the policy lets see them),
lines, indicator targets (a draft's parties add more here), documents, history and the steps
the visitor may take; forms post the version seen, so a step taken on a stale page is refused.
Also the print view, laid out as the formal agreement on A4."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from accounts.audit_words import ACTIONS
from accounts.denials import actor_of
from accounts.identity import Identity
from agreements.amount_words import amount_in_words
from agreements.api import UPLOAD_LIMIT, DocumentUpload, download
from agreements.deps import AGREEMENT_DEPENDENCIES
from agreements.document_service import AgreementDocuments
from agreements.documents import MAX_DOCUMENT_BYTES
from agreements.due import offered_steps
from agreements.export import money_total
from agreements.lifecycle import Party, Step
from agreements.models import AgreementState, DocumentKind, ReportingFrequency
from agreements.policy import parties_of, sees_private
from agreements.programmes import programme_name
from agreements.schemas import IndicatorIn, StepIn
from agreements.service import AgreementService
from core.access import PUBLIC, SIGNED_IN
from core.clock import local_date
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.idempotency import IDEMPOTENT

STEP_LABELS = {
    Step.CONFIRM: N_("Sign on the platform"),
    Step.SIGN_ON_PAPER: N_("Record the signature made on paper"),
    Step.START: N_("Start the work"),
    Step.CONFIRM_COMPLETION: N_("Confirm the work is done"),
    Step.COMPLETE: N_("Close the agreement"),
    Step.TERMINATE: N_("Terminate"),
}
STEP_DONE = {
    Step.CONFIRM: N_("Your side has signed. Once both sides have signed, the agreement holds."),
    Step.SIGN_ON_PAPER: N_("The signature made on paper is recorded; the agreement is signed."),
    Step.START: N_("The work has started."),
    Step.CONFIRM_COMPLETION: N_("You confirmed the work is done; the agreement can be closed."),
    Step.COMPLETE: N_("The agreement is closed as completed."),
    Step.TERMINATE: N_("The agreement is terminated; what it held is released."),
}


def print_helpers() -> dict[str, Any]:
    return {
        "in_words": amount_in_words,
        "money_total": money_total,
        "programme_name": programme_name,
    }


async def _detail(
    request: Request[Any, Any, Any],
    agreements: AgreementService,
    agreement_id: UUID,
    indicator_values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
) -> Template:
    identity = request.scope.get("user")
    agreement = await agreements.require(agreement_id, identity)
    private = sees_private(identity, agreement)
    parties = parties_of(identity, agreement)
    repository = agreements.agreements
    return Template(
        "agreements/detail.html",
        context={
            "agreement": agreement,
            "private": private,
            "steps": offered_steps(agreement, parties),
            "may_upload": bool(parties) and agreement.state is not AgreementState.TERMINATED,
            "may_add_indicator": bool(parties) and agreement.state is AgreementState.DRAFT,
            "indicator_values": indicator_values or {},
            "error": error,
            "frequencies": list(ReportingFrequency),
            "is_reviewer": Party.REVIEWER in parties,
            "documents": await repository.documents(agreement.id) if private else [],
            "history": await repository.history(agreement.id) if private else [],
            "step_labels": STEP_LABELS,
            "history_labels": ACTIONS,
            "document_kinds": list(DocumentKind),
            "today": local_date(agreements.clock()),
            "day": local_date,
            **print_helpers(),
        },
        status_code=error.status_code if error else 200,
    )


class AgreementPageController(Controller):
    include_in_schema = False
    dependencies = AGREEMENT_DEPENDENCIES

    @get("/agreements/{agreement_id:uuid}", name="agreements:detail", opt=PUBLIC)
    async def detail(
        self,
        request: Request[Any, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
    ) -> Template:
        return await _detail(request, agreements, agreement_id)

    @post(
        "/agreements/{agreement_id:uuid}/indicators",
        name="agreements:indicator",
        opt={**SIGNED_IN, **IDEMPOTENT},
    )
    async def add_indicator(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
    ) -> Template | Redirect:
        """A target agreed before signing, added from the draft's page; with problems, the
        page again with them beside the fields."""
        values = form_values(await request.form())
        try:
            await agreements.add_indicator(
                agreement_id, parse(IndicatorIn, values), request.user, actor_of(request)
            )
        except InvalidInput as error:
            return await _detail(request, agreements, agreement_id, values, error)
        flash_text(request, N_("The indicator target is added."))
        return Redirect(f"/agreements/{agreement_id}#indicators-title")

    @get("/agreements/{agreement_id:uuid}/print", name="agreements:print", opt=SIGNED_IN)
    async def print_view(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
    ) -> Template:
        """The agreement as signed on paper: for its parties and staff, since it names the
        people who sign and answer for it."""
        agreement = await agreements.require(agreement_id, request.user, private=True)
        return Template(
            "agreements/print.html", context={"agreement": agreement, **print_helpers()}
        )

    @post(
        "/agreements/{agreement_id:uuid}/documents",
        name="agreements:upload",
        opt={**SIGNED_IN, **IDEMPOTENT},
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def upload(
        self,
        request: Request[Identity, Any, Any],
        documents: NamedDependency[AgreementDocuments],
        agreement_id: FromPath[UUID],
        data: Annotated[DocumentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Redirect:
        content = await data.file.read(MAX_DOCUMENT_BYTES + 1)
        await documents.add(
            agreement_id,
            data.kind,
            data.file.filename,
            content,
            request.user,
            actor_of(request),
        )
        flash_text(request, N_("The document is uploaded."))
        return Redirect(f"/agreements/{agreement_id}#documents")

    @get(
        "/agreements/{agreement_id:uuid}/documents/{document_id:uuid}",
        name="agreements:document",
        opt=SIGNED_IN,
    )
    async def document(
        self,
        request: Request[Identity, Any, Any],
        documents: NamedDependency[AgreementDocuments],
        agreement_id: FromPath[UUID],
        document_id: FromPath[UUID],
    ) -> Response[bytes]:
        """For the parties and staff (404 for everyone else); the download is audited."""
        served = await documents.open(agreement_id, document_id, request.user, actor_of(request))
        return download(served)

    @post("/agreements/{agreement_id:uuid}/{step:str}", name="agreements:step", opt=SIGNED_IN)
    async def take_step(
        self,
        request: Request[Identity, Any, Any],
        agreements: NamedDependency[AgreementService],
        agreement_id: FromPath[UUID],
        step: FromPath[Step],
    ) -> Redirect:
        """One lifecycle step with the version the page showed (409 if someone acted since)."""
        body = parse(StepIn, form_values(await request.form()))
        await agreements.take(agreement_id, step, body, request.user, actor_of(request))
        flash_text(request, STEP_DONE[step])
        return Redirect(f"/agreements/{agreement_id}")
