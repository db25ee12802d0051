"""Chinese text uses Chinese punctuation: no ASCII colon, bracket, comma, semicolon, question
or exclamation mark next to a Chinese character, in the Chinese translations and in the
Chinese written straight into templates (the printed agreement). Placeholders such as
``%(name)s`` and the markup of templates are not text and are left out (issue 19 item 2)."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from core.paths import LOCALE_DIR, TEMPLATES_DIR

CJK = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
ASCII_MARK = "[:(),;?!]"
WRONG = re.compile(rf"{CJK} ?{ASCII_MARK}|{ASCII_MARK} ?{CJK}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>", re.DOTALL)


def ascii_marks(text: str) -> list[str]:
    """Each ASCII mark that touches a Chinese character, with its neighbours."""
    plain = PLACEHOLDER.sub("X", text)
    return [plain[max(0, m.start() - 4) : m.end() + 4] for m in WRONG.finditer(plain)]


def test_the_check_catches_ascii_marks_between_chinese_words() -> None:
    assert ascii_marks("联系人:张三") == ["联系人:张三"]
    assert ascii_marks("村社需求(示例)")
    assert ascii_marks("已发布,待核实")
    assert not ascii_marks("联系人：张三（示例），%(name)s")
    assert not ascii_marks("Authorization: Bearer <令牌>")
    assert not ascii_marks("%(count)s 个村（社区）")


def test_chinese_translations_use_chinese_punctuation() -> None:
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    wrong = {
        message.id: found
        for message in catalog
        if message.id and isinstance(message.string, str)
        for found in [ascii_marks(message.string)]
        if found
    }
    assert wrong == {}


def test_chinese_in_templates_uses_chinese_punctuation() -> None:
    wrong = {
        str(path.relative_to(TEMPLATES_DIR)): found
        for path in sorted(TEMPLATES_DIR.rglob("*.html"))
        for found in [ascii_marks(MARKUP.sub(" ", path.read_text(encoding="utf-8")))]
        if found
    }
    assert wrong == {}
