"""Template filters shared by every page."""
from __future__ import annotations

import datetime as _dt

from engine.clock import SHANGHAI


def local_time(value, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """An instant from the engine (a datetime or its ISO text), shown in Beijing time."""
    if not value:
        return "—"
    instant = value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(str(value))
    return instant.astimezone(SHANGHAI).strftime(pattern)


def register_filters(app) -> None:
    app.add_template_filter(local_time, "local_time")
