"""Time as a dependency, so rules about time (lockouts, expiry) are tested without sleeping."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


CHINA_STANDARD_TIME = timedelta(hours=8)
CHINA = timezone(CHINA_STANDARD_TIME, "CST")


def local_date(moment: datetime) -> date:
    """The calendar date in China (UTC+8, no daylight saving) at a UTC moment: deadlines are
    dates people read on the wall calendar."""
    return (moment + CHINA_STANDARD_TIME).date()


def local_time(moment: datetime) -> datetime:
    """The moment on the wall clock in China (Beijing time, UTC+8): what pages and exports show.
    A moment without a zone is taken as UTC, the way the database stores it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)
