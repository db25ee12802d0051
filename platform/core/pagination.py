"""Paged lists, in the one shape every list endpoint answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from litestar.params import QueryParameter
from pydantic import BaseModel

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 100_000
"""Far beyond any list we hold, yet small enough that the row offset fits every database's
integer (an unbounded page number overflowed the offset into a 500)."""

NEIGHBOURS = 2
"""Numbered pages show the first, the last and this many on each side of the current one."""

T = TypeVar("T")
S = TypeVar("S")


def page_numbers(current: int, count: int) -> list[int | None]:
    """The page numbers to link, ``None`` where a run of them is left out:
    ``page_numbers(1, 10)`` is 1 2 3 … 10, ``page_numbers(6, 10)`` is 1 … 4 5 6 7 8 … 10."""
    shown = sorted(
        {1, count, *range(max(1, current - NEIGHBOURS), min(count, current + NEIGHBOURS) + 1)}
    )
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) == 2:
            numbers.append(number - 1)
        elif numbers and number - (numbers[-1] or 0) > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class Page(BaseModel, Generic[T]):
    """``{"items": [...], "total": N, "page": P, "page_size": S}``."""

    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """A page of domain objects as services return it; controllers turn it into a ``Page``
    of schemas (``to_page``) or hand it to a template."""

    items: list[T]
    total: int
    page: int
    page_size: int
    estimated: bool = False
    """``total`` is the planner's estimate of a long list (``core.totals``), not a count."""

    @classmethod
    def of(
        cls, items: list[T], total: int, request: PageRequest, *, estimated: bool = False
    ) -> Slice[T]:
        return cls(
            items=items,
            total=total,
            page=request.page,
            page_size=request.page_size,
            estimated=estimated,
        )

    @classmethod
    def cut(cls, items: list[T], request: PageRequest) -> Slice[T]:
        """The requested page of a list short enough to hold whole (a need's few photos)."""
        shown = items[request.offset : request.offset + request.page_size]
        return cls.of(shown, len(items), request)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def numbers(self) -> list[int | None]:
        return page_numbers(self.page, self.page_count)

    def to_page(self, convert: Callable[[T], S]) -> Page[S]:
        return Page[S](
            items=[convert(item) for item in self.items],
            total=self.total,
            page=self.page,
            page_size=self.page_size,
        )


async def provide_page_request(
    page: Annotated[
        int, QueryParameter(ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE:,}")
    ] = 1,
    page_size: Annotated[
        int,
        QueryParameter(
            ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}"
        ),
    ] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    """Litestar dependency: validated ``page`` and ``page_size`` query parameters."""
    return PageRequest(page=page, page_size=page_size)
