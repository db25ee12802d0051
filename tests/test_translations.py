"""Every message the pages and the API can show has a Chinese translation."""

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.paths import LOCALE_DIR, PROJECT_ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [("platform/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _message_ids() -> set[str]:
    found = extract_from_dir(
        PROJECT_ROOT,
        method_map=METHOD_MAP,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        directory_filter=lambda path: not path.rsplit("/", 1)[-1].startswith("."),
    )
    ids: set[str] = set()
    for _filename, _lineno, message, _comments, _context in found:
        ids.update(message if isinstance(message, tuple) else (message,))
    return ids


def _chinese_catalog() -> dict[str, str]:
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_the_scan_finds_messages_in_code_templates_and_partials() -> None:
    ids = _message_ids()
    assert "No administrative division has the code %(code)s." in ids
    assert "Counties, townships and villages" in ids
    assert "— choose —" in ids


def test_every_message_has_a_chinese_translation() -> None:
    catalog = _chinese_catalog()
    missing = sorted(message for message in _message_ids() if not catalog.get(message))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for message, translation in _chinese_catalog().items():
        assert sorted(PLACEHOLDER.findall(message)) == sorted(PLACEHOLDER.findall(translation)), (
            message
        )
