"""Column types shared by every domain's tables."""

from enum import StrEnum

from sqlalchemy import Enum


def value_enum(enum: type[StrEnum], length: int = 32) -> Enum:
    """An enum stored as its value in a VARCHAR: portable, and readable in SQL and exports."""
    return Enum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
