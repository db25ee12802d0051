"""Units as the visitor reads them. Entries and agreements store their units in Chinese
(元, 人天, 套 …: the words people type and the import template offers); a page or sentence in
English names the common ones in English and keeps any other unit as it was written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from core.errors import N_
from core.i18n import babel_locale, translate

UNIT_NAMES: dict[str, tuple[str, str]] = {
    "元": (N_("yuan"), N_("yuan")),
    "人天": (N_("person-day"), N_("person-days")),
    "人": (N_("person"), N_("people")),
    "名": (N_("person"), N_("people")),
    "户": (N_("household"), N_("households")),
    "吨": (N_("tonne"), N_("tonnes")),
    "公斤": (N_("kg"), N_("kg")),
    "斤": (N_("jin (500 g)"), N_("jin (500 g)")),
    "亩": (N_("mu"), N_("mu")),
    "件": (N_("piece"), N_("pieces")),
    "箱": (N_("box"), N_("boxes")),
    "套": (N_("set"), N_("sets")),
    "个": (N_("item"), N_("items")),
    "台": (N_("machine"), N_("machines")),
    "册": (N_("copy"), N_("copies")),
    "份": (N_("portion"), N_("portions")),
    "次": (N_("time"), N_("times")),
    "场": (N_("session"), N_("sessions")),
}
"""Stored unit → (one, many) in English; the Chinese catalog gives the unit back."""


def unit_name(locale: str, unit: str, amount: Any = None) -> str:
    """The unit in the visitor's language (singular for exactly one), or as written."""
    names = UNIT_NAMES.get(unit)
    if names is None:
        return unit
    one = amount is not None and Decimal(str(amount)) == 1
    return translate(locale, names[0] if one else names[1])


def quantity(locale: str, amount: Any, unit: str) -> str:
    """A number with its unit, digits grouped the visitor's way: "350 人", "350 people"."""
    number = format_decimal(amount, locale=babel_locale(locale))
    named = unit_name(locale, unit, amount)
    return f"{number} {named}" if named else number
