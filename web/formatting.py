"""Template filters shared by every page: instants from the engine shown in Beijing time, file sizes, and the badge
of a file's type."""

from __future__ import annotations

import datetime as _dt

from flask_babel import lazy_gettext as _l

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


# a material's detected media type (engine/casefiles/file_types.py) → (badge class, badge text)
FILE_BADGES = {
    "application/pdf": ("pdf", "PDF"),
    "image/jpeg": ("image", _l("图片")),
    "image/png": ("image", _l("图片")),
    "application/ofd": ("ofd", "OFD"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("word", "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("excel", "Excel"),
    "text/plain": ("text", _l("文本")),
}


def file_badge(media_type: str | None) -> tuple[str, str]:
    """The badge a file link carries for its type: ("image", "图片"), ("pdf", "PDF")…; ("file", "文件") otherwise."""
    base = (media_type or "").split(";")[0].strip().lower()
    kind, text = FILE_BADGES.get(base, ("file", _l("文件")))
    return kind, str(text)


def register_filters(app) -> None:
    app.jinja_env.globals["file_badge"] = file_badge
    app.add_template_filter(file_size, "file_size")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
