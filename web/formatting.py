"""Template filters shared by every page: instants from the engine shown in Beijing time, and file sizes."""

from __future__ import annotations

import datetime as _dt

from engine.kernel import SHANGHAI


def _parse(value):
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, _dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value.astimezone(SHANGHAI)


def local_time(value, pattern: str = "%Y-%m-%d %H:%M") -> str:
    moment = _parse(value)
    return moment.strftime(pattern) if moment else "—"


def local_date(value) -> str:
    return local_time(value, "%Y-%m-%d")


def file_size(value) -> str:
    """A byte count the way people read it: 812 字节, 35.2 KB, 2 MB (1 KB = 1024 字节)."""
    if not isinstance(value, int) or value < 0:
        return "—"
    if value < 1024:
        return f"{value} 字节"
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"


def register_filters(app) -> None:
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
