"""What the matrix sends to each route: its path parameters (A's and X's objects) and, for a
write the policy must decide rather than the shape of its body, the body the owner would send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.agreements.flow import terms
from tests.agreements.test_documents import PDF
from tests.agreements.test_forms import TERMS
from tests.conftest import FakeClock
from tests.demand.test_photos import PNG
from tests.factories import PASSWORD, YILE_VILLAGE, need_body, offer_body, offer_form
from tests.matching.parties import YILE
from tests.outcomes.reporting import FIRST_QUARTER

STEPS = {"/reports/": "submit", "/agreements/": "start", "/proposals/": "accept"}
"""The step a path's ``{step}`` names, by the first resource of the path it is about."""
VARIANTS = {"draft agreement": {"agreement_id": "agreement_draft"}}
NEED_FORM = {
    "category": "special_groups",
    "subcategory": "left_behind_children",
    "title": "以勒村留守儿童暑期托管",
    "description": "村里四十多名留守儿童暑假无人看护。",
    "region_code": YILE_VILLAGE,
    "urgency": "yellow",
    "deadline": "2026-07-15",
    "lines.0.kind": "funds",
    "lines.0.amount": "5000",
    "beneficiary_count": "35",
    "beneficiary_groups": ["left_behind_children"],
    "version": "1",
}


@dataclass(frozen=True)
class Request:
    """The filled path parameters and the body of one route."""

    values: dict[str, str]
    json: Any = None
    form: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


def request_for(entry: str, ids: dict[str, str], clock: FakeClock) -> Request:
    """The request of an ``EXPECTED`` entry ("METHOD path", or "METHOD path | variant")."""
    route, _, variant = entry.partition(" | ")
    path = route.split(" ", 1)[1]
    values = {
        "need_id": ids["need_draft"],
        "offer_id": ids["offer_draft"],
        "entry_id": ids["need_draft"],
        "proposal_id": ids["proposal"],
        "agreement_id": ids["agreement"],
        "report_id": ids["report"],
        "document_id": ids["document"],
        "event_id": ids["event"],
        "run_id": ids["plan_run"],
        "pair_id": ids["plan_pair"],
        "user_id": ids["worker_x"],
        "organization_id": ids["organization_a"],
        "station_id": ids["station_x"],
        "department_id": ids["department"],
        "notice_id": ids["notice"],
        "token_id": ids["token_a"],
        "photo_id": ids["report_photo" if "/reports/" in path else "need_photo"],
        "code": YILE,
        "kind": "needs" if path.startswith("/catalogue/delete/") else "need",
        "name": "needs.csv",
        "locale": "en",
        "verification": "suspended",
        "action": "plan",
        "step": next((step for part, step in STEPS.items() if part in path), "submit"),
    }
    if path.startswith("/api/v1/imports/"):
        values.update(kind="needs", name="template.csv")
    values.update({name: ids[key] for name, key in VARIANTS.get(variant, {}).items()})
    body = _bodies(ids, clock).get(route, {})
    return Request(values, **body)


def _bodies(ids: dict[str, str], clock: FakeClock) -> dict[str, dict[str, Any]]:
    photo = {"file": ("现场.png", PNG, "image/png")}
    pdf = {"file": ("附件.pdf", PDF, "application/pdf")}
    pair = {"need_id": ids["need_published"], "offer_id": ids["offer_published"]}
    agreement_version = {"version": int(ids["agreement_version"])}
    report_version = {"version": int(ids["report_version"])}
    agreement = "/agreements/{agreement_id:uuid}"
    report = f"{agreement}/reports/{{report_id:uuid}}"
    return {
        "POST /login": {"form": {"username": "member_a", "password": PASSWORD}},
        "POST /my/needs/{need_id:uuid}/edit": {"form": NEED_FORM},
        "POST /my/needs/{need_id:uuid}/photos": {"files": photo},
        "POST /my/offers/{offer_id:uuid}/edit": {"form": {**offer_form(), "version": "1"}},
        "PATCH /api/v1/needs/{need_id:uuid}": {"json": {**need_body(clock), "version": 1}},
        "PATCH /api/v1/offers/{offer_id:uuid}": {"json": {**offer_body(clock), "version": 1}},
        "POST /api/v1/needs/{need_id:uuid}/photos": {"files": photo},
        "POST /proposals/new": {"form": pair},
        "POST /api/v1/proposals": {"json": pair},
        "POST /agreements/new": {"form": {**TERMS, "proposal_ids": ids["proposal"]}},
        "POST /api/v1/agreements": {"json": terms(proposal_ids=[ids["proposal"]])},
        f"POST {agreement}/documents": {"files": pdf, "form": {"kind": "annex"}},
        f"POST /api/v1{agreement}/documents": {"files": pdf, "form": {"kind": "annex"}},
        f"POST {agreement}/indicators": {"form": {"name": "培训人次", "target": "100"}},
        f"POST /api/v1{agreement}/indicators": {"json": {"name": "培训人次", "target": "100"}},
        f"POST {agreement}/{{step:str}}": {"form": agreement_version},
        f"POST /api/v1{agreement}/{{step:str}}": {"json": agreement_version},
        f"POST {agreement}/money": {
            "form": {"entry_type": "disbursement", "amount": "100.00", "note": "转账"}
        },
        f"POST /api/v1{agreement}/ledger": {
            "json": {"entry_type": "disbursement", "amount": "100.00", "note": "转账"}
        },
        f"POST {agreement}/reports": {"form": FIRST_QUARTER},
        f"POST /api/v1{agreement}/reports": {
            "json": {
                **FIRST_QUARTER,
                "narrative": "托管开班。",
                "values": [{"indicator_id": ids["indicator"], "actual": "5"}],
            }
        },
        f"POST {report}/photos": {"files": photo},
        f"POST /api/v1{report}/photos": {"files": photo},
        f"POST {report}/{{step:str}}": {"form": report_version},
        f"POST /api/v1{report}/{{step:str}}": {"json": report_version},
    }
