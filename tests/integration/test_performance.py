"""Monthly performance evaluation: indicators on known data, the scoring standard, ranking, archived snapshots."""
from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
import sqlalchemy as sa

from engine.kernel.clock import SHANGHAI
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.models import Case, Complaint, Matter, PerformanceSnapshot, ReportAccess, Signal, SupervisionItem, TrailEntry

from .conftest import START
from .test_feedback import citizen
from .test_runtime import complete

OCTOBER = dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)
STEPS = ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {})


def at(day, hour=10):
    return dt.datetime(2026, 10, day, hour, 0, tzinfo=SHANGHAI)


def run_case(engine, clock, steps=STEPS):
    clock.set(OCTOBER)
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, citizen(engine))
    complete(engine, case["id"], steps[0])
    clock.set(OCTOBER + dt.timedelta(days=2))
    for data in steps[1:]:
        complete(engine, case["id"], data)
    return case["id"]


def update_case(engine, case_id, **values):
    with engine.db.transaction() as session:
        session.execute(sa.update(Case).where(Case.id == case_id).values(**values))


def signal(session, number, color, department="测试局", official="clerk", raised=None, subject=None):
    session.add(Signal(rule=f"rule{number}", level="common", article="11", color=color,
                       subject=subject or f"case:{number}", department=department, official=official, summary="测试",
                       raised_at=raised or at(15)))


