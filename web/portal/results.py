"""Results published (结果公开): the decided cases whose result the department published, masked, paged and
filtered by matter, department and month; no sign-in."""

from __future__ import annotations

from flask import render_template, request

from engine.errors import InvalidInput

from ..session import engine
from . import bp

FILTERS = ("matter", "department", "month")


@bp.get("/results")
def results():
    chosen = {name: (request.args.get(name) or "").strip()[:200] for name in FILTERS}
    error = None
    try:
        page = engine().published_results.page(**chosen, page=request.args.get("page"))
    except InvalidInput:
        error = True
        chosen["month"] = ""
        page = engine().published_results.page(**chosen, page=request.args.get("page"))
    return render_template("portal/results.html", results=page, chosen=chosen, month_error=error)
