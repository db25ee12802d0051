"""`OutageLog`: the first failure in full, then one line per retry, and the end of it."""

import logging

import pytest

from core.outage import OutageLog, backoff_seconds


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_seconds(n, 1, 300) for n in (1, 2, 3, 9, 10, 50)] == [1, 2, 4, 256, 300, 300]


def test_first_failure_in_full_then_one_line_each(caplog: pytest.LogCaptureFixture) -> None:
    outage = OutageLog(logging.getLogger("test.outage"), "the step", first_delay=1, max_delay=4)
    caplog.set_level(logging.INFO, logger="test.outage")
    delays = [outage.failed(ConnectionError(f"refused\nattempt {n}")) for n in range(5)]
    outage.succeeded()
    outage.succeeded()
    assert delays == [1, 2, 4, 4, 4]
    records = caplog.records
    assert [record.exc_info is not None for record in records] == [True] + [False] * 5
    assert records[0].levelno == logging.ERROR
    assert all("\n" not in record.getMessage() for record in records)
    assert records[4].getMessage() == (
        "the step still failing (5 attempts); retrying in 4 s: ConnectionError: refused attempt 4"
    )
    assert records[5].getMessage() == "the step works again after 5 failures"
    assert outage.failures == 0
