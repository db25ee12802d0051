"""Languages: Simplified Chinese first, English second, through gettext catalogs.

Message ids are English; ``locale/zh/LC_MESSAGES/messages.po`` holds the Chinese. Catalogs are
compiled from the ``.po`` files in memory when first used, so no build step or stale ``.mo``
file can get between a translator's edit and the pages.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.errors import Labels
from core.paths import LOCALE_DIR

if TYPE_CHECKING:
    from litestar import Request

LOCALES = ("zh", "en")
LOCALE_COOKIE = "lang"
LOCALE_SCOPE_KEY = "xiangxing.locale"
LOCALE_NAMES = {"zh": "中文", "en": "English"}
DEFAULT_LOCALE = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of a locale; English is the message ids themselves."""
    po_file = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def locale_of(request: Request[Any, Any, Any]) -> str:
    """The visitor's chosen language (a cookie), else the site default; worked out once per
    request (a page asks for it a few hundred times: every translated text)."""
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]
    known = scope.get(LOCALE_SCOPE_KEY)
    if not isinstance(known, str):
        known = scope[LOCALE_SCOPE_KEY] = _chosen_locale(request)
    return known


def _chosen_locale(request: Request[Any, Any, Any]) -> str:
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    default = request.app.state.get("default_locale", DEFAULT_LOCALE)
    return default if default in LOCALES else DEFAULT_LOCALE


LIST_SEPARATOR = {"zh": "、", "en": ", "}
"""Between the items of a list of names: 养老、托育 / elderly care, childcare."""
CLAUSE_SEPARATOR = {"zh": "；", "en": "; "}
"""Between sentences run together: several problems of one field, several lines."""


def listing(locale: str, items: Iterable[Any]) -> str:
    """Names joined the way the language lists them."""
    return LIST_SEPARATOR.get(locale, ", ").join(str(item) for item in items)


def clauses(locale: str, items: Iterable[Any]) -> str:
    """Sentences or parts joined the way the language runs them together."""
    return CLAUSE_SEPARATOR.get(locale, "; ").join(str(item) for item in items)


def translate(locale: str, message: str, params: dict[str, Any] | None = None) -> str:
    """Translate a message id and fill its ``%(name)s`` placeholders (``Labels`` translated too)."""
    catalog = translations(locale)
    text = catalog.gettext(message)
    if not params:
        return text
    filled = {
        key: LIST_SEPARATOR[locale].join(catalog.gettext(label) for label in value)
        if isinstance(value, Labels)
        else value
        for key, value in params.items()
    }
    return text % filled


@cache
def babel_locale(locale: str) -> Locale:
    """Babel's locale of ours, parsed once: every grouped number of a page asked for it (the
    search page's facet counts, a few dozen)."""
    return Locale.parse("zh_Hans_CN" if locale == "zh" else locale)
