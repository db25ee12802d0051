"""Calendar months in China (UTC+8) of stored UTC moments, in SQL: money booked at 23:30 on
the last day of a month belongs to that month on the bureau's wall calendar, whatever the
database's own time zone. Each database spells it its own way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, func

CHINA = "Asia/Shanghai"


def local_month(moment: SQLColumnExpression[Any], dialect: str) -> ColumnElement[str]:
    """``YYYY-MM`` of the moment in China."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(CHINA, moment), "YYYY-MM", type_=String)
    return func.strftime("%Y-%m", moment, "+8 hours", type_=String)


def local_year(moment: SQLColumnExpression[Any], dialect: str) -> ColumnElement[str]:
    """``YYYY`` of the moment in China."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(CHINA, moment), "YYYY", type_=String)
    return func.strftime("%Y", moment, "+8 hours", type_=String)
