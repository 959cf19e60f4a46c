"""The clerk's pages in a real browser: inbox, task page with its form and diagram, case search."""

from __future__ import annotations

import sqlalchemy as sa

from demo import seed as demo
from engine.models import Case, TaskRecord


def test_inbox_task_and_case_pages_render_with_the_diagram(visitor_factory, live_server):
    engine = live_server.engine
    demo.seed_cases(engine)
    with engine.db.reading() as session:
        task_id, case_id = session.execute(
            sa.select(TaskRecord.id, TaskRecord.case_id)
            .join(Case, Case.id == TaskRecord.case_id)
            .where(TaskRecord.state == "open", TaskRecord.department == "郑州市烟草专卖局")
        ).first()
    visitor = visitor_factory()
    visitor.login("d06a")
    visitor.open("/inbox")
    assert visitor.page.locator("table.worklist tbody tr").count() >= 1
    visitor.check_rendered("inbox")
    visitor.open(f"/tasks/{task_id}")
    visitor.page.wait_for_selector(".diagram svg .current", timeout=10000)
    visitor.check_rendered("task")
    visitor.page.click("#taskpanel .holder button.primary")
    visitor.page.wait_for_selector("#messages .alert-success")
    assert "已签收" in visitor.page.inner_text("#messages")
    visitor.open(f"/cases/{case_id}")
    visitor.check_rendered("case")
    visitor.open("/inbox/cases")
    visitor.check_rendered("case-search")
