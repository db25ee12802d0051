"""Retrying through an outage without flooding the log.

A loop that retries a dead database or search engine every second would write the same
traceback thousands of times an hour. `OutageLog` writes the first failure in full (its cause
is what the operator needs), then one line per retry with the count and the next wait, and one
line when it is over; the wait doubles from the first delay up to a cap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass


def backoff_seconds(attempts: int, first: float, cap: float) -> float:
    """``first``, twice that, four times … after 1, 2, 3 … attempts, never above ``cap``."""
    return float(min(cap, first * 2 ** (max(attempts, 1) - 1)))


@dataclass
class OutageLog:
    logger: logging.Logger
    what: str
    """What is failing, as the log lines name it ("search indexer step")."""
    first_delay: float = 1.0
    max_delay: float = 300.0
    failures: int = 0

    def failed(self, error: BaseException) -> float:
        """Log this failure and answer how long to wait before the next attempt."""
        self.failures += 1
        delay = backoff_seconds(self.failures, self.first_delay, self.max_delay)
        if self.failures == 1:
            self.logger.error("%s failed; retrying in %g s", self.what, delay, exc_info=error)
        else:
            summary = " ".join(f"{type(error).__name__}: {error}".split())[:300]
            self.logger.warning(
                "%s still failing (%d attempts); retrying in %g s: %s",
                self.what,
                self.failures,
                delay,
                summary,
            )
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.logger.warning("%s works again after %d failures", self.what, self.failures)
        self.failures = 0
