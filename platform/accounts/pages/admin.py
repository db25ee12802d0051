"""The administrators' pages: users, organizations and their verification (stations and
departments: ``admin_directory``; edit forms: ``admin_edit``; the audit log: ``admin_audit``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from pydantic import BaseModel

from accounts.denials import actor_of
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.directory_export import organizations_workbook, users_workbook
from accounts.identity import Identity
from accounts.models import Role, Verification
from accounts.pages.organization_form import organization_form, organization_values
from accounts.schemas import OrganizationFields, UserCreate
from accounts.service import AccountsService
from core.access import roles
from core.categories import TopCategory
from core.clock import local_date
from core.downloads import XLSX_TYPE, absolute_link, attachment, dated_name
from core.errors import N_, FieldProblem, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of, translate
from core.idempotency import IDEMPOTENT
from core.pagination import PageRequest

E = TypeVar("E", bound=StrEnum)

Search = Annotated[str | None, QueryParameter(max_length=50)]
Filter = Annotated[str | None, QueryParameter(max_length=64)]
EVERYTHING = PageRequest(1, 10_000)
"""A list downloaded whole: far above a city's organizations and accounts."""
USER_LISTS = frozenset({"roles", "reviewer_categories"})
VERIFICATION_DONE = {
    Verification.VERIFIED: N_("The organization is verified."),
    Verification.SUSPENDED: N_("The organization is suspended."),
    Verification.PENDING: N_("The organization is awaiting verification again."),
}


class VerificationChange(BaseModel):
    verification: Verification


def _enum_filter(enum: type[E], value: str | None, field: str) -> E | None:
    """An optional choice from the query string: blank means none, anything else must match."""
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(
            N_("Some fields need correcting."),
            problems=[FieldProblem(field, "enum", N_("Choose one of the options."))],
        ) from None


def _query(**values: str | None) -> dict[str, str]:
    """The filters in force, for links that keep them."""
    return {key: value for key, value in values.items() if value}


def download_name(stem: str, now: datetime, q: str | None, chosen: Any) -> str:
    """用户-审核员-张-2026-12-05.xlsx: the list, its filters in words, the day."""
    words = [translate("zh", chosen.label) if chosen is not None else None, q]
    return dated_name(stem, words, local_date(now), "xlsx")


def choices_of(items: Iterable[Any]) -> list[tuple[str, str]]:
    """(id, name) pairs for a select."""
    return [(str(item.id), item.name) for item in items]


async def _user_form(
    accounts: AccountsService, values: dict[str, Any], error: InvalidInput | None = None
) -> Template:
    return Template(
        "admin/user_new.html",
        context={
            "values": values,
            "error": error,
            "roles": list(Role),
            "categories": list(TopCategory),
            "organizations": choices_of(await accounts.organization_choices()),
            "stations": choices_of(await accounts.list_stations()),
            "departments": choices_of(await accounts.list_departments()),
        },
        status_code=HTTP_400_BAD_REQUEST if error else 200,
    )


async def _user_page(accounts: AccountsService, user_id: UUID, **context: Any) -> Template:
    user = await accounts.require_user(user_id)
    return Template(
        "admin/user.html",
        context={
            "account": user,
            "now": accounts.clock(),
            "categories": {category.value: category for category in TopCategory},
            **context,
        },
    )


ORGANIZATION_FORM = "admin/organization_new.html"


