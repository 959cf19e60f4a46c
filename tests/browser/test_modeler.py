"""The modeler as a process administrator uses it, in Chinese: from an empty diagram, a step whose lane is picked from
the unit tree and whose form field is added in the table, a limit timer of 3 working days set from the panel, an
exclusive gateway whose conditions are built from that field and checked by the engine as they are typed, two end
events whose outcome is chosen in the panel (their ids left as generated); the lint marks an unconnected end event and
clears once it is connected; the token simulation plays the flow; the flow deploys with a change note, a matter is
published on it and a case runs to its end with the outcome chosen in the panel."""

from __future__ import annotations

import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.models import ProcessDefinition

UNIT = "郑州市管城回族区市场监督管理局"
POST = "承办人"
MATTER = dict(
    code="410104-TEST-MODELER",
    key="Process_New",
    name="建模器绘制的事项",
    department=UNIT,
    type="行政许可",
    legal_basis=["《中华人民共和国行政许可法》"],
    statutory_limit_days=20,
    promised_limit_days=10,
    handling="承诺件",
    star_level=3,
    process_file="drawn.bpmn",
    conditions=["测试"],
    materials=[],
)


class Modeler:
    """The modeler page in a visitor's browser, with what an administrator does on it."""

    def __init__(self, visitor):
        self.visitor = visitor
        self.page = visitor.page

    def shapes(self, prefix: str) -> list[str]:
        return self.page.evaluate(
            "prefix => Array.from(document.querySelectorAll('#canvas .djs-element.djs-shape'))"
            ".map(e => e.getAttribute('data-element-id')).filter(id => id.startsWith(prefix) && !id.endsWith('_label'))",
            prefix,
        )

    def select(self, element_id: str):
        """Click the element a little left of its centre (lint markers sit on its top-left corner, connections
        leave it at the bottom) until the panel shows it: diagram-js swallows the first click after a connection
        made by clicks."""
        shape = self.page.locator(f'#canvas [data-element-id="{element_id}"]')
        box = shape.bounding_box()
        for _attempt in range(3):
            self.page.keyboard.press("Escape")
            shape.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
            if self.page.evaluate(
                "id => { const field = document.querySelector('#bio-properties-panel-id');"
                " return !field || field.value === id; }",
                element_id,
            ):
                return
        raise AssertionError(f"{element_id} could not be selected")

    def context(self, action: str):
        self.page.click(f'.djs-context-pad [data-action="{action}"]')
        self.page.wait_for_timeout(200)
        self.page.keyboard.press("Escape")  # leave the label editing bpmn-js opens on a new element

    def open_group(self, group: str):
        header = self.page.locator(f'#properties [data-group-id="group-{group}"] .bio-properties-panel-group-header')
        if "open" not in (header.get_attribute("class") or ""):
            header.click()

    def selected_id(self) -> str:
        self.open_group("general")
        return self.page.input_value("#bio-properties-panel-id")

    def lint_label(self) -> str:
        return self.page.inner_text(".bjsl-button").strip()

    def lint_of(self, element_id: str) -> str:
        return self.page.evaluate(
            "id => (document.querySelector(`.djs-overlays[data-container-id='${id}'] .bjsl-overlay`) || "
            "{textContent: ''}).textContent.replace(/\\s+/g, ' ')",
            element_id,
        )

    def connect(self, source: str, target: str):
        """The context pad's connect tool: click it on the source, then click the target's centre."""
        self.select(source)
        tool = self.page.locator('.djs-context-pad [data-action="connect"]').bounding_box()
        box = self.page.locator(f'#canvas [data-element-id="{target}"]').bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.click(tool["x"] + 8, tool["y"] + 8)
        self.page.mouse.move(x - 5, y, steps=8)
        self.page.mouse.move(x, y, steps=4)
        self.page.mouse.click(x, y)


