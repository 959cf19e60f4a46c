"""Times as the public reads them: Beijing time, to the minute."""
from __future__ import annotations

import datetime as _dt

from engine.clock import SHANGHAI


def _parse(value):
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(SHANGHAI)


def local_time(value) -> str:
    moment = _parse(value)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "—"


def local_date(value) -> str:
    moment = _parse(value)
    return f"{moment:%Y-%m-%d}" if moment else "—"


def register_filters(blueprint) -> None:
    blueprint.add_app_template_filter(local_time, "local_time")
    blueprint.add_app_template_filter(local_date, "local_date")
