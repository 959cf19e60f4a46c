"""The working-day calendar: a year of month grids, per-day overrides, importing a year's official arrangement
(from chinesecalendar or a file; every provisional deadline is counted again), and the warning that an arrangement
is missing."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.deadlines import parse_arrangement
from engine.errors import InvalidInput

from ..messages import describe
from ..session import actor, engine
from . import bp
from .common import can_edit, editors, readers

KIND_NAMES = {"workday": "工作日", "weekend": "周末", "holiday": "法定节假日", "adjusted": "调休上班"}
ARRANGEMENT_SUFFIXES = (".csv", ".json")
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
    view = engine().calendars.year_view(year)
    return render_template(
        "manage/calendar.html",
        view=view,
        year=year,
        kind_names=KIND_NAMES,
        weekdays=WEEKDAYS,
        today=engine().clock.now().date(),
        day=request.args.get("day"),
        can_edit=can_edit(),
        missing=engine().calendars.missing_arrangements(),
        limit_kb=engine().settings.max_upload_bytes // 1024,
    )


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
            engine().calendars.clear_day(day, actor().id)
            flash(_("%(day)s 已恢复为默认安排", day=day.isoformat()), "success")
        else:
            if choice not in ("yes", "no"):
                raise InvalidInput("calendar_workday_required")
            reason = (request.form.get("reason") or "").strip()
            if not 2 <= len(reason) <= 100:
                raise InvalidInput("calendar_reason_required")
            engine().calendars.set_day(day, choice == "yes", reason, actor().id)
            flash(
                _("%(day)s 已设为%(kind)s", day=day.isoformat(), kind=_("工作日") if choice == "yes" else _("休息日")),
                "success",
            )
    except InvalidInput as exc:
        flash(describe(exc), "error")
    return redirect(url_for("manage.calendar", year=year))


@bp.post("/calendar/import")
@editors
def calendar_import():
    year = _year(request.form.get("year"))
    try:
        if "file" in request.files:
            result = engine().calendars.import_arrangement(year, _arrangement(year), _filename(), actor().id)
        else:
            result = engine().calendars.import_package_year(year, actor().id)
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        recount = result["recount"]
        flash(
            _(
                "已导入 %(year)s 年官方安排（%(n)s 天）；重新计算了 %(d)s 个暂定期限（%(c)s 件办件）",
                year=year,
                n=result["days"],
                d=recount.get("deadlines", 0),
                c=recount.get("cases", 0),
            ),
            "success",
        )
        if recount.get("failed"):
            flash(_("%(n)s 件办件正在办理，暂定期限未能重新计算，请稍后再次导入", n=recount["failed"]), "error")
    return redirect(url_for("manage.calendar", year=year))


def _filename() -> str:
    return request.files["file"].filename or ""


def _arrangement(year: int) -> list[dict]:
    """The uploaded official arrangement (CSV or JSON, within the upload limit) as rows of ``year``."""
    name, limit = _filename(), engine().settings.max_upload_bytes
    if not name.lower().endswith(ARRANGEMENT_SUFFIXES):
        raise InvalidInput("calendar_file_kind", field="file")
    content = request.files["file"].read(limit + 1)
    if len(content) > limit:
        raise InvalidInput("calendar_file_too_large", field="file", limit=limit)
    rows = parse_arrangement(content, name)
    if not rows:
        raise InvalidInput("calendar_file_empty", field="file")
    return rows
