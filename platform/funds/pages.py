"""The money tab of an agreement (``/agreements/{id}/money``): its figures, the running totals
as a chart and a table, the ledger with where each disbursement stands, whether the hash
chain verifies, the .xlsx of the ledger, and the forms of the entries the visitor may record.

Who reads is the ledger's own rule (``LedgerService.read``); which forms show is
``funds.policy.may_record``; every form posts through ``LedgerService.append``, the API's path,
so the invariants, the row lock and the audit hold, and a refusal is shown at the form with
nothing changed. Forms carry a one-time key (``core.idempotency``): a double-clicked submit
records one entry. An expenditure's evidence may be a file, kept as an annex of the agreement
and named in the entry's evidence."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from accounts.denials import actor_of
from accounts.identity import Identity
from agreements.api import UPLOAD_LIMIT
from agreements.deps import provide_documents
from agreements.document_service import AgreementDocuments
from agreements.documents import MAX_DOCUMENT_BYTES
from agreements.models import DocumentKind
from agreements.policy import parties_of
from core.access import SIGNED_IN
from core.errors import N_, DomainError, NotFound
from core.flash import flash_text
from core.forms import form_values, parse
from core.i18n import locale_of, translate
from core.idempotency import IDEMPOTENT
from funds import chain
from funds.deps import LEDGER_DEPENDENCIES
from funds.models import EntryType, LedgerEntry, SpendCategory, spend_label
from funds.policy import may_record
from funds.schemas import EntryIn
from funds.service import Ledger, LedgerService, takes_entries
from funds.statement import SERIES, TOTALS, lines, timeline, timeline_option
from funds.workbook import ledger_attachment

VERIFIED = N_("Ledger verified: %(count)s entries")
RECORDED = N_("Entry %(sequence)s is recorded in the ledger.")
EVIDENCE_FILE = "evidence_file"
FORM_TITLES = {
    EntryType.COMMITMENT.value: N_("Record a commitment (top-up)"),
    EntryType.DISBURSEMENT.value: N_("Record a disbursement of money or goods"),
    EntryType.EXPENDITURE.value: N_("Record an expenditure"),
    EntryType.REFUND.value: N_("Record a refund"),
}
"""The forms of the entries recorded with an amount, in the order the page shows them."""
AMOUNT_FORMS = tuple(EntryType(kind) for kind in FORM_TITLES)


def chain_line(entries: list[LedgerEntry], locale: str) -> tuple[bool, str]:
    """Whether the chain verifies, said in the visitor's language: the count, or the break."""
    broken = chain.verify(entries)
    if broken is None:
        return True, translate(locale, VERIFIED, {"count": len(entries)})
    message, params = broken.message
    return False, translate(locale, message, params)


def _page(
    request: Request[Identity, Any, Any],
    found: Ledger,
    values: dict[str, Any] | None = None,
    error: DomainError | None = None,
) -> Template:
    locale = locale_of(request)
    agreement = found.agreement
    parties = parties_of(request.user, agreement)
    ledger_lines = lines(found.entries)
    points = timeline(found.entries)
    verified, chain_text = chain_line(found.entries, locale)
    writable = takes_entries(agreement)
    names = {field: translate(locale, label) for label, field in TOTALS}
    forms = [kind for kind in AMOUNT_FORMS if may_record(kind, parties)] if writable else []
    answers = writable and may_record(EntryType.RECEIPT_CONFIRMATION, parties)
    reversible = [
        line
        for line in ledger_lines
        if writable and line.reversible and may_record(line.entry.entry_type, parties)
    ]
    offered = {kind.value for kind in forms}
    if reversible:
        offered.add(EntryType.REVERSAL.value)
    if answers:
        offered |= {EntryType.RECEIPT_CONFIRMATION.value, EntryType.RECEIPT_DISPUTE.value}
    posted = (values or {}).get("entry_type")
    return Template(
        "funds/money.html",
        context={
            "agreement": agreement,
            "private": True,
            "balance": found.balance,
            "totals": TOTALS,
            "drawn": [(label, field) for label, field in TOTALS if field in SERIES],
            "lines": ledger_lines,
            "points": points,
            "chart_option": timeline_option(points, names),
            "verified": verified,
            "chain_text": chain_text,
            "writable": writable,
            "forms": forms,
            "answers": answers,
            "reversible": reversible,
            "spend_categories": list(SpendCategory),
            "spend_label": spend_label,
            "form_titles": FORM_TITLES,
            "values": values or {},
            "error": error,
            "error_at": (posted if posted in offered else "page") if error else None,
        },
        status_code=error.status_code if error else 200,
    )


