"""The performance evaluation pages in a real browser: the ranking chart draws, archiving publishes the month."""

from __future__ import annotations


def test_supervisor_archives_a_month_and_the_public_sees_its_ranking(visitor_factory):
    visitor = visitor_factory()
    visitor.login("supervisor")
    assert visitor.open("/reports?month=2026-10").status == 200
    assert visitor.page.locator(".ranking-chart canvas").count() == 1
    visitor.check_rendered("reports-month")
    visitor.page.click("text=归档本月结果")
    visitor.page.wait_for_load_state("networkidle")
    assert "已归档" in visitor.page.inner_text("#messages")
    visitor.open("/reports/settings")
    visitor.check_rendered("reports-settings")
    visitor.open("/reports/log")
    assert "核验通过" in visitor.page.inner_text("main")
    visitor.check_rendered("reports-log")
    public = visitor_factory()
    assert public.open("/results").status == 200
    assert public.page.locator(".ranking-chart canvas").count() == 1
    public.check_rendered("results-public")
