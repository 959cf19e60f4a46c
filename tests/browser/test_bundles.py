"""Which built scripts each page downloads: a page that shows a flow diagram (a clerk's task) loads the viewer
(build/diagram.js) and never the 1.7 MB modeler bundle; the applicant's case page draws its outline of the flow in
HTML and loads neither; the modeler page loads the modeler,
opens a flow and deploys it. Every script is an ES module from build/, none inline (the pages' CSP)."""

from __future__ import annotations

import sqlalchemy as sa

from demo import seed as demo
from engine.models import Case, TaskRecord


def record_requests(visitor) -> list[str]:
    """The paths under /static/ the visitor's page requests from now on (module imports included)."""
    requested: list[str] = []
    visitor.page.on(
        "request",
        lambda request: (
            "/static/" in request.url and requested.append(request.url.split("/static/", 1)[1].split("?", 1)[0])
        ),
    )
    return requested


def scripts_of(visitor) -> list[dict]:
    return visitor.page.eval_on_selector_all(
        "script", "scripts => scripts.map(s => ({type: s.type, src: s.getAttribute('src') || '', inline: s.text}))"
    )


def assert_modules_only(visitor, name: str):
    scripts = scripts_of(visitor)
    assert scripts, f"{name}: no script at all"
    for script in scripts:
        assert script["type"] == "module" and "/static/build/" in script["src"] and not script["inline"].strip(), (
            f"{name}: {script}"
        )


def assert_viewer_only(requested: list[str], name: str):
    scripts = [path for path in requested if path.endswith(".js")]
    assert "build/shenpi.js" in scripts and "build/diagram.js" in scripts, f"{name}: {scripts}"
    assert not [path for path in requested if "modeler" in path], f"{name} requested the modeler: {requested}"


def test_task_page_loads_the_viewer_and_never_the_modeler_portal_case_page_neither(visitor_factory, live_server):
    engine = live_server.engine
    case_ids = demo.seed_cases(engine)
    with engine.db.reading() as session:
        task_id, case_id = session.execute(
            sa.select(TaskRecord.id, TaskRecord.case_id)
            .join(Case, Case.id == TaskRecord.case_id)
            .where(TaskRecord.state == "open", TaskRecord.department == "郑州市烟草专卖局", Case.id.in_(case_ids))
        ).first()

    clerk = visitor_factory()
    clerk.login("d06a")
    requested = record_requests(clerk)
    clerk.open(f"/tasks/{task_id}")
    clerk.page.wait_for_selector(".diagram svg .current", timeout=10000)
    assert_viewer_only(requested, "task page")
    assert_modules_only(clerk, "task page")
    clerk.check_rendered("bundles-task")
    # The task panel swapped in by htmx after a claim draws its diagram again, still with the viewer only.
    clerk.page.click("#taskpanel .holder button.primary")
    clerk.page.wait_for_selector("#messages .alert-success")
    clerk.page.wait_for_selector("#taskpanel .diagram svg .current", timeout=10000)
    assert_viewer_only(requested, "task page after the claim")

    applicant = visitor_factory()
    applicant.login("applicant")
    requested = record_requests(applicant)
    applicant.open(f"/portal/my/cases/{case_id}")
    assert applicant.page.locator(".flow-outline .step").count() >= 3
    scripts = [path for path in requested if path.endswith(".js")]
    assert "build/shenpi.js" in scripts and "build/diagram.js" not in scripts, scripts
    assert not [path for path in requested if "modeler" in path], requested
    assert_modules_only(applicant, "portal case page")
    applicant.check_rendered("bundles-portal-case")


def test_modeler_page_loads_the_modeler_opens_and_deploys(visitor_factory, live_server):
    admin = visitor_factory()
    admin.page.on("dialog", lambda dialog: dialog.accept())
    admin.login("admin")
    requested = record_requests(admin)
    admin.open("/admin/modeler?flow=tobacco_retail_licence")
    admin.page.wait_for_selector("#canvas .djs-element")
    admin.page.wait_for_selector("#modeler-status:has-text('已打开')")
    assert "build/modeler.js" in requested and "build/modeler.css" in requested, requested
    assert "build/diagram.js" not in requested, requested
    assert_modules_only(admin, "modeler page")
    assert admin.page.locator("#properties .bio-properties-panel").count() == 1
    admin.check_rendered("bundles-modeler")
    admin.page.click('#canvas [data-element-id="Timer_Limit_Review"]')
    amount = admin.page.locator("#bio-properties-panel-shenpi-timer-amount")
    if not amount.is_visible():
        admin.page.click('#properties [data-group-id="group-shenpi-timer"] .bio-properties-panel-group-header')
    amount.fill("9")
    admin.page.wait_for_selector("[data-entry-id='shenpi-timer-expression']:has-text('working_days(9)')")
    admin.page.click("#deploy-button")
    admin.page.fill("#change-note", "审查时限改为 9 个工作日")
    admin.page.click("#deploy-confirm")
    admin.page.wait_for_selector("#modeler-status.alert-success:has-text('第 2 版')")
    admin.check_rendered("bundles-modeler-deployed")


def test_every_page_checks_file_sizes_before_sending(visitor_factory, live_server):
    """shenpi.js's forms.js, on every page: a file beyond data-max-bytes makes its input invalid, with the page's
    message (the portal lists the files, the task page names the first in its "{name}")."""
    big = {"name": "big.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"0" * 2_097_152}
    small = {"name": "small.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    applicant = visitor_factory()
    applicant.login("applicant")
    applicant.open("/portal/matters/410104-XK-YC-001/apply")
    material = applicant.page.locator("input[type=file][data-max-bytes]").first
    material.set_input_files([small, big])
    message = material.evaluate("input => input.validationMessage")
    assert message.startswith("以下文件超过单个文件大小上限") and "big.pdf" in message and "small.pdf" not in message
    material.set_input_files([small])
    assert material.evaluate("input => input.validity.valid")

    engine = live_server.engine
    case = engine.runtime.start_case(
        "410104-XK-YC-001",
        {"name": "王芳", "id_number": "410104198001019999", "phone": "13803719999"},
        {"channel": "online"},
        engine.identity.actor("applicant"),
    )
    with engine.db.reading() as session:
        task_id = session.scalar(
            sa.select(TaskRecord.id).where(TaskRecord.case_id == case["id"], TaskRecord.state == "open")
        )
    clerk = visitor_factory()
    clerk.login("d06a")
    clerk.open(f"/tasks/{task_id}")
    attachments = clerk.page.locator("#attachments")
    attachments.set_input_files([big])
    message = attachments.evaluate("input => input.validationMessage")
    assert "big.pdf" in message and "{name}" not in message, message
    assert not clerk.problems, clerk.problems
