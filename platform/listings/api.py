"""Bulk import and export in the API: upload a filled template, download any filtered list,
download the templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.denials import actor_of
from accounts.identity import Identity
from accounts.models import Role
from catalogue.deps import provide_entry_filters
from catalogue.schemas import EntryFilters
from catalogue.service import NotYours, listed_states
from core.access import PUBLIC, roles
from core.clock import Clock, local_date
from core.database import WRITES_LATE
from core.downloads import CSV_TYPE, XLSX_TYPE, absolute_link, attachment
from core.error_contract import error_responses
from core.errors import N_, NotFound
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from demand.models import Channel, Urgency
from demand.policy import need_readable
from demand.repository import NeedRepository
from listings.exporters import (
    MAX_EXPORT_ROWS,
    export_csv,
    export_file_name,
    export_xlsx,
    template_csv,
    template_xlsx,
)
from listings.importing import MAX_BYTES, import_file
from listings.sheet import SheetKind, load_vocabulary
from supply.policy import offer_readable, sees_offer_contact
from supply.repository import OfferRepository

UPLOAD_LIMIT = MAX_BYTES + 2 * 2**20
"""The request may be a little larger than the file (multipart framing); a larger file gets
the importer's own clear "file too large" answer, an even larger request a plain 413."""
NEED_IMPORTERS = roles(Role.STATION_WORKER, Role.REVIEWER)
OFFER_IMPORTERS = roles(Role.MEMBER, Role.REVIEWER)
IMPORTING = {**WRITES_LATE, **IDEMPOTENT}
"""Imports read and check the whole file before they take the write lock, and a retried
import with the same idempotency key stores nothing twice."""
FORMATS = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}


@dataclass
class ImportUpload:
    """The multipart body, declared so that a request without the ``file`` part is a 400
    naming it (and the OpenAPI document shows the field)."""

    file: UploadFile


Upload = Annotated[
    ImportUpload,
    Body(media_type=RequestEncodingType.MULTI_PART, description="The file, as the field `file`"),
]


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    ids: list[UUID]


class UnknownDownload(NotFound):
    code = "unknown_download"


def split_download(name: str) -> tuple[SheetKind, str]:
    """``needs.xlsx`` → (needs, xlsx); anything else does not exist."""
    stem, _, extension = name.partition(".")
    if stem not in SheetKind.__members__.values() or extension not in FORMATS:
        raise UnknownDownload(N_("The page or object you asked for does not exist."))
    return SheetKind(stem), extension


async def import_upload(
    request: Request[Identity, Any, Any],
    session: AsyncSession,
    clock: Clock,
    kind: SheetKind,
    upload: UploadFile,
) -> list[Any]:
    content = await upload.read()
    return await import_file(
        session,
        clock,
        kind,
        request.user,
        actor_of(request),
        upload.filename or "",
        content,
    )


async def matching_entries(
    session: AsyncSession,
    kind: SheetKind,
    filters: EntryFilters,
    identity: Identity | None,
    *,
    mine: bool,
    urgency: Urgency | None = None,
) -> list[Any]:
    """The entries a list with these filters shows this visitor (their readable statement;
    ``mine`` for the own township's station needs or the own organization's offers, so that
    the file imports back), at most 10,000."""
    filters = listed_states(filters, identity, mine=mine)
    if kind is SheetKind.NEEDS:
        township_code = channel = None
        if mine:
            if identity is None or identity.township_code is None:
                raise NotYours(N_("Only station workers have needs of their own."))
            township_code = identity.township_code
            channel = Channel.STATION
        return await NeedRepository(session=session).all_matching(
            filters,
            urgency=urgency,
            township_code=township_code,
            channel=channel,
            readable=need_readable(identity),
            limit=MAX_EXPORT_ROWS,
        )
    organization_id = None
    if mine:
        if identity is None or identity.organization_id is None:
            raise NotYours(N_("Only members of a social organization have offers."))
        organization_id = identity.organization_id
    return await OfferRepository(session=session).all_matching(
        filters,
        organization_id=organization_id,
        readable=offer_readable(identity),
        limit=MAX_EXPORT_ROWS,
    )


