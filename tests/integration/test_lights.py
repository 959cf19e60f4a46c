"""Lights that mean one thing everywhere (issue 16 §3), on SQLite and PostgreSQL.

Seed 002 §1 二是: "电子监察系统对审批事项办理进程进行“闪灯”预警告知,在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知,
法定限期内仍未办结的,系统亮红灯示警,在考核系统上直接扣分,并告知监察人员进行查处。"
Seed 002 (深府〔2007〕32号) Art. 10: "行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号。"
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity import OFFICIAL
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Notice, Signal, SupervisionItem, TaskRecord, User

from ..helpers import FIVE_STEP_ENTRY, FIXTURES, accepted_case, complete, open_task, publish_five_step


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def notices(engine, kind: str) -> list[tuple[str, int | None, str]]:
    with engine.db.reading() as session:
        return [
            (n.recipient, n.case_id, n.message)
            for n in session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
        ]


def items(engine, case_id: int) -> list[SupervisionItem]:
    with engine.db.reading() as session:
        return list(
            session.scalars(
                sa.select(SupervisionItem).where(SupervisionItem.case_id == case_id).order_by(SupervisionItem.id)
            )
        )


def trail(engine, case_id: int, event: str) -> list[dict]:
    return [e for e in engine.history.case_trail(case_id, ENGINE) if e["event"] == event]


def add_head(engine) -> None:
    with engine.db.transaction() as session:
        session.add(User(id="head", name="局长", department_id="T01", posts=["负责人"], roles=[OFFICIAL]))


# --- a case's light -----------------------------------------------------------------------------------------


def test_a_case_goes_normal_yellow_red_and_its_due_date_is_a_signal(five_step_engine, clock):
    """Accepted Monday 23 November: promised limit 7 December 17:30 (10 working days), statutory 21 December. Yellow
    from 3 working days before the promise; on 7 December it stays yellow and the department is told 今日到期 once;
    red once the statutory limit has passed."""
    engine = five_step_engine
    add_head(engine)
    case = accepted_case(engine)
    clock.set(at("2026-12-02T17:00"))
    engine.sweep()
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "none"
    assert notices(engine, "light_supervision") == []

    clock.set(at("2026-12-03T10:00"))
    engine.sweep()
    view = engine.cases.get_case(case["id"], ENGINE)
    assert view["light"] == "yellow" and view["clock"]["due_today"] is False
    # yellow tells the supervisors whose units cover the department, inviting the 督办通知 (no item opens by itself)
    assert [(r, c) for r, c, _m in notices(engine, "light_supervision")] == [("supervisor", case["id"])]
    assert "督办通知" in notices(engine, "light_supervision")[0][2]
    assert items(engine, case["id"]) == []

    clock.set(at("2026-12-07T08:00"))  # the due date: a signal, not a light
    engine.sweep()
    view = engine.cases.get_case(case["id"], ENGINE)
    assert view["light"] == "yellow" and view["clock"]["due_today"] is True
    assert [r for r, _c, _m in notices(engine, "due_today")] == ["head"]
    assert len(trail(engine, case["id"], "case_due_today")) == 1
    clock.set(at("2026-12-07T15:00"))
    engine.sweep()  # later the same day: no second notice
    assert len(notices(engine, "due_today")) == 1

    clock.set(at("2026-12-08T10:00"))
    engine.sweep()
    view = engine.cases.get_case(case["id"], ENGINE)
    assert view["light"] == "yellow" and view["clock"]["due_today"] is False

    clock.set(at("2026-12-22T09:00"))
    engine.sweep()
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "red"
    changes = [(e["from"], e["to"]) for e in trail(engine, case["id"], "light_changed") if e["task_id"] is None]
    assert changes == [("none", "yellow"), ("yellow", "red")]
    assert engine.history.verify().ok


def test_red_opens_a_supervision_item_by_itself_once(five_step_engine, clock):
    """002 §1 二是: "法定限期内仍未办结的,系统亮红灯示警……并告知监察人员进行查处" — red opens a 督办 item (kind overdue_case)
    and tells the supervisors; a later sweep opens no second one."""
    engine = five_step_engine
    case = accepted_case(engine)
    clock.set(at("2026-12-22T09:00"))
    engine.sweep()
    opened = items(engine, case["id"])
    assert [(i.kind, i.status, i.department) for i in opened] == [("overdue_case", "open", "测试局")]
    assert "超过法定时限" in opened[0].summary
    assert any(f"#{opened[0].id}" in m for r, _c, m in notices(engine, "light_supervision") if r == "supervisor")
    assert [e["detail"]["kind"] for e in trail(engine, case["id"], "supervision_opened")] == ["overdue_case"]
    clock.set(at("2026-12-23T09:00"))
    engine.sweep()
    assert len(items(engine, case["id"])) == 1
    assert engine.history.verify().ok


def test_a_paused_case_keeps_its_light_and_raises_nothing(five_step_engine, clock):
    engine = five_step_engine
    case = accepted_case(engine)
    engine.case_clock.pause(case["id"], "hearing", "组织听证", engine.identity.actor("clerk"))
    clock.set(at("2026-12-22T09:00"))
    engine.sweep()
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "none"
    assert items(engine, case["id"]) == [] and notices(engine, "light_supervision") == []


@pytest.mark.parametrize("promised", [0, 1, 2])
def test_a_case_yellow_at_acceptance_tells_the_supervisors_once(five_step_engine, clock, promised):
    """002 §1 二是: "在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知" — a promise of 2 working days or less is
    within 3 working days of its limit the moment the case is accepted: it is yellow then, and the supervisors of the
    department are told then (issue 16 §3: "Yellow on a case tells the department's supervisors"), not never; the
    sweeps after it tell nobody again."""
    engine = five_step_engine
    add_head(engine)
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "promised_limit_days": promised}, "admin")
    case = accepted_case(engine)
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "yellow"
    told = notices(engine, "light_supervision")
    assert [(r, c) for r, c, _m in told] == [("supervisor", case["id"])]
    assert "亮黄灯" in told[0][2] and "督办通知" in told[0][2]
    # the light's change is on the trail like one the sweep finds, and the department is warned as then
    changes = [(e["from"], e["to"]) for e in trail(engine, case["id"], "light_changed") if e["task_id"] is None]
    assert changes == [("none", "yellow")]
    assert [r for r, _c, _m in notices(engine, "warning_light")] == ["head"]
    # the one-click 督办通知 is open to the supervisor at once
    assert engine.supervision.notice_case(case["id"], engine.identity.actor("supervisor"))["kind"] == "light_notice"
    for moment in ("2026-11-23T18:00", "2026-11-24T09:30", "2026-11-25T09:30"):
        clock.set(at(moment))
        engine.sweep()
    assert len(notices(engine, "light_supervision")) == 1
    assert engine.history.verify().ok


def test_a_three_day_promise_turns_yellow_at_the_close_of_its_acceptance_day(five_step_engine, clock):
    """Three working days counted from the day after acceptance: the case is normal when accepted on Monday morning
    (its limit is Thursday 17:30, three full working days after Monday's close) and yellow from Tuesday's opening,
    when the sweep tells the supervisors, once."""
    engine = five_step_engine
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "promised_limit_days": 3}, "admin")
    case = accepted_case(engine)
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "none"
    assert notices(engine, "light_supervision") == []
    clock.set(at("2026-11-23T17:31"))
    engine.sweep()
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "none"
    clock.set(at("2026-11-24T09:01"))
    engine.sweep()
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "yellow"
    clock.set(at("2026-11-24T10:00"))
    engine.sweep()
    assert [(r, c) for r, c, _m in notices(engine, "light_supervision")] == [("supervisor", case["id"])]


def test_an_immediate_case_accepted_on_its_due_date_gets_the_due_today_notice(five_step_engine, clock):
    """Art. 10: "行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号" — an 即办件 (promise of 0 working days) is
    due the day it is accepted: the 今日到期 notice goes out at acceptance, once."""
    engine = five_step_engine
    add_head(engine)
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "promised_limit_days": 0, "handling": "即办件"}, "admin")
    case = accepted_case(engine)
    assert engine.cases.get_case(case["id"], ENGINE)["clock"]["due_today"] is True
    assert [(r, c) for r, c, _m in notices(engine, "due_today")] == [("head", case["id"])]
    clock.set(at("2026-11-23T15:00"))
    engine.sweep()
    assert len(notices(engine, "due_today")) == 1
    assert len(trail(engine, case["id"], "case_due_today")) == 1


def test_a_case_resumed_on_its_due_date_gets_the_due_today_notice_once(five_step_engine, clock):
    """Art. 10: "行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号". Paused on Friday 4 December after office
    hours and resumed on Monday 7 December, its due date (the pause took no working time, so the limit stays 7
    December 17:30): the sweep's look at the day's start fell in the pause, so the notice goes out at the resumption;
    a second pause and resumption that day (over the lunch break), and the sweeps, send no second one."""
    engine = five_step_engine
    add_head(engine)
    clerk = engine.identity.actor("clerk")
    case = accepted_case(engine)
    clock.set(at("2026-12-04T18:00"))
    engine.sweep()
    engine.case_clock.pause(case["id"], "hearing", "组织听证", clerk)
    clock.set(at("2026-12-07T08:30"))
    engine.sweep()  # paused: no look, no notice
    assert notices(engine, "due_today") == []

    clock.set(at("2026-12-07T09:00"))
    view = engine.case_clock.resume(case["id"], clerk)
    assert view["due_today"] is True and view["promised_due_at"].startswith("2026-12-07T09:30")  # 17:30 Shanghai
    assert [(r, c) for r, c, _m in notices(engine, "due_today")] == [("head", case["id"])]
    rows = trail(engine, case["id"], "case_due_today")
    assert len(rows) == 1 and rows[0]["detail"]["notified"] == ["head"]

    clock.set(at("2026-12-07T12:05"))  # over the lunch break: the limit stays this afternoon
    engine.case_clock.pause(case["id"], "hearing", "补充听证", clerk)
    clock.set(at("2026-12-07T13:20"))
    assert engine.case_clock.resume(case["id"], clerk)["due_today"] is True
    for moment in ("2026-12-07T11:00", "2026-12-07T17:00"):
        clock.set(at(moment))
        engine.sweep()
    assert len(notices(engine, "due_today")) == 1
    assert len(trail(engine, case["id"], "case_due_today")) == 1
    assert engine.history.verify().ok


def test_a_case_resumed_before_its_due_date_is_told_on_the_morning_of_it(five_step_engine, clock):
    """Resumed the working day before: no notice then, and the sweep sends it on the due date as usual."""
    engine = five_step_engine
    add_head(engine)
    clerk = engine.identity.actor("clerk")
    case = accepted_case(engine)
    clock.set(at("2026-12-03T18:00"))
    engine.case_clock.pause(case["id"], "hearing", "组织听证", clerk)
    clock.set(at("2026-12-04T08:00"))
    engine.case_clock.resume(case["id"], clerk)
    assert notices(engine, "due_today") == []
    clock.set(at("2026-12-07T08:00"))
    engine.sweep()
    assert [r for r, _c, _m in notices(engine, "due_today")] == ["head"]


# --- a step's light follows its own timers ------------------------------------------------------------------------


@pytest.fixture
def short_step_engine(bare_engine):
    """The five-step flow whose 承办 step has a warning timer after 4 office hours and a limit of 2 working days:
    a limit nearer than 3 working days from the step's start."""
    content = (FIXTURES / "five_step_timed.bpmn").read_bytes()
    content = content.replace(b"working_days(2)", b"working_hours(4)").replace(b"working_days(5)", b"working_days(2)")
    return publish_five_step(bare_engine, content)


def step_row(engine, case_id: int) -> TaskRecord:
    with engine.db.reading() as session:
        return session.scalars(
            sa.select(TaskRecord).where(TaskRecord.case_id == case_id, TaskRecord.state == "open")
        ).one()


def test_a_new_step_is_not_yellow_and_its_timers_light_it(short_step_engine, clock):
    """Its limit is 2 working days away, within the 3 days that light a case yellow: the step still opens normal,
    turns yellow when its warning timer fires and red when its limit timer fires — in the step that fires each."""
    engine = short_step_engine
    case = accepted_case(engine)
    task = open_task(engine, case["id"])
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    row = step_row(engine, case["id"])
    assert row.light == "none" and row.light_next_at is None
    assert trail(engine, case["id"], "light_changed") == []

    clock.set(at("2026-11-23T16:00"))  # 4 office hours later: the warning timer fires
    engine.sweep()
    assert step_row(engine, case["id"]).light == "yellow"
    assert engine.tasks.list_tasks(ENGINE, case=case["id"])[0]["light"] == "yellow"
    step_changes = [(e["element"], e["from"], e["to"]) for e in trail(engine, case["id"], "light_changed")]
    assert step_changes == [("Task_Handle", "none", "yellow")]
    assert [r for r, _c, m in notices(engine, "warning_light") if "承办" in m or "待办" in m] == ["clerk"]
    assert engine.cases.get_case(case["id"], ENGINE)["light"] == "none"  # the case has its own limit

    clock.set(at("2026-11-26T09:00"))  # past the 2 working days: the limit timer fires, the step is escalated
    engine.sweep()
    assert step_row(engine, case["id"]).light == "red"
    assert [e["to"] for e in trail(engine, case["id"], "light_changed") if e["task_id"]] == ["yellow", "red"]
    assert len(trail(engine, case["id"], "task_escalated")) == 1
    # the inbox row shows the worse of the step's and the case's lights
    rows = engine.inbox.tasks(engine.identity.actor("clerk"))["items"]
    assert [(r["light"], r["due_today"]) for r in rows] == [("red", False)]
    assert engine.history.verify().ok


# --- the one-click 督办通知 --------------------------------------------------------------------------------------


def test_a_supervisor_sends_the_notice_on_a_yellow_case_in_one_click(five_step_engine, clock):
    """002 §1 二是: "在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知"."""
    engine = five_step_engine
    add_head(engine)
    case = accepted_case(engine)
    supervisor = engine.identity.actor("supervisor")
    with pytest.raises(InvalidState, match="no warning light"):
        engine.supervision.notice_case(case["id"], supervisor)
    clock.set(at("2026-12-03T10:00"))
    engine.sweep()
    item = engine.supervision.notice_case(case["id"], supervisor)
    assert item["kind"] == "light_notice" and item["status"] == "noticed" and item["notice_by"] == "supervisor"
    assert case["number"] in item["notice_text"] and "黄灯" in item["notice_text"]
    assert [r for r, _c, _m in notices(engine, "supervision_notice")] == ["head"]
    events = [e["event"] for e in engine.history.case_trail(case["id"], ENGINE)]
    assert events[-2:] == ["supervision_opened", "supervision_noticed"]
    with pytest.raises(InvalidState, match="already"):
        engine.supervision.notice_case(case["id"], supervisor)
    # the department's head answers it like any 督办 item
    engine.supervision.respond(item["id"], engine.identity.actor("head"), "已加快办理")
    assert engine.history.verify().ok


def test_only_a_supervisor_of_the_units_sends_it(five_step_engine, clock):
    engine = five_step_engine
    add_head(engine)
    case = accepted_case(engine)
    clock.set(at("2026-12-03T10:00"))
    engine.sweep()
    with pytest.raises(NotFound):
        engine.supervision.notice_case(case["id"], engine.identity.actor("far_supervisor"))
    with pytest.raises(NotFound):
        engine.supervision.notice_case(case["id"], engine.identity.actor("outsider"))
    with pytest.raises(PermissionDenied):
        engine.supervision.notice_case(case["id"], engine.identity.actor("clerk"))
    with pytest.raises(NotFound):
        engine.supervision.notice_case(999999, engine.identity.actor("supervisor"))
    assert items(engine, case["id"]) == []


# --- signals by hand ------------------------------------------------------------------------------------------


def test_a_supervisor_raises_a_signal_by_hand(five_step_engine, clock):
    engine = five_step_engine
    case = accepted_case(engine)
    supervisor = engine.identity.actor("supervisor")
    yellow = engine.violations.manual.raise_signal(supervisor, case["id"], "11", "窗口未按规定公示收费标准")
    assert (yellow["rule"], yellow["article"], yellow["color"], yellow["status"]) == ("manual", "11", "yellow", "open")
    assert yellow["correct_by"] is not None and "窗口未按规定公示收费标准" in yellow["summary"]
    assert yellow["label"] == "监察人员发出"
    red = engine.violations.manual.raise_signal(supervisor, case["id"], "12", "擅自增加审批条件")
    assert (red["color"], red["correct_by"]) == ("red", None)
    raised = trail(engine, case["id"], "signal_raised")
    assert [(e["actor"], e["to"], e["detail"]["article"]) for e in raised] == [
        ("supervisor", "yellow", "11"),
        ("supervisor", "red", "12"),
    ]
    assert [i.kind for i in items(engine, case["id"])] == ["signal", "signal"]  # each opens its 督办 item
    listed = engine.violations.signals.list_signals(supervisor, case_id=case["id"])
    assert {s["id"] for s in listed} == {yellow["id"], red["id"]}
    # a yellow one turns red when not corrected within 1 working day, like a rule's
    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert engine.violations.signals.get(yellow["id"], supervisor)["color"] == "red"
    assert engine.history.verify().ok


def test_a_signal_by_hand_is_refused_outside_the_supervisors_units(five_step_engine):
    engine = five_step_engine
    case = accepted_case(engine)
    for user, error in (("far_supervisor", NotFound), ("outsider", NotFound), ("clerk", PermissionDenied)):
        with pytest.raises(error):
            engine.violations.manual.raise_signal(engine.identity.actor(user), case["id"], "11", "理由")
    supervisor = engine.identity.actor("supervisor")
    with pytest.raises(InvalidInput):
        engine.violations.manual.raise_signal(supervisor, case["id"], "13", "理由")
    with pytest.raises(InvalidInput):
        engine.violations.manual.raise_signal(supervisor, case["id"], "11", "  ")
    with pytest.raises(NotFound):
        engine.violations.manual.raise_signal(supervisor, 999999, "11", "理由")
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 0


def test_the_catalogue_step_of_the_five_step_flow_is_completed_normally(five_step_engine):
    """A step without timers has no light at all, whatever its case's."""
    engine = five_step_engine
    case = accepted_case(engine)
    assert step_row(engine, case["id"]).light == "none"
    complete(engine, case["id"], {})
    assert step_row(engine, case["id"]).light == "none"
