"""The 督办 procedure of a supervision item (seed 002 §5; DOMAIN.md "Electronic supervision").

open → noticed: a supervisor of the department sends a 督办通知 (to the department's heads);
noticed → responded: the department's head answers (to the supervisor who sent the notice);
responded → closed: the supervisor records the finding with a conclusion (属实 / 部分属实 / 不属实).
The investigation is due 15 working days after opening and may be extended once, by 10 working days, with a
reason. Lights and escalation of overdue items: ``engine/supervision/watch.py``. Each change writes its trail
row in the same transaction.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from ..trail import chain as trail
from ..identity.access import may_view_case
from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.actors import HEAD_POST, Actor, department_heads
from ..deadlines.lights import light_at
from ..models import Case, Complaint, Signal, SupervisionItem, TrailEntry
from ..kernel.paging import page_of_query
from .items import EXTENSION_DAYS
from .views import CONCLUSIONS, LIGHTS, NOTICED, OPEN, RESPONDED, STATUSES, heads_department, item_view, may_supervise, visible_departments
from .watch import CLOSED, item_event, item_key, notify, sweep_items

MAX_TEXT = 4000


def _text(value, field: str, what: str) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidInput("required", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput("too_long", field=field, max=MAX_TEXT)
    return value


def _iso(value):
    return value.isoformat() if value is not None else None


class SupervisionService:
    def __init__(self, db, clock, calendars):
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- reading ----------------------------------------------------------------------------------
    def list(self, actor: Actor, status=None, light=None, department=None, kind=None, limit: int = 200) -> list[dict]:
        query = self._query(actor, status, light, department, kind).limit(limit)
        with self.db.reading() as session:
            return [item_view(item) for item in session.scalars(query)]

    def page(self, actor: Actor, status=None, light=None, department=None, kind=None, page=1,
             per_page=None) -> dict:
        """One page of the items the actor sees: open ones first, the most escalated and the soonest due first."""
        query = self._query(actor, status, light, department, kind)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=item_view, scalars=True)

    @staticmethod
    def _query(actor: Actor, status, light, department, kind) -> sa.Select:
        if status and status not in STATUSES:
            raise InvalidInput("not_one_of", field="status", allowed=list(STATUSES))
        if light and light not in LIGHTS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIGHTS))
        query = sa.select(SupervisionItem)
        seen = visible_departments(actor)
        if seen is not None:
            query = query.where(SupervisionItem.department.in_(sorted(seen)))
        for column, value in ((SupervisionItem.status, status), (SupervisionItem.light, light),
                              (SupervisionItem.department, department), (SupervisionItem.kind, kind)):
            if value:
                query = query.where(column == value)
        order = sa.case((SupervisionItem.status == CLOSED, 1), else_=0)
        return query.order_by(order, SupervisionItem.escalation_level.desc(), SupervisionItem.due_at,
                              SupervisionItem.id)

    def for_department_head(self, actor: Actor, include_closed: bool = False, page=1, per_page=None) -> dict:
        """One page of the items of the department the actor heads (nothing for anyone else)."""
        query = sa.select(SupervisionItem).where(SupervisionItem.department == actor.department)
        if not (actor.department and HEAD_POST in actor.posts):
            query = query.where(sa.false())
        if not include_closed:
            query = query.where(SupervisionItem.status != CLOSED)
        query = query.order_by(SupervisionItem.due_at, SupervisionItem.id)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=item_view, scalars=True)

    def filter_options(self, actor: Actor) -> dict:
        """The departments and kinds among the items the actor sees, for the list's filters."""
        seen = visible_departments(actor)
        options = {}
        with self.db.reading() as session:
            for name, column in (("departments", SupervisionItem.department), ("kinds", SupervisionItem.kind)):
                query = sa.select(column).distinct().order_by(column)
                if seen is not None:
                    query = query.where(SupervisionItem.department.in_(sorted(seen)))
                options[name] = list(session.scalars(query))
        return options

    def get(self, item_id: int, actor: Actor) -> dict:
        """The item, what it is about (case, signal, complaint) and its timeline of trail rows."""
        with self.db.reading() as session:
            item = self._visible(session, item_id, actor)
            view = item_view(item)
            view["case"] = self._case(session, item, actor)
            signal = session.get(Signal, item.signal_id) if item.signal_id else None
            view["signal"] = signal and {"id": signal.id, "rule": signal.rule, "color": signal.color,
                                         "article": signal.article, "summary": signal.summary,
                                         "status": signal.status, "raised_at": _iso(signal.raised_at)}
            complaint = session.get(Complaint, item.complaint_id) if item.complaint_id else None
            view["complaint"] = complaint and {"id": complaint.id, "number": complaint.number,
                                               "subject": complaint.subject, "status": complaint.status}
            view["timeline"] = self._timeline(session, item)
            view["may"] = {"notice": item.status == OPEN and may_supervise(actor, item.department),
                           "respond": item.status == NOTICED and heads_department(actor, item.department),
                           "finding": item.status == RESPONDED and may_supervise(actor, item.department),
                           "extend": view["extendable"] and may_supervise(actor, item.department)}
            return view

    @staticmethod
    def _case(session, item, actor):
        case = session.get(Case, item.case_id) if item.case_id else None
        if case is None:
            return None
        return {"id": case.id, "number": case.number, "matter": case.matter_code, "status": case.status,
                "light": case.light, "visible": may_view_case(session, actor, case)}

    @staticmethod
    def _timeline(session, item) -> list[dict]:
        rows = session.execute(sa.select(TrailEntry).where(TrailEntry.element_id == item_key(item.id))
                               .order_by(TrailEntry.at, TrailEntry.seq)).scalars()
        return [{"seq": r.seq, "event": r.event, "from": r.from_state, "to": r.to_state, "actor": r.actor,
                 "at": _iso(r.at), "detail": json.loads(r.detail) if r.detail else None, "hash": r.hash}
                for r in rows]

    @staticmethod
    def _visible(session, item_id, actor: Actor, lock: bool = False) -> SupervisionItem:
        query = sa.select(SupervisionItem).where(SupervisionItem.id == item_id)
        item = session.scalar(query.with_for_update() if lock else query) if isinstance(item_id, int) else None
        if item is None:
            raise NotFound("supervision_item_not_found", item=item_id)
        seen = visible_departments(actor)
        if seen is not None and item.department not in seen:
            raise PermissionDenied("supervision_item_not_supervised")
        return item

    # --- the procedure ----------------------------------------------------------------------------
    def _change(self, item_id, actor: Actor, check, apply):
        """Lock the item, check who may do what, apply the change and write its trail row, in one transaction."""
        now = self.clock.now()
        with self.db.transaction() as session:
            item = self._visible(session, item_id, actor, lock=True)
            check(item)
            rows = apply(session, item, now)
            trail.append_outside_step(session, rows)
            return item_view(item)

    def _require_supervisor(self, actor: Actor, item) -> None:
        if not may_supervise(actor, item.department):
            raise PermissionDenied("supervisor_only")

    @staticmethod
    def _require_status(item, *statuses: str, action: str) -> None:
        if item.status not in statuses:
            raise InvalidState("supervision_item_status", action=action, status=item.status)

    def send_notice(self, item_id, actor: Actor, text) -> dict:
        """督办通知 to the department: its heads are notified; the item is ``noticed``."""
        text = _text(text, "text", "the notice text")

        def check(item):
            self._require_supervisor(actor, item)
            self._require_status(item, OPEN, action="send a notice")

        def apply(session, item, now):
            heads = department_heads(session, item.department)
            if not heads:
                raise InvalidState("department_has_no_head", department=item.department)
            item.status, item.notice_text, item.notice_by, item.noticed_at = NOTICED, text, actor.id, now
            notified = notify(session, heads, "supervision_notice", item, f"督办通知（督办事项 #{item.id}）：{text}", now)
            return [item_event("supervision_noticed", item, now, actor=actor.id, from_state=OPEN, to_state=NOTICED,
                               detail={"notified": notified}, digest_of={"text": text})]

        return self._change(item_id, actor, check, apply)

    def respond(self, item_id, actor: Actor, text) -> dict:
        """The department's head answers the notice; the supervisor who sent it is notified."""
        text = _text(text, "text", "the response")

        def check(item):
            if not heads_department(actor, item.department):
                raise PermissionDenied("supervision_response_not_allowed")
            self._require_status(item, NOTICED, action="respond")

        def apply(session, item, now):
            item.status, item.response, item.responded_by, item.responded_at = RESPONDED, text, actor.id, now
            notify(session, [item.notice_by], "supervision_response", item,
                   f"{item.department} 已答复督办事项 #{item.id}：{text}", now)
            return [item_event("supervision_responded", item, now, actor=actor.id, from_state=NOTICED,
                               to_state=RESPONDED, detail={"notified": [item.notice_by]}, digest_of={"text": text})]

        return self._change(item_id, actor, check, apply)

    def record_finding(self, item_id, actor: Actor, text, conclusion) -> dict:
        """The supervisor's finding closes the item."""
        if conclusion not in CONCLUSIONS:
            raise InvalidInput("not_one_of", field="conclusion", allowed=list(CONCLUSIONS))
        text = _text(text, "text", "the finding")

        def check(item):
            self._require_supervisor(actor, item)
            self._require_status(item, RESPONDED, action="record a finding")

        def apply(session, item, now):
            item.finding = f"【{CONCLUSIONS[conclusion]}】{text}"
            item.finding_by, item.closed_at, item.status = actor.id, now, CLOSED
            item.light_next_at = None
            rows = [item_event("supervision_closed", item, now, actor=actor.id, from_state=RESPONDED,
                               to_state=CLOSED, detail={"conclusion": conclusion}, digest_of={"text": text})]
            if item.signal_id is not None:   # the investigation of a signal ends it
                session.execute(Signal.__table__.update().where(Signal.id == item.signal_id).values(status="closed"))
                rows.append(item_event("signal_closed", item, now, actor=actor.id, to_state="closed",
                                       detail={"signal": item.signal_id, "conclusion": conclusion}))
            return rows

        return self._change(item_id, actor, check, apply)

    def extend(self, item_id, actor: Actor, reason) -> dict:
        """Extend the investigation once, by 10 working days, with a reason."""
        reason = _text(reason, "reason", "a reason for the extension")

        def check(item):
            self._require_supervisor(actor, item)
            if item.status == CLOSED:
                raise InvalidState("supervision_item_closed")
            if item.extended_at is not None:
                raise InvalidState("supervision_already_extended")
            if item.due_at is None:
                raise InvalidState("supervision_no_limit")

        def apply(session, item, now):
            calendar = self.calendars.calendar()
            before, before_light = item.due_at, item.light
            item.due_at = calendar.add_working_days(item.due_at, EXTENSION_DAYS)
            item.extended_at, item.extension_reason = now, reason
            item.light, item.light_next_at = light_at(now, item.due_at, item.due_at, calendar)
            return [item_event("supervision_extended", item, now, actor=actor.id, from_state=before_light,
                               to_state=item.light, detail={"reason": reason, "from": before.isoformat(),
                                                            "to": item.due_at.isoformat(), "days": EXTENSION_DAYS})]

        return self._change(item_id, actor, check, apply)

    # --- the sweep --------------------------------------------------------------------------------
    def sweep(self, as_of=None) -> int:
        """Re-evaluate due item lights and escalate items past their due date; returns the lights changed."""
        return sweep_items(self.db, self.calendars, as_of or self.clock.now())
