"""The programmes agreements are signed under (产业兴昭, 昭才计划, …): a data file, so a city
names its own without a code change."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

PROGRAMMES_FILE = Path(__file__).resolve().parent / "data" / "programmes.csv"


@functools.cache
def programmes() -> dict[str, str]:
    """Code → name, in the file's order."""
    with PROGRAMMES_FILE.open(encoding="utf-8", newline="") as stream:
        return {row["code"]: row["name"] for row in csv.DictReader(stream)}


def programme_name(code: str) -> str:
    return programmes().get(code, code)
