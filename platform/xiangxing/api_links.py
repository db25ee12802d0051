"""The links of the OpenAPI document: which answer gives the identifier the next call needs.

A client (or Schemathesis's stateful phase) follows them to walk the platform's work the way
people do it: a station posts a need, submits it and a reviewer approves it; an organization
proposes a pairing and the other side answers; an agreement is confirmed by both parties and
its ledger takes a disbursement that the recipient then confirms. The links cross packages,
so the composition root declares them, in one table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import Link

ANSWERED_ID = "$response.body#/id"
"""Every answer about one row (a create, a step) carries it, with the ``id`` the next call names."""
SEEN_VERSION = {"version": "$response.body#/version"}
"""A step's body: the version of the row its answer showed, which the step checks (a stale one
is a 409)."""


@dataclass(frozen=True, slots=True)
class Call:
    """One operation of the document, by its method and path template."""

    method: str
    path: str


@dataclass(frozen=True, slots=True)
class ApiLink:
    """From the answer ``status`` of ``source`` to ``target``: ``parameters`` say where each of
    the target's parameters comes from (a runtime expression or a constant), ``body`` which
    fields of its request body do."""

    name: str
    source: Call
    status: int
    target: Call
    parameters: Mapping[str, str]
    body: Mapping[str, Any] | None = None
    description: str = ""

    def as_openapi(self, operation_id: str) -> Link:
        return Link(
            operation_id=operation_id,
            parameters=dict(self.parameters),
            request_body=dict(self.body) if self.body is not None else None,
            description=self.description or None,
        )


NEEDS = "/api/v1/needs"
NEED = "/api/v1/needs/{need_id}"
OFFERS = "/api/v1/offers"
OFFER = "/api/v1/offers/{offer_id}"
PROPOSALS = "/api/v1/proposals"
PROPOSAL = "/api/v1/proposals/{proposal_id}"
AGREEMENTS = "/api/v1/agreements"
AGREEMENT = "/api/v1/agreements/{agreement_id}"
REPORT = f"{AGREEMENT}/reports/{{report_id}}"
EVENT = "/api/v1/events/{event_id}"
USER = "/api/v1/users/{user_id}"
ORGANIZATION = "/api/v1/organizations/{organization_id}"
STATION = "/api/v1/stations/{station_id}"


def _created(create: Call, parameter: str, *targets: tuple[str, Call]) -> Iterator[ApiLink]:
    """The links from a create to the calls on the row it made (read, change, steps, children)."""
    for name, target in targets:
        yield ApiLink(name, create, 201, target, {f"path.{parameter}": ANSWERED_ID})


def _step(entry: str, parameter: str, step: str, description: str) -> ApiLink:
    """A workflow step on an entry whose id the source's own path named."""
    target = Call("POST", f"{entry}/{{step}}")
    return ApiLink(
        step.capitalize(),
        target,
        200,
        target,
        {f"path.{parameter}": f"$request.path.{parameter}", "path.step": step},
        body=SEEN_VERSION,
        description=description,
    )


def _entry_links(collection: str, entry: str, parameter: str) -> Iterator[ApiLink]:
    """A need or an offer: made, read, changed, submitted, then approved by a reviewer."""
    create = Call("POST", collection)
    yield from _created(
        create,
        parameter,
        ("Read", Call("GET", entry)),
        ("Change", Call("PATCH", entry)),
        ("Delete", Call("DELETE", entry)),
        ("Suggestions", Call("GET", f"{entry}/suggestions")),
    )
    yield ApiLink(
        "Submit",
        create,
        201,
        Call("POST", f"{entry}/{{step}}"),
        {f"path.{parameter}": ANSWERED_ID, "path.step": "submit"},
        body=SEEN_VERSION,
        description="A draft goes to review",
    )
    yield _step(entry, parameter, "approve", "A reviewer publishes what was submitted")
    yield ApiLink(
        "Read",
        Call("POST", f"{entry}/{{step}}"),
        200,
        Call("GET", entry),
        {f"path.{parameter}": ANSWERED_ID},
    )


