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
    visitor.page.fill("#feedback-text", "已收到，正在核实。")
    visitor.page.click("form[action$='/feedback'] button")
    visitor.page.wait_for_load_state("networkidle")
    assert "已反馈投诉人" in visitor.page.inner_text("#messages")
    assert "已收到，正在核实。" in visitor.page.inner_text("main")
