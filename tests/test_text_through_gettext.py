"""Text a page or an answer shows goes through gettext, so that it follows the chosen language:
no Chinese (characters or punctuation) in Python string literals or templates outside a
translation call, save the data and exchange formats named below with the reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.paths import PROJECT_ROOT

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
GETTEXT_CALLS = {"N_", "_", "gettext", "ngettext", "translate"}

ALLOWED_MODULES = {
    "listings/sheet.py": "the import and export columns and values (docs/import-template.md)",
    "listings/template_sheet.py": "the import template, a Chinese exchange format",
    "listings/exporters.py": "the export, written in the import's Chinese columns",
    "listings/importing/": "reading the Chinese import format",
    "xiangxing/demo.py": "demo data",
    "xiangxing/demo_agreements.py": "demo data",
    "xiangxing/demo_catalogue.py": "demo data",
    "xiangxing/demo_follow_up.py": "demo data",
    "xiangxing/demo_pairings.py": "demo data",
    "xiangxing/cli.py": "operators' command line, bilingual",
    "xiangxing/cli_admin.py": "operators' command line and the stations file's Chinese columns",
    "xiangxing/cli_accounts.py": "the default department's name",
    "agreements/amount_words.py": "amounts in Chinese capital numerals on the signed agreement",
    "accounts/password_words.py": "Chinese words no password may be",
    "accounts/credit_code.py": "the credit code's Chinese registration types",
    "regions/names.py": "suffixes of official division names",
    "search/analysis.py": "character classes of Chinese text analysis",
    "monitoring/iati.py": "the IATI narrative written with xml:lang zh",
}
"""Whole modules of data and formats, with the reason."""

ALLOWED_LITERALS = {
    "core/units.py": "stored units, the keys of their names",
    "catalogue/lines.py": "stored units (元, 人天) and those the template offers",
    "matching/funds_cover.py": "the stored unit 元",
    "funds/deliveries.py": "the stored unit 元",
    "search/documents.py": "the stored unit 元",
    "agreements/export.py": "the stored unit 元",
    "core/i18n.py": "the language's own name (中文) and its separators",
    "core/amounts.py": "full-width separators people type in amounts",
    "catalogue/forms.py": "separators people type between tags",
    "demand/pages/needs.py": "tags shown back in the form the way people type them",
    "supply/pages.py": "tags shown back in the form the way people type them",
    "funds/pages.py": "evidence text stored as written",
    "funds/workbook.py": "the workbook's money format and its file name",
    "core/settings.py": "the default bureau's name",
    "accounts/administration.py": "a new station's default name (社工站)",
    "core/error_contract.py": "the API document's example answer",
    "demand/schemas.py": "the API document names the Chinese term 代录",
    "supply/schemas.py": "the API document names the Chinese term 代录",
    "search/api.py": "the API document's search examples",
    "xiangxing/app.py": "the API document's title",
    "agreements/pages/listing.py": "a download's file name",
    "matching/pages/signing.py": "a download's file name",
    "monitoring/dashboard_pages.py": "a download's file name",
    "monitoring/pages.py": "a download's file name",
    "monitoring/review_pages.py": "download file names",
    "outcomes/api.py": "a download's file name",
    "accounts/audit_workbook.py": "a download's file name",
    "accounts/pages/admin.py": "download file names",
    "listings/pages/review.py": "a download's file name",
    "matching/pages/pairings.py": "a download's file name",
    "matching/proposal_export.py": "the stored unit 元",
    "catalogue/entry.py": "the stored unit 元",
    "catalogue/service.py": "a return reason is stored as its Chinese label and the text",
    "accounts/audit_changes.py": "a stored list shown in the audit log as stored",
    "monitoring/summary_check.py": "the ideographic space people type",
}
"""Modules whose remaining Chinese literals are stored data, input parsing, file names or the
API document, with the reason; every other Chinese literal there is still found."""
ALLOWED_TEMPLATES = {
    "agreements/print.html": "the agreement as signed on paper, always in Chinese",
}


def _module(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT / "platform").as_posix()


def _docstrings(tree: ast.AST) -> set[ast.AST]:
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            found.add(node.value)
    return found


def _untranslated_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node in docstrings or not CHINESE.search(node.value):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and getattr(parent.func, "id", None) in GETTEXT_CALLS:
            continue
        found.append(f"{_module(path)}:{node.lineno}: {node.value[:60]!r}")
    return found


def _allowed_module(module: str) -> bool:
    return any(
        module == name or (name.endswith("/") and module.startswith(name))
        for name in ALLOWED_MODULES
    )


def test_python_shows_no_chinese_outside_gettext() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "platform").rglob("*.py")):
        module = _module(path)
        if (
            module.startswith("migrations/")
            or _allowed_module(module)
            or module in ALLOWED_LITERALS
        ):
            continue
        found += _untranslated_literals(path)
    assert found == []


def test_the_allowed_literals_are_still_needed() -> None:
    for module in [*ALLOWED_LITERALS, *(m for m in ALLOWED_MODULES if not m.endswith("/"))]:
        path = PROJECT_ROOT / "platform" / module
        assert path.exists(), f"{module} is gone: take it off the list"
        assert _untranslated_literals(path), f"{module} needs no exception any more"


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
GETTEXT_STRING = re.compile(r"""\b(_|quantity|unit)\(\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
"""A translated message, or a stored unit given to the filters that name it in the language."""


def test_templates_show_no_chinese_outside_gettext() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        name = path.relative_to(PROJECT_ROOT / "templates").as_posix()
        if name in ALLOWED_TEMPLATES:
            continue
        text = GETTEXT_STRING.sub(
            r"\1(", TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        )
        for number, line in enumerate(text.splitlines(), 1):
            if CHINESE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:80]}")
    assert found == []


def test_the_scan_sees_what_it_should() -> None:
    """The scan itself: a literal outside gettext is found, one inside is not."""
    sample = PROJECT_ROOT / "platform" / "core" / "units.py"
    assert any("元" in line for line in _untranslated_literals(sample))
    assert all(CHINESE.search(mark) for mark in "；、（")
    assert GETTEXT_STRING.sub(r"\1(", '{{ _("受益对象") }} 人') == "{{ _() }} 人"
    assert GETTEXT_STRING.sub(r"\1(", '{{ n | quantity("人") }}') == "{{ n | quantity() }}"