def entry_link(request: Request[Any, Any, Any], kind: SheetKind, entry: Any) -> str:
    """The absolute address of the entry's catalogue page."""
    if kind is SheetKind.NEEDS:
        return absolute_link(request, "catalogue:need", need_id=entry.id)
    return absolute_link(request, "catalogue:offer", offer_id=entry.id)


class TransferApiController(Controller):
    path = "/api/v1"
    tags = ["import and export"]
    dependencies = {"filters": Provide(provide_entry_filters)}

    @post(
        "/needs/import",
        opt={**NEED_IMPORTERS, **IMPORTING},
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_LIMIT,
        summary="Import needs from a filled template (.xlsx or .csv); all or nothing",
        responses=error_responses(400, 401, 403, 413, 422),
    )
    async def import_needs(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        data: Upload,
    ) -> ImportResult:
        created = await import_upload(request, db_session, clock, SheetKind.NEEDS, data.file)
        return ImportResult(created=len(created), ids=[entry.id for entry in created])

    @post(
        "/offers/import",
        opt={**OFFER_IMPORTERS, **IMPORTING},
        status_code=HTTP_201_CREATED,
        request_max_body_size=UPLOAD_LIMIT,
        summary="Import offers from a filled template (.xlsx or .csv); all or nothing",
        responses=error_responses(400, 401, 403, 413, 422),
    )
    async def import_offers(
        self,
        request: Request[Identity, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        data: Upload,
    ) -> ImportResult:
        created = await import_upload(request, db_session, clock, SheetKind.OFFERS, data.file)
        return ImportResult(created=len(created), ids=[entry.id for entry in created])

    @get(
        "/exports/{name:str}",
        opt=PUBLIC,
        summary="needs.xlsx, needs.csv, offers.xlsx or offers.csv, with the lists' filters",
        responses=error_responses(400, 403, 404),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        filters: NamedDependency[EntryFilters],
        name: FromPath[str],
        urgency: Annotated[
            Urgency | None, QueryParameter(description="Needs only: red, yellow, green")
        ] = None,
        mine: Annotated[
            bool, QueryParameter(description="My township's needs or my organization's offers")
        ] = False,
    ) -> Response[bytes]:
        kind, extension = split_download(name)
        identity = request.scope.get("user")
        entries = await matching_entries(
            db_session, kind, filters, identity, mine=mine, urgency=urgency
        )
        vocabulary = await load_vocabulary(db_session)
        write = export_xlsx if extension == "xlsx" else export_csv
        content = write(
            kind,
            entries,
            vocabulary,
            shows_contact=lambda offer: sees_offer_contact(identity, offer),
            link=lambda entry: entry_link(request, kind, entry),
            today=local_date(clock()),
        )
        file_name = export_file_name(
            kind, filters, vocabulary, local_date(clock()), extension, urgency=urgency, mine=mine
        )
        return attachment(content, FORMATS[extension], file_name)

    @get(
        "/imports/{kind:str}/{name:str}",
        opt=PUBLIC,
        summary="The import template with an example row: template.xlsx or template.csv",
        responses=error_responses(400, 404),
    )
    async def template(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        clock: NamedDependency[Clock],
        kind: FromPath[str],
        name: FromPath[str],
    ) -> Response[bytes]:
        sheet_kind, extension = split_download(f"{kind}.{name.removeprefix('template.')}")
        if not name.startswith("template."):
            raise UnknownDownload(N_("The page or object you asked for does not exist."))
        today = local_date(clock())
        if extension == "xlsx":
            vocabulary = await load_vocabulary(db_session)
            content = template_xlsx(sheet_kind, vocabulary, today, locale_of(request))
        else:
            content = template_csv(sheet_kind, today)
        return attachment(content, FORMATS[extension], f"{sheet_kind.template_stem}.{extension}")
