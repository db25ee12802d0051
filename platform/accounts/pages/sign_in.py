"""Signing in and out, and organizations registering themselves (pending until verified) after
agreeing to the personal-data notice."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED

from accounts.authentication import AuthenticationService, LoginFailed
from accounts.denials import actor_of, client_ip
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.landing import landing
from accounts.pages.organization_form import organization_form, organization_values
from accounts.password_gate import ALLOWED_WHILE_PASSWORD_RESET, PASSWORD_PAGE
from accounts.schemas import LoginForm, OrganizationRegistration
from accounts.service import AccountsService
from accounts.session_csrf import new_session_token
from core.access import PUBLIC, SIGNED_IN
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of, translate
from core.idempotency import IDEMPOTENT
from core.redirects import safe_next

NextPath = Annotated[str | None, QueryParameter(name="next", max_length=500)]
REGISTRATION_FORM = "accounts/register.html"


class SignInController(Controller):
    path = "/"
    dependencies = ACCOUNT_DEPENDENCIES
    include_in_schema = False

    @get("/login", name="login", opt=PUBLIC)
    async def login_page(self, next_path: NextPath = None) -> Template:
        return Template("accounts/login.html", context={"next": safe_next(next_path, "")})

    @post("/login", opt=PUBLIC)
    async def login(
        self,
        request: Request[Any, Any, Any],
        authentication: NamedDependency[AuthenticationService],
    ) -> Template | Redirect:
        form = await request.form()
        explicit = safe_next(form.get("next"), "")
        try:
            credentials = parse(LoginForm, form_values(form))
            user = await authentication.check_password(
                credentials.username, credentials.password, ip=client_ip(request)
            )
        except (InvalidInput, LoginFailed) as error:
            return Template(
                "accounts/login.html",
                context={"next": explicit, "username": form.get("username", ""), "error": error},
                status_code=HTTP_401_UNAUTHORIZED,
            )
        cookie = await authentication.start_session(
            user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
        )
        request.clear_session()
        request.set_session(replace(cookie, csrf=new_session_token(request)).write())
        next_path = explicit or landing(user.role_set)
        if user.must_change_password:
            flash(
                request, translate(locale_of(request), N_("Please choose a new password.")), "info"
            )
            next_path = PASSWORD_PAGE
        return Redirect(next_path)

    @post("/logout", name="logout", opt={**SIGNED_IN, **ALLOWED_WHILE_PASSWORD_RESET})
    async def logout(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
    ) -> Redirect:
        await authentication.end_session(request.user, ip=client_ip(request))
        request.clear_session()
        return Redirect("/")

    @get("/register", name="register", opt=PUBLIC)
    async def registration_page(self) -> Template:
        return organization_form(REGISTRATION_FORM, {})

    @get("/privacy", name="privacy", opt=PUBLIC)
    async def privacy_notice(self) -> Template:
        """What the platform keeps about the people who register, and why (agreed to on
        ``/register``)."""
        return Template("accounts/privacy.html")

    @post("/register", opt={**PUBLIC, **IDEMPOTENT})
    async def register(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template | Redirect:
        values = organization_values(await request.form())
        try:
            registration = parse(OrganizationRegistration, values)
            await accounts.register_organization(registration, actor=actor_of(request))
        except InvalidInput as error:
            return organization_form(REGISTRATION_FORM, values, error)
        registered = N_("Registered. Sign in now; an administrator will verify the organization.")
        flash_text(request, registered)
        return Redirect("/login")
