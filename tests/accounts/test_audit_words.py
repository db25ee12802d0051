"""Every action code the platform writes to the audit log has a phrase in
``accounts.audit_words``: the codes are read from the source (every call that writes an entry),
codes built from an enum are expanded from that enum, and a new way of building a code fails
here until it is expanded too."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

from accounts.audit_changes import changes_of
from accounts.audit_words import ACTIONS, FIELDS, OBJECT_TYPES, SAME_TYPE, object_label, phrase
from accounts.models import Verification
from agreements.lifecycle import Step
from catalogue.models import EntryKind
from catalogue.workflow import Transition
from core.paths import PROJECT_ROOT
from funds.models import EntryType
from matching.models import ProposalState
from outcomes.policy import ReportStep

SOURCE = PROJECT_ROOT / "platform"
WRITERS = {"record", "record_change", "_audit"}
"""``core.audit``'s writers and the services' one-line wrappers around them."""
KINDS = {"supply": EntryKind.OFFER.value, "demand": EntryKind.NEED.value}


def _history_steps(kind: str) -> set[str]:
    """Catalogue steps: the workflow's and those the kind's own services record."""
    steps = {transition.done for transition in Transition}
    for path in _files(SOURCE / "catalogue", SOURCE / ("supply" if kind == "offer" else "demand")):
        for call in _calls(path, {"history"}):
            steps.update(_constants(call.args[1:2]))
    return steps


TEMPLATES: dict[str, Callable[[], Iterable[str]]] = {
    "f'{self.kind.value}.{action}'": lambda: {
        f"{kind}.{step}" for kind in KINDS.values() for step in _history_steps(kind)
    },
    "f'{entry}.imported'": lambda: {f"{kind}.imported" for kind in KINDS.values()},
    "f'ledger.{entry.entry_type.value}'": lambda: {f"ledger.{t.value}" for t in EntryType},
    "f'agreement.{step.value}'": lambda: {f"agreement.{step.value}" for step in Step},
    "f'report.{step.value}'": lambda: {f"report.{step.value}" for step in ReportStep},
    "f'organization.{state.value}'": lambda: {f"organization.{s.value}" for s in Verification},
    "f'proposal.{proposal.state.value}'": lambda: {f"proposal.{s.value}" for s in ProposalState},
    "f'proposal.{step.target.value}'": lambda: {f"proposal.{s.value}" for s in ProposalState},
}
"""Codes built at run time, by the source of the f-string, and every value they can take."""


def _files(*roots: Path) -> list[Path]:
    return sorted(path for root in roots for path in root.rglob("*.py"))


def _calls(path: Path, names: set[str]) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names:
                found.append(node)
    return found


def _constants(nodes: Iterable[ast.expr]) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _codes(node: ast.expr, unknown: list[str]) -> set[str]:
    """The codes an expression passed as an action can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, unknown) | _codes(node.orelse, unknown)
    if isinstance(node, ast.JoinedStr):
        template = ast.unparse(node)
        if template in TEMPLATES:
            return set(TEMPLATES[template]())
        unknown.append(template)
    return set()


def _assigned_actions(path: Path) -> list[ast.expr]:
    """Values assigned to a variable named ``action`` (a code chosen before the call)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "action" for target in node.targets)
    ]


def written_codes() -> tuple[set[str], list[str]]:
    """Every action code the source writes, and the f-strings this test cannot expand."""
    codes: set[str] = set()
    unknown: list[str] = []
    for path in _files(SOURCE):
        if path.parts[-2:] == ("core", "audit.py"):
            continue
        for call in _calls(path, WRITERS):
            actions = [kw.value for kw in call.keywords if kw.arg == "action"]
            if not actions:
                actions = [a for a in call.args if not isinstance(a, ast.Name | ast.Attribute)]
            for node in actions:
                codes |= _codes(node, unknown)
        for node in _assigned_actions(path):
            codes |= _codes(node, unknown)
    return codes, unknown


def test_every_action_code_written_has_a_phrase() -> None:
    codes, unknown = written_codes()
    assert unknown == [], "an action code built a new way: expand it in TEMPLATES"
    assert {"login.succeeded", "proposal.accepted", "ledger.reversal", "need.approved"} <= codes
    missing = sorted(code for code in codes if code not in ACTIONS)
    assert missing == [], "add a phrase to accounts.audit_words.ACTION_GROUPS"
    assert sorted(set(ACTIONS) - codes) == [], "a phrase of a code nothing writes any more"


def test_every_object_type_written_has_a_name() -> None:
    types: set[str] = set()
    for path in _files(SOURCE):
        for call in _calls(path, {"record"}):
            types |= _constants(kw.value for kw in call.keywords if kw.arg == "object_type")
    types.discard("")
    named = set(OBJECT_TYPES) | set(SAME_TYPE)
    assert sorted(types - named) == []
    assert object_label("user") == object_label("user_account") == "User"


def test_an_unknown_code_reads_as_itself() -> None:
    assert phrase("login.succeeded") == "Signed in"
    assert phrase("something.new") == "something.new"


def test_a_change_lists_the_fields_that_differ_with_their_labels() -> None:
    rows = changes_of(
        {"name": "旧名", "is_active": True, "roles": ["reviewer"], "updated_at": "x"},
        {"name": "新名", "is_active": False, "roles": ["reviewer"], "updated_at": "y"},
    )
    assert [(row.label, row.before, row.after) for row in rows] == [
        (FIELDS["name"], "旧名", "新名"),
        (FIELDS["is_active"], True, False),
    ]


def test_a_creation_shows_every_field_and_times_in_beijing() -> None:
    rows = changes_of(None, {"locked_until": "2026-06-01T20:30:00+00:00", "roles": ["a", "b"]})
    assert [(row.field, row.before, row.after) for row in rows] == [
        ("locked_until", None, "2026-06-02 04:30:00"),
        ("roles", None, "a、b"),
    ]