def _agreement_links(create: Call) -> Iterator[ApiLink]:
    """An agreement, drawn up from proposals or entered from paper, and what hangs on it."""
    yield from _created(
        create,
        "agreement_id",
        ("Read", Call("GET", AGREEMENT)),
        ("Ledger", Call("GET", f"{AGREEMENT}/ledger")),
        ("Balance", Call("GET", f"{AGREEMENT}/ledger/balance")),
        ("AppendToLedger", Call("POST", f"{AGREEMENT}/ledger")),
        ("Report", Call("POST", f"{AGREEMENT}/reports")),
        ("Reports", Call("GET", f"{AGREEMENT}/reports")),
        ("Indicator", Call("POST", f"{AGREEMENT}/indicators")),
        ("Indicators", Call("GET", f"{AGREEMENT}/indicators")),
        ("Document", Call("POST", f"{AGREEMENT}/documents")),
        ("Documents", Call("GET", f"{AGREEMENT}/documents")),
        ("Progress", Call("GET", f"{AGREEMENT}/progress")),
    )
    yield ApiLink(
        "Confirm",
        create,
        201,
        Call("POST", f"{AGREEMENT}/{{step}}"),
        {"path.agreement_id": ANSWERED_ID, "path.step": "confirm"},
        body=SEEN_VERSION,
        description="Each party confirms the terms, which signs the agreement",
    )


def _ledger_links() -> Iterator[ApiLink]:
    """A signed agreement's ledger: a disbursement, then its confirmation by the recipient."""
    step = Call("POST", f"{AGREEMENT}/{{step}}")
    ledger = Call("POST", f"{AGREEMENT}/ledger")
    yield _step(AGREEMENT, "agreement_id", "confirm", "The other party confirms too")
    yield ApiLink("AppendToLedger", step, 200, ledger, {"path.agreement_id": ANSWERED_ID})
    yield ApiLink(
        "ConfirmReceipt",
        ledger,
        201,
        ledger,
        {"path.agreement_id": "$request.path.agreement_id"},
        body={"entry_type": "receipt_confirmation", "confirms_id": ANSWERED_ID},
        description="The recipient confirms the money or goods an entry records",
    )
    yield ApiLink(
        "Balance",
        ledger,
        201,
        Call("GET", f"{AGREEMENT}/ledger/balance"),
        {"path.agreement_id": "$request.path.agreement_id"},
    )


def _proposal_links() -> Iterator[ApiLink]:
    """A proposal, answered by the other side; an accepted one becomes an agreement."""
    create = Call("POST", PROPOSALS)
    answer = Call("POST", f"{PROPOSAL}/{{step}}")
    yield from _created(create, "proposal_id", ("Read", Call("GET", PROPOSAL)))
    yield ApiLink(
        "Accept",
        create,
        201,
        answer,
        {"path.proposal_id": ANSWERED_ID, "path.step": "accept"},
        description="The other side accepts the pairing",
    )
    yield ApiLink("Answer", create, 201, answer, {"path.proposal_id": ANSWERED_ID})
    yield ApiLink(
        "DrawUpAgreement",
        answer,
        200,
        Call("POST", AGREEMENTS),
        {},
        body={"proposal_ids": [ANSWERED_ID]},
        description="A reviewer draws up the agreement of an accepted proposal",
    )


def _report_links() -> Iterator[ApiLink]:
    """A progress report: saved, submitted, approved, with its photos."""
    create = Call("POST", f"{AGREEMENT}/reports")
    step = Call("POST", f"{REPORT}/{{step}}")
    same_agreement = {"path.agreement_id": "$request.path.agreement_id"}
    yield ApiLink(
        "Submit",
        create,
        201,
        step,
        {**same_agreement, "path.report_id": ANSWERED_ID, "path.step": "submit"},
        body=SEEN_VERSION,
    )
    yield ApiLink(
        "Approve",
        step,
        200,
        step,
        {**same_agreement, "path.report_id": "$request.path.report_id", "path.step": "approve"},
        body=SEEN_VERSION,
    )
    for name, target in (
        ("Photo", Call("POST", f"{REPORT}/photos")),
        ("Photos", Call("GET", f"{REPORT}/photos")),
    ):
        yield ApiLink(name, create, 201, target, {**same_agreement, "path.report_id": ANSWERED_ID})


