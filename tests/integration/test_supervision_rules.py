"""Supervision as the seeds put it (issue 16 §4): the department's first feedback on a complaint within 24 hours, the
Art. 9 verification queue, special procedures bounded to 20 working days, 即办件 decided the same day, and the
guide's published contents (Art. 11(4))."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from demo import seed as demo
from engine.catalogue import service as catalogue
from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.identity.actors import ENGINE, HEAD_POST, OFFICIAL
from engine.kernel.clock import SHANGHAI
from engine.models import Complaint, Licence, Notice, Signal, User

from ..helpers import APPROVE, FIVE_STEP_ENTRY, PROCESSES, citizen, complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def engine(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(User(id="head", name="测试局长", department_id="T01", posts=[HEAD_POST], roles=[OFFICIAL]))
    return five_step_engine


def who(engine, user_id):
    return engine.identity.actor(user_id)


def run(engine, steps, opinion="同意"):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for step in steps:
        complete(engine, case["id"], step, opinion=opinion)
    return case["id"]


def signals(engine, rule):
    with engine.db.reading() as session:
        return session.execute(
            sa.select(Signal.case_id, Signal.subject, Signal.color, Signal.summary).where(Signal.rule == rule)
        ).all()


# --- complaints: the department's first feedback within 24 hours ------------------------------------------------
def test_the_department_gives_the_first_feedback_and_the_supervisor_answers_once_24_hours_pass(engine, clock):
    """000 四(二): "健全申办人首次投诉举报后市直部门24小时反馈机制" — the department complained about answers first;
    the supervisor watches the limit and may answer in its place only once it has passed."""
    filed = engine.feedback.complain(citizen(engine), "窗口态度差", "不耐烦", anonymous=False, department="测试局")
    with engine.db.reading() as session:
        cid = session.scalar(sa.select(Complaint.id).where(Complaint.number == filed["number"]))
    supervisor, head = who(engine, "supervisor"), who(engine, "head")
    assert engine.complaints.get(cid, head)["operations"] == ["feedback"]  # the head sees the complaint about it
    assert "feedback" not in engine.complaints.get(cid, supervisor)["operations"]
    with pytest.raises(PermissionDenied):
        engine.complaints.give_feedback(cid, supervisor, "已收到")
    clock.advance(hours=23)
    assert engine.sweep()["complaint_feedback"] == 0
    clock.advance(hours=2)  # 25 hours: the department's limit has passed
    assert engine.sweep()["complaint_feedback"] == 1
    assert engine.sweep()["complaint_feedback"] == 0  # marked once
    with engine.db.reading() as session:
        told = session.scalars(sa.select(Notice.recipient).where(Notice.kind == "complaint_overdue")).all()
    assert "head" in told and "supervisor" in told and "far_supervisor" not in told
    view = engine.complaints.get(cid, supervisor)
    assert view["feedback_overdue_at"] is not None and "feedback" in view["operations"]
    view = engine.complaints.give_feedback(cid, supervisor, "已收到，监察机关代为答复")
    assert view["feedback_on_behalf"] is True and view["first_feedback_by"] == "supervisor"
    events = (
        [r["event"] for r in engine.history.system_trail(ENGINE)] if hasattr(engine.history, "system_trail") else []
    )
    assert events == [] or "complaint_feedback_overdue" in events


def test_the_department_in_time_is_not_answered_for(engine, clock):
    filed = engine.feedback.complain(citizen(engine), "超期", "超期未办", anonymous=False, department="测试局")
    with engine.db.reading() as session:
        cid = session.scalar(sa.select(Complaint.id).where(Complaint.number == filed["number"]))
    clock.advance(hours=3)
    view = engine.complaints.give_feedback(cid, who(engine, "head"), "已收到，正在核实")
    assert view["feedback_on_behalf"] is False
    clock.advance(hours=30)
    assert engine.sweep()["complaint_feedback"] == 0


# --- special procedures --------------------------------------------------------------------------------------------
def test_a_site_survey_beyond_20_working_days_raises_a_signal(engine, clock):
    """001 (一)1(4): "涉及现场查勘、技术论证的等由行政服务科牵头派单，有关科室在2个工作日—20个工作日内完成" — a survey or
    expert review (技术论证) paused past 20 working days is a signal; a shorter one is not."""
    clerk = who(engine, "clerk")
    survey, review, hearing = (run(engine, APPROVE[:1]) for _ in range(3))
    engine.case_clock.pause(survey, "site_survey", "现场勘查", clerk)
    engine.case_clock.pause(review, "expert_review", "技术论证", clerk)
    engine.case_clock.pause(hearing, "hearing", "听证", clerk)  # not a special procedure the seed bounds
    clock.set(at("2026-12-03T10:00"))  # 8 working days later
    engine.case_clock.resume(review, clerk)
    engine.sweep()
    assert signals(engine, "special_procedure_overrun") == []
    clock.set(at("2026-12-21T18:00"))  # the 20th working day after 2026-11-23 has closed (2026-12-21 17:30)
    engine.sweep()
    [(case_id, subject, color, summary)] = signals(engine, "special_procedure_overrun")
    assert case_id == survey and subject.startswith("pause:") and color == "yellow" and "现场勘查" in summary
    engine.sweep()
    assert len(signals(engine, "special_procedure_overrun")) == 1


def test_an_ended_expert_review_that_took_too_long_is_flagged(engine, clock):
    clerk = who(engine, "clerk")
    case_id = run(engine, APPROVE[:1])
    engine.case_clock.pause(case_id, "expert_review", "技术论证", clerk)
    clock.set(at("2026-12-24T10:00"))  # 23 working days
    engine.case_clock.resume(case_id, clerk)
    engine.sweep()
    assert [row.case_id for row in signals(engine, "special_procedure_overrun")] == [case_id]


# --- 即办件 ----------------------------------------------------------------------------------------------------------
def test_an_immediate_matter_not_decided_on_its_acceptance_day(engine, clock):
    """001 (一)1(4): "是否做到了即办件在受理窗口完成" — an 即办件 accepted and still open the next day, or decided on a
    later day, is a signal; one decided the same day is not; a 承诺件 is never."""
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "handling": "即办件", "promised_limit_days": 1}, "admin")
    same_day, next_day, still_open = run(engine, APPROVE), run(engine, APPROVE[:1]), run(engine, APPROVE[:1])
    clock.set(at("2026-11-23T20:00"))
    engine.sweep()
    assert signals(engine, "immediate_not_same_day") == []
    clock.set(at("2026-11-24T09:00"))
    for step in APPROVE[1:]:
        complete(engine, next_day, step)
    engine.sweep()
    flagged = {row.case_id for row in signals(engine, "immediate_not_same_day")}
    assert flagged == {next_day, still_open} and same_day not in flagged


def test_a_promised_matter_may_take_its_days(engine, clock):
    case_id = run(engine, APPROVE[:1])
    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert signals(engine, "immediate_not_same_day") == []
    for step in APPROVE[1:]:
        complete(engine, case_id, step)
    assert signals(engine, "immediate_not_same_day") == []


# --- Art. 11(4): the guide publishes what it must -----------------------------------------------------------------
def test_a_case_on_a_guide_without_its_conditions_raises_art_11_4(engine):
    """002 Art. 11(4): "未按规定公示应当公示的材料的" — what must be published is Art. 8(二)'s "行政审批事项、依据、条件、
    数量、程序、期限以及需要提交的材料目录"."""
    run(engine, APPROVE[:1])
    assert signals(engine, "guide_incomplete") == []
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "conditions": [], "legal_basis": []}, "admin")
    case_id = run(engine, APPROVE[:1])
    [(flagged, _subject, color, summary)] = signals(engine, "guide_incomplete")
    assert flagged == case_id and color == "yellow" and "设定依据" in summary and "申请条件" in summary


