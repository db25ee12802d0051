"""Time as a dependency, so rules about time (lockouts, expiry) are tested without sleeping."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


CHINA_STANDARD_TIME = timedelta(hours=8)


def local_date(moment: datetime) -> date:
    """The calendar date in China (UTC+8, no daylight saving) at a UTC moment: deadlines are
    dates people read on the wall calendar."""
    return (moment + CHINA_STANDARD_TIME).date()
