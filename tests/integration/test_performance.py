"""Monthly performance evaluation: indicators on known data, the scoring standard, ranking, archived snapshots."""

from __future__ import annotations

import io
import threading

import pytest
import sqlalchemy as sa

from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.models import PerformanceSnapshot, ReportAccess, TrailEntry

from ..helpers import update_case


def department(evaluation, name):
    return next(d for d in evaluation["departments"] if d["name"] == name)


def test_indicators_of_a_month_on_known_data(five_step_engine, october):
    """003 附件 名词解释: "服务满意率:由申办人星级评定和投诉等情况确定" — one 5-star and one 2-star rating and one
    substantiated complaint give 1 / (2 + 1). Handling time is in working days less the working day paused; the
    two visits the window recorded for the window case over two ended cases give 1 visit per case."""
    result = five_step_engine.performance.evaluate("2026-10")
    row = department(result, "测试局")
    assert row["indicators"] == {
        "published_matters": 1,
        "online_service_rate": 1.0,
        "online_depth_1_rate": 0.0,
        "online_depth_2_rate": 0.0,
        "online_depth_3_rate": 1.0,
        "cases_ended": 2,
        "online_completion_rate": 0.5,
        "on_time_rate": 0.5,
        "within_promise_rate": 1.0,
        "average_handling_days": 1.5,
        "overdue_count": 2,
        "ratings": 2,
        "satisfaction_rate": 0.3333,
        "visits_per_case": 1.0,
    }
    assert row["counts"] == {
        "red_signal": 1,
        "yellow_signal": 2,
        "fee_signal": 1,
        "upheld_complaint": 1,
        "overdue_supervision": 1,
        "overdue_case": 2,
        "unpublished_result": 2,
        "satisfied_rating": 1,
        "dissatisfied_rating": 1,
        "inspection": 0,
        "uninspected_approval": 0,
        "late_data_report": 0,
    }
    # 100 − 2 overdue − 2 yellow − 2 red − 1 fee − 1 督办 − 3 complaint − 0.5 dissatisfied + 0.1 satisfied
    assert row["score"] == 88.6
    assert {line["item"]: line["points"] for line in row["lines"]}["upheld_complaint"] == -3.0
    assert result["complete"] is True and result["month"] == "2026-10"


def test_departments_and_officials_are_ranked_by_score(five_step_engine, october):
    result = five_step_engine.performance.evaluate("2026-10")
    assert [(d["rank"], d["name"], d["score"]) for d in result["departments"]] == [
        (1, "其他局", 98.0),
        (2, "测试局", 88.6),
    ]
    clerk = next(o for o in result["officials"] if o["id"] == "clerk")
    assert clerk["name"] == "窗口甲" and clerk["department"] == "测试局" and clerk["tasks_completed"] == 11
    assert clerk["counts"]["official_red_signal"] == 1 and clerk["counts"]["official_yellow_signal"] == 2
    assert clerk["score"] == 100 - 2 - 2 - (11 - clerk["tasks_on_time"])
    assert [o["id"] for o in result["officials"]][-1] == "clerk"
    november = five_step_engine.performance.evaluate("2026-11")
    assert november["complete"] is False and department(november, "测试局")["counts"]["red_signal"] == 1
    with pytest.raises(InvalidInput):
        five_step_engine.performance.evaluate("2026-12")
    for bad in ("2026-13", "2026/10", "", None, "26-10"):
        with pytest.raises(InvalidInput):
            five_step_engine.performance.evaluate(bad)


