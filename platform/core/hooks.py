"""Announcements a lower package makes for higher ones it must not import.

A catalogue entry withdrawn or an organization suspended concerns the pairings made of it, but
catalogue and accounts sit below matching. They announce what happened through a `Hook`; the
composition root registers the listeners, which run in the same session and transaction (a
listener that raises undoes the step that announced it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

Listener = Callable[[AsyncSession, T], Awaitable[None]]


class Hook(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Listener[T]] = []

    def listen(self, listener: Listener[T]) -> None:
        """Register once: registering the same listener again changes nothing."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    async def announce(self, session: AsyncSession, happening: T) -> None:
        for listener in self._listeners:
            await listener(session, happening)
