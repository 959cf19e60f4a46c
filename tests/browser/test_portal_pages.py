"""The applicant portal, the hall board and licence verification in a real browser."""

from __future__ import annotations


def test_catalogue_guide_and_diagram_render(visitor_factory):
    visitor = visitor_factory()
    visitor.open("/portal")
    assert visitor.page.locator(".matter-card").count() >= 10
    visitor.check_rendered("portal-catalogue")
    visitor.page.fill("input[name=q]", "烟草")
    visitor.page.click(".portal-search button[type=submit]")
    visitor.page.wait_for_load_state("networkidle")
    assert visitor.page.locator(".matter-card").count() == 1
    visitor.page.click(".matter-card h2 a")
    visitor.page.wait_for_selector(".portal-diagram .djs-container svg")
    assert "申请材料" in visitor.page.inner_text("main")
    visitor.check_rendered("portal-guide")


def test_applicant_applies_and_follows_the_case(visitor_factory):
    visitor = visitor_factory()
    visitor.login("applicant")
    visitor.open("/portal/matters/410104-XK-YC-001/apply")
    visitor.check_rendered("portal-apply")
    visitor.page.fill("#id_number", "410104198001010011")
    visitor.page.fill("#phone", "13800000000")
    visitor.page.check("#truthful")
    visitor.page.click("button[type=submit].primary")
    visitor.page.wait_for_load_state("networkidle")
    assert "申请已提交" in visitor.page.inner_text("#messages")
    assert visitor.page.locator(".flow-outline .step.current").count() >= 1
    assert visitor.page.locator(".flow-outline svg, .portal-diagram").count() == 0  # an outline, not the drawing
    visitor.check_rendered("portal-case")
    visitor.open("/portal/my")
    visitor.check_rendered("portal-my-cases")
    visitor.open("/portal/complaints/new")
    visitor.check_rendered("portal-complaint")


def test_hall_board_and_verification_render(visitor_factory):
    visitor = visitor_factory()
    visitor.open("/hall")
    assert visitor.page.locator("#board-rows[hx-trigger='every 15s'][hx-swap='outerHTML']").count() == 1
    visitor.check_rendered("hall-board")
    visitor.open("/verify")
    visitor.page.fill("#code", "NOSUCHCODE")
    visitor.page.click("button[type=submit].primary")
    visitor.page.wait_for_load_state("networkidle")
    assert "未查到" in visitor.page.inner_text("main")
