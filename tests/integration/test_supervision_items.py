"""Supervision items (督办): notice, response, finding; scoping; one extension; lights and escalation."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import ENGINE, MONITOR, OFFICIAL
from engine.kernel.clock import SHANGHAI
from engine.models import Notice, SupervisionItem, TrailEntry, User
from engine.supervision.items import open_item
from engine.trail import chain as trail


@pytest.fixture
def engine(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(User(id="head", name="科长", department_id="T01", posts=["承办人", "负责人"], roles=[OFFICIAL]))
        session.add(User(id="bureau_head", name="监察局长", department_id="TJC", posts=["负责人"], roles=[OFFICIAL]))
        session.add(User(id="monitor", name="监管员", department_id="TJC", posts=[], roles=[MONITOR]))
    return five_step_engine


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def open_for(engine, case_id=None, department="测试局", kind="overdue_step", summary="环节超期"):
    with engine.db.transaction() as session:
        return open_item(
            session,
            engine.calendars.calendar(),
            engine.clock.now(),
            kind=kind,
            department=department,
            summary=summary,
            case_id=case_id,
        )


def start_case(engine):
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, actor(engine, "citizen"))


def notices(engine, kind):
    with engine.db.reading() as session:
        return sorted(n.recipient for n in session.scalars(sa.select(Notice).where(Notice.kind == kind)))


def item_rows(engine, item_id):
    with engine.db.reading() as session:
        return [
            (r.event, r.case_id, r.chain)
            for r in session.scalars(
                sa.select(TrailEntry)
                .where(TrailEntry.element_id == f"supervision_item:{item_id}")
                .order_by(TrailEntry.seq)
            )
        ]


def test_full_procedure_notice_response_finding_on_the_case_chain(engine):
    case = start_case(engine)
    item_id = open_for(engine, case["id"])
    supervisor, head = actor(engine, "supervisor"), actor(engine, "head")
    opened = engine.supervision.get(item_id, supervisor)
    assert opened["status"] == "open" and opened["may"] == {
        "notice": True,
        "respond": False,
        "finding": False,
        "extend": True,
    }
    noticed = engine.supervision.send_notice(item_id, supervisor, "  请说明超期原因并立即整改  ")
    assert noticed["status"] == "noticed" and noticed["notice_text"] == "请说明超期原因并立即整改"
    assert noticed["notice_by"] == "supervisor" and noticed["noticed_at"]
    assert notices(engine, "supervision_notice") == ["head"]
    assert engine.supervision.for_department_head(head)["items"][0]["id"] == item_id
    assert engine.supervision.get(item_id, head)["may"]["respond"] is True

    responded = engine.supervision.respond(item_id, head, "已查明原因，已整改")
    assert responded["status"] == "responded" and responded["responded_by"] == "head"
    assert notices(engine, "supervision_response") == ["supervisor"]

    closed = engine.supervision.record_finding(item_id, supervisor, "超期属实，已督促整改", "substantiated")
    assert closed["status"] == "closed" and closed["closed_at"] and closed["finding_by"] == "supervisor"
    assert closed["finding"] == "超期属实，已督促整改" and closed["conclusion"] == "substantiated"
    assert engine.supervision.for_department_head(head)["items"] == []

    assert item_rows(engine, item_id) == [
        (e, case["id"], case["id"]) for e in ("supervision_noticed", "supervision_responded", "supervision_closed")
    ]
    detail = engine.supervision.get(item_id, supervisor)
    assert [r["event"] for r in detail["timeline"]] == [
        "supervision_noticed",
        "supervision_responded",
        "supervision_closed",
    ]
    assert detail["timeline"][-1]["detail"] == {"conclusion": "substantiated"}
    assert detail["case"]["number"] == case["number"] and detail["case"]["visible"]
    with engine.db.reading() as session:
        assert trail.verify(session).ok


def test_each_step_needs_its_text_and_its_turn(engine):
    item_id = open_for(engine)
    supervisor, head = actor(engine, "supervisor"), actor(engine, "head")
    with pytest.raises(InvalidInput) as refused:
        engine.supervision.send_notice(item_id, supervisor, "   ")
    assert refused.value.details["field"] == "text"
    with pytest.raises(InvalidState):
        engine.supervision.respond(item_id, head, "答复")  # nothing to answer yet
    with pytest.raises(InvalidState):
        engine.supervision.record_finding(item_id, supervisor, "结论", "unsubstantiated")
    engine.supervision.send_notice(item_id, supervisor, "督办")
    with pytest.raises(InvalidState):
        engine.supervision.send_notice(item_id, supervisor, "再次督办")
    with pytest.raises(InvalidInput):
        engine.supervision.respond(item_id, head, "")
    engine.supervision.respond(item_id, head, "答复")
    with pytest.raises(InvalidInput) as refused:
        engine.supervision.record_finding(item_id, supervisor, "结论", "maybe")
    assert refused.value.details["field"] == "conclusion"
    with pytest.raises(InvalidInput):
        engine.supervision.record_finding(item_id, supervisor, " ", "unsubstantiated")
    assert engine.supervision.get(item_id, supervisor)["status"] == "responded"
    with pytest.raises(NotFound):
        engine.supervision.get(99999, supervisor)


def test_items_are_scoped_to_the_supervisors_units_and_the_departments_head(engine):
    ours, theirs = open_for(engine), open_for(engine, department="其他局")
    far = open_for(engine, department="外县人民政府")
    supervisor, far_supervisor = actor(engine, "supervisor"), actor(engine, "far_supervisor")
    assert {i["id"] for i in engine.supervision.list(supervisor)} == {ours, theirs}
    assert [i["id"] for i in engine.supervision.list(far_supervisor)] == [far]
    assert {i["id"] for i in engine.supervision.list(actor(engine, "admin"))} == {ours, theirs, far}
    assert [i["id"] for i in engine.supervision.list(actor(engine, "head"))] == [ours]
    assert engine.supervision.list(actor(engine, "clerk")) == []  # not the department's head
    assert [i["id"] for i in engine.supervision.list(supervisor, department="其他局")] == [theirs]
    assert engine.supervision.list(supervisor, status="closed") == []
    assert len(engine.supervision.list(supervisor, kind="overdue_step", light="none")) == 2
    with pytest.raises(InvalidInput):
        engine.supervision.list(supervisor, light="purple")

    for user_id in ("far_supervisor", "outsider", "clerk"):
        with pytest.raises(PermissionDenied):
            engine.supervision.get(ours, actor(engine, user_id))
    with pytest.raises(PermissionDenied):
        engine.supervision.send_notice(ours, far_supervisor, "督办")
    with pytest.raises(PermissionDenied):
        engine.supervision.send_notice(ours, actor(engine, "head"), "自己督办自己")
    with pytest.raises(PermissionDenied):
        engine.supervision.send_notice(ours, actor(engine, "admin"), "管理员不是监察员")
    engine.supervision.send_notice(ours, actor(engine, "monitor"), "系统监管员督办")
    with pytest.raises(PermissionDenied):
        engine.supervision.respond(ours, actor(engine, "supervisor"), "监察员不能代部门答复")
    with pytest.raises(PermissionDenied):
        engine.supervision.respond(ours, actor(engine, "clerk"), "不是负责人")
    assert engine.supervision.get(ours, actor(engine, "supervisor"))["status"] == "noticed"


def test_the_investigation_is_extended_once_with_a_reason(engine):
    item_id = open_for(engine)
    supervisor = actor(engine, "supervisor")
    due = dt.datetime.fromisoformat(engine.supervision.get(item_id, supervisor)["due_at"])
    calendar = engine.calendars.calendar()
    assert due == calendar.add_working_days(engine.clock.now(), 15)
    with pytest.raises(InvalidInput) as refused:
        engine.supervision.extend(item_id, supervisor, "")
    assert refused.value.details["field"] == "reason"
    with pytest.raises(PermissionDenied):
        engine.supervision.extend(item_id, actor(engine, "head"), "部门不能自己延期")
    extended = engine.supervision.extend(item_id, supervisor, "需调取外部门材料")
    assert dt.datetime.fromisoformat(extended["due_at"]) == calendar.add_working_days(due, 10)
    assert extended["extension_reason"] == "需调取外部门材料" and not extended["extendable"]
    with pytest.raises(InvalidState, match="already been extended once"):
        engine.supervision.extend(item_id, supervisor, "再延一次")
    rows = [r for r in engine.supervision.get(item_id, supervisor)["timeline"] if r["event"] == "supervision_extended"]
    assert len(rows) == 1 and rows[0]["detail"]["reason"] == "需调取外部门材料"
    assert item_rows(engine, item_id) == [("supervision_extended", None, 0)]  # no case: the system chain


def at(day, hour=9, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def test_lights_change_and_overdue_items_escalate_in_the_sweep(engine, clock):
    item_id = open_for(engine)
    closed_id = open_for(engine, department="其他局")
    supervisor = actor(engine, "supervisor")
    with pytest.raises(InvalidState, match="no head"):
        engine.supervision.send_notice(closed_id, supervisor, "督办")
    with engine.db.transaction() as session:
        session.add(User(id="other_head", name="其他局长", department_id="T02", posts=["负责人"], roles=[OFFICIAL]))
    engine.supervision.send_notice(closed_id, supervisor, "督办")
    due = dt.datetime.fromisoformat(engine.supervision.get(item_id, supervisor)["due_at"]).astimezone(SHANGHAI)
    assert due.date() == dt.date(2026, 12, 14)  # 15 working days after Monday 23 November

    clock.set(at(10, 9))  # 3 working days or fewer before the due date
    assert engine.sweep()["supervision_items"] == 2
    assert engine.supervision.get(item_id, supervisor)["light"] == "yellow"
    clock.set(at(14, 10))  # the due date itself: it stays yellow (there is no green light any more: normal → yellow
    engine.sweep()  # → red everywhere, issue 16 §3; this test once expected "green" here)
    assert engine.supervision.get(item_id, supervisor)["light"] == "yellow"
    engine.supervision.respond(closed_id, actor(engine, "other_head"), "已整改")
    engine.supervision.record_finding(closed_id, supervisor, "不属实", "unsubstantiated")

    clock.set(at(14, 17, 31))  # past the limit, unclosed
    assert engine.sweep()["supervision_items"] == 1  # the closed item is no longer watched
    item = engine.supervision.get(item_id, supervisor)
    assert item["light"] == "red" and item["escalation_level"] == 1
    assert notices(engine, "supervision_escalation") == ["bureau_head", "monitor", "supervisor"]
    assert engine.supervision.list(supervisor, light="red")[0]["id"] == item_id
    clock.advance(days=2)
    assert engine.sweep()["supervision_items"] == 0  # escalated once per passed limit
    assert engine.supervision.get(item_id, supervisor)["escalation_level"] == 1

    extended = engine.supervision.extend(item_id, supervisor, "情况复杂")
    assert extended["light"] != "red"
    clock.set(dt.datetime.fromisoformat(extended["due_at"]) + dt.timedelta(minutes=1))
    engine.sweep()
    item = engine.supervision.get(item_id, supervisor)
    assert item["light"] == "red" and item["escalation_level"] == 2
    events = [r["event"] for r in item["timeline"]]
    assert events.count("supervision_escalated") == 2 and "light_changed" in events
    with engine.db.reading() as session:
        assert session.get(SupervisionItem, closed_id).light_next_at is None
        assert trail.verify(session).ok


def test_overdue_step_escalation_opens_an_item_the_supervisor_can_work(engine, clock):
    """The item an overdue step opens (engine/runtime/escalation.py) goes through the same procedure."""
    case = start_case(engine)
    item_id = open_for(engine, case["id"], summary="受理超期")
    engine.cases.terminate(case["id"], ENGINE, "测试结束")
    detail = engine.supervision.get(item_id, actor(engine, "supervisor"))
    assert detail["case"]["status"] == "ended" and detail["kind"] == "overdue_step"


def test_the_finding_on_a_signal_closes_the_signal(engine):
    case = start_case(engine)
    engine.violations.fees.record(case["id"], "工本费", 10, ENGINE)  # TEST-0001 lists no fees: a red signal
    supervisor, head = actor(engine, "supervisor"), actor(engine, "head")
    with engine.db.reading() as session:
        item_id = session.scalar(sa.select(SupervisionItem.id).where(SupervisionItem.signal_id.is_not(None)))
    engine.supervision.send_notice(item_id, supervisor, "请说明收费依据")
    engine.supervision.respond(item_id, head, "已退还多收费用")
    engine.supervision.record_finding(item_id, supervisor, "违规收费属实，已退费", "substantiated")
    (signal,) = engine.violations.signals.list_signals(supervisor, case_id=case["id"])
    assert signal["status"] == "closed"
    assert [r for r, _c, _ch in item_rows(engine, item_id)][-2:] == ["supervision_closed", "signal_closed"]