def test_supervisors_configure_the_scoring_standard_with_validation(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    with pytest.raises(PermissionDenied):
        five_step_engine.performance.update_settings({"red_signal": -5}, five_step_engine.identity.actor("clerk"))
    for bad in (
        {"red_signal": 5},
        {"satisfied_rating": -1},
        {"nope": 1},
        {"base": True},
        {"base": "100"},
        {"base": -1},
        {},
        [1],
        {"upheld_complaint": -101},
    ):
        with pytest.raises(InvalidInput):
            five_step_engine.performance.update_settings(bad, supervisor)
    settings = five_step_engine.performance.update_settings(
        {"red_signal": -5, "base": 90, "upheld_complaint": -3}, supervisor
    )
    assert (
        settings["red_signal"] == -5
        and settings["base"] == 90
        and five_step_engine.performance.settings()["base"] == 90
    )
    assert department(five_step_engine.performance.evaluate("2026-10"), "测试局")["score"] == 88.6 - 10 - 3
    with five_step_engine.db.reading() as session:
        rows = session.scalars(sa.select(TrailEntry).where(TrailEntry.event == "performance_settings_changed")).all()
    assert len(rows) == 1 and rows[0].actor == "supervisor" and "upheld_complaint" not in rows[0].detail
    assert five_step_engine.history.verify().ok


def test_additions_are_capped_and_scores_never_negative(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    five_step_engine.performance.update_settings({"satisfied_rating": 50, "max_addition": 5}, supervisor)
    assert department(five_step_engine.performance.evaluate("2026-10"), "测试局")["score"] == 88.5 + 5
    five_step_engine.performance.update_settings({"upheld_complaint": -100, "max_addition": 0}, supervisor)
    assert department(five_step_engine.performance.evaluate("2026-10"), "测试局")["score"] == 0


def test_only_an_ended_month_is_archived_once_and_then_never_changes(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    with pytest.raises(InvalidInput):
        five_step_engine.performance.archive("2026-11", supervisor)
    with pytest.raises(PermissionDenied):
        five_step_engine.performance.archive("2026-10", five_step_engine.identity.actor("clerk"))
    archived = five_step_engine.performance.archive("2026-10", supervisor)
    assert archived["prev_digest"] == "0" * 64 and len(archived["digest"]) == 64
    with pytest.raises(Conflict):
        five_step_engine.performance.archive("2026-10", supervisor)
    update_case(five_step_engine, october["late"], channel="online")  # later changes leave the archive alone
    assert (
        five_step_engine.performance.evaluate("2026-10")["departments"][1]["indicators"]["online_completion_rate"]
        == 1.0
    )
    kept = five_step_engine.performance.evaluation("2026-10", supervisor)
    assert kept["archived"] and kept["digest"] == archived["digest"]
    assert department(kept, "测试局")["indicators"]["online_completion_rate"] == 0.5
    september = five_step_engine.performance.archive("2026-09", supervisor)
    assert september["prev_digest"] == archived["digest"]
    assert five_step_engine.performance.archived_months() == ["2026-10", "2026-09"]
    assert five_step_engine.performance.verify_snapshots() == {"ok": True, "checked": 2, "problems": []}
    with five_step_engine.db.reading() as session:
        rows = session.scalars(
            sa.select(TrailEntry).where(TrailEntry.event == "evaluation_archived").order_by(TrailEntry.seq)
        ).all()
    assert [r.data_digest for r in rows] == [archived["digest"], september["digest"]]
    assert five_step_engine.history.verify().ok


def test_an_edited_or_removed_snapshot_is_detected(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    five_step_engine.performance.archive("2026-09", supervisor)
    five_step_engine.performance.archive("2026-10", supervisor)
    with five_step_engine.db.transaction() as session:
        row = session.scalar(sa.select(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-09"))
        original = row.content
        row.content = original.replace('"score":100.0', '"score":99.0')
    assert row.content != original
    report = five_step_engine.performance.verify_snapshots()
    assert not report["ok"] and report["problems"] == [{"month": "2026-09", "problem": "content_changed"}]
    with five_step_engine.db.transaction() as session:
        session.execute(
            sa.update(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-09").values(content=original)
        )
    assert five_step_engine.performance.verify_snapshots()["ok"]
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(PerformanceSnapshot).where(PerformanceSnapshot.month == "2026-10"))
    report = five_step_engine.performance.verify_snapshots()
    assert not report["ok"] and {"month": "2026-10", "problem": "missing_or_replaced"} in report["problems"]


def test_readings_and_exports_are_logged_and_scoped(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    result = five_step_engine.performance.evaluation("2026-10", supervisor)
    assert not result["archived"] and {d["name"] for d in result["departments"]} == {"测试局", "其他局"}
    far = five_step_engine.performance.evaluation("2026-10", five_step_engine.identity.actor("far_supervisor"))
    assert far["departments"] == [] and far["officials"] == []
    with pytest.raises(PermissionDenied):
        five_step_engine.performance.evaluation("2026-10", five_step_engine.identity.actor("clerk"))
    name, pdf = five_step_engine.performance.export("2026-10", "pdf", supervisor)
    assert name == "performance-2026-10.pdf" and pdf.startswith(b"%PDF")
    name, workbook = five_step_engine.performance.export("2026-10", "xlsx", supervisor)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    assert book.sheetnames[:2] == ["部门", "工作人员"] and book["部门"]["B2"].value == "其他局"
    with pytest.raises(InvalidInput):
        five_step_engine.performance.export("2026-10", "docx", supervisor)
    with five_step_engine.db.reading() as session:
        logged = [
            (r.actor, r.action, r.scope, r.report)
            for r in session.scalars(sa.select(ReportAccess).order_by(ReportAccess.id))
        ]
    assert logged == [
        ("supervisor", "read", "2026-10", "monthly_evaluation"),
        ("far_supervisor", "read", "2026-10", "monthly_evaluation"),
        ("supervisor", "export_pdf", "2026-10", "monthly_evaluation"),
        ("supervisor", "export_xlsx", "2026-10", "monthly_evaluation"),
    ]
    assert five_step_engine.performance.access_log(supervisor)["items"][0]["action"] == "export_xlsx"


def test_public_results_show_archived_departments_only(five_step_engine, october):
    assert five_step_engine.performance.public_results() == {
        "months": [],
        "month": None,
        "departments": [],
        "archived_at": None,
    }
    five_step_engine.performance.archive("2026-10", five_step_engine.identity.actor("supervisor"))
    public = five_step_engine.performance.public_results()
    assert public["month"] == "2026-10" and [d["name"] for d in public["departments"]] == ["其他局", "测试局"]
    assert set(public["departments"][0]) == {"rank", "name", "score", "indicators"}
    assert "窗口甲" not in str(public) and "clerk" not in str(public)
    readings = [r for r in five_step_engine.report_access.recent() if r["actor"] == "public"]
    assert [(r["action"], r["scope"]) for r in readings] == [("read", "2026-10 public")]  # public readings logged


def test_two_concurrent_archives_of_different_months_chain_and_of_one_month_conflict(five_step_engine, october):
    supervisor = five_step_engine.identity.actor("supervisor")
    barrier = threading.Barrier(4)
    results = []

    def attempt(month):
        barrier.wait()
        try:
            results.append(("ok", five_step_engine.performance.archive(month, supervisor)["month"]))
        except Conflict:
            results.append(("conflict", month))

    threads = [threading.Thread(target=attempt, args=(m,)) for m in ("2026-10", "2026-10", "2026-09", "2026-08")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [("conflict", "2026-10"), ("ok", "2026-08"), ("ok", "2026-09"), ("ok", "2026-10")]
    assert five_step_engine.performance.verify_snapshots()["ok"] and five_step_engine.history.verify().ok
