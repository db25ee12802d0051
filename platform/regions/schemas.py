"""What the regions API answers, and the shape of a division code in a path or query."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from core.errors import N_, FieldProblem, InvalidInput
from regions.models import RegionLevel

CODE_PATTERN = r"^\d{12}$"


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
