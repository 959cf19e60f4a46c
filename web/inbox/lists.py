"""The inbox (待办: my tasks, my groups' tasks; 抄送我的; 已办) and the case search, with htmx filters."""

from __future__ import annotations

from flask import render_template, request

from engine.identity import ADMIN, MONITOR, OFFICIAL, SUPERVISOR

from ..session import actor, engine, roles_required
from . import bp

TABS = ("todo", "copies", "done")
STAFF = (OFFICIAL, SUPERVISOR, MONITOR, ADMIN)


def _results_only(target: str) -> bool:
    """An htmx request that replaces just the results (filters, paging), not the whole page."""
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == target


def _matters(department: str | None = None) -> list[dict]:
    matters = engine().catalogue.list_matters()
    return [m for m in matters if department is None or m["department"] == department] or matters


@bp.get("/inbox")
@roles_required(OFFICIAL)
def index():
    args = request.args
    tab = args.get("tab") if args.get("tab") in TABS else "todo"
    filters = {
        "scope": args.get("scope") or "all",
        "matter": args.get("matter") or None,
        "light": args.get("light") or None,
        "step": args.get("step") or None,
        "text": args.get("q") or None,
    }
    me = actor()
    if tab == "todo":
        results = engine().inbox.tasks(me, page=args.get("page", 1), **filters)
    elif tab == "copies":
        results = engine().inbox.copies(me, page=args.get("page", 1))
    else:
        results = engine().inbox.done(me, page=args.get("page", 1))
    context = dict(tab=tab, results=results, filters=filters, q=args.get("q", ""))
    if _results_only("inbox-results"):
        return render_template("inbox/_inbox_results.html", **context)
    counts = {
        "todo": engine().inbox.tasks(me, per_page=1)["total"] if tab != "todo" else None,
        "copies": engine().inbox.copies(me, per_page=1)["total"],
    }
    return render_template("inbox/index.html", matters=_matters(me.department), counts=counts, **context)


@bp.get("/inbox/cases")
@roles_required(*STAFF)
def cases():
    args = request.args
    filters = {
        key: args.get(key) or None for key in ("status", "matter", "department", "light", "date_from", "date_to")
    }
    results = engine().case_search.search(actor(), text=args.get("q") or None, page=args.get("page", 1), **filters)
    context = dict(results=results, filters=filters, q=args.get("q", ""))
    if _results_only("case-results"):
        return render_template("inbox/_case_results.html", **context)
    return render_template("inbox/cases.html", matters=engine().catalogue.list_matters(), **context)
