"""The stretches of time the review and the commendation look at: a half-year (``2026H2``,
the 碰头会), a year (``2026``, the annual 座谈会) or the 365 days up to today, as days on the
bureau's calendar in China and the UTC moments that bound them in the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.clock import CHINA_STANDARD_TIME
from core.errors import N_, FieldProblem, InvalidInput

PERIOD = re.compile(r"^(?P<year>\d{4})(?:H(?P<half>[12]))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
BAD_PERIOD = N_("Give a period as a year and half, like 2026H2, or a year, like 2026.")
NOT_BEGUN = N_("This period has not begun yet.")
TRAILING_DAYS = 365
"""The commendation's default window: the last 12 months, up to and including today."""


@dataclass(frozen=True, slots=True)
class Window:
    """From ``first`` to ``last``, both days included, in China."""

    first: date
    last: date
    code: str = ""
    """How the query string names it (``2026H2``, ``2026``), empty for the trailing window."""

    @property
    def half(self) -> int:
        """1 or 2 for a half-year, 0 for a year or the trailing window."""
        return int(self.code[-1]) if "H" in self.code else 0

    @property
    def since(self) -> datetime:
        """The first moment of the window in UTC."""
        return datetime.combine(self.first, time(), UTC) - CHINA_STANDARD_TIME

    @property
    def until(self) -> datetime:
        """The first moment after the window in UTC."""
        return self.since + timedelta(days=(self.last - self.first).days + 1)

    def as_of(self, today: date) -> date:
        """The day the window's standing is read on: its last day, or today while it runs."""
        return min(self.last, today)

    def ended_by(self, today: date) -> Window:
        """The window cut to what has happened by ``today``."""
        return Window(self.first, self.as_of(today), self.code)

    @property
    def whole_months(self) -> tuple[str, str]:
        """The first and last calendar months (``YYYY-MM``) wholly inside the window, so that
        its money can be read from the month rows; the first comes after the last when none is."""
        start = self.first if self.first.day == 1 else _next_month(self.first)
        after = self.last + timedelta(days=1)
        end = after if after.day == 1 else after.replace(day=1)
        return _month(start), _month(end - timedelta(days=1))

    @property
    def ragged_ends(self) -> list[Window]:
        """The days of the window outside its whole months, read from the ledger itself."""
        first_month, last_month = self.whole_months
        if first_month > last_month:
            return [self]
        start = date.fromisoformat(f"{first_month}-01")
        after = _next_month(date.fromisoformat(f"{last_month}-01"))
        ends = [Window(self.first, start - timedelta(days=1)), Window(after, self.last)]
        return [end for end in ends if end.first <= end.last]


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def trailing_year(today: date) -> Window:
    return Window(today - timedelta(days=TRAILING_DAYS - 1), today)


def parse_period(text: str | None, today: date) -> Window:
    """``2026H1``, ``2026H2`` or ``2026``; a period not yet begun or malformed is a 400
    naming the field."""
    found = PERIOD.match((text or "").strip().upper())
    year = int(found["year"]) if found else 0
    if found is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise _bad(BAD_PERIOD)
    if found["half"] is None:
        window = Window(date(year, 1, 1), date(year, 12, 31), str(year))
    elif found["half"] == "1":
        window = Window(date(year, 1, 1), date(year, 6, 30), f"{year}H1")
    else:
        window = Window(date(year, 7, 1), date(year, 12, 31), f"{year}H2")
    if window.first > today:
        raise _bad(NOT_BEGUN)
    return window


def current_half(today: date) -> str:
    """The half-year ``today`` falls in, as the query string names it."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def parse_year(text: str | None, today: date) -> Window:
    """A calendar year for the commendation, or the last 12 months when none is given."""
    if not text:
        return trailing_year(today)
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise _bad(BAD_PERIOD, "year")
    return parse_period(text, today)


def _bad(message: str, field: str = "period") -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem(field, "invalid", message)])
