"""The service hall's display board: the latest cases a screen at a time (each screen fetches the next by htmx
polling), today's counts received, accepted and decided, the limits and fees of the matters on the screen, and a
rolling list of every published matter's limits and fees (``notices=`` its screen, rolling with the rows)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .formatting import local_time
from .portal.labels import template_globals
from .session import engine

bp = Blueprint("hall", __name__, url_prefix="/hall")
bp.context_processor(template_globals)


def _board():
    department = (request.args.get("department") or "").strip()[:200] or None
    page, notices = request.args.get("page", ""), request.args.get("notices", "")
    data = engine().hall.board(
        department=department,
        page=page if page.isdigit() else 1,
        notice_page=notices if notices.isdigit() else 1,
    )
    return data, department


@bp.get("")
def board():
    data, department = _board()
    return render_template("hall/board.html", board=data, department=department, as_of=local_time(data["as_of"]))


@bp.get("/rows")
def rows():
    data, department = _board()
    return render_template("hall/_rows.html", board=data, department=department, as_of=local_time(data["as_of"]))
