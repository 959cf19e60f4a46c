"""The supervision cockpit in a real browser: tiles, tables and the ECharts charts drawn from data.json."""

from __future__ import annotations

from demo import seed as demo
from demo.history import seed_past_cases


def test_supervisor_cockpit_draws_its_charts(visitor_factory, live_server):
    engine = live_server.engine
    past = seed_past_cases(engine)
    demo.seed_cases(engine)
    assert len(past) >= 10
    visitor = visitor_factory()
    visitor.login("supervisor")
    assert visitor.page.url.rstrip("/").endswith("/cockpit"), visitor.page.url  # the supervisor's home page
    visitor.page.wait_for_selector("body[data-charts-ready=true]", timeout=15000)
    for chart in ("#chart-trend", "#chart-ontime"):
        assert visitor.page.locator(f"{chart} canvas").count() >= 1, chart
    assert int(visitor.page.inner_text("#count-red")) + int(visitor.page.inner_text("#count-yellow")) >= 1
    visitor.check_rendered("cockpit")
    visitor.page.click("#cockpit-cases tbody tr:first-child a[href*='#case-trail']")
    visitor.page.wait_for_load_state("networkidle")
    assert "#case-trail" in visitor.page.url and visitor.page.locator("#case-trail").count() == 1
    visitor.check_rendered("cockpit-drill-down")