# --- Art. 9: the verification queue ---------------------------------------------------------------------------------
def queue(engine, supervisor="supervisor", **filters):
    return engine.violations.verifications.list(who(engine, supervisor), **filters)


def test_refusals_denials_supplements_and_revocations_join_the_queue(engine, clock):
    """002 Art. 9: "有下列情形之一的，监察机关可视情况进行核实，以确定是否存在违规审批行为：（一）行政机关作出不予受理决定的；
    （二）行政机关作出不予批准决定或不予登记的；（三）行政机关告知申请人补正申请内容的；（四）因行政审批引起行政复议或行政诉讼的；
    （五）行政审批被撤销的"."""
    clerk = who(engine, "clerk")
    denied = run(engine, (*APPROVE[:3], {"approval": "deny"}), opinion="不符合条件")
    supplemented = run(engine, APPROVE[:1])
    engine.case_clock.pause(supplemented, "supplement", "一次性告知", clerk, missing=["营业执照"])
    approved = run(engine, APPROVE)
    with engine.db.reading() as session:
        code = session.scalar(sa.select(Licence.code).where(Licence.case_id == approved))
    engine.documents.revoke(code, who(engine, "admin"), "以欺骗手段取得")
    assert queue(engine) == []  # the sweep queues them
    clock.advance(minutes=5)
    engine.sweep()
    rows = queue(engine)
    assert {(r["kind"], r["case_id"]) for r in rows} == {
        ("denial", denied),
        ("supplement", supplemented),
        ("revocation", approved),
    }
    assert "营业执照" in next(r["summary"] for r in rows if r["kind"] == "supplement")
    engine.sweep()
    assert len(queue(engine)) == 3  # each fact once
    assert queue(engine, "far_supervisor") == []  # scoped to the units the supervisor oversees
    with pytest.raises(PermissionDenied):
        queue(engine, "clerk")
    assert [r["case_id"] for r in queue(engine, kind="denial")] == [denied]
    events = [r["event"] for r in engine.history.case_trail(denied, ENGINE)]
    assert "verification_queued" in events


