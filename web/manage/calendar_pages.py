"""The working-day calendar: a year of month grids, per-day overrides and importing a year."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput

from ..messages import describe
from ..session import actor, engine
from . import bp
from .common import can_edit, editors, readers

KIND_NAMES = {"workday": "工作日", "weekend": "周末", "holiday": "法定节假日", "adjusted": "调休上班",
              "unknown": "无数据"}
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _year(text) -> int:
    try:
        year = int(text)
    except (TypeError, ValueError):
        return engine().clock.now().year
    return year if 2000 <= year <= 2100 else engine().clock.now().year


@bp.get("/calendar")
@readers
def calendar():
    year = _year(request.args.get("year"))
    view = engine().calendar.year_view(year)
    return render_template("manage/calendar.html", view=view, year=year, kind_names=KIND_NAMES, weekdays=WEEKDAYS,
                           today=engine().clock.now().date(), day=request.args.get("day"), can_edit=can_edit())


def _day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("calendar_day_required") from None


@bp.post("/calendar/day")
@editors
def calendar_day():
    year = _year(request.form.get("year"))
    try:
        day = _day(request.form.get("day"))
        year = day.year
        choice = request.form.get("workday")
        if choice == "clear":
            engine().calendar.clear_day(day, actor().id)
            flash(_("%(day)s 已恢复为默认安排", day=day.isoformat()), "success")
        else:
            if choice not in ("yes", "no"):
                raise InvalidInput("calendar_workday_required")
            reason = (request.form.get("reason") or "").strip()
            if not 2 <= len(reason) <= 100:
                raise InvalidInput("calendar_reason_required")
            engine().calendar.set_day(day, choice == "yes", reason, actor().id)
            flash(_("%(day)s 已设为%(kind)s", day=day.isoformat(),
                    kind=_("工作日") if choice == "yes" else _("休息日")), "success")
    except InvalidInput as exc:
        flash(describe(exc), "error")
    return redirect(url_for("manage.calendar", year=year))


@bp.post("/calendar/import")
@editors
def calendar_import():
    year = _year(request.form.get("year"))
    try:
        count = engine().calendar.import_package_year(year, actor().id)
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        flash(_("已从 chinesecalendar 导入 %(year)s 年安排（%(n)s 天）", year=year, n=count), "success")
    return redirect(url_for("manage.calendar", year=year))
