"""The 督办 procedure of a supervision item (seed 002 §5; DOMAIN.md "Electronic supervision").

open → noticed: a supervisor of the department sends a 督办通知 (to the department's heads);
noticed → responded: the department's head answers (to the supervisor who sent the notice);
responded → closed: the supervisor records the finding with a conclusion (属实 / 部分属实 / 不属实).
The investigation is due 15 working days after opening and may be extended once, by 10 working days, with a
reason. Lights and escalation of overdue items: ``engine/supervision/watch.py``. Each change writes its trail
row in the same transaction.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.lights import RED, YELLOW, light_at
from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import may_view_case
from ..identity.actors import HEAD_POST, Actor, department_heads
from ..kernel.clock import SHANGHAI
from ..kernel.paging import PageArg, page_of_query
from ..models import Case, Complaint, Signal, SupervisionItem, TrailEntry
from ..trail import chain as trail
from ..trail.chain import TrailRow
from . import watch
from .items import EXTENSION_DAYS, open_item
from .views import (
    CONCLUSIONS,
    LIGHTS,
    NOTICED,
    OPEN,
    RESPONDED,
    STATUSES,
    heads_department,
    item_view,
    may_supervise,
    visible_departments,
)
from .watch import CLOSED, item_event, item_key, notify, recount_items

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..deadlines.working_time import WorkingCalendar
    from ..kernel import Clock, Database

MAX_TEXT = 4000
LIGHT_NOTICE = "light_notice"  # the 督办通知 a supervisor sends in one click on a yellow or red case
# A change of an item: who may make it (raises otherwise), then what it does, returning its trail rows
_Check = Callable[[SupervisionItem], None]
_Apply = Callable[[Session, SupervisionItem, _dt.datetime], "list[TrailRow]"]


def _text(value: object, field: str, what: str) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidInput("required", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput("too_long", field=field, max=MAX_TEXT)
    return value


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _send_notice(
    session: Session, item: SupervisionItem, heads: list[str], actor: Actor, text: str, now: _dt.datetime
) -> TrailRow:
    """督办通知 on an open item: the item is ``noticed`` and the department's ``heads`` are notified; returns its
    ``supervision_noticed`` trail row for the caller to append."""
    item.status, item.notice_text, item.notice_by, item.noticed_at = NOTICED, text, actor.id, now
    notified = notify(session, heads, "supervision_notice", item, f"督办通知（督办事项 #{item.id}）：{text}", now)
    return item_event(
        "supervision_noticed",
        item,
        now,
        actor=actor.id,
        from_state=OPEN,
        to_state=NOTICED,
        detail={"notified": notified},
        digest_of={"text": text},
    )


class SupervisionService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- reading ----------------------------------------------------------------------------------
    def list(
        self,
        actor: Actor,
        status: str | None = None,
        light: str | None = None,
        department: str | None = None,
        kind: str | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        query = self._query(actor, status, light, department, kind).limit(limit)
        with self.db.reading() as session:
            return [item_view(item) for item in session.scalars(query)]

    def page(
        self,
        actor: Actor,
        status: str | None = None,
        light: str | None = None,
        department: str | None = None,
        kind: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of the items the actor sees: open ones first, the most escalated and the soonest due first."""
        query = self._query(actor, status, light, department, kind)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=item_view, scalars=True)

    @staticmethod
    def _query(
        actor: Actor, status: str | None, light: str | None, department: str | None, kind: str | None
    ) -> sa.Select:
        if status and status not in STATUSES:
            raise InvalidInput("not_one_of", field="status", allowed=list(STATUSES))
        if light and light not in LIGHTS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIGHTS))
        query = sa.select(SupervisionItem)
        seen = visible_departments(actor)
        if seen is not None:
            query = query.where(SupervisionItem.department.in_(sorted(seen)))
        for column, value in (
            (SupervisionItem.status, status),
            (SupervisionItem.light, light),
            (SupervisionItem.department, department),
            (SupervisionItem.kind, kind),
        ):
            if value:
                query = query.where(column == value)
        order = sa.case((SupervisionItem.status == CLOSED, 1), else_=0)
        return query.order_by(
            order, SupervisionItem.escalation_level.desc(), SupervisionItem.due_at, SupervisionItem.id
        )

    def for_department_head(
        self, actor: Actor, include_closed: bool = False, page: PageArg = 1, per_page: PageArg = None
    ) -> dict[str, Any]:
        """One page of the items of the department the actor heads (nothing for anyone else)."""
        query = sa.select(SupervisionItem).where(SupervisionItem.department == actor.department)
        if not (actor.department and HEAD_POST in actor.posts):
            query = query.where(sa.false())
        if not include_closed:
            query = query.where(SupervisionItem.status != CLOSED)
        query = query.order_by(SupervisionItem.due_at, SupervisionItem.id)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=item_view, scalars=True)

    def filter_options(self, actor: Actor) -> dict[str, Any]:
        """The departments and kinds among the items the actor sees, for the list's filters."""
        seen = visible_departments(actor)
        options: dict[str, builtins.list[str]] = {}
        with self.db.reading() as session:
            for name, column in (("departments", SupervisionItem.department), ("kinds", SupervisionItem.kind)):
                query = sa.select(column).distinct().order_by(column)
                if seen is not None:
                    query = query.where(SupervisionItem.department.in_(sorted(seen)))
                options[name] = list(session.scalars(query))
        return options

    def get(self, item_id: int, actor: Actor) -> dict[str, Any]:
        """The item, what it is about (case, signal, complaint) and its timeline of trail rows."""
        with self.db.reading() as session:
            item = self._visible(session, item_id, actor)
            view = item_view(item)
            view["case"] = self._case(session, item, actor)
            signal = session.get(Signal, item.signal_id) if item.signal_id else None
            view["signal"] = signal and {
                "id": signal.id,
                "rule": signal.rule,
                "color": signal.color,
                "article": signal.article,
                "summary": signal.summary,
                "status": signal.status,
                "raised_at": _iso(signal.raised_at),
            }
            complaint = session.get(Complaint, item.complaint_id) if item.complaint_id else None
            view["complaint"] = complaint and {
                "id": complaint.id,
                "number": complaint.number,
                "subject": complaint.subject,
                "status": complaint.status,
            }
            view["timeline"] = self._timeline(session, item)
            view["may"] = {
                "notice": item.status == OPEN and may_supervise(actor, item.department),
                "respond": item.status == NOTICED and heads_department(actor, item.department),
                "finding": item.status == RESPONDED and may_supervise(actor, item.department),
                "extend": view["extendable"] and may_supervise(actor, item.department),
            }
            return view

    @staticmethod
    def _case(session: Session, item: SupervisionItem, actor: Actor) -> dict[str, Any] | None:
        case = session.get(Case, item.case_id) if item.case_id else None
        if case is None:
            return None
        return {
            "id": case.id,
            "number": case.number,
            "matter": case.matter_code,
            "status": case.status,
            "light": case.light,
            "visible": may_view_case(session, actor, case),
        }

    @staticmethod
    def _timeline(session: Session, item: SupervisionItem) -> builtins.list[dict[str, Any]]:
        rows = session.execute(
            sa.select(TrailEntry)
            .where(TrailEntry.element_id == item_key(item.id))
            .order_by(TrailEntry.at, TrailEntry.seq)
        ).scalars()
        return [
            {
                "seq": r.seq,
                "event": r.event,
                "from": r.from_state,
                "to": r.to_state,
                "actor": r.actor,
                "at": _iso(r.at),
                "detail": json.loads(r.detail) if r.detail else None,
                "hash": r.hash,
            }
            for r in rows
        ]

    @staticmethod
    def _visible(session: Session, item_id: object, actor: Actor, lock: bool = False) -> SupervisionItem:
        query = sa.select(SupervisionItem).where(SupervisionItem.id == item_id)
        item = session.scalar(query.with_for_update() if lock else query) if isinstance(item_id, int) else None
        if item is None:
            raise NotFound("supervision_item_not_found", item=item_id)
        seen = visible_departments(actor)
        if seen is not None and item.department not in seen:
            raise PermissionDenied("supervision_item_not_supervised")
        return item

    # --- the procedure ----------------------------------------------------------------------------
    def _change(self, item_id: int, actor: Actor, check: _Check, apply: _Apply) -> dict[str, Any]:
        """Lock the item, check who may do what, apply the change and write its trail row, in one transaction."""
        now = self.clock.now()
        with self.db.transaction() as session:
            item = self._visible(session, item_id, actor, lock=True)
            check(item)
            rows = apply(session, item, now)
            trail.append_outside_step(session, rows)
            return item_view(item)

    def _require_supervisor(self, actor: Actor, item: SupervisionItem) -> None:
        if not may_supervise(actor, item.department):
            raise PermissionDenied("supervisor_only")

    @staticmethod
    def _require_status(item: SupervisionItem, *statuses: str, action: str) -> None:
        if item.status not in statuses:
            raise InvalidState("supervision_item_status", action=action, status=item.status)

    def open_overdue_step(self, case_id: int, actor: Actor, summary: str | None) -> dict[str, Any]:
        """A supervisor puts a running case under 督办 because a step of it is past its limit (kind
        ``overdue_step``, the kind a matter's escalation rule opens by itself), ``summary`` saying which step and
        why. The investigation is due in 15 working days. One transaction with its ``supervision_opened`` trail
        row on the case's chain."""
        summary = _text(summary, "summary", "the reason for supervision")
        now = self.clock.now()
        with self.db.transaction() as session:
            case = (
                session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
                if isinstance(case_id, int)
                else None
            )
            if case is None:
                raise NotFound("case_not_found", case=case_id)
            if not may_supervise(actor, case.department):
                raise PermissionDenied("supervisor_only")
            if case.status != "running":
                raise InvalidState("supervision_case_not_running", status=case.status)
            item_id = open_item(
                session,
                self.calendars.calendar(),
                now,
                kind="overdue_step",
                department=case.department,
                summary=summary,
                case_id=case.id,
            )
            item = session.get_one(SupervisionItem, item_id)
            trail.append_outside_step(
                session,
                [
                    item_event(
                        "supervision_opened",
                        item,
                        now,
                        actor=actor.id,
                        to_state=OPEN,
                        detail={"kind": item.kind, "due_at": _iso(item.due_at)},
                        digest_of={"summary": summary},
                    )
                ],
            )
            return item_view(item)

    @staticmethod
    def supervises(actor: Actor, department: str) -> bool:
        """Whether the actor supervises the department (the case page offers them the 督办通知 and a signal)."""
        return may_supervise(actor, department)

    def notice_case(self, case_id: int, actor: Actor, text: str | None = None) -> dict[str, Any]:
        """The one-click 督办通知 on a yellow (or red) case (seed 002 §1 二是: "系统亮黄灯预警,监察人员发出督办通知"): a
        supervisor of its department opens a 督办 item (kind ``light_notice``) and sends its notice to the department's
        heads at once — one transaction with both trail rows. ``text`` defaults to the case and its limit. A case
        already under such an open item is a conflict."""
        now = self.clock.now()
        with self.db.transaction() as session:
            case = (
                session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
                if isinstance(case_id, int)
                else None
            )
            if case is None or not may_view_case(session, actor, case):
                raise NotFound("case_not_found", case=case_id)
            if not may_supervise(actor, case.department):
                raise PermissionDenied("supervisor_only")
            if case.status != "running":
                raise InvalidState("supervision_case_not_running", status=case.status)
            if case.light not in (YELLOW, RED):
                raise InvalidState("case_light_normal", number=case.number)
            already = session.scalar(
                sa.select(SupervisionItem.id).where(
                    SupervisionItem.case_id == case.id,
                    SupervisionItem.kind == LIGHT_NOTICE,
                    SupervisionItem.status != CLOSED,
                )
            )
            if already is not None:
                raise InvalidState("case_already_noticed", number=case.number, item=already)
            heads = department_heads(session, case.department)
            if not heads:
                raise InvalidState("department_has_no_head", department=case.department)
            if text is None or (isinstance(text, str) and not text.strip()):
                due = f"{case.promised_due_at.astimezone(SHANGHAI):%Y-%m-%d}" if case.promised_due_at else "—"
                text = f"办件 {case.number} 已亮{'红' if case.light == RED else '黄'}灯（承诺办结期限 {due}），请抓紧办理并反馈。"
            text = _text(text, "text", "the notice text")
            item_id = open_item(
                session,
                self.calendars.calendar(),
                now,
                kind=LIGHT_NOTICE,
                department=case.department,
                summary=text,
                case_id=case.id,
            )
            item = session.get_one(SupervisionItem, item_id)
            noticed = _send_notice(session, item, heads, actor, text, now)
            opened = {"kind": item.kind, "due_at": _iso(item.due_at), "light": case.light}
            trail.append_outside_step(
                session,
                [item_event("supervision_opened", item, now, actor=actor.id, to_state=OPEN, detail=opened), noticed],
            )
            return item_view(item)

    def send_notice(self, item_id: int, actor: Actor, text: str | None) -> dict[str, Any]:
        """督办通知 to the department: its heads are notified; the item is ``noticed``."""
        text = _text(text, "text", "the notice text")

        def check(item: SupervisionItem) -> None:
            self._require_supervisor(actor, item)
            self._require_status(item, OPEN, action="send a notice")

        def apply(session: Session, item: SupervisionItem, now: _dt.datetime) -> builtins.list[TrailRow]:
            heads = department_heads(session, item.department)
            if not heads:
                raise InvalidState("department_has_no_head", department=item.department)
            return [_send_notice(session, item, heads, actor, text, now)]

        return self._change(item_id, actor, check, apply)

    def respond(self, item_id: int, actor: Actor, text: str | None) -> dict[str, Any]:
        """The department's head answers the notice; the supervisor who sent it is notified."""
        text = _text(text, "text", "the response")

        def check(item: SupervisionItem) -> None:
            if not heads_department(actor, item.department):
                raise PermissionDenied("supervision_response_not_allowed")
            self._require_status(item, NOTICED, action="respond")

        def apply(session: Session, item: SupervisionItem, now: _dt.datetime) -> builtins.list[TrailRow]:
            item.status, item.response, item.responded_by, item.responded_at = RESPONDED, text, actor.id, now
            notify(
                session,
                [item.notice_by],
                "supervision_response",
                item,
                f"{item.department} 已答复督办事项 #{item.id}：{text}",
                now,
            )
            return [
                item_event(
                    "supervision_responded",
                    item,
                    now,
                    actor=actor.id,
                    from_state=NOTICED,
                    to_state=RESPONDED,
                    detail={"notified": [item.notice_by]},
                    digest_of={"text": text},
                )
            ]

        return self._change(item_id, actor, check, apply)

    def record_finding(self, item_id: int, actor: Actor, text: str | None, conclusion: str) -> dict[str, Any]:
        """The supervisor's finding closes the item."""
        if conclusion not in CONCLUSIONS:
            raise InvalidInput("not_one_of", field="conclusion", allowed=list(CONCLUSIONS))
        text = _text(text, "text", "the finding")

        def check(item: SupervisionItem) -> None:
            self._require_supervisor(actor, item)
            self._require_status(item, RESPONDED, action="record a finding")

        def apply(session: Session, item: SupervisionItem, now: _dt.datetime) -> builtins.list[TrailRow]:
            item.finding = f"【{CONCLUSIONS[conclusion]}】{text}"
            item.finding_by, item.closed_at, item.status = actor.id, now, CLOSED
            item.light_next_at = None
            rows = [
                item_event(
                    "supervision_closed",
                    item,
                    now,
                    actor=actor.id,
                    from_state=RESPONDED,
                    to_state=CLOSED,
                    detail={"conclusion": conclusion},
                    digest_of={"text": text},
                )
            ]
            if item.signal_id is not None:  # the investigation of a signal ends it
                session.execute(Signal.__table__.update().where(Signal.id == item.signal_id).values(status="closed"))
                rows.append(
                    item_event(
                        "signal_closed",
                        item,
                        now,
                        actor=actor.id,
                        to_state="closed",
                        detail={"signal": item.signal_id, "conclusion": conclusion},
                    )
                )
            return rows

        return self._change(item_id, actor, check, apply)

    def extend(self, item_id: int, actor: Actor, reason: str | None) -> dict[str, Any]:
        """Extend the investigation once, by 10 working days, with a reason."""
        reason = _text(reason, "reason", "a reason for the extension")

        def check(item: SupervisionItem) -> None:
            self._require_supervisor(actor, item)
            if item.status == CLOSED:
                raise InvalidState("supervision_item_closed")
            if item.extended_at is not None:
                raise InvalidState("supervision_already_extended")
            if item.due_at is None:
                raise InvalidState("supervision_no_limit")

        def apply(session: Session, item: SupervisionItem, now: _dt.datetime) -> builtins.list[TrailRow]:
            calendar = self.calendars.calendar()
            before, before_light = item.due_at, item.light
            assert before is not None  # check() refuses an item without a limit
            item.due_at = calendar.add_working_days(before, EXTENSION_DAYS)
            item.due_provisional = item.due_provisional or calendar.provisional_between(before, item.due_at)
            item.extended_at, item.extension_reason = now, reason
            item.light, item.light_next_at = light_at(now, item.due_at, item.due_at, calendar)
            return [
                item_event(
                    "supervision_extended",
                    item,
                    now,
                    actor=actor.id,
                    from_state=before_light,
                    to_state=item.light,
                    detail={
                        "reason": reason,
                        "from": before.isoformat(),
                        "to": item.due_at.isoformat(),
                        "days": EXTENSION_DAYS,
                    },
                )
            ]

        return self._change(item_id, actor, check, apply)

    def recount_provisional(
        self, session: Session, calendar: WorkingCalendar, now: _dt.datetime, actor: str
    ) -> builtins.list[TrailRow]:
        """After an official calendar import: items' provisional limits counted again (in the caller's transaction)."""
        return recount_items(session, calendar, now, actor)

    # --- the sweep --------------------------------------------------------------------------------
    def due_items(self, as_of: _dt.datetime, limit: int = 5000) -> builtins.list[int]:
        """Items whose light change is due by ``as_of`` (the sweep's ``supervision_items`` work)."""
        with self.db.reading() as session:
            return watch.due_items(session, as_of, limit)

    def refresh_item(self, item_id: int, as_of: _dt.datetime) -> int:
        """Re-evaluate one item's light and escalate it past its due date, in a transaction of its own."""
        with self.db.transaction() as session:
            return watch.refresh_item(session, item_id, self.calendars.calendar(), as_of)

    def item_place(self, item_id: int) -> tuple[int | None, str | None]:
        """(case, element) of an item: where an incident of its light is."""
        with self.db.reading() as session:
            return session.scalar(sa.select(SupervisionItem.case_id).where(SupervisionItem.id == item_id)), (
                watch.item_key(item_id)
            )
