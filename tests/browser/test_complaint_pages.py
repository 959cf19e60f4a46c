"""The complaint handling pages in a real browser."""

from __future__ import annotations

from demo import seed as demo


def test_supervisor_handles_a_complaint(visitor_factory, live_server):
    demo.seed_complaints(live_server.engine, [])
    visitor = visitor_factory()
    visitor.login("supervisor")
    visitor.open("/complaints/")
    assert visitor.page.locator("tbody .light").count() >= 1
    visitor.check_rendered("complaints-list")
    visitor.page.click("tbody td a")
    visitor.page.wait_for_load_state("networkidle")
    visitor.check_rendered("complaint-page")
    # 000 四(二) "市直部门24小时反馈": within its 24 hours the department concerned gives the first feedback, so
    # the supervisor gets no feedback form yet; the department's head does.
    assert visitor.page.locator("#feedback-text").count() == 0
    complaint_url = visitor.page.url
    engine = live_server.engine
    (waiting,) = [c for c in engine.complaints.list(engine.identity.actor("supervisor")) if c["department"]]
    head = visitor_factory()
    head.login(demo.head_of(engine, waiting["department"]).id)
    head.page.goto(complaint_url)
    head.page.wait_for_load_state("networkidle")
    head.page.fill("#feedback-text", "已收到，正在核实。")
    head.page.click("form[action$='/feedback'] button")
    head.page.wait_for_load_state("networkidle")
    assert "已反馈投诉人" in head.page.inner_text("#messages")
    assert "已收到，正在核实。" in head.page.inner_text("main")
    head.check_rendered("complaint-page-head")
