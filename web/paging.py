"""Paging links for the list pages: the current URL with another page number, and which numbers to offer."""

from __future__ import annotations

from flask import request, url_for

WINDOW = 2  # page numbers shown on each side of the current one


def page_url(number: int) -> str:
    """This page's URL (its filters kept, every value of a repeated one too) at page ``number``."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def page_links(results: dict) -> list[tuple[str, int | None]]:
    """(kind, number) pairs for a page's pager: ``prev``, ``page``, ``current``, ``gap``, ``next``."""
    page, pages = results["page"], results.get("pages") or 1
    if pages <= 1 and page <= 1:
        return []
    shown = sorted({1, pages, *range(max(page - WINDOW, 1), min(page + WINDOW, pages) + 1)})
    links: list[tuple[str, int | None]] = [("prev", page - 1)] if page > 1 else []
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append(("gap", None))
        links.append(("current" if number == page else "page", number))
        previous = number
    if page < pages:
        links.append(("next", page + 1))
    return links


def register_paging(app) -> None:
    app.add_template_global(page_url, "page_url")
    app.add_template_global(page_links, "page_links")