async def _evidence_file(
    request: Request[Identity, Any, Any],
    form: Any,
    values: dict[str, Any],
    documents: AgreementDocuments,
    agreement_id: UUID,
) -> None:
    """An uploaded evidence file becomes an annex of the agreement, named in the evidence."""
    upload = form.get(EVIDENCE_FILE)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return
    content = await upload.read(MAX_DOCUMENT_BYTES + 1)
    document = await documents.add(
        agreement_id,
        DocumentKind.ANNEX,
        upload.filename,
        content,
        request.user,
        actor_of(request),
    )
    attached = translate(locale_of(request), N_("file: %(name)s"), {"name": document.file_name})
    values["evidence"] = "；".join(part for part in (values.get("evidence"), attached) if part)


class MoneyPageController(Controller):
    include_in_schema = False
    dependencies = LEDGER_DEPENDENCIES

    @get("/agreements/{agreement_id:uuid}/money", name="funds:money", opt=SIGNED_IN)
    async def money(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
    ) -> Template:
        """For the parties and staff, as the ledger API; 404 for everyone else."""
        return _page(request, await ledger.read(agreement_id, request.user))

    @post(
        "/agreements/{agreement_id:uuid}/money",
        name="funds:record",
        opt={**SIGNED_IN, **IDEMPOTENT},
        request_max_body_size=UPLOAD_LIMIT,
        dependencies={"documents": Provide(provide_documents)},
    )
    async def record(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        documents: NamedDependency[AgreementDocuments],
        agreement_id: FromPath[UUID],
    ) -> Template | Redirect:
        """One entry of any type from its form; a refusal shows the page again with the
        message at the form (and the transaction, evidence file included, rolled back)."""
        form = await request.form()
        values = form_values(form)
        try:
            if values.get("entry_type") == EntryType.EXPENDITURE:
                await _evidence_file(request, form, values, documents, agreement_id)
            entry = await ledger.append(
                agreement_id, parse(EntryIn, values), request.user, actor_of(request)
            )
        except NotFound:
            raise
        except DomainError as error:
            return _page(request, await ledger.read(agreement_id, request.user), values, error)
        flash_text(request, RECORDED, params={"sequence": entry.sequence})
        return Redirect(f"/agreements/{agreement_id}/money#ledger")

    @get("/agreements/{agreement_id:uuid}/money/chain", name="funds:chain", opt=SIGNED_IN)
    async def chain_fragment(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
    ) -> Template:
        """The one line the agreement's overview loads: whether the ledger verifies."""
        found = await ledger.read(agreement_id, request.user)
        verified, chain_text = chain_line(found.entries, locale_of(request))
        return Template(
            "funds/_chain.html",
            context={"agreement": found.agreement, "verified": verified, "chain_text": chain_text},
        )

    @get("/agreements/{agreement_id:uuid}/money.xlsx", name="funds:xlsx", opt=SIGNED_IN)
    async def workbook(
        self,
        request: Request[Identity, Any, Any],
        ledger: NamedDependency[LedgerService],
        agreement_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The ledger as .xlsx for the same readers as the page."""
        found = await ledger.read(agreement_id, request.user)
        return ledger_attachment(found, locale_of(request))