def _child_links() -> Iterator[ApiLink]:
    """Files and plans, read back through the identifier their create answered."""
    photos = Call("POST", f"{NEED}/photos")
    yield ApiLink(
        "Remove",
        photos,
        201,
        Call("DELETE", f"{NEED}/photos/{{photo_id}}"),
        {"path.need_id": "$request.path.need_id", "path.photo_id": ANSWERED_ID},
    )
    yield ApiLink(
        "Download",
        Call("POST", f"{AGREEMENT}/documents"),
        201,
        Call("GET", f"{AGREEMENT}/documents/{{document_id}}"),
        {"path.agreement_id": "$request.path.agreement_id", "path.document_id": ANSWERED_ID},
    )
    yield ApiLink(
        "Download",
        Call("POST", f"{REPORT}/photos"),
        201,
        Call("GET", f"{REPORT}/photos/{{photo_id}}"),
        {
            "path.agreement_id": "$request.path.agreement_id",
            "path.report_id": "$request.path.report_id",
            "path.photo_id": ANSWERED_ID,
        },
    )
    yield ApiLink(
        "Run",
        Call("POST", f"{EVENT}/plan"),
        202,
        Call("GET", f"{EVENT}/plans/{{run_id}}"),
        {"path.event_id": "$request.path.event_id", "path.run_id": ANSWERED_ID},
    )
    yield ApiLink(
        "LatestPlan",
        Call("POST", f"{EVENT}/plan"),
        202,
        Call("GET", f"{EVENT}/plan"),
        {"path.event_id": "$request.path.event_id"},
        description="An event has a latest plan once one was asked for",
    )


def _directory_links() -> Iterator[ApiLink]:
    """Accounts, organizations, stations, departments and signing events an administrator makes."""
    yield from _created(
        Call("POST", "/api/v1/users"),
        "user_id",
        ("Change", Call("PUT", USER)),
        ("Deactivate", Call("POST", f"{USER}/deactivate")),
        ("Activate", Call("POST", f"{USER}/activate")),
        ("Unlock", Call("POST", f"{USER}/unlock")),
    )
    yield from _created(
        Call("POST", "/api/v1/organizations"),
        "organization_id",
        ("Read", Call("GET", ORGANIZATION)),
        ("Change", Call("PUT", ORGANIZATION)),
        ("Verify", Call("POST", f"{ORGANIZATION}/{{verification}}")),
    )
    yield from _created(
        Call("POST", "/api/v1/stations"),
        "station_id",
        ("Read", Call("GET", STATION)),
        ("Change", Call("PUT", STATION)),
        ("Contact", Call("PUT", f"{STATION}/contact")),
    )
    yield from _created(
        Call("POST", "/api/v1/departments"),
        "department_id",
        ("Rename", Call("PUT", "/api/v1/departments/{department_id}")),
    )
    yield from _created(
        Call("POST", "/api/v1/events"),
        "event_id",
        ("Read", Call("GET", EVENT)),
        ("Pair", Call("POST", f"{EVENT}/pairs")),
        ("Plan", Call("POST", f"{EVENT}/plan")),
        ("Proposals", Call("GET", f"{EVENT}/proposals")),
        ("ProposeAll", Call("POST", f"{EVENT}/proposals")),
    )


API_LINKS: tuple[ApiLink, ...] = (
    *_entry_links(NEEDS, NEED, "need_id"),
    *_entry_links(OFFERS, OFFER, "offer_id"),
    *_created(
        Call("POST", NEEDS),
        "need_id",
        ("Verify", Call("POST", f"{NEED}/verify")),
        ("Photo", Call("POST", f"{NEED}/photos")),
    ),
    *_proposal_links(),
    *_agreement_links(Call("POST", AGREEMENTS)),
    *_agreement_links(Call("POST", f"{AGREEMENTS}/paper")),
    *_ledger_links(),
    *_report_links(),
    *_child_links(),
    *_directory_links(),
)


def with_links(document: dict[str, Any], links: tuple[ApiLink, ...] = API_LINKS) -> dict[str, Any]:
    """A copy of ``document`` (the generated OpenAPI document as a dict) with ``links`` under the
    answers they start from; a link naming an operation the document lacks is a KeyError."""
    paths = deepcopy(document)["paths"]
    for link in links:
        target_id = paths[link.target.path][link.target.method.lower()]["operationId"]
        answer = paths[link.source.path][link.source.method.lower()]["responses"][str(link.status)]
        answer.setdefault("links", {})[link.name] = link.as_openapi(target_id).to_schema()
    return {**document, "paths": paths}
