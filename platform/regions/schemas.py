"""What the regions API answers, and the shape of a division code in a path or query."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict

from core.errors import N_, FieldProblem, InvalidInput
from regions.models import RegionLevel

CODE_PATTERN = r"^\d{12}$"
CODE_LENGTH = 12
TYPED_CODE_LENGTHS = (4, 6, 9, 12)
"""How people type a division code: the city (5306), the county as everyone knows it
(530602 for 昭阳区), the township (530602001) or the full 12 digits."""


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    short_name: str
    level: RegionLevel
    parent_code: str | None
    full_name: str


def require_code_format(code: str) -> None:
    if len(code) != 12 or not code.isdigit():
        raise InvalidInput(
            N_("A division code has 12 digits."),
            problems=[FieldProblem("code", "invalid_code", N_("A division code has 12 digits."))],
        )


def code_of(typed: str) -> str | None:
    """The 12-digit code a typed code stands for (530602 → 530602000000; full-width digits
    and spaces forgiven), or None when the text is not a code of one of those lengths."""
    text = unicodedata.normalize("NFKC", typed).replace(" ", "").strip()
    if not text.isascii() or not text.isdigit() or len(text) not in TYPED_CODE_LENGTHS:
        return None
    return text.ljust(CODE_LENGTH, "0")
