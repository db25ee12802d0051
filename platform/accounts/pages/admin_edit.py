"""The administrators' edit forms: a user's roles and affiliation, an organization's fields,
and ending a lockout (the administrator sees "locked"; the user is never told)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from accounts.administration import AdministrationService
from accounts.denials import actor_of
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.models import Role, User
from accounts.pages.admin import USER_LISTS, choices_of
from accounts.pages.organization_form import organization_form, organization_values
from accounts.schemas import OrganizationUpdate, UserUpdate
from accounts.service import AccountsService
from core.access import roles
from core.categories import TopCategory
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse

USER_FORM = "admin/user_edit.html"
ORGANIZATION_FORM = "admin/organization_edit.html"


def _user_values(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "roles": list(user.roles),
        "organization_id": str(user.organization_id or ""),
        "station_id": str(user.station_id or ""),
        "department_id": str(user.department_id or ""),
        "reviewer_categories": list(user.reviewer_categories),
    }


async def _user_form(
    accounts: AccountsService, user: User, values: dict[str, Any], error: InvalidInput | None
) -> Template:
    stations = [station for station in await accounts.list_stations() if station.is_active]
    return Template(
        USER_FORM,
        context={
            "account": user,
            "values": values,
            "error": error,
            "roles": list(Role),
            "categories": list(TopCategory),
            "organizations": choices_of(await accounts.organization_choices()),
            "stations": choices_of(stations),
            "departments": choices_of(await accounts.list_departments()),
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )


class AdminEditController(Controller):
    path = "/admin"
    dependencies = ACCOUNT_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.ADMIN)

    @get("/users/{user_id:uuid}/edit", name="admin:user-edit")
    async def user_page(
        self, accounts: NamedDependency[AccountsService], user_id: FromPath[UUID]
    ) -> Template:
        user = await accounts.require_user(user_id)
        return await _user_form(accounts, user, _user_values(user), None)

    @post("/users/{user_id:uuid}/edit")
    async def update_user(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        administration: NamedDependency[AdministrationService],
        user_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = form_values(await request.form(), USER_LISTS)
        try:
            await administration.update_user(
                user_id, parse(UserUpdate, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            return await _user_form(accounts, await accounts.require_user(user_id), values, error)
        flash_text(request, N_("The account has been saved."))
        return Redirect(f"/admin/users/{user_id}")

    @post("/users/{user_id:uuid}/unlock", name="admin:user-unlock")
    async def unlock_user(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        user_id: FromPath[UUID],
    ) -> Redirect:
        await administration.unlock_user(user_id, actor=actor_of(request))
        flash_text(request, N_("The account is unlocked; the user may sign in again."))
        return Redirect(f"/admin/users/{user_id}")

    @get("/organizations/{organization_id:uuid}/edit", name="admin:organization-edit")
    async def organization_page(
        self, accounts: NamedDependency[AccountsService], organization_id: FromPath[UUID]
    ) -> Template:
        organization = await accounts.require_organization(organization_id)
        values = OrganizationUpdate.model_validate(organization, from_attributes=True)
        return _organization_page(organization_id, values.model_dump(mode="json"), None)

    @post("/organizations/{organization_id:uuid}/edit")
    async def update_organization(
        self,
        request: Request[Identity, Any, Any],
        administration: NamedDependency[AdministrationService],
        organization_id: FromPath[UUID],
    ) -> Template | Redirect:
        values = organization_values(await request.form())
        try:
            await administration.update_organization(
                organization_id, parse(OrganizationUpdate, values), actor=actor_of(request)
            )
        except InvalidInput as error:
            return _organization_page(organization_id, values, error)
        flash_text(request, N_("The organization has been saved."))
        return Redirect(f"/admin/organizations/{organization_id}")


def _organization_page(
    organization_id: UUID, values: dict[str, Any], error: InvalidInput | None
) -> Template:
    page = organization_form(ORGANIZATION_FORM, values, error)
    page.context["organization_id"] = organization_id
    return page
