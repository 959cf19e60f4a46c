from __future__ import annotations

import datetime as dt

from flask import g, jsonify

from engine.errors import InvalidInput, PermissionDenied

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.people import CalendarYear, DaySet, DaySetting


@bp.get("/calendar/<int:year>")
@operation("calendar", ok=CalendarYear, errors=(400,), public=True)
def calendar_year(year):
    """The year's holidays and adjusted working days (调休), with the days set here"""
    if not 2000 <= year <= 2100:
        raise InvalidInput("year_out_of_range", field="year")
    calendar = engine().calendars
    return jsonify({"year": year, "provisional": not calendar.is_official(year), "days": calendar.year_days(year)})


@bp.put("/calendar/days/<day>")
@operation("calendar", ok=DaySet, body=DaySetting, errors=(400, 403), paths={"day": "YYYY-MM-DD"})
def set_calendar_day(day):
    """Override a day: a working day or a day off (系统管理员)"""
    if not g.actor.is_admin:
        raise PermissionDenied("calendar_admin_only")
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("date_format", field="day", value=day) from None
    body = json_body()
    if not isinstance(body.get("workday"), bool):
        raise InvalidInput("not_boolean", field="workday")
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        raise InvalidInput("short_text_required", field="name")
    engine().calendars.set_day(parsed, body["workday"], name, g.actor.id)
    return jsonify({"date": parsed.isoformat(), "workday": body["workday"], "name": name})
