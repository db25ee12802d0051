"""The station worker's needs: the list in every state, and the forms to post and edit them.

Reviewers post needs on behalf of an industry association or a government department here too.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.categories import category_tree
from catalogue.display import entry_helpers, subcategory_names
from catalogue.forms import entry_data, entry_values, form_choices, line_values, on_the_form
from catalogue.schemas import EntryFilters
from catalogue.service import NotYours
from catalogue.workflow import EDITABLE, Transition
from core.access import roles
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import parse
from core.idempotency import IDEMPOTENT
from core.pagination import PageRequest
from demand.deps import NEED_DEPENDENCIES
from demand.models import BeneficiaryGroup, Channel, Need, Urgency
from demand.photo_service import photo_url, photos_of
from demand.photo_store import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_NEED
from demand.schemas import NeedFields, NeedUpdate
from demand.service import NeedService

FORM = "demand/form.html"


def need_values(need: Need) -> dict[str, Any]:
    """A saved need as its form shows it."""
    return {
        "category": need.category.value,
        "subcategory": need.subcategory_code,
        "title": need.title,
        "description": need.description,
        "region_code": need.region_code,
        "channel": need.channel.value,
        "channel_name": need.channel_name,
        "contact_name": need.contact_name,
        "contact_phone": need.contact_phone,
        "beneficiary_count": str(need.beneficiary_count),
        "beneficiary_groups": list(need.beneficiary_groups),
        "urgency": need.urgency.value,
        "deadline": need.deadline.isoformat(),
        "tags": "，".join(need.tags),
        "version": str(need.version),
        **line_values(need.lines, "sought"),
    }


async def _form(
    request: Request[Identity, Any, Any],
    session: AsyncSession,
    values: dict[str, Any],
    *,
    need: Need | None = None,
    error: InvalidInput | None = None,
) -> Template:
    reviewer = request.user.has(Role.REVIEWER) and not request.user.has(Role.STATION_WORKER)
    return Template(
        FORM,
        context={
            "values": values,
            "error": error,
            "need": need,
            "action": f"/my/needs/{need.id}/edit" if need else "/my/needs/new",
            "reviewer": reviewer,
            "within": None if reviewer else request.user.township_code,
            "channels": [channel for channel in Channel if channel is not Channel.STATION],
            "urgencies": list(Urgency),
            "groups": list(BeneficiaryGroup),
            "photos": await photos_of(session, need.id) if need else [],
            "photo_url": photo_url,
            "max_photos": MAX_PHOTOS_PER_NEED,
            "max_photo_mb": MAX_PHOTO_BYTES // 2**20,
            **await form_choices(session, values),
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )


class MyNeedsController(Controller):
    path = "/my/needs"
    dependencies = NEED_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.STATION_WORKER, Role.REVIEWER)

    @get("/", name="my:needs")
    async def mine(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        page_request: NamedDependency[PageRequest],
        filters: NamedDependency[EntryFilters],
    ) -> Template:
        """A station's own needs in every state; for a reviewer, the needs they posted for
        associations and departments."""
        page = await needs.listed(page_request, filters, request.user, mine=True)
        return Template(
            "demand/mine.html",
            context={
                "page": page,
                "editable": EDITABLE,
                "submit": Transition.SUBMIT,
                "subcategories": subcategory_names(await category_tree(db_session)),
                **entry_helpers(needs.clock),
            },
        )

    @get("/new", name="my:need-new")
    async def new_page(
        self, request: Request[Identity, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        """A station worker starts in their own township."""
        start = {"region_code": request.user.township_code} if request.user.township_code else {}
        return await _form(request, db_session, start)

    @post("/new", opt=IDEMPOTENT)
    async def create(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        values = entry_values(await request.form())
        data, rows = entry_data(values)
        try:
            need = await needs.create(parse(NeedFields, data), request.user, actor_of(request))
        except InvalidInput as error:
            return await _form(request, db_session, values, error=on_the_form(error, rows))
        flash_text(request, N_("The need is saved as a draft. Submit it for review when ready."))
        return Redirect(f"/catalogue/needs/{need.id}")

    @get("/{need_id:uuid}/edit", name="my:need-edit")
    async def edit_page(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        need_id: FromPath[UUID],
    ) -> Template:
        need = await _editable(needs, need_id, request.user)
        return await _form(request, db_session, need_values(need), need=need)

    @post("/{need_id:uuid}/edit")
    async def update(
        self,
        request: Request[Identity, Any, Any],
        needs: NamedDependency[NeedService],
        db_session: NamedDependency[AsyncSession],
        need_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = entry_values(await request.form())
        data, rows = entry_data(values)
        try:
            need = await needs.update(
                need_id, parse(NeedUpdate, data), request.user, actor_of(request)
            )
        except InvalidInput as error:
            need = await needs.require(need_id, request.user)
            return await _form(
                request, db_session, values, need=need, error=on_the_form(error, rows)
            )
        flash_text(request, N_("Your changes are saved."))
        return Redirect(f"/catalogue/needs/{need.id}")


async def _editable(needs: NeedService, need_id: UUID, identity: Identity) -> Need:
    """The need if this visitor may edit it now: its owner, while a draft or returned."""
    need = await needs.require(need_id, identity)
    if not needs.is_owner(identity, need):
        raise NotYours(N_("Only the township's own station edits its needs."))
    needs.check_editable(need)
    return need
