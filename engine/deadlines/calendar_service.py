"""The working-day calendar as administrators keep it: overrides, yearly imports (after which every provisional
deadline is counted again), and the warning that next year's arrangement is missing."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import chinese_calendar
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, Message
from ..kernel import clock as clock_module
from ..kernel.db import rowcount
from ..models import CalendarDay, CalendarRevision, CalendarYear
from ..trail import chain as trail
from .working_time import OfficeHours, WorkingCalendar

if TYPE_CHECKING:
    from ..kernel import Clock, Database

# Run after an official arrangement is imported, with the importing actor: counts of what each recounted.
ImportHook = Callable[[str], dict[str, int]]
# From this month on (engine clock, Beijing time), a missing arrangement of next year is warned about.
WARN_FROM_MONTH = 11
TRUE = {"1", "true", "yes", "work", "workday", "上班", "工作日"}
FALSE = {"0", "false", "no", "off", "holiday", "休息", "放假", "节假日"}
# How often (seconds, monotonic) a process looks whether another process changed the calendar: a change made elsewhere
# counts here within this time; a change made in this process counts at once.
RECHECK_SECONDS = 1.0
_revisions = CalendarRevision.__table__
READ_REVISION = sa.select(_revisions.c.revision).where(_revisions.c.id == 1)
RAISE_REVISION = _revisions.update().where(_revisions.c.id == 1).values(revision=_revisions.c.revision + 1)


def parse_office_hours(text: str) -> OfficeHours:
    periods = []
    try:
        for part in text.split(","):
            begin, end = part.strip().split("-")
            periods.append((_dt.time.fromisoformat(begin.strip()), _dt.time.fromisoformat(end.strip())))
    except ValueError:
        raise InvalidInput("office_hours_format", text=text) from None
    if not periods or any(b >= e for b, e in periods) or any(a[1] > b[0] for a, b in zip(periods, periods[1:])):
        raise InvalidInput("office_hours_order", text=text)
    return tuple(periods)


def parse_arrangement(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows of ``date, workday, name`` from CSV or JSON; every bad row is reported with its line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("calendar_file_not_utf8", source=filename) from None
    if filename.lower().endswith(".json"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput("calendar_json_invalid", source=filename, at=exc.lineno, detail=exc.msg) from None
        raw = document.get("days") if isinstance(document, dict) else document
        if not isinstance(raw, list):
            raise InvalidInput("calendar_json_shape", source=filename)
        records = [(index + 1, item) for index, item in enumerate(raw)]
    else:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"date", "workday"} <= set(reader.fieldnames):
            raise InvalidInput("calendar_csv_header", source=filename)
        records = [(index + 2, row) for index, row in enumerate(reader)]
    rows, errors = [], []
    for line, item in records:
        try:
            rows.append(_row(item))
        except (ValueError, TypeError, AttributeError) as exc:
            errors.append(
                Message(
                    "calendar_item_error" if filename.lower().endswith(".json") else "calendar_line_error",
                    line=line,
                    detail=exc.args[0] if isinstance(exc.args[0], Message) else str(exc),
                )
            )
    if errors:
        raise InvalidInput("calendar_file_has_errors", errors=errors, source=filename, first=errors[:20])
    return rows


def _row(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError(Message("calendar_entry_not_an_object"))
    day = _dt.date.fromisoformat(str(item.get("date", "")).strip())
    flag = item.get("workday")
    if isinstance(flag, bool):
        workday = flag
    elif str(flag).strip().lower() in TRUE:
        workday = True
    elif str(flag).strip().lower() in FALSE:
        workday = False
    else:
        raise ValueError(Message("calendar_workday_flag", value=repr(flag)))
    name = (item.get("name") or "").strip() or None
    return {"day": day, "workday": workday, "name": name}


class CalendarService:
    def __init__(self, db: Database, clock: Clock, office_hours: str) -> None:
        self.db = db
        self.clock = clock
        self.office_hours = parse_office_hours(office_hours)
        self._calendar: WorkingCalendar | None = None
        self._revision: int | None = None  # the stored revision self._calendar was read at
        self._checked_at = 0.0  # when (time.monotonic) the stored revision was last compared with it
        self._lock = threading.Lock()
        self.after_import: tuple[ImportHook, ...] = ()  # set by the composition root (engine/bootstrap.py)

    def calendar(self) -> WorkingCalendar:
        """The working calendar as stored, read again when another process has changed it (at most
        ``RECHECK_SECONDS`` after) or this one has (at once)."""
        with self._lock:
            now = time.monotonic()
            if self._calendar is not None and now - self._checked_at < RECHECK_SECONDS:
                return self._calendar
            with self.db.reading() as session:
                revision = session.execute(READ_REVISION).scalar() or 0
                if self._calendar is None or revision != self._revision:
                    overrides = {d.day: d.workday for d in session.scalars(sa.select(CalendarDay))}
                    years = frozenset(session.scalars(sa.select(CalendarYear.year)))
                    self._calendar = WorkingCalendar(overrides, years, self.office_hours)
                    self._revision = revision
            self._checked_at = now
            return self._calendar

    @staticmethod
    def _raise_revision(session: Session) -> None:
        """In the transaction that changes the calendar: every process reads it again."""
        if rowcount(session.execute(RAISE_REVISION)) == 0:
            try:
                with session.begin_nested():
                    session.execute(_revisions.insert().values(id=1, revision=1))
            except sa.exc.IntegrityError:  # another transaction made the row first
                session.execute(RAISE_REVISION)

    def _changed(self) -> None:
        with self._lock:
            self._calendar = None

    def set_day(self, day: _dt.date, workday: bool, name: str | None, actor: str) -> None:
        with self.db.transaction() as session:
            self._upsert(session, {"day": day, "workday": workday, "name": name}, actor)
            self._raise_revision(session)
            trail.append(
                session,
                [
                    trail.event(
                        "calendar_changed",
                        self.clock.now(),
                        actor=actor,
                        detail={"day": day.isoformat(), "workday": workday, "name": name},
                    )
                ],
            )
        self._changed()

    def import_arrangement(self, year: int, rows: list[dict[str, Any]], source: str, actor: str) -> dict[str, Any]:
        """Import a whole year's official arrangement in one transaction (rows outside the year are refused), then
        count every open provisional deadline again (``after_import``): ``{year, days, recount}``."""
        outside = [r["day"].isoformat() for r in rows if r["day"].year != year]
        if outside:
            raise InvalidInput("calendar_dates_outside_year", source=source, year=year, dates=outside[:10])
        with self.db.transaction() as session:
            for row in rows:
                self._upsert(session, row, actor)
            existing = session.get(CalendarYear, year)
            if existing is None:
                session.add(
                    CalendarYear(year=year, source=source[:255], imported_by=actor, imported_at=self.clock.now())
                )
            else:
                existing.source, existing.imported_by, existing.imported_at = source[:255], actor, self.clock.now()
            self._raise_revision(session)
            trail.append(
                session,
                [
                    trail.event(
                        "calendar_imported",
                        self.clock.now(),
                        actor=actor,
                        data_digest=trail.digest([[r["day"].isoformat(), r["workday"], r["name"]] for r in rows]),
                        detail={"year": year, "days": len(rows), "source": source},
                    )
                ],
            )
        self._changed()
        recount: dict[str, int] = {}
        for hook in self.after_import:
            for key, value in hook(actor).items():
                recount[key] = recount.get(key, 0) + value
        return {"year": year, "days": len(rows), "recount": recount}

    def _upsert(self, session: Session, row: dict[str, Any], actor: str) -> None:
        existing = session.get(CalendarDay, row["day"])
        if existing is None:
            session.add(
                CalendarDay(
                    day=row["day"],
                    workday=row["workday"],
                    name=row["name"],
                    updated_by=actor,
                    updated_at=self.clock.now(),
                )
            )
        else:
            existing.workday, existing.name = row["workday"], row["name"]
            existing.updated_by, existing.updated_at = actor, self.clock.now()

    def clear_day(self, day: _dt.date, actor: str) -> None:
        """Drop a day's override: the day follows chinesecalendar (or the weekday rule) again."""
        with self.db.transaction() as session:
            existing = session.get(CalendarDay, day)
            if existing is None:
                raise InvalidInput("calendar_day_not_set", day=day.isoformat())
            session.delete(existing)
            self._raise_revision(session)
            trail.append(
                session,
                [
                    trail.event(
                        "calendar_changed",
                        self.clock.now(),
                        actor=actor,
                        detail={"day": day.isoformat(), "cleared": True},
                    )
                ],
            )
        self._changed()

    def import_package_year(self, year: int, actor: str) -> dict[str, Any]:
        """Copy chinesecalendar's arrangement of ``year`` into the database (so it is kept and can be edited)."""
        from .calendar_year import package_arrangement

        rows = package_arrangement(year)
        if not rows:
            raise InvalidInput("calendar_package_lacks_year", field="year", year=year)
        version = getattr(chinese_calendar, "__version__", "")
        return self.import_arrangement(year, rows, f"chinesecalendar {version}".strip(), actor)

    def imported_years(self) -> list[int]:
        """The years whose whole arrangement has been imported (from a file or chinesecalendar), in order."""
        with self.db.reading() as session:
            return list(session.scalars(sa.select(CalendarYear.year).order_by(CalendarYear.year)))

    def is_official(self, year: int) -> bool:
        """Whether ``year`` has its official arrangement (imported or in chinesecalendar); else it is provisional."""
        return self.calendar().is_official(year)

    def missing_arrangements(self) -> list[int]:
        """The years to warn about: this year if it has no official arrangement, and from 1 November next year."""
        today = self.clock.now().astimezone(clock_module.SHANGHAI).date()
        years = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
        return [year for year in years if not self.is_official(year)]

    def year_view(self, year: int) -> dict[str, Any]:
        """Twelve month grids of ``year`` with each day's kind, and whether the year is counted provisionally."""
        from .calendar_year import year_view

        with self.db.reading() as session:
            overrides = {
                d.day: (d.workday, d.name)
                for d in session.scalars(
                    sa.select(CalendarDay).where(
                        CalendarDay.day >= _dt.date(year, 1, 1), CalendarDay.day <= _dt.date(year, 12, 31)
                    )
                )
            }
            imported = session.get(CalendarYear, year)
            source = (
                {"source": imported.source, "by": imported.imported_by, "at": imported.imported_at}
                if imported
                else None
            )
        months = year_view(self.calendar(), year, overrides)
        return {
            "year": year,
            "months": months,
            "imported": source,
            "provisional": not self.is_official(year),
            "office_hours": [(b.strftime("%H:%M"), e.strftime("%H:%M")) for b, e in self.office_hours],
        }

    def timer_functions(self, max_days: int = 3660) -> dict[str, Callable[[float], str]]:
        """``working_days(N)`` and ``working_hours(N)`` for BPMN timers: the instant N working days/hours from now
        (on the clock of the step that evaluates the timer). N is a number from 0 to ``max_days`` (hours: 24 times
        as many); anything else is refused before the calendar counts."""

        def bounded(function: str, n: object, limit: int) -> float:
            if isinstance(n, bool) or not isinstance(n, (int, float)) or not 0 <= n <= limit:
                raise InvalidInput("timer_working_time_too_long", function=function, n=repr(n)[:40], limit=limit)
            return n

        def working_days(n: float) -> str:
            days = int(bounded("working_days", n, max_days))
            return self.calendar().add_working_days(clock_module.now(), days).isoformat()

        def working_hours(n: float) -> str:
            hours = float(bounded("working_hours", n, max_days * 24))
            return self.calendar().add_working_hours(clock_module.now(), hours).isoformat()

        return {"working_days": working_days, "working_hours": working_hours}

    def year_days(self, year: int) -> list[dict[str, Any]]:
        """Every day of ``year`` that is not an ordinary weekday/weekend, with its source (``provisional``: counted
        on the provisional calendar)."""
        calendar = self.calendar()
        with self.db.reading() as session:
            names = dict(
                session.execute(
                    sa.select(CalendarDay.day, CalendarDay.name).where(
                        CalendarDay.day >= _dt.date(year, 1, 1), CalendarDay.day <= _dt.date(year, 12, 31)
                    )
                ).all()
            )
        day, days = _dt.date(year, 1, 1), []
        while day.year == year:
            workday = calendar.is_workday(day)
            if workday != (day.weekday() < 5):
                days.append(
                    {
                        "date": day.isoformat(),
                        "workday": workday,
                        "name": names.get(day) or calendar.holiday_name(day),
                        "override": day in calendar.overrides,
                        "provisional": calendar.is_provisional(day),
                    }
                )
            day += _dt.timedelta(days=1)
        return days
