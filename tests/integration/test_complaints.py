"""The complaint procedure (投诉处理): limits, first feedback, acceptance, forwarding, result, closure, lights."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import ENGINE, HEAD_POST, OFFICIAL
from engine.models import Complaint, Notice, SupervisionItem, TrailEntry, User

from ..helpers import START, citizen, ended_case


@pytest.fixture
def engine(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(User(id="head", name="测试局长", department_id="T01", posts=[HEAD_POST], roles=[OFFICIAL]))
        session.add(User(id="other_head", name="其他局长", department_id="T02", posts=[HEAD_POST], roles=[OFFICIAL]))
    return five_step_engine


def who(engine, user_id):
    return engine.identity.actor(user_id)


def file(engine, anonymous=False, **kwargs):
    kwargs.setdefault("department", "测试局")
    return engine.feedback.complain(
        None if anonymous else citizen(engine), "窗口态度差", "工作人员不耐烦", anonymous=anonymous, **kwargs
    )


def complaint_id(engine, number) -> int:
    with engine.db.reading() as session:
        return session.scalar(sa.select(Complaint.id).where(Complaint.number == number))


def notices(engine, recipient, kind=None):
    with engine.db.reading() as session:
        query = sa.select(Notice).where(Notice.recipient == recipient)
        if kind:
            query = query.where(Notice.kind == kind)
        return session.scalars(query.order_by(Notice.id)).all()


def system_events(engine, number):
    with engine.db.reading() as session:
        return [
            e
            for (e,) in session.execute(
                sa.select(TrailEntry.event)
                .where(TrailEntry.element_id == number, TrailEntry.case_id.is_(None))
                .order_by(TrailEntry.seq)
            )
        ]


def test_filing_sets_acceptance_in_working_days_and_feedback_in_24_hours(engine, clock):
    clock.set(dt.datetime(2026, 11, 27, 16, 0, tzinfo=START.tzinfo))  # a Friday afternoon
    filed = file(engine)
    view = engine.complaints.get(complaint_id(engine, filed["number"]), who(engine, "supervisor"))
    calendar = engine.calendars.calendar()
    assert dt.datetime.fromisoformat(view["feedback_due_at"]) == clock.now() + dt.timedelta(hours=24)  # Saturday
    accept_due = dt.datetime.fromisoformat(view["accept_due_at"])
    assert accept_due == calendar.add_working_days(clock.now(), 5)
    assert accept_due.astimezone(START.tzinfo).date() == dt.date(2026, 12, 4)  # the weekend does not count
    assert set(view["open_limits"]) == {"feedback", "acceptance"}
    assert view["light"] == "yellow"  # the nearer limit (24 hours) is less than 3 working days away


def test_real_name_procedure_end_to_end(engine, clock):
    case = ended_case(engine)
    filed = engine.feedback.complain(
        citizen(engine),
        "超期未办",
        "承诺五日，实际十日",
        anonymous=False,
        case_id=case["id"],
        contact_phone="13800000000",
    )
    cid = complaint_id(engine, filed["number"])
    supervisor, head = who(engine, "supervisor"), who(engine, "head")

    clock.advance(hours=2)
    with pytest.raises(PermissionDenied):  # within its 24 hours the first feedback is the department's
        engine.complaints.give_feedback(cid, supervisor, "已收到")
    view = engine.complaints.give_feedback(cid, head, "已收到，正在核实")
    assert view["status"] == "submitted" and view["first_feedback_at"] == clock.now().isoformat()
    assert view["first_feedback_by"] is None  # the department does not learn who is named: the view hides it
    assert set(view["open_limits"]) == {"acceptance"}
    with pytest.raises(InvalidState):
        engine.complaints.give_feedback(cid, supervisor, "再次反馈")

    view = engine.complaints.decide(cid, supervisor, accept=True)
    assert view["status"] == "accepted" and view["decision"] == "accepted" and view["open_limits"] == {}
    assert view["first_feedback"] == "已收到，正在核实"
    with pytest.raises(InvalidState):
        engine.complaints.decide(cid, supervisor, accept=False, reason="重复")

    view = engine.complaints.forward(cid, supervisor, "测试局", note="请核查", days=3)
    calendar = engine.calendars.calendar()
    assert view["status"] == "forwarded" and view["forwarded_to"] == "测试局"
    assert dt.datetime.fromisoformat(view["result_due_at"]) == calendar.add_working_days(clock.now(), 3)
    with engine.db.reading() as session:
        item = session.scalar(sa.select(SupervisionItem).where(SupervisionItem.complaint_id == cid))
    assert item.kind == "complaint" and item.department == "测试局" and item.case_id == case["id"]
    assert [n.kind for n in notices(engine, "head")] == ["complaint_forwarded"]

    with pytest.raises(PermissionDenied):
        engine.complaints.report_result(cid, who(engine, "clerk"), "处理完毕", True)
    with pytest.raises(PermissionDenied):
        engine.complaints.report_result(cid, who(engine, "other_head"), "处理完毕", True)
    with pytest.raises(InvalidInput):
        engine.complaints.report_result(cid, head, "处理完毕", "yes")
    for seen_by_head in (engine.complaints.list(head)[0], engine.complaints.get(cid, head)):
        assert seen_by_head["number"] == filed["number"] and seen_by_head["complainant"] is None
        assert seen_by_head["contact_phone"] is None and seen_by_head["complainant_name"] is None
    assert engine.complaints.get(cid, supervisor)["contact_phone"] == "13800000000"
    assert engine.complaints.list(who(engine, "other_head")) == []

    view = engine.complaints.report_result(cid, head, "已批评教育承办人，办件已办结", True)
    assert view["status"] == "answered" and view["result_by"] == "head" and view["upheld"] is True
    public = engine.feedback.complaint_by_number(filed["number"])
    assert public["result"] is None  # the result goes out once the supervisor closes the complaint

    view = engine.complaints.close(cid, supervisor, "同意办结")
    assert view["status"] == "closed"
    (item,) = [i for i in engine.supervision.list(supervisor) if i["kind"] == "complaint"]
    assert item["status"] == "closed" and item["conclusion"] == "substantiated"  # the complaint's item ends with it
    assert item["response"] == "已批评教育承办人，办件已办结"
    mine = engine.feedback.my_complaints(citizen(engine))[0]
    assert (
        mine["decision"] == "accepted" and mine["result"] == "已批评教育承办人，办件已办结" and mine["upheld"] is True
    )
    assert "contact_phone" not in mine and "complainant" not in mine and "result_by" not in mine
    results = notices(engine, "citizen", "complaint_result")
    assert len(results) == 2 and "已受理" in results[0].message and "已批评教育承办人" in results[1].message

    events = [r["event"] for r in engine.history.case_trail(case["id"], ENGINE) if r["event"].startswith("complaint")]
    assert events == [
        "complaint_filed",
        "complaint_feedback",
        "complaint_accepted",
        "complaint_forwarded",
        "complaint_answered",
        "complaint_closed",
    ]
    assert engine.history.verify().ok


def test_rejection_needs_a_reason_closes_and_counts_as_first_feedback(engine):
    filed = file(engine)
    cid = complaint_id(engine, filed["number"])
    supervisor = who(engine, "supervisor")
    with pytest.raises(InvalidInput):
        engine.complaints.decide(cid, supervisor, accept=False, reason="  ")
    view = engine.complaints.decide(cid, supervisor, accept=False, reason="不属于投诉受理范围")
    assert view["status"] == "rejected" and view["decision"] == "rejected" and view["light"] == "none"
    assert view["first_feedback"] == "不属于投诉受理范围" and view["open_limits"] == {}
    for operation in (
        lambda: engine.complaints.forward(cid, supervisor, "测试局"),
        lambda: engine.complaints.give_feedback(cid, supervisor, "x"),
        lambda: engine.complaints.close(cid, supervisor),
    ):
        with pytest.raises(InvalidState):
            operation()
    assert "不予受理" in notices(engine, "citizen", "complaint_result")[0].message
    assert system_events(engine, filed["number"]) == ["complaint_filed", "complaint_rejected"]
    assert engine.history.verify().ok


def test_anonymous_complainant_reads_the_outcome_only_by_number(engine):
    filed = file(engine, anonymous=True, contact_phone="13800000000")
    cid = complaint_id(engine, filed["number"])
    supervisor = who(engine, "supervisor")
    engine.complaints.decide(cid, supervisor, accept=True)
    engine.complaints.forward(cid, supervisor, "测试局")
    engine.complaints.report_result(cid, who(engine, "head"), "已整改", False)
    engine.complaints.close(cid, supervisor)
    public = engine.feedback.complaint_by_number(filed["number"])
    assert public["status"] == "closed" and public["result"] == "已整改" and public["upheld"] is False
    assert not {"complainant", "contact_phone", "decided_by", "result_by", "id"} & set(public)
    staff = engine.complaints.get(cid, supervisor)
    assert staff["complainant"] is None and staff["contact_phone"] is None
    assert notices(engine, "citizen") == [] and engine.feedback.my_complaints(citizen(engine)) == []


def test_supervisors_act_only_within_their_units(engine):
    filed = file(engine)
    cid = complaint_id(engine, filed["number"])
    far, clerk = who(engine, "far_supervisor"), who(engine, "clerk")
    for actor in (far, clerk, citizen(engine)):
        with pytest.raises(PermissionDenied):
            engine.complaints.give_feedback(cid, actor, "收到")
        with pytest.raises(PermissionDenied):
            engine.complaints.get(cid, actor)
    assert engine.complaints.list(far) == []
    with pytest.raises(PermissionDenied):
        engine.complaints.list(clerk)
    assert [c["number"] for c in engine.complaints.list(who(engine, "supervisor"))] == [filed["number"]]
    assert engine.complaints.list(who(engine, "supervisor"), status="closed") == []
    with pytest.raises(InvalidInput):
        engine.complaints.list(who(engine, "supervisor"), status="bogus")

    # a complaint naming no department is open to any supervisor until forwarded; forwarding stays in scope
    loose = complaint_id(engine, file(engine, department=None)["number"])
    engine.complaints.decide(loose, far, accept=True)
    with pytest.raises(PermissionDenied):
        engine.complaints.forward(loose, far, "测试局")
    with pytest.raises(InvalidInput):
        engine.complaints.forward(loose, who(engine, "supervisor"), "不存在局")
    with pytest.raises(InvalidInput):
        engine.complaints.forward(loose, who(engine, "supervisor"), "测试局", days=0)
    engine.complaints.forward(loose, who(engine, "supervisor"), "测试局")
    assert engine.complaints.list(far) == []
    with pytest.raises(NotFound):
        engine.complaints.get(99999, who(engine, "supervisor"))


def test_result_limit_defaults_to_the_configured_working_days(engine, clock):
    cid = complaint_id(engine, file(engine)["number"])
    supervisor = who(engine, "supervisor")
    engine.complaints.decide(cid, supervisor, accept=True)
    view = engine.complaints.forward(cid, supervisor, "测试局")
    due = engine.calendars.calendar().add_working_days(clock.now(), engine.settings.complaint_result_days)
    assert engine.settings.complaint_result_days == 10 and dt.datetime.fromisoformat(view["result_due_at"]) == due


def test_sweep_turns_lights_red_and_tells_the_supervisors_once(engine, clock):
    filed = file(engine)
    cid = complaint_id(engine, filed["number"])
    assert engine.sweep()["complaints"] == 0
    clock.advance(hours=25)  # the 24-hour first feedback is overdue
    result = engine.sweep()
    assert result["complaints"] == 1
    view = engine.complaints.get(cid, who(engine, "supervisor"))
    assert view["light"] == "red"
    overdue = notices(engine, "supervisor", "complaint_overdue")
    assert len(overdue) == 1 and "首次反馈" in overdue[0].message
    assert notices(engine, "far_supervisor") == []
    assert engine.sweep()["complaints"] == 0 and len(notices(engine, "supervisor", "complaint_overdue")) == 1
    assert system_events(engine, filed["number"])[-2:] == ["complaint_light_changed", "complaint_feedback_overdue"]

    # the supervisor answers in the department's place: the light follows the acceptance limit (5 working days) again
    view = engine.complaints.give_feedback(cid, who(engine, "supervisor"), "收到")
    assert view["light"] != "red" and set(view["open_limits"]) == {"acceptance"} and view["feedback_on_behalf"]
    clock.set(dt.datetime.fromisoformat(view["accept_due_at"]) + dt.timedelta(minutes=1))
    engine.sweep()
    assert engine.complaints.get(cid, who(engine, "supervisor"))["light"] == "red"
    assert "受理决定" in notices(engine, "supervisor", "complaint_overdue")[-1].message
    assert engine.history.verify().ok


def test_the_result_limit_drives_the_light_once_forwarded(engine, clock):
    cid = complaint_id(engine, file(engine)["number"])
    supervisor = who(engine, "supervisor")
    engine.complaints.decide(cid, supervisor, accept=True)
    view = engine.complaints.forward(cid, supervisor, "测试局", days=10)
    assert view["light"] == "none" and set(view["open_limits"]) == {"result"}
    clock.set(dt.datetime.fromisoformat(view["result_due_at"]) + dt.timedelta(seconds=1))
    engine.sweep()
    assert engine.complaints.get(cid, supervisor)["light"] == "red"
    view = engine.complaints.report_result(cid, who(engine, "head"), "已处理", True)
    assert view["light"] == "none" and view["open_limits"] == {}
