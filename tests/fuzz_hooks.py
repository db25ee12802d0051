"""Schemathesis hooks of the API fuzzing (``tests/test_api_fuzz.py``), loaded by its command line
through ``SCHEMATHESIS_HOOKS``.

A run never revokes the token it signs in with, which would turn the rest of its requests into
401s. And the creates that start the document's links get, half of the time, a body modelled on
what the role finds on its demo (``tests/fuzz_world.py``): a need or offer copied from its own,
a pairing the matching suggests, an agreement with a programme and an organization that exist.
The other half keep Schemathesis's own bodies, so invalid input is still fuzzed."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.hooks import HookContext
from schemathesis.specs.openapi.analysis import OpenAPIAnalysis
from schemathesis.specs.openapi.stateful.dependencies import DependencyGraph

from tests.fuzz_world import Json, World, explore

SIGNED_IN_WITH = os.environ.get("XIANGXING_FUZZ_TOKEN_ID", "")
WORLD = explore(os.environ["XIANGXING_FUZZ_BASE_URL"], os.environ.get("XIANGXING_FUZZ_TOKEN"))
PERIOD = {"period_start": "2027-01-01", "period_end": "2027-03-31"}
"""One quarter: an agreement this short reports once, for the whole of it."""


@schemathesis.hook
def filter_case(context: HookContext, case: Case) -> bool:
    """Any case but the revocation of the run's own token."""
    return not (
        case.method == "DELETE"
        and case.operation.path == "/api/v1/auth/tokens/{token_id}"
        and str((case.path_parameters or {}).get("token_id")) == SIGNED_IN_WITH
    )


def _lines(lines: list[Json], amount: str) -> list[Json]:
    """An entry's lines as a create takes them, each ``amount`` being what it read then."""
    return [
        {
            "kind": line["kind"],
            "amount": line[amount],
            "item": line["item"],
            "unit": line["unit"],
            **({"value": line["value"]} if line.get("value") is not None else {}),
        }
        for line in lines
    ]


def _need(need: Json, number: int) -> Json:
    copied = (
        *("category", "subcategory", "description", "region_code", "beneficiary_count"),
        *("beneficiary_groups", "urgency", "deadline", "tags", "channel", "channel_name"),
    )
    return {
        **{name: need[name] for name in copied},
        "title": f"{need['title'][:90]} {number}",
        "lines": _lines(need["lines"], "sought"),
    }


def _offer(offer: Json, number: int) -> Json:
    copied = ("category", "subcategory", "description", "service_region_codes")
    return {
        **{name: offer[name] for name in copied},
        "title": f"{offer['title'][:90]} {number}",
        "lines": _lines(offer["lines"], "offered"),
        **{name: offer[name] for name in ("valid_from", "valid_until", "capacity", "tags")},
    }


def _terms(number: int) -> Json:
    return {"title": f"帮扶协议 {number}", "programme": "industry", **PERIOD}


def _paper(organization_id: str, need: Json, number: int) -> Json:
    return {
        **_terms(number),
        "organization_id": organization_id,
        "category": need["category"],
        "region_code": need["county_code"],
        "lines": [{"kind": "funds", "amount": "5000.00"}],
    }


def _event(need: Json, number: int) -> Json:
    return {
        "name": f"签约活动 {number}",
        "held_on": "2027-01-15",
        "county_codes": [need["county_code"]],
    }


NUMBERS = st.integers(1, 999_999)
"""Titles differ from one body to the next."""


def _valid_bodies(world: World, body: Any) -> dict[tuple[str, str], st.SearchStrategy[Json]]:
    """Per operation, bodies the API should take from this role (or refuse for its rights
    only), where the world holds what they name."""
    proposal_ids = body.get("proposal_ids", []) if isinstance(body, dict) else []
    bodies: dict[tuple[str, str], st.SearchStrategy[Json]] = {
        ("POST", "/api/v1/agreements"): NUMBERS.map(
            lambda n: {**_terms(n), "proposal_ids": proposal_ids}
        ),
        ("POST", "/api/v1/agreements/{agreement_id}/ledger"): st.fixed_dictionaries(
            {
                "entry_type": st.sampled_from(["commitment", "disbursement"]),
                "amount": st.sampled_from(["100.00", "1,000", "2500.50"]),
            }
        ),
        ("POST", "/api/v1/agreements/{agreement_id}/reports"): st.just(
            {**PERIOD, "narrative": "第一季度按计划完成。"}
        ),
    }
    if world.needs:
        need = st.sampled_from(world.needs)
        bodies[("POST", "/api/v1/needs")] = st.builds(_need, need, NUMBERS)
        bodies[("POST", "/api/v1/events")] = st.builds(_event, need, NUMBERS)
        if world.organization_ids:
            bodies[("POST", "/api/v1/agreements/paper")] = st.builds(
                _paper, st.sampled_from(world.organization_ids), need, NUMBERS
            )
    if world.offers:
        bodies[("POST", "/api/v1/offers")] = st.builds(
            _offer, st.sampled_from(world.offers), NUMBERS
        )
    if world.pairs:
        pairing = st.sampled_from(world.pairs).map(lambda p: {"need_id": p[0], "offer_id": p[1]})
        bodies[("POST", "/api/v1/proposals")] = pairing
        bodies[("POST", "/api/v1/events/{event_id}/pairs")] = pairing
    return bodies


CREATES = (
    "POST /api/v1/needs",
    "POST /api/v1/offers",
    "POST /api/v1/proposals",
    "POST /api/v1/agreements",
    "POST /api/v1/agreements/paper",
    "POST /api/v1/events",
)
"""The creates that start the work, whose bodies ``flatmap_body`` fills from the world."""


class _CreatesStartSequences(OpenAPIAnalysis):
    """Schemathesis starts its sequences only from creates whose bodies name nothing it cannot
    make itself, and it reads ``contact_name`` as naming a "Contact" and ``need_id`` a "Need"
    (the answers are ``NeedRead``s), which nothing makes: it never started a sequence from a
    need, an offer or a proposal. The bodies of ``CREATES`` come from the world instead."""

    __slots__ = ()

    @property
    def dependency_graph(self) -> DependencyGraph:
        graph = super().dependency_graph
        for label in CREATES:
            if label in graph.operations:
                graph.operations[label].inputs = []
        return graph


@schemathesis.hook
def after_load_schema(context: HookContext, schema: Any) -> None:
    """The graph is worked out later, once the schema knows its server (reading it here would
    fix the operations without one)."""
    schema.analysis.__class__ = _CreatesStartSequences


@schemathesis.hook
def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    """Schemathesis's body or, as often, one modelled on the role's world (where the world
    has what the operation needs)."""
    operation = context.operation
    if operation is None:
        return st.just(body)
    valid = _valid_bodies(WORLD, body).get((operation.method.upper(), operation.path))
    if valid is None:
        return st.just(body)
    return st.one_of(valid, st.just(body))
