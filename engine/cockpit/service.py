"""The supervision cockpit (监察驾驶舱): counts and lists of lights, signals, 督办 items and complaints, per
department, within the units the supervisor oversees. Every reading is written to the report access log.

Scoping is by each row's responsible department: a district supervisor sees only their district's units;
administrators see everything. Trends and rankings are in engine/cockpit/trends.py."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..deadlines.lights import LIGHTS, NONE, RED, YELLOW
from ..errors import InvalidInput
from ..identity.actors import Actor
from ..incidents import OPEN as INCIDENT_OPEN
from ..kernel.paging import PageArg, page_bounds, page_count
from ..models import Case, Incident, Matter, Signal
from ..violations.rules import RULES
from .scope import REPORT, in_scope, scope_label, scope_units
from .summary import Bucket, CockpitSummary
from .trends import TREND_DAYS, CockpitTrends

if TYPE_CHECKING:
    from ..deadlines import CalendarService
    from ..kernel import Clock, Database
    from ..supervision.report_access import ReportAccessLog

CASE_LIGHTS = LIGHTS + ("paused",)
SIGNAL_COLOURS = (YELLOW, RED)
SIGNAL_STATUSES = ("open", "corrected", "closed")
COMPLAINT_STATUSES = ("submitted", "accepted", "rejected", "forwarded", "answered", "closed")
LIST_LIGHTS = (RED, YELLOW)


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class Cockpit:
    def __init__(self, db: Database, clock: Clock, report_access: ReportAccessLog, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.report_access = report_access
        self._trends = CockpitTrends(db, clock, report_access, calendars)
        self.summary = CockpitSummary(db)

    def trends(
        self, actor: Actor, days: int = TREND_DAYS, department: str | None = None, record: bool = True
    ) -> dict[str, Any]:
        return self._trends.trends(actor, days, department, record)

    def rankings(self, actor: Actor, record: bool = True, month: str | None = None) -> dict[str, Any]:
        return self._trends.rankings(actor, record, month)

    def log(self, actor: Actor, part: str, **filters: object) -> None:
        details = " ".join(f"{k}={v}" for k, v in filters.items() if v)
        self.report_access.record(actor, REPORT, "read", scope=f"{part} {details}".strip()[:100])

    def overview(self, actor: Actor, record: bool = True) -> dict[str, Any]:
        """Counts by light and status, and the per-department table: every count that grows with history read from
        the summary (``CockpitSummary``), never from the tables it counts."""
        units = scope_units(actor)
        with self.db.reading() as session:
            summary = self.summary.counts(units, session)
            incidents = sa.select(sa.func.count(Incident.id)).where(Incident.state == INCIDENT_OPEN)
            if units is not None:  # a supervisor: incidents of the cases of their units (the system's: administrators)
                incidents = incidents.where(sa.exists().where(Case.id == Incident.case_id, Case.department.in_(units)))
            incidents_open = session.scalar(incidents) or 0
        if record:
            self.log(actor, "overview")
        signal_counts: dict[str, dict[str, int]]
        signal_counts = {colour: dict.fromkeys(SIGNAL_STATUSES, 0) for colour in SIGNAL_COLOURS}
        complaint_counts = dict.fromkeys(COMPLAINT_STATUSES, 0)
        for b in summary:
            if b.kind == "signal":
                signal_counts.setdefault(b.light, {}).setdefault(b.state, 0)
                signal_counts[b.light][b.state] += b.n
            elif b.kind == "complain":
                complaint_counts[b.state] = complaint_counts.get(b.state, 0) + b.n
        return {
            "as_of": self.clock.now().isoformat(),
            "scope": scope_label(actor, units),
            "cases": _by_light(summary, "case", CASE_LIGHTS),
            "tasks": _by_light(summary, "task", LIGHTS),
            "signals": signal_counts,
            "signals_open": sum(c.get("open", 0) for c in signal_counts.values()),
            "items": _by_light(summary, "item", LIGHTS),
            "complaints": complaint_counts,
            "complaints_pending": sum(v for k, v in complaint_counts.items() if k not in ("closed", "rejected")),
            "incidents_open": incidents_open,
            "departments": _departments(summary),
        }

    def cases(
        self,
        actor: Actor,
        light: str | None = None,
        department: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = 20,
        record: bool = True,
    ) -> dict[str, Any]:
        """Running cases with a warning light (red and yellow unless ``light`` names one), most urgent first."""
        if light and light not in LIST_LIGHTS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIST_LIGHTS))
        units = scope_units(actor)
        page, per_page = page_bounds(page, per_page)
        lights = (light,) if light else (RED, YELLOW)
        urgency = sa.case((Case.light == RED, 0), else_=1)
        base = in_scope(
            sa.select(Case.id).where(Case.status == "running", Case.light.in_(lights), Case.paused_since.is_(None)),
            Case.department,
            units,
            department,
        )
        with self.db.reading() as session:
            total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
            rows = session.execute(
                sa.select(Case, Matter.name)
                .join(Matter, Case.matter_code == Matter.code)
                .where(Case.id.in_(base))
                .order_by(urgency, Case.promised_due_at, Case.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        if record:
            self.log(actor, "cases", light=light, department=department)
        return {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": page_count(total, per_page),
            "light": light,
            "department": department,
            "items": [
                {
                    "id": c.id,
                    "number": c.number,
                    "matter": c.matter_code,
                    "matter_name": name,
                    "department": c.department,
                    "light": c.light,
                    "promised_due_at": _iso(c.promised_due_at),
                    "statutory_due_at": _iso(c.statutory_due_at),
                }
                for c, name in rows
            ],
        }

    def signals(
        self,
        actor: Actor,
        department: str | None = None,
        colour: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = 20,
        record: bool = True,
    ) -> dict[str, Any]:
        """Open correction signals, newest first."""
        if colour and colour not in SIGNAL_COLOURS:
            raise InvalidInput("not_one_of", field="colour", allowed=list(SIGNAL_COLOURS))
        units = scope_units(actor)
        page, per_page = page_bounds(page, per_page)
        query = in_scope(sa.select(Signal.id).where(Signal.status == "open"), Signal.department, units, department)
        if colour:
            query = query.where(Signal.color == colour)
        with self.db.reading() as session:
            total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
            rows = session.execute(
                sa.select(Signal, Case.number)
                .outerjoin(Case, Signal.case_id == Case.id)
                .where(Signal.id.in_(query))
                .order_by(Signal.raised_at.desc(), Signal.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        if record:
            self.log(actor, "signals", department=department, colour=colour)
        return {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": page_count(total, per_page),
            "items": [
                {
                    "id": s.id,
                    "rule": s.rule,
                    "label": RULES[s.rule].label if s.rule in RULES else s.rule,
                    "article": s.article,
                    "colour": s.color,
                    "summary": s.summary,
                    "case_id": s.case_id,
                    "case_number": number,
                    "department": s.department,
                    "raised_at": _iso(s.raised_at),
                    "correct_by": _iso(s.correct_by),
                }
                for s, number in rows
            ],
        }


def _by_light(summary: Iterable[Bucket], kind: str, keys: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    for b in summary:
        if b.kind == kind:
            counts[b.light or NONE] = counts.get(b.light or NONE, 0) + b.n
    return counts


def _departments(summary: Iterable[Bucket]) -> list[dict[str, Any]]:
    """Per department: running cases, of which yellow and red (not paused), open signals, open 督办 items."""
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name, {"department": name, "running": 0, "yellow": 0, "red": 0, "signals_open": 0, "items_open": 0}
        )

    for b in summary:
        if b.department is None:
            continue
        if b.kind == "case":
            counts = row(b.department)
            counts["running"] += b.n
            if b.light in (YELLOW, RED):
                counts[b.light] += b.n
        elif b.kind == "signal" and b.state == "open":
            row(b.department)["signals_open"] += b.n
        elif b.kind == "item":
            row(b.department)["items_open"] += b.n
    return sorted(rows.values(), key=lambda r: (-r["red"], -r["yellow"], -r["signals_open"], r["department"]))
