"""The ledger JSON API under ``/api/v1/agreements/{id}/ledger``: the entries (list contract),
the balance with whether the hash chain verifies, appending an entry (idempotent: a retry
with the same ``Idempotency-Key`` gets the first answer), and ``ledger.xlsx``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from pydantic import BaseModel

from accounts.denials import actor_of
from accounts.identity import Identity
from core.access import SIGNED_IN
from core.downloads import XLSX_TYPE
from core.error_contract import error_responses
from core.i18n import locale_of
from core.idempotency import IDEMPOTENT
from core.pagination import Page, PageRequest, Slice
from funds import chain
from funds.deps import LEDGER_DEPENDENCIES
from funds.schemas import BalanceRead, EntryIn, EntryRead, balance_read, entry_read
from funds.service import LedgerService
from funds.workbook import ledger_attachment


class LedgerSummary(BaseModel):
    balance: BalanceRead
    verified: bool
    """Whether the agreement's hash chain verifies (no entry altered behind the platform)."""


class LedgerApiController(Controller):
    path = "/api/v1/agreements/{agreement_id:uuid}/ledger"
    tags = ["funds"]
    dependencies = LEDGER_DEPENDENCIES

    @get(
        "/",
        opt=SIGNED_IN,
        summary="The agreement's ledger entries, in order",
        responses=error_responses(400, 401, 403, 404),
    )
    async def list_entries(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        page_request: NamedDependency[PageRequest],
        agreement_id: FromPath[UUID],
    ) -> Page[EntryRead]:
        """For the parties and staff; 404 for everyone else."""
        found = await ledger.read(agreement_id, request.user)
        return Slice.cut(found.entries, page_request).to_page(entry_read)

    @get(
        "/balance",
        opt=SIGNED_IN,
        summary="Committed, disbursed, confirmed, disputed, spent and refunded",
        responses=error_responses(400, 401, 403, 404),
    )
    async def get_balance(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
    ) -> LedgerSummary:
        """A disbursement counts as delivered (``confirmed``) only once the recipient
        confirms it."""
        found = await ledger.read(agreement_id, request.user)
        return LedgerSummary(
            balance=balance_read(found.balance), verified=chain.verify(found.entries) is None
        )

    @post(
        "/",
        opt={**SIGNED_IN, **IDEMPOTENT},
        status_code=HTTP_201_CREATED,
        summary="Append an entry to the ledger",
        responses=error_responses(400, 401, 403, 404, 409, 422),
    )
    async def append(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
        data: JSONBody[EntryIn],
    ) -> EntryRead:
        """The organization records commitments, disbursements, expenditures and refunds; the
        recipient confirms or disputes a disbursement; a reviewer of the category records
        commitments; a reversal cancels an entry (the only correction). A write that would
        break an invariant is refused (409) and names it."""
        entry = await ledger.append(agreement_id, data, request.user, actor_of(request))
        return entry_read(entry)


class LedgerExportApiController(Controller):
    path = "/api/v1/agreements/{agreement_id:uuid}/ledger.xlsx"
    tags = ["funds"]
    dependencies = LEDGER_DEPENDENCIES

    @get(
        "/",
        opt=SIGNED_IN,
        summary="The agreement's ledger as .xlsx: every entry, then the totals",
        responses=error_responses(400, 401, 403, 404),
        media_type=XLSX_TYPE,
    )
    async def workbook(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
    ) -> Response[bytes]:
        """For the parties and staff, as the entries; 404 for everyone else. Column headers
        in the language of the ``lang`` cookie (Chinese by default)."""
        found = await ledger.read(agreement_id, request.user)
        return ledger_attachment(found, locale_of(request))
