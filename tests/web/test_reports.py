"""Performance evaluation pages: supervisors' month, standard, archive, downloads and log; the public results."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from engine.identity.actors import MONITOR
from engine.models import ReportAccess, User

from .helpers import PageClient, signed_in, text


@pytest.fixture
def engine(engine, october):
    """The five-step engine with October 2026's known figures and a 系统监管员 (monitor)."""
    with engine.db.transaction() as session:
        session.add(User(id="monitor", name="监管员", department_id="TJC", posts=[], roles=[MONITOR]))
    return engine


def accesses(engine):
    with engine.db.reading() as session:
        rows = session.scalars(sa.select(ReportAccess).order_by(ReportAccess.id))
        return [(r.actor, r.action, r.scope) for r in rows]


def test_supervisor_reads_the_month_and_every_reading_is_logged(app, engine):
    pages = signed_in(app, "supervisor")
    page = pages.get("/reports?month=2026-10")
    body = text(page)
    assert page.status_code == 200 and "测试局" in body and "88.6" in body and "窗口甲" in body
    assert "data-ranking-chart" in body and "build/reports.js" in body and "归档本月结果" in body
    assert "<script>" not in body
    default = pages.get("/reports")  # the engine clock's month, computed live
    assert default.status_code == 200 and "本月进行中" in text(default) and "归档本月结果" not in text(default)
    assert accesses(engine) == [("supervisor", "read", "2026-10"), ("supervisor", "read", "2026-11")]
    assert pages.get("/reports?month=2027-05").status_code == 400


def test_downloads_are_a_pdf_and_a_workbook_and_are_logged(app, engine):
    pages = signed_in(app, "supervisor")
    pdf = pages.get("/reports/2026-10.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    workbook = pages.get("/reports/2026-10.xlsx")
    assert workbook.status_code == 200 and "attachment" in workbook.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(workbook.data))
    assert [row[1] for row in book["部门"].iter_rows(min_row=2, values_only=True)] == ["其他局", "测试局"]
    assert "窗口甲" in [row[1] for row in book["工作人员"].iter_rows(min_row=2, values_only=True)]
    assert accesses(engine) == [("supervisor", "export_pdf", "2026-10"), ("supervisor", "export_xlsx", "2026-10")]
    log = text(pages.get("/reports/log"))
    assert "导出 PDF" in log and "导出 Excel" in log and "supervisor" in log


@pytest.mark.parametrize("user", ["clerk", "citizen"])
def test_officials_and_applicants_may_not_see_the_reports(app, engine, user):
    pages = signed_in(app, user)
    for url in ("/reports?month=2026-10", "/reports/2026-10.pdf", "/reports/settings", "/reports/log"):
        assert pages.get(url).status_code == 403, url
    assert pages.post("/reports/2026-10/archive").status_code == 403
    assert accesses(engine) == []


def test_archive_button_archives_once_and_the_public_page_shows_departments_only(app, engine):
    public = PageClient(app)
    assert "尚未公布" in text(public.get("/results"))
    pages = signed_in(app, "monitor")
    pages.post("/reports/2026-11/archive")
    assert "只能归档已经结束的月份" in text(pages.get("/reports?month=2026-11"))
    done = pages.post("/reports/2026-10/archive", follow_redirects=True)
    assert "已归档" in text(done) and "归档本月结果" not in text(done)
    again = pages.post("/reports/2026-10/archive", follow_redirects=True)
    assert "不能再次归档" in text(again)
    page = public.get("/results")
    body = text(page)
    assert page.status_code == 200 and "2026-10" in body and "测试局" in body and "88.6" in body
    for personal in ("窗口甲", "clerk", "他局人员", "outsider", "张三"):
        assert personal not in body
    assert public.get("/results?month=2026-09").status_code == 404
    assert public.get("/results?month=nonsense").status_code == 200
    assert "核验通过" in text(pages.get("/reports/log"))


def test_the_standard_is_edited_with_validation(app, engine):
    pages = signed_in(app, "supervisor")
    form = {key: str(value) for key, value in engine.performance.settings().items()}
    page = text(pages.get("/reports/settings"))
    assert "红牌纠错信号" in page and 'name="red_signal"' in page
    bad = pages.post("/reports/settings", {**form, "red_signal": "3"}, follow_redirects=True)
    assert "设置未保存" in text(bad) and engine.performance.settings()["red_signal"] == -2
    assert "设置未保存" in text(pages.post("/reports/settings", {**form, "base": "很多"}, follow_redirects=True))
    good = pages.post("/reports/settings", {**form, "red_signal": "-4"}, follow_redirects=True)
    assert "测评标准已保存" in text(good) and engine.performance.settings()["red_signal"] == -4
    assert signed_in(app, "clerk").post("/reports/settings", form).status_code == 403


def test_the_api_reads_and_archives_a_month(app, engine):
    client = app.test_client()
    token = {"Authorization": f"Bearer {engine.identity.create_token('supervisor')}"}
    clerk = {"Authorization": f"Bearer {engine.identity.create_token('clerk')}"}
    body = client.get("/api/v1/evaluations/2026-10", headers=token).get_json()
    assert body["archived"] is False and body["departments"][1]["score"] == 88.6
    assert client.get("/api/v1/evaluations/2026-10", headers=clerk).status_code == 403
    assert client.get("/api/v1/evaluations/2026-13", headers=token).get_json()["error"]["code"] == "invalid_input"
    assert client.post("/api/v1/evaluations/2026-11/archive", headers=token).status_code == 400
    archived = client.post("/api/v1/evaluations/2026-10/archive", headers=token)
    assert archived.status_code == 201 and len(archived.get_json()["digest"]) == 64
    assert client.post("/api/v1/evaluations/2026-10/archive", headers=token).get_json()["error"]["code"] == "conflict"
    assert client.get("/api/v1/evaluations/2026-10", headers=token).get_json()["archived"] is True
    assert accesses(engine) == [("supervisor", "read", "2026-10"), ("supervisor", "read", "2026-10")]
    assert "/evaluations/{month}" in client.get("/api/v1/openapi.json").get_json()["paths"]
