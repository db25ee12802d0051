"""The import pages: the template downloads, what each column accepts, an upload form, and the
result: how many drafts were created, or every problem by row and column (nothing stored)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.identity import Identity
from core.clock import Clock
from core.errors import N_, InvalidInput
from listings.api import (
    IMPORTING,
    NEED_IMPORTERS,
    OFFER_IMPORTERS,
    UPLOAD_LIMIT,
    import_upload,
)
from listings.importing import MAX_BYTES, MAX_ROWS, RowsRejected
from listings.sheet import SheetKind, columns_of

SHOWN_PROBLEMS = 1000
MINE = {SheetKind.NEEDS: "/my/needs", SheetKind.OFFERS: "/my/offers"}


def _page(kind: SheetKind, status_code: int = HTTP_200_OK, **context: Any) -> Template:
    problems = context.pop("problems", [])
    return Template(
        "catalogue/import.html",
        context={
            "kind": kind.value,
            "kind_label": kind.label,
            "columns": columns_of(kind),
            "template_base": f"/api/v1/imports/{kind.value}",
            "mine_url": MINE[kind],
            "limit_mb": MAX_BYTES // 2**20,
            "limit_rows": MAX_ROWS,
            "problems": problems[:SHOWN_PROBLEMS],
            "problem_count": len(problems),
            **context,
        },
        status_code=status_code,
    )


async def _import(
    request: Request[Identity, Any, Any], session: AsyncSession, clock: Clock, kind: SheetKind
) -> Template:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = InvalidInput(N_("Choose a file to upload."))
        return _page(kind, HTTP_400_BAD_REQUEST, error=error)
    try:
        created = await import_upload(request, session, clock, kind, upload)
    except RowsRejected as error:
        return _page(kind, HTTP_400_BAD_REQUEST, error=error, problems=error.rows)
    except InvalidInput as error:
        return _page(kind, error.status_code, error=error)
    return _page(kind, created=len(created))


class ImportPageController(Controller):
    path = "/import"
    include_in_schema = False

    @get("/needs", name="import:needs", opt=NEED_IMPORTERS)
    async def needs_page(self) -> Template:
        return _page(SheetKind.NEEDS)

    @post("/needs", opt={**NEED_IMPORTERS, **IMPORTING}, request_max_body_size=UPLOAD_LIMIT)
    async def import_needs(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
    ) -> Template:
        return await _import(request, db_session, clock, SheetKind.NEEDS)

    @get("/offers", name="import:offers", opt=OFFER_IMPORTERS)
    async def offers_page(self) -> Template:
        return _page(SheetKind.OFFERS)

    @post("/offers", opt={**OFFER_IMPORTERS, **IMPORTING}, request_max_body_size=UPLOAD_LIMIT)
    async def import_offers(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
    ) -> Template:
        return await _import(request, db_session, clock, SheetKind.OFFERS)
