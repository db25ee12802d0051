"""ECharts options of the money figures, built on the server from Decimal (the amounts go
as strings, for display only; the page's tables carry the exact figures)."""

from __future__ import annotations

from typing import Any

from core.errors import N_
from core.i18n import translate
from monitoring.figures import FundsGroup

COMMITTED = N_("Committed funds")
CONFIRMED = N_("Delivered (confirmed)")


def funds_bars(groups: list[FundsGroup], names: list[str], locale: str) -> dict[str, Any]:
    """Committed and delivered money side by side, one pair of bars per group, names on the
    vertical axis so long county names stay legible on a phone."""
    series = [
        (translate(locale, COMMITTED), [str(group.money.committed) for group in groups]),
        (translate(locale, CONFIRMED), [str(group.money.confirmed) for group in groups]),
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [{"type": "bar", "name": name, "data": data} for name, data in series],
    }