def test_a_flow_drawn_from_an_empty_diagram_in_chinese_deploys_and_runs_to_its_end(visitor_factory, live_server):
    engine = live_server.engine
    admin = visitor_factory()
    admin.login("admin")
    admin.open("/admin/modeler")
    page = admin.page
    page.wait_for_selector("#canvas .djs-element")
    modeler = Modeler(admin)

    # In Chinese: the palette, the context pad and the properties panel.
    assert page.get_attribute('.djs-palette [data-action="create.task"]', "aria-label") == "任务（步骤）"
    assert page.get_attribute('.djs-palette [data-action="create.exclusive-gateway"]', "aria-label") == "网关"
    modeler.select("StartEvent_1")
    assert page.get_attribute('.djs-context-pad [data-action="append.append-task"]', "title") == "追加任务"
    assert page.inner_text("#properties .bio-properties-panel-header-type") == "开始事件"
    assert "常规" in page.inner_text("#properties")

    # A step after the start event, made a user task, named, in a lane picked from the unit tree.
    page.click('.djs-context-pad [data-action="append.append-task"]')
    page.keyboard.type("材料审查")
    canvas = page.locator("#canvas").bounding_box()
    page.mouse.click(canvas["x"] + 600, canvas["y"] + 60)
    [task] = modeler.shapes("Activity_")
    modeler.select(task)
    page.click('.djs-context-pad [data-action="replace"]')
    page.click('.djs-popup [data-id="replace-with-user-task"]')
    assert page.locator('.djs-popup [data-id="replace-with-rule-task"]').count() == 0  # DMN: the engine refuses it
    [task] = modeler.shapes("Activity_")
    assert page.inner_text("#properties .bio-properties-panel-header-type") == "用户任务（办理步骤）"
    groups = page.eval_on_selector_all(
        "#properties .bio-properties-panel-group-header-title", "es => es.map(e => e.textContent)"
    )
    assert groups == ["常规", "办理人（泳道）", "表单字段", "时限", "超时督办", "说明"], groups
    modeler.open_group("shenpi-step")
    page.wait_for_selector(f'#bio-properties-panel-shenpi-lane-department option[value="{UNIT}"]', state="attached")
    page.select_option("#bio-properties-panel-shenpi-lane-department", UNIT)
    page.wait_for_selector(f'#bio-properties-panel-shenpi-lane-post option[value="{POST}"]', state="attached")
    page.select_option("#bio-properties-panel-shenpi-lane-post", POST)
    page.wait_for_selector(f"[data-entry-id='shenpi-step-lane']:has-text('{UNIT}/{POST}')")

    # Its form: one field added in the table.
    modeler.open_group("shenpi-form")
    page.click("#properties .field-add")
    row = page.locator("#properties .shenpi-form-table tbody tr").first
    row.locator(".field-id").fill("decision")
    row.locator(".field-id").press("Tab")
    row.locator(".field-label").fill("审查结论")
    row.locator(".field-label").press("Tab")
    row.locator(".field-type").select_option("enum")
    row.locator(".field-options").fill("approve=同意, deny=不同意")
    row.locator(".field-options").press("Tab")
    row.locator(".field-required").check()

    # A limit timer from the step's panel: 3 working days.
    modeler.open_group("shenpi-step-timers")
    page.click("#properties .timer-add-limit")
    page.wait_for_selector("#properties [data-group-id='group-shenpi-timer']")
    assert "定时边界事件（不中断）" in page.inner_text("#properties .bio-properties-panel-header-type")
    assert "定时器没有设置时间" in modeler.lint_of(modeler.selected_id())
    modeler.open_group("shenpi-timer")
    assert page.input_value("#bio-properties-panel-shenpi-timer-unit") == "working_days"
    assert page.input_value("#bio-properties-panel-shenpi-timer-role") == "limit"
    page.fill("#bio-properties-panel-shenpi-timer-amount", "3")
    page.wait_for_selector("[data-entry-id='shenpi-timer-expression']:has-text('working_days(3)')")

    # An exclusive gateway after the step, an end event appended to it (outcome 准予 chosen in the panel) ...
    modeler.select(task)
    modeler.context("append.gateway")
    [gateway] = modeler.shapes("Gateway_")
    modeler.context("append.end-event")
    approved_end = modeler.selected_id()
    modeler.open_group("shenpi-outcome")
    page.select_option("#bio-properties-panel-shenpi-outcome", "approved")

    # ... and one drawn from the palette: the lint marks it unconnected, until it is connected.
    box = page.locator(f'#canvas [data-element-id="{gateway}"]').bounding_box()
    page.click('.djs-palette [data-action="create.end-event"]')
    page.mouse.click(box["x"] + 200, box["y"] + 110)
    page.keyboard.press("Escape")
    denied_end = modeler.selected_id()
    page.wait_for_function("() => document.querySelector('.bjsl-button').textContent.includes('错误')")
    assert "元素没有连线" in modeler.lint_of(denied_end)
    assert "结束事件未说明办理结果" in modeler.lint_of(denied_end)
    modeler.open_group("shenpi-outcome")
    page.select_option("#bio-properties-panel-shenpi-outcome", "denied")
    modeler.connect(gateway, denied_end)
    page.wait_for_function("() => document.querySelector('.bjsl-button').textContent.includes('没有问题')")
    assert modeler.lint_of(denied_end) == ""

    # The conditions, from the gateway's panel: built from the step's field and checked by the engine as typed.
    modeler.select(gateway)
    modeler.open_group("shenpi-conditions")
    flows = page.locator("#properties .shenpi-flow")
    assert [flows.nth(i).locator(".shenpi-flow-title").inner_text() for i in range(2)] == [
        "去往“准予许可”",
        "去往“不予许可”",
    ]
    for index, value in enumerate(["approve", "deny"]):
        flows.nth(index).locator(".builder-value").select_option(value)
        flows.nth(index).locator(".builder-apply").click()
        page.wait_for_selector(f"#properties .shenpi-flow >> nth={index} >> .shenpi-check.ok")
    condition = flows.nth(1).locator("textarea")
    condition.fill("decision == ")
    page.wait_for_selector("#properties .shenpi-check.error:has-text('语法错误')")
    condition.fill('decision == "deny"')
    page.wait_for_selector("#properties .shenpi-flow >> nth=1 >> .shenpi-check.ok:has-text('条件有效')")
    assert flows.nth(0).locator("textarea").input_value() == 'decision == "approve"'
    assert modeler.lint_label() == "没有问题"
    admin.check_rendered("modeler-drawn")

    # The token simulation plays the flow: the gateway is set to its second path, the start event releases a token.
    page.click("#simulate-button")
    assert page.get_attribute("#simulate-button", "aria-pressed") == "true"
    page.click(f'.djs-overlays[data-container-id="{gateway}"] .bts-context-pad[title="选择走向"]')
    page.click('.djs-overlays[data-container-id="StartEvent_1"] .bts-context-pad[title="触发事件"]')
    page.click('.bts-entry[title="显示/隐藏模拟日志"]')
    page.wait_for_selector(".bts-log .bts-entry:has-text('流程结束')", timeout=20000)
    log = page.eval_on_selector_all(
        ".bts-log .bts-entry", "es => es.map(e => e.textContent.replace(/\\s+/g, ' ').trim())"
    )
    assert [entry for entry in log if "不予许可" in entry] and not [entry for entry in log if "准予许可" in entry], log
    admin.check_rendered("modeler-simulation")
    page.click("#simulate-button")
    assert page.get_attribute("#simulate-button", "aria-pressed") == "false"

    # 校验 runs the engine; deploying asks for a change note.
    page.click("#validate-button")
    page.wait_for_selector("#modeler-status.alert-success:has-text('校验通过')")
    page.click("#deploy-button")
    page.wait_for_selector("#deploy-dialog[open]")
    page.click("#deploy-confirm")
    assert page.is_visible("#deploy-dialog")  # the note is required
    page.fill("#change-note", "新建：材料审查后准予或不予许可")
    page.click("#deploy-confirm")
    page.wait_for_selector("#modeler-status.alert-success:has-text('第 1 版')")
    assert page.inner_text("#modeler-source") == "新流程（Process_New）第 1 版"
    assert page.input_value("#open-flow") == "Process_New"
    assert page.inner_text('#open-flow option[value="Process_New"]') == "新流程 · 最新版 v1"
    assert page.url.endswith("/admin/modeler?flow=Process_New")
    admin.check_rendered("modeler-deployed-new")

    with engine.db.reading() as session:
        xml = session.scalar(sa.select(ProcessDefinition.xml).where(ProcessDefinition.key == "Process_New"))
    assert f'id="{approved_end}"' in xml and approved_end.startswith("Event_") and 'shenpi:outcome="approved"' in xml
    assert f"{UNIT}/{POST}" in xml and "working_days(3)" in xml and 'shenpi:timerRole="limit"' in xml
    assert '<camunda:formField id="decision" label="审查结论" type="enum">' in xml

    admin.open("/admin/processes/Process_New/versions")
    assert "新建：材料审查后准予或不予许可" in page.inner_text("main")

    # A matter on the drawn flow; a case runs to its end with the outcome chosen in the panel.
    engine.catalogue.publish(MATTER, "admin")
    for decision, outcome in (("approve", "approved"), ("deny", "denied")):
        case = engine.cases.start_case(MATTER["code"], {"name": "张三"}, {}, ENGINE)
        [step] = case["tasks"]
        assert (step["name"], step["department"], step["post"]) == ("材料审查", UNIT, POST)
        assert step["due_at"]  # the limit timer of 3 working days
        engine.tasks.complete(step["id"], ENGINE, {"decision": decision}, "审查完毕")
        ended = engine.cases.get_case(case["id"], ENGINE)
        assert (ended["status"], ended["outcome"]) == ("ended", outcome)


def test_the_modeler_speaks_english_to_an_english_reader(visitor_factory):
    admin = visitor_factory()
    admin.login("admin")
    admin.open("/admin/modeler")
    admin.page.click(".langswitch button[value=en]")
    admin.page.wait_for_selector("#canvas .djs-element")
    page = admin.page
    assert page.get_attribute('.djs-palette [data-action="create.task"]', "aria-label") == "Create task"
    page.click('#canvas [data-element-id="StartEvent_1"]')
    assert page.text_content("#properties .bio-properties-panel-header-type") == "Start Event"
    page.click('#canvas [data-element-id="Lane_1"]', position={"x": 400, "y": 30})
    assert "Who handles the steps of this lane" in page.inner_text("#properties")
    admin.check_rendered("modeler-english")
