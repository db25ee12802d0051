"""Switching the page language: a cookie, then back to where the visitor was."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.datastructures import Cookie
from litestar.params import FromPath, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect

from accounts.password_gate import ALLOWED_WHILE_PASSWORD_RESET
from core.access import PUBLIC
from core.errors import N_, NotFound
from core.i18n import LOCALE_COOKIE, LOCALES, translate
from core.redirects import safe_next

ONE_YEAR_SECONDS = 365 * 24 * 3600


class LanguageController(Controller):
    opt = {**PUBLIC, **ALLOWED_WHILE_PASSWORD_RESET}
    path = "/lang"
    include_in_schema = False

    @get("/{locale:str}", name="language")
    async def switch(
        self,
        request: Request,
        locale: FromPath[str],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=500)] = None,
    ) -> Redirect:
        if locale not in LOCALES:
            raise NotFound(N_("No such language: %(locale)s."), params={"locale": locale})
        flash(request, translate(locale, N_("The pages are now shown in English.")), "success")
        return Redirect(
            safe_next(next_path),
            cookies=[
                Cookie(
                    key=LOCALE_COOKIE,
                    value=locale,
                    max_age=ONE_YEAR_SECONDS,
                    samesite="lax",
                    httponly=False,
                    path="/",
                )
            ],
        )
