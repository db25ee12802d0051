"""The forms that make agreements in the browser: from accepted pairings (``/agreements/new``,
for the organization, the recipient's station or a reviewer) and from paper (a reviewer,
``/agreements/paper/new``). They post to the same drafting calls the API makes; a form with
problems is shown again with them beside the fields, and nothing is made."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from agreements.deps import AGREEMENT_DEPENDENCIES
from agreements.drafting import AgreementDrafting, ProposalsNotAgreeable, recipient_key
from agreements.forms import (
    INDICATOR_ROWS,
    LINE_ROWS,
    agreement_data,
    agreement_values,
    on_the_form,
    row_count,
)
from agreements.models import ReportingFrequency
from agreements.programmes import programmes
from agreements.schemas import AgreementCreate, PaperAgreementCreate
from catalogue.lines import LineKind
from core.access import roles
from core.categories import TopCategory
from core.errors import N_, DomainError, InvalidInput, NotFound
from core.flash import flash_text
from core.forms import parse
from core.idempotency import IDEMPOTENT

DRAFTERS = roles(Role.MEMBER, Role.STATION_WORKER, Role.REVIEWER)
REVIEWERS = roles(Role.REVIEWER)
MADE = N_(
    "The agreement is drafted. Both sides sign it on its page, "
    "or a reviewer records the signature made on paper."
)


class NoSuchPairing(NotFound):
    code = "no_such_pairing"


async def _form(
    drafting: AgreementDrafting,
    values: dict[str, Any],
    error: DomainError | None,
    **context: Any,
) -> Template:
    choices = await drafting.agreements.form_choices()
    return Template(
        "agreements/form.html",
        context={
            "values": values,
            "error": error,
            "programmes": programmes(),
            "categories": list(TopCategory),
            "frequencies": list(ReportingFrequency),
            "line_kinds": list(LineKind),
            "choices": choices,
            "indicator_rows": range(row_count(values, "indicators", INDICATOR_ROWS)),
            "rows": range(row_count(values, "lines", LINE_ROWS)),
            **context,
        },
        status_code=error.status_code if error else 200,
    )


async def _pairings_form(
    request: Request[Identity, Any, Any],
    drafting: AgreementDrafting,
    anchor_id: UUID | None,
    values: dict[str, Any],
    error: DomainError | None = None,
) -> Template:
    """The pairings the visitor may agree on; with one chosen (the anchor), those of its
    organization and recipient, to tick the ones the agreement holds."""
    pairings = await drafting.pairings_to_agree(request.user)
    anchor = next((pairing for pairing in pairings if pairing.id == anchor_id), None)
    if anchor_id is not None and anchor is None and error is None:
        raise NoSuchPairing(N_("No accepted pairing of yours to make an agreement of."))
    together = [
        pairing
        for pairing in pairings
        if anchor is not None
        and pairing.organization_id == anchor.organization_id
        and recipient_key(pairing.need) == recipient_key(anchor.need)
    ]
    return await _form(
        drafting,
        values,
        error,
        paper=False,
        pairings=pairings,
        anchor=anchor,
        together=together,
        action="/agreements/new",
    )


class AgreementDraftingController(Controller):
    include_in_schema = False
    dependencies = AGREEMENT_DEPENDENCIES

    @get("/agreements/new", name="agreements:new", opt=DRAFTERS)
    async def new_page(
        self,
        request: Request[Identity, Any, Any],
        drafting: NamedDependency[AgreementDrafting],
        proposal: FromQuery[UUID | None] = None,
    ) -> Template:
        """Without a pairing chosen, the accepted pairings to choose from."""
        values = {"proposal": str(proposal), "proposal_ids": [str(proposal)]} if proposal else {}
        return await _pairings_form(request, drafting, proposal, values)

    @post("/agreements/new", opt={**DRAFTERS, **IDEMPOTENT})
    async def create(
        self,
        request: Request[Identity, Any, Any],
        drafting: NamedDependency[AgreementDrafting],
    ) -> Template | Redirect:
        values = agreement_values(await request.form())
        data, rows = agreement_data(values)
        try:
            agreement = await drafting.create_from_proposals(
                parse(AgreementCreate, data), request.user, actor_of(request)
            )
        except InvalidInput as error:
            return await _pairings_form(
                request, drafting, _anchor(values), values, on_the_form(error, rows)
            )
        except ProposalsNotAgreeable as error:
            return await _pairings_form(request, drafting, _anchor(values), values, error)
        flash_text(request, MADE)
        return Redirect(f"/agreements/{agreement.id}")

    @get("/agreements/paper/new", name="agreements:paper", opt=REVIEWERS)
    async def paper_page(self, drafting: NamedDependency[AgreementDrafting]) -> Template:
        return await _form(drafting, {}, None, paper=True, action="/agreements/paper/new")

    @post("/agreements/paper/new", opt={**REVIEWERS, **IDEMPOTENT})
    async def enter_from_paper(
        self,
        request: Request[Identity, Any, Any],
        drafting: NamedDependency[AgreementDrafting],
    ) -> Template | Redirect:
        values = agreement_values(await request.form())
        data, rows = agreement_data(values)
        try:
            agreement = await drafting.enter_from_paper(
                parse(PaperAgreementCreate, data), request.user, actor_of(request)
            )
        except InvalidInput as error:
            return await _form(
                drafting,
                values,
                on_the_form(error, rows),
                paper=True,
                action="/agreements/paper/new",
            )
        flash_text(request, MADE)
        return Redirect(f"/agreements/{agreement.id}")


def _anchor(values: dict[str, Any]) -> UUID | None:
    """The pairing the form was opened for, kept in a hidden field."""
    try:
        return UUID(values.get("proposal", ""))
    except ValueError:
        return None