def test_a_finding_closes_it_and_a_violation_raises_its_signal(engine, clock):
    """A denial of a qualifying application found on verification is Art. 12(4) ("对符合法定条件的审批项目不予行政审批的",
    red at once)."""
    denied = run(engine, (*APPROVE[:3], {"approval": "deny"}), opinion="不符合条件")
    clock.advance(minutes=5)
    engine.sweep()
    service, supervisor = engine.violations.verifications, who(engine, "supervisor")
    [item] = queue(engine)
    with pytest.raises(PermissionDenied):
        service.close(item["id"], who(engine, "far_supervisor"), "x", "compliant")
    with pytest.raises(InvalidInput):
        service.close(item["id"], supervisor, "核实", "maybe")
    with pytest.raises(InvalidInput):
        service.close(item["id"], supervisor, "  ", "violation")
    closed = service.close(item["id"], supervisor, "申请人符合法定条件", "violation")
    assert closed["status"] == "closed" and closed["signal_id"] is not None
    with pytest.raises(InvalidState):
        service.close(item["id"], supervisor, "再次", "compliant")
    assert [(r.case_id, r.color) for r in signals(engine, "denied_qualifying_application")] == [(denied, "red")]
    assert queue(engine) == [] and len(queue(engine, status="closed")) == 1
    events = [r["event"] for r in engine.history.case_trail(denied, ENGINE)]
    assert "verification_closed" in events and "signal_raised" in events
    assert engine.history.verify().ok


def test_a_refusal_found_unlawful_raises_art_11_1(bare_sqlite_engine, clock):
    """A refusal found on verification to refuse a lawful application is Art. 11(1) ("对符合法定条件的行政审批申请不予
    受理的", yellow, corrected within 1 working day)."""
    engine = bare_sqlite_engine
    clock.set(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI))
    engine.catalogue.import_directory(PROCESSES)
    demo.seed_people(engine)
    food = next(e for e in catalogue.load_entries(PROCESSES) if e["key"] == "food_business_licence")
    case = engine.cases.start_case(food["code"], {"name": "申请人"}, {}, ENGINE)
    engine.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "refuse"}, "材料不全")
    clock.advance(minutes=5)
    engine.sweep()
    admin = engine.identity.actor("admin")
    [item] = engine.violations.verifications.list(admin, kind="refusal")
    assert item["case_id"] == case["id"] and "不予受理" in item["summary"]
    engine.violations.verifications.close(item["id"], admin, "材料齐全，符合受理条件", "violation")
    assert [(r.case_id, r.color) for r in signals(engine, "refused_lawful_application")] == [(case["id"], "yellow")]


def test_a_reconsideration_is_recorded_by_hand_and_a_compliant_finding_raises_nothing(engine):
    case_id = run(engine, (*APPROVE[:3], {"approval": "deny"}), opinion="不符合条件")
    running = run(engine, APPROVE[:1])
    service = engine.violations.verifications
    with pytest.raises(InvalidState):
        service.record_appeal(running, who(engine, "clerk"), "reconsideration", "申请人申请复议")
    with pytest.raises(InvalidInput):
        service.record_appeal(case_id, who(engine, "clerk"), "complaint", "x")
    with pytest.raises(PermissionDenied):
        service.record_appeal(case_id, who(engine, "far_supervisor"), "litigation", "x")
    row = service.record_appeal(case_id, who(engine, "clerk"), "reconsideration", "申请人向市政府申请行政复议")
    assert row["kind"] == "appeal" and row["queued_by"] == "clerk" and "行政复议" in row["summary"]
    closed = service.close(row["id"], who(engine, "supervisor"), "复议维持原决定", "compliant")
    assert closed["conclusion"] == "compliant" and closed["signal_id"] is None
