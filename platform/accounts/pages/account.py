"""The signed-in user's own account: profile, password, API tokens, and for station workers
their station's contact."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from accounts.authentication import AuthenticationService
from accounts.denials import actor_of, client_ip
from accounts.deps import ACCOUNT_DEPENDENCIES
from accounts.identity import Identity
from accounts.models import Role
from accounts.password_gate import ALLOWED_WHILE_PASSWORD_RESET
from accounts.schemas import PasswordChange, StationContact, TokenCreate
from accounts.service import AccountsService
from core.access import SIGNED_IN, roles
from core.errors import N_, InvalidInput
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of, translate


class AccountController(Controller):
    path = "/account"
    dependencies = ACCOUNT_DEPENDENCIES
    include_in_schema = False
    opt = SIGNED_IN

    @get("/", name="account")
    async def profile(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template:
        user = await accounts.require_user(request.user.user_id)
        return Template("accounts/account.html", context={"account": user})

    @get("/password", name="account:password", opt=ALLOWED_WHILE_PASSWORD_RESET)
    async def password_page(self) -> Template:
        return Template("accounts/password.html", context={"error": None})

    @post("/password", opt=ALLOWED_WHILE_PASSWORD_RESET)
    async def change_password(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template | Redirect:
        try:
            change = parse(PasswordChange, form_values(await request.form()))
            await accounts.change_password(
                request.user, change.current_password, change.new_password, actor=actor_of(request)
            )
        except InvalidInput as error:
            return Template(
                "accounts/password.html", context={"error": error}, status_code=error.status_code
            )
        flash(
            request, translate(locale_of(request), N_("Your password has been changed.")), "success"
        )
        return Redirect("/account")

    @get("/station", name="account:station", opt=roles(Role.STATION_WORKER))
    async def station_page(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template:
        station = await accounts.require_station(request.user.station_id)  # type: ignore[arg-type]
        values = {"contact_name": station.contact_name, "contact_phone": station.contact_phone}
        return Template(
            "accounts/station.html", context={"station": station, "values": values, "error": None}
        )

    @post("/station", opt=roles(Role.STATION_WORKER))
    async def update_station_contact(
        self, request: Request[Identity, Any, Any], accounts: NamedDependency[AccountsService]
    ) -> Template | Redirect:
        station_id: UUID = request.user.station_id  # type: ignore[assignment]
        values = form_values(await request.form())
        try:
            contact = parse(StationContact, values)
            await accounts.update_station_contact(
                request.user, station_id, contact, actor=actor_of(request)
            )
        except InvalidInput as error:
            station = await accounts.require_station(station_id)
            return Template(
                "accounts/station.html",
                context={"station": station, "values": values, "error": error},
                status_code=error.status_code,
            )
        flash(
            request,
            translate(locale_of(request), N_("The station's contact has been saved.")),
            "success",
        )
        return Redirect("/account")

    @get("/tokens", name="account:tokens")
    async def tokens_page(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
    ) -> Template:
        return await self._tokens(request, authentication)

    @post("/tokens")
    async def create_token(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
        accounts: NamedDependency[AccountsService],
    ) -> Template:
        """The new secret is shown on this answer only; it is not stored anywhere."""
        try:
            wanted = parse(TokenCreate, form_values(await request.form()))
        except InvalidInput as error:
            return await self._tokens(request, authentication, error=error)
        user = await accounts.require_user(request.user.user_id)
        token, secret = await authentication.issue_token(
            user, name=wanted.name, lifetime=timedelta(days=wanted.days), ip=client_ip(request)
        )
        return await self._tokens(request, authentication, new_secret=secret, new_token=token)

    @post("/tokens/{token_id:uuid}/revoke", name="account:revoke-token")
    async def revoke_token(
        self,
        request: Request[Identity, Any, Any],
        authentication: NamedDependency[AuthenticationService],
        token_id: FromPath[UUID],
    ) -> Redirect:
        await authentication.revoke_token(request.user, token_id, ip=client_ip(request))
        flash_text(request, N_("The token is revoked."))
        return Redirect("/account/tokens")

    async def _tokens(
        self,
        request: Request[Identity, Any, Any],
        authentication: AuthenticationService,
        **context: Any,
    ) -> Template:
        tokens = await authentication.tokens_of(request.user)
        status = HTTP_400_BAD_REQUEST if context.get("error") else 200
        return Template(
            "accounts/tokens.html",
            context={
                "tokens": tokens,
                "now": authentication.clock(),
                "error": None,
                "new_secret": None,
                **context,
            },
            status_code=status,
        )
