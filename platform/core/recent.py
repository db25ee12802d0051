"""Answers to public questions, remembered for a few seconds.

The public catalogue is read far more often than it changes, and the same pages and totals
are asked for again and again. Counting tens of thousands of rows and loading a page of
entries costs milliseconds; remembering the answer for ``TTL_SECONDS`` costs nothing, and a
list that lags a publication by seconds is harmless. Only anonymous, public answers are kept
(never a list with drafts, never anything shown to a signed-in user). Per process, bounded,
nothing shared between workers; each app has its own memory (``app.state.public_memory``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session

TTL_SECONDS = 5.0
MAX_KEYS = 2048

T = TypeVar("T")


class RecentAnswers(Generic[T]):
    def __init__(self, ttl: float = TTL_SECONDS, max_keys: int = MAX_KEYS) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._answers: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        now = time.monotonic()
        found = self._answers.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        answer = await compute()
        self._answers[key] = (now, answer)
        self._answers.move_to_end(key)
        while len(self._answers) > self.max_keys:
            self._answers.popitem(last=False)
        return answer

    def forget(self) -> None:
        self._answers.clear()


K = TypeVar("K", bound=Hashable)


class ShortMemory(Generic[K, T]):
    """Values kept per key for ``ttl`` seconds in this process, the oldest dropped beyond
    ``max_keys`` (remembered identities, the planner's estimates)."""

    def __init__(self, ttl: float, max_keys: int) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._kept: OrderedDict[K, tuple[float, T]] = OrderedDict()

    def get(self, key: K) -> T | None:
        found = self._kept.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] >= self.ttl:
            self._kept.pop(key, None)
            return None
        return found[1]

    def keep(self, key: K, value: T) -> None:
        self._kept[key] = (time.monotonic(), value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.max_keys:
            self._kept.popitem(last=False)

    def forget(self) -> None:
        self._kept.clear()


@dataclass(frozen=True, slots=True)
class PublicMemory:
    """What one app remembers of its public lists: totals and whole pages; and search answers,
    which hold published entries only and are the same for everyone, signed in or not."""

    totals: RecentAnswers[int] = field(default_factory=RecentAnswers)
    pages: RecentAnswers[object] = field(default_factory=RecentAnswers)
    searches: RecentAnswers[object] = field(default_factory=RecentAnswers)
    """Kept shorter (``XIANGXING_SEARCH_MEMORY_SECONDS``): a publication must be searchable
    within seconds."""


async def remembered_total(
    session: AsyncSession | async_scoped_session[AsyncSession],
    count: Select[int],
    totals: RecentAnswers[int] | None,
) -> int:
    """Run a count, or take it from the app's recent public totals when it may be remembered."""

    async def run() -> int:
        return await session.scalar(count) or 0

    if totals is None:
        return await run()
    return await totals.get(statement_key(count), run)


def statement_key(statement: Select[Any]) -> Hashable:
    """A key equal for two statements that read the same rows: SQLAlchemy's own cache key of
    the statement with its parameters' values. Compiling the statement to text for the key cost
    a list more than its queries did."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # a construct that does not cache: its text is the key
        return str(statement.compile(compile_kwargs={"literal_binds": True}))
    return cache_key.key, tuple(_hashable(bind.effective_value) for bind in cache_key.bindparams)


def _hashable(value: Any) -> Hashable:
    """Parameter values as keys: the values of ``IN`` come as lists."""
    return tuple(value) if isinstance(value, list) else value