class AdminController(Controller):
    path = "/admin"
    dependencies = ACCOUNT_DEPENDENCIES
    include_in_schema = False
    opt = roles(Role.ADMIN)

    @get("/", name="admin:index")
    async def index(self, accounts: NamedDependency[AccountsService]) -> Template:
        return Template("admin/index.html", context={"counts": await accounts.directory_counts()})

    # --- users -------------------------------------------------------------------------------

    @get("/users", name="admin:users")
    async def users(
        self,
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
        q: Search = None,
        role: Filter = None,
    ) -> Template:
        chosen = _enum_filter(Role, role, "role")
        page = await accounts.list_users(page_request, search=q or None, role=chosen)
        return Template(
            "admin/users.html",
            context={
                "page": page,
                "q": q or "",
                "role": chosen.value if chosen else "",
                "roles": list(Role),
                "filters": _query(q=q, role=role),
                "now": accounts.clock(),
            },
        )

    @get("/users.xlsx", name="admin:users-xlsx")
    async def users_download(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        q: Search = None,
        role: Filter = None,
    ) -> Response[bytes]:
        """The users the list shows under the same filters, all of them."""
        chosen = _enum_filter(Role, role, "role")
        found = await accounts.list_users(EVERYTHING, search=q or None, role=chosen)
        now = accounts.clock()
        content = users_workbook(
            found.items,
            now,
            locale_of(request),
            lambda user: absolute_link(request, "admin:user", user_id=user.id),
        )
        return attachment(content, XLSX_TYPE, download_name("用户", now, q, chosen))

    @get("/users/new", name="admin:user-new")
    async def new_user_page(
        self,
        accounts: NamedDependency[AccountsService],
        organization: Annotated[UUID | None, QueryParameter()] = None,
    ) -> Template:
        """``?organization=<id>`` starts a member of that organization."""
        values = {"organization_id": str(organization), "roles": [Role.MEMBER.value]}
        return await _user_form(accounts, values if organization else {})

    @post("/users/new", opt=IDEMPOTENT)
    async def create_user(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template | Redirect:
        values = form_values(await request.form(), USER_LISTS)
        try:
            user = await accounts.create_user(parse(UserCreate, values), actor=actor_of(request))
        except InvalidInput as error:
            values.pop("password", None)
            return await _user_form(accounts, values, error)
        flash_text(request, N_("The account has been created."))
        return Redirect(f"/admin/users/{user.id}")

    @get("/users/{user_id:uuid}", name="admin:user")
    async def user(
        self, accounts: NamedDependency[AccountsService], user_id: FromPath[UUID]
    ) -> Template:
        return await _user_page(accounts, user_id)

    @post("/users/{user_id:uuid}/deactivate", name="admin:user-deactivate")
    async def deactivate(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        user_id: FromPath[UUID],
    ) -> Redirect:
        """Ends every session and token of the user at once."""
        await accounts.set_active(user_id, False, actor=actor_of(request))
        flash_text(request, N_("The account is deactivated; its sessions and tokens have ended."))
        return Redirect(f"/admin/users/{user_id}")

    @post("/users/{user_id:uuid}/activate", name="admin:user-activate")
    async def activate(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        user_id: FromPath[UUID],
    ) -> Redirect:
        await accounts.set_active(user_id, True, actor=actor_of(request))
        flash_text(request, N_("The account is active again."))
        return Redirect(f"/admin/users/{user_id}")

    @post("/users/{user_id:uuid}/reset-password", name="admin:user-reset-password")
    async def reset_password(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        user_id: FromPath[UUID],
    ) -> Template:
        """The temporary password is on this answer only; it is not stored anywhere."""
        temporary = await accounts.reset_password(user_id, actor=actor_of(request))
        return await _user_page(accounts, user_id, temporary_password=temporary)

    # --- organizations -----------------------------------------------------------------------

    @get("/organizations", name="admin:organizations")
    async def organizations(
        self,
        accounts: NamedDependency[AccountsService],
        page_request: NamedDependency[PageRequest],
        q: Search = None,
        verification: Filter = None,
    ) -> Template:
        state = _enum_filter(Verification, verification, "verification")
        page = await accounts.list_organizations(page_request, verification=state, search=q or None)
        return Template(
            "admin/organizations.html",
            context={
                "page": page,
                "q": q or "",
                "verification": state.value if state else "",
                "states": list(Verification),
                "filters": _query(q=q, verification=verification),
            },
        )

    @get("/organizations.xlsx", name="admin:organizations-xlsx")
    async def organizations_download(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        q: Search = None,
        verification: Filter = None,
    ) -> Response[bytes]:
        """The organizations the list shows under the same filters, all of them."""
        state = _enum_filter(Verification, verification, "verification")
        found = await accounts.list_organizations(EVERYTHING, verification=state, search=q or None)
        content = organizations_workbook(
            found.items,
            locale_of(request),
            lambda o: absolute_link(request, "admin:organization", organization_id=o.id),
        )
        name = download_name("社会组织", accounts.clock(), q, state)
        return attachment(content, XLSX_TYPE, name)

    @get("/organizations/new", name="admin:organization-new")
    async def new_organization_page(self) -> Template:
        return organization_form(ORGANIZATION_FORM, {})

    @post("/organizations/new", opt=IDEMPOTENT)
    async def create_organization(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template | Redirect:
        values = organization_values(await request.form())
        try:
            organization = await accounts.create_organization(
                parse(OrganizationFields, values), actor=actor_of(request), verified=True
            )
        except InvalidInput as error:
            return organization_form(ORGANIZATION_FORM, values, error)
        flash_text(request, N_("The organization has been created and is verified."))
        return Redirect(f"/admin/organizations/{organization.id}")

    @get("/organizations/{organization_id:uuid}", name="admin:organization")
    async def organization(
        self, accounts: NamedDependency[AccountsService], organization_id: FromPath[UUID]
    ) -> Template:
        return Template(
            "admin/organization.html",
            context={
                "organization": await accounts.require_organization(organization_id, staff=True),
                "members": await accounts.members_of(organization_id),
                "categories": {category.value: category for category in TopCategory},
            },
        )

    @post(
        "/organizations/{organization_id:uuid}/verification",
        name="admin:organization-verification",
    )
    async def set_verification(
        self,
        request: Request[Identity, Any, Any],
        accounts: NamedDependency[AccountsService],
        organization_id: FromPath[UUID],
    ) -> Redirect:
        """Verify, suspend, or send back to awaiting verification."""
        change = parse(VerificationChange, form_values(await request.form()))
        await accounts.set_verification(
            organization_id, change.verification, actor=actor_of(request)
        )
        flash_text(request, VERIFICATION_DONE[change.verification])
        return Redirect(f"/admin/organizations/{organization_id}")
