"""One page of a list: the bounds of ``page`` and ``per_page``, and a page of a query or of a list with its total.

A page is a dict ``{"items", "total", "page", "per_page", "pages"}``; a page past the last one has no items (a
client reading page after page stops there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from ..errors import InvalidInput
from .db import Executor

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1_000_000

# A page number or size as callers hand it in: a number, the text of a query string, or nothing (the default).
PageArg = int | str | None


def page_bounds(page: PageArg, per_page: PageArg, default: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    try:
        page, per_page = int(page or 1), int(per_page or default)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("page_not_a_number", field="page") from None
    return min(max(page, 1), MAX_PAGE), min(max(per_page, 1), MAX_PER_PAGE)


def page_count(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


def page_of_query(
    session: Executor,
    query: sa.Select,
    page: PageArg = 1,
    per_page: PageArg = None,
    view: Callable[[Any], Any] | None = None,
    scalars: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """Count ``query``'s rows, then fetch the page of them (``scalars`` for a one-entity select); each row goes
    through ``view``. ``extra`` keys are added to the page (filters, options)."""
    page, per_page = page_bounds(page, per_page)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    paged = query.offset((page - 1) * per_page).limit(per_page)
    rows = session.scalars(paged).all() if scalars else session.execute(paged).all()
    items = [view(row) for row in rows] if view else list(rows)
    return _page(items, total, page, per_page, extra)


def page_of_list(rows: Sequence[Any], page: PageArg = 1, per_page: PageArg = None, **extra: Any) -> dict[str, Any]:
    """The page of a list already in memory (a short catalogue, a filtered list of accounts)."""
    page, per_page = page_bounds(page, per_page)
    total = len(rows)
    return _page(list(rows[(page - 1) * per_page : page * per_page]), total, page, per_page, extra)


def empty_page() -> dict[str, Any]:
    return _page([], 0, 1, DEFAULT_PER_PAGE, {})


def _page(items: list[Any], total: int, page: int, per_page: int, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": page_count(total, per_page),
        **extra,
    }