@pytest.fixture
def october(five_step, clock):
    """Three cases in October 2026 with known figures, ratings, signals, a complaint and a supervision item."""
    engine = five_step
    on_time = run_case(engine, clock)
    late = run_case(engine, clock)
    running = run_case(engine, clock, STEPS[:1])
    update_case(engine, late, channel="window", onsite_visits=2, paused_seconds=86400.0,
                statutory_due_at=at(13, 0))
    update_case(engine, running, statutory_due_at=at(20))
    engine.feedback.rate(on_time, citizen(engine), {"overall": 5})
    engine.feedback.rate(late, citizen(engine), {"overall": 2})
    with engine.db.transaction() as session:
        matter = session.get(Matter, "TEST-0001")
        matter.entry = {**matter.entry, "online_depth": 4}
        signal(session, 1, "red")
        signal(session, 2, "yellow")
        signal(session, 3, "yellow", subject="fee:1")
        signal(session, 4, "red", department="其他局", official="outsider")
        signal(session, 5, "red", raised=dt.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
        session.add(Complaint(number="TS2026101500000001", subject="超期", content="超期", department="测试局",
                              status="closed", submitted_at=at(14), status_changed_at=at(20), upheld=True,
                              result_at=at(20)))
        session.add(SupervisionItem(kind="overdue_step", department="测试局", summary="督办", opened_at=at(10),
                                    due_at=at(25)))
    clock.set(START)
    return {"on_time": on_time, "late": late, "running": running}


def department(evaluation, name):
    return next(d for d in evaluation["departments"] if d["name"] == name)


def test_indicators_of_a_month_on_known_data(five_step, october):
    result = five_step.performance.evaluate("2026-10")
    row = department(result, "测试局")
    assert row["indicators"] == {
        "published_matters": 1, "online_service_rate": 1.0, "online_depth_rate": 1.0, "average_online_depth": 4.0,
        "cases_ended": 2, "online_completion_rate": 0.5, "on_time_rate": 0.5, "average_handling_days": 1.5,
        "overdue_count": 2, "ratings": 2, "satisfaction_rate": 0.5, "visits_per_case": 1.0,
    }
    assert row["counts"] == {"red_signal": 1, "yellow_signal": 2, "fee_signal": 1, "upheld_complaint": 1,
                             "overdue_supervision": 1, "overdue_case": 2, "unpublished_result": 2,
                             "satisfied_rating": 1, "dissatisfied_rating": 1}
    # 100 − 2 overdue − 2 yellow − 2 red − 1 fee − 1 督办 − 3 complaint − 0.5 dissatisfied + 0.1 satisfied
    assert row["score"] == 88.6
    assert {line["item"]: line["points"] for line in row["lines"]}["upheld_complaint"] == -3.0
    assert result["complete"] is True and result["month"] == "2026-10"


def test_departments_and_officials_are_ranked_by_score(five_step, october):
    result = five_step.performance.evaluate("2026-10")
    assert [(d["rank"], d["name"], d["score"]) for d in result["departments"]] == [(1, "其他局", 98.0),
                                                                                  (2, "测试局", 88.6)]
    clerk = next(o for o in result["officials"] if o["id"] == "clerk")
    assert clerk["name"] == "窗口甲" and clerk["department"] == "测试局" and clerk["tasks_completed"] == 11
    assert clerk["counts"]["official_red_signal"] == 1 and clerk["counts"]["official_yellow_signal"] == 2
    assert clerk["score"] == 100 - 2 - 2 - (11 - clerk["tasks_on_time"])
    assert [o["id"] for o in result["officials"]][-1] == "clerk"
    november = five_step.performance.evaluate("2026-11")
    assert november["complete"] is False and department(november, "测试局")["counts"]["red_signal"] == 1
    with pytest.raises(InvalidInput):
        five_step.performance.evaluate("2026-12")
    for bad in ("2026-13", "2026/10", "", None, "26-10"):
        with pytest.raises(InvalidInput):
            five_step.performance.evaluate(bad)


def test_supervisors_configure_the_scoring_standard_with_validation(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    with pytest.raises(PermissionDenied):
        five_step.performance.update_settings({"red_signal": -5}, five_step.identity.actor("clerk"))
    for bad in ({"red_signal": 5}, {"satisfied_rating": -1}, {"nope": 1}, {"base": True}, {"base": "100"},
                {"base": -1}, {}, [1], {"upheld_complaint": -101}):
        with pytest.raises(InvalidInput):
            five_step.performance.update_settings(bad, supervisor)
    settings = five_step.performance.update_settings({"red_signal": -5, "base": 90, "upheld_complaint": -3},
                                                     supervisor)
    assert settings["red_signal"] == -5 and settings["base"] == 90 and five_step.performance.settings()["base"] == 90
    assert department(five_step.performance.evaluate("2026-10"), "测试局")["score"] == 88.6 - 10 - 3
    with five_step.db.reading() as session:
        rows = session.scalars(sa.select(TrailEntry).where(TrailEntry.event == "performance_settings_changed")).all()
    assert len(rows) == 1 and rows[0].actor == "supervisor" and "upheld_complaint" not in rows[0].detail
    assert five_step.history.verify().ok


def test_additions_are_capped_and_scores_never_negative(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    five_step.performance.update_settings({"satisfied_rating": 50, "max_addition": 5}, supervisor)
    assert department(five_step.performance.evaluate("2026-10"), "测试局")["score"] == 88.5 + 5
    five_step.performance.update_settings({"upheld_complaint": -100, "max_addition": 0}, supervisor)
    assert department(five_step.performance.evaluate("2026-10"), "测试局")["score"] == 0


def test_only_an_ended_month_is_archived_once_and_then_never_changes(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    with pytest.raises(InvalidInput):
        five_step.performance.archive("2026-11", supervisor)
    with pytest.raises(PermissionDenied):
        five_step.performance.archive("2026-10", five_step.identity.actor("clerk"))
    archived = five_step.performance.archive("2026-10", supervisor)
    assert archived["prev_digest"] == "0" * 64 and len(archived["digest"]) == 64
    with pytest.raises(Conflict):
        five_step.performance.archive("2026-10", supervisor)
    update_case(five_step, october["late"], channel="online")   # later changes leave the archive alone
    assert five_step.performance.evaluate("2026-10")["departments"][1]["indicators"]["online_completion_rate"] == 1.0
    kept = five_step.performance.evaluation("2026-10", supervisor)
    assert kept["archived"] and kept["digest"] == archived["digest"]
    assert department(kept, "测试局")["indicators"]["online_completion_rate"] == 0.5
    september = five_step.performance.archive("2026-09", supervisor)
    assert september["prev_digest"] == archived["digest"]
    assert five_step.performance.archived_months() == ["2026-10", "2026-09"]
    assert five_step.performance.verify_snapshots() == {"ok": True, "checked": 2, "problems": []}
    with five_step.db.reading() as session:
        rows = session.scalars(sa.select(TrailEntry).where(TrailEntry.event == "evaluation_archived")).all()
    assert [r.data_digest for r in rows] == [archived["digest"], september["digest"]]
    assert five_step.history.verify().ok


def test_an_edited_or_removed_snapshot_is_detected(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    five_step.performance.archive("2026-09", supervisor)
    five_step.performance.archive("2026-10", supervisor)
    with five_step.db.transaction() as session:
        row = session.scalar(sa.select(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-09"))
        original = row.content
        row.content = original.replace('"score":100.0', '"score":99.0')
    assert row.content != original
    report = five_step.performance.verify_snapshots()
    assert not report["ok"] and report["problems"] == [{"month": "2026-09", "problem": "content_changed"}]
    with five_step.db.transaction() as session:
        session.execute(sa.update(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-09")
                        .values(content=original))
    assert five_step.performance.verify_snapshots()["ok"]
    with five_step.db.transaction() as session:
        session.execute(sa.delete(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-10"))
    report = five_step.performance.verify_snapshots()
    assert not report["ok"] and {"month": "2026-10", "problem": "missing_or_replaced"} in report["problems"]


def test_readings_and_exports_are_logged_and_scoped(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    result = five_step.performance.evaluation("2026-10", supervisor)
    assert not result["archived"] and {d["name"] for d in result["departments"]} == {"测试局", "其他局"}
    far = five_step.performance.evaluation("2026-10", five_step.identity.actor("far_supervisor"))
    assert far["departments"] == [] and far["officials"] == []
    with pytest.raises(PermissionDenied):
        five_step.performance.evaluation("2026-10", five_step.identity.actor("clerk"))
    name, pdf = five_step.performance.export("2026-10", "pdf", supervisor)
    assert name == "performance-2026-10.pdf" and pdf.startswith(b"%PDF")
    name, workbook = five_step.performance.export("2026-10", "xlsx", supervisor)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    assert book.sheetnames[:2] == ["部门", "工作人员"] and book["部门"]["B2"].value == "其他局"
    with pytest.raises(InvalidInput):
        five_step.performance.export("2026-10", "docx", supervisor)
    with five_step.db.reading() as session:
        logged = [(r.actor, r.action, r.scope, r.report) for r in
                  session.scalars(sa.select(ReportAccess).order_by(ReportAccess.id))]
    assert logged == [("supervisor", "read", "2026-10", "monthly_evaluation"),
                      ("far_supervisor", "read", "2026-10", "monthly_evaluation"),
                      ("supervisor", "export_pdf", "2026-10", "monthly_evaluation"),
                      ("supervisor", "export_xlsx", "2026-10", "monthly_evaluation")]
    assert five_step.performance.access_log(supervisor)["items"][0]["action"] == "export_xlsx"


def test_public_results_show_archived_departments_only(five_step, october):
    assert five_step.performance.public_results() == {"months": [], "month": None, "departments": [],
                                                      "archived_at": None}
    five_step.performance.archive("2026-10", five_step.identity.actor("supervisor"))
    public = five_step.performance.public_results()
    assert public["month"] == "2026-10" and [d["name"] for d in public["departments"]] == ["其他局", "测试局"]
    assert set(public["departments"][0]) == {"rank", "name", "score", "indicators"}
    assert "窗口甲" not in str(public) and "clerk" not in str(public)
    readings = [r for r in five_step.report_access.recent() if r["actor"] == "public"]
    assert [(r["action"], r["scope"]) for r in readings] == [("read", "2026-10 public")]   # public readings logged


def test_two_concurrent_archives_of_different_months_chain_and_of_one_month_conflict(five_step, october):
    supervisor = five_step.identity.actor("supervisor")
    barrier = threading.Barrier(4)
    results = []

    def attempt(month):
        barrier.wait()
        try:
            results.append(("ok", five_step.performance.archive(month, supervisor)["month"]))
        except Conflict:
            results.append(("conflict", month))

    threads = [threading.Thread(target=attempt, args=(m,)) for m in ("2026-10", "2026-10", "2026-09", "2026-08")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [("conflict", "2026-10"), ("ok", "2026-08"), ("ok", "2026-09"), ("ok", "2026-10")]
    assert five_step.performance.verify_snapshots()["ok"] and five_step.history.verify().ok
