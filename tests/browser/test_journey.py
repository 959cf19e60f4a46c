"""The whole journey in a real browser: an applicant applies for the construction joint approval; the window
accepts; three departments approve in parallel (two of them with their task pages open at the same time); the
joint board votes; the decision is made; the applicant sees the result. Then an administrator changes a timer in
the modeler, deploys, and a new case uses the new version."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.models import Case, ProcessDefinition

CONSTRUCTION = "410104-XK-BL-001"
FOOD = "410104-XK-SP-001"


def apply(visitor, code: str) -> int:
    visitor.open(f"/portal/matters/{code}/apply")
    visitor.page.fill("#id_number", "410104198001010011")
    visitor.page.fill("#phone", "13800000000")
    visitor.page.check("#truthful")
    visitor.page.click("button[type=submit].primary")
    visitor.page.wait_for_load_state("networkidle")
    assert "申请已提交" in visitor.page.inner_text("#messages")
    return int(re.search(r"/portal/my/cases/(\d+)", visitor.page.url).group(1))


def open_step(visitor, number: str, step: str):
    """From the inbox, search the case and open its step."""
    visitor.open(f"/inbox?scope=all&q={number}")
    row = visitor.page.locator("table.worklist tbody tr", has_text=step).first
    row.locator(f"a:text-is('{step}')").click()
    visitor.page.wait_for_load_state("networkidle")
    visitor.page.wait_for_selector("form.step-form")


def submit_step(visitor, fields: dict, opinion: str = "同意"):
    form = visitor.page.locator("form.step-form")
    for name, value in fields.items():
        control = form.locator(f"#field-{name}")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("#opinion").fill(opinion)
    form.locator("button.primary").click()
    visitor.page.wait_for_selector("#messages .alert-success, #messages .alert-error")
    assert visitor.page.locator("#messages .alert-error").count() == 0, visitor.page.inner_text("#messages")


def case_number(engine, case_id: int) -> str:
    with engine.db.reading() as session:
        return session.scalar(sa.select(Case.number).where(Case.id == case_id))


def test_applicant_to_licence_through_parallel_departments(visitor_factory, live_server):
    engine = live_server.engine
    applicant = visitor_factory()
    applicant.login("applicant")
    case_id = apply(applicant, CONSTRUCTION)
    number = case_number(engine, case_id)

    window = visitor_factory()
    window.login("d05a")
    open_step(window, number, "综合受理")
    window.check_rendered("journey-accept")
    submit_step(window, {"accept": "accept", "signers": "d05a, d05b, d04b"}, "材料齐全，予以受理")

    planning, housing, environment = visitor_factory(), visitor_factory(), visitor_factory()
    planning.login("d17a")
    housing.login("d04a")
    environment.login("d07a")
    open_step(planning, number, "建设工程规划审查")
    open_step(housing, number, "施工许可审查")  # both departments hold the case at the same time
    submit_step(housing, {"housing_opinion": "approve"}, "符合施工许可条件")
    submit_step(planning, {"planning_opinion": "approve"}, "符合规划")
    open_step(environment, number, "环境影响评价审查")
    submit_step(environment, {"environment_opinion": "approve"}, "环评通过")

    for signer in ("d05a", "d05b", "d04b"):
        voter = visitor_factory()
        voter.login(signer)
        open_step(voter, number, "联合审查会签")
        submit_step(voter, {"signature": "approve"})
    window.page.reload()
    open_step(window, number, "审批决定")
    submit_step(window, {"approval": "approve"}, "准予许可")
    open_step(window, number, "出具并联审批意见书")
    submit_step(window, {})

    applicant.open(f"/portal/my/cases/{case_id}")
    page_text = applicant.page.inner_text("main")
    assert "准予" in page_text and "核验" in page_text, page_text[:500]
    applicant.check_rendered("journey-result")
    with engine.db.reading() as session:
        assert session.execute(sa.select(Case.status, Case.outcome).where(Case.id == case_id)).one() == (
            "ended",
            "approved",
        )


def test_administrator_changes_a_timer_and_new_cases_use_the_new_version(visitor_factory, live_server):
    engine = live_server.engine
    admin = visitor_factory()
    admin.page.on("dialog", lambda dialog: dialog.accept())
    admin.login("admin")
    admin.open("/admin/modeler?flow=food_business_licence")
    admin.page.wait_for_selector("#canvas .djs-element")
    admin.page.wait_for_selector("#modeler-status:has-text('已打开')")
    admin.check_rendered("modeler")
    admin.page.click('#canvas [data-element-id="Timer_Limit_Review"]')
    amount = admin.page.locator("#bio-properties-panel-shenpi-timer-amount")
    if not amount.is_visible():
        admin.page.click('#properties [data-group-id="group-shenpi-timer"] .bio-properties-panel-group-header')
    assert (
        amount.input_value() == "3"
        and admin.page.input_value("#bio-properties-panel-shenpi-timer-unit") == "working_days"
    )
    amount.fill("5")
    admin.page.wait_for_selector("[data-entry-id='shenpi-timer-expression']:has-text('working_days(5)')")
    admin.page.click("#validate-button")
    admin.page.wait_for_selector("#modeler-status.alert-success")
    admin.page.click("#deploy-button")
    admin.page.fill("#change-note", "审查时限改为 5 个工作日")
    admin.page.click("#deploy-confirm")
    admin.page.wait_for_selector("#modeler-status.alert-success:has-text('第 2 版')")
    assert admin.page.inner_text("#modeler-source") == "食品经营许可（小餐饮）（food_business_licence）第 2 版"
    assert admin.page.inner_text('#open-flow option[value="food_business_licence"]').endswith("最新版 v2")
    admin.check_rendered("modeler-deployed")

    applicant = visitor_factory()
    applicant.login("applicant")
    case_id = apply(applicant, FOOD)
    with engine.db.reading() as session:
        version, xml = session.execute(
            sa.select(ProcessDefinition.version, ProcessDefinition.xml)
            .join(Case, Case.definition_id == ProcessDefinition.id)
            .where(Case.id == case_id)
        ).one()
    assert version == 2 and "working_days(5)" in xml
    admin.open("/admin/processes/food_business_licence/diff?from=1&to=2")
    assert "Timer_Limit_Review" in admin.page.inner_text("main")
    admin.check_rendered("process-diff")
