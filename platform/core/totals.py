"""Totals of public lists, remembered for a few seconds.

Counting every matching row is the dearest part of a page of the public catalogue (tens of
thousands of rows per filter), while the total only has to be about right: a list total may
lag a publication by at most ``TTL_SECONDS``. Lists that include the caller's own drafts are
never cached. Per process, bounded, no shared state between workers.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

TTL_SECONDS = 5.0
MAX_KEYS = 2048


class RecentTotals:
    def __init__(self, ttl: float = TTL_SECONDS, max_keys: int = MAX_KEYS) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._totals: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    async def get(self, key: Hashable, count: Callable[[], Awaitable[int]]) -> int:
        now = time.monotonic()
        found = self._totals.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        total = await count()
        self._totals[key] = (now, total)
        self._totals.move_to_end(key)
        while len(self._totals) > self.max_keys:
            self._totals.popitem(last=False)
        return total


public_totals = RecentTotals()
