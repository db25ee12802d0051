"""Column types shared by every domain's tables."""

from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Enum, Numeric

MONEY = Numeric(14, 2)
"""Yuan, and the quantities lines are counted in, with two decimal places: never a float."""
ZERO = Decimal("0.00")


def value_enum(enum: type[StrEnum], length: int = 32) -> Enum:
    """An enum stored as its value in a VARCHAR: portable, and readable in SQL and exports."""
    return Enum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
