"""The clerk's pages: the inbox (待办), case search, the case page and the task page with its operations."""
from __future__ import annotations

import datetime as _dt

from flask import Blueprint

from engine.clock import SHANGHAI

bp = Blueprint("inbox", __name__)


@bp.app_template_filter("local_time")
def local_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO instant from the engine, shown in Beijing time."""
    if not value:
        return "—"
    instant = value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(value)
    return instant.astimezone(SHANGHAI).strftime(fmt)


from . import case_page, lists, operations, task_page  # noqa: E402,F401  (register the views)
