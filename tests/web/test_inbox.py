"""The clerk's pages: inbox lists and filters, case and task pages, access by unit, and the task operations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.models import Case, TaskRecord, User

from ..helpers import START, complete, open_task
from ..helpers import applied_case as start
from .helpers import signed_in as page
from .helpers import text


@pytest.fixture
def engine(engine):
    """The five-step engine and a department head (科长) of 测试局."""
    with engine.db.transaction() as session:
        session.add(
            User(
                id="head", name="科长", department_id="T01", posts=["受理窗口", "承办人", "负责人"], roles=["official"]
            )
        )
    return engine


def set_urgency(engine, case_id, light=None, promised_in_days=None):
    with engine.db.transaction() as session:
        case = session.get(Case, case_id)
        if light:
            case.light = light
        if promised_in_days is not None:
            case.promised_due_at = START + dt.timedelta(days=promised_in_days)


def test_inbox_lists_group_tasks_most_urgent_first(app, engine):
    calm, soon, red = start(engine, "王五"), start(engine, "李四"), start(engine, "赵六")
    set_urgency(engine, calm["id"], promised_in_days=20)
    set_urgency(engine, soon["id"], light="yellow", promised_in_days=2)
    set_urgency(engine, red["id"], light="red", promised_in_days=-3)
    body = text(page(app, "clerk").get("/inbox"))
    positions = [body.index(c["number"]) for c in (red, soon, calm)]
    assert positions == sorted(positions)
    assert "超期" in body and "light-red" in body and "待签收" in body
    assert "王五" in body and "受理" in body


def test_inbox_filters_by_text_scope_light_and_returns_only_the_results_to_htmx(app, engine):
    first, second = start(engine, "王五"), start(engine, "李四")
    set_urgency(engine, second["id"], light="red")
    clerk = page(app, "clerk")
    body = text(clerk.get("/inbox?q=李四"))
    assert second["number"] in body and first["number"] not in body
    assert first["number"] not in text(clerk.get("/inbox?light=red"))
    assert "没有符合条件" in text(clerk.get("/inbox?scope=mine"))
    partial = clerk.get("/inbox?q=" + first["number"], headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    assert "<html" not in text(partial) and first["number"] in text(partial)
    assert "王五" not in text(page(app, "outsider").get("/inbox"))


def test_bad_filters_and_unknown_tasks_render_a_message_not_a_500(app, engine):
    clerk = page(app, "clerk")
    response = clerk.get("/inbox?light=purple")
    assert response.status_code == 400 and "error-page" in text(response)
    assert clerk.get("/inbox/cases?date_from=yesterday").status_code == 400
    assert clerk.get("/tasks/not-a-task").status_code == 404
    response = clerk.post("/tasks/00000000-0000-0000-0000-000000000000/do/claim", htmx=True)
    assert response.status_code == 404 and response.headers["HX-Retarget"] == "#messages"


def test_claim_from_the_list_with_htmx(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    response = page(app, "clerk").post(
        f"/tasks/{task['id']}/do/claim", htmx=True, headers={"HX-Target": f"task-{task['id']}"}
    )
    assert response.status_code == 200
    assert "已签收" in text(response) and "hx-swap-oob" in text(response) and "办理</a>" in text(response)
    assert engine.tasks.get_task(task["id"], ENGINE)["assignee"] == "clerk"
    again = page(app, "clerk2").post(f"/tasks/{task['id']}/do/claim", htmx=True)
    assert again.status_code == 409 and "已被他人签收" in text(again)


def test_complete_with_opinion_goes_back_to_the_inbox(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    clerk = page(app, "clerk")
    assert "提交办理" in text(clerk.get(f"/tasks/{task['id']}"))
    response = clerk.post(f"/tasks/{task['id']}/complete", {"opinion": "材料齐全，予以受理。"}, htmx=True)
    assert response.headers["HX-Redirect"] == "/inbox"
    done = engine.tasks.get_task(task["id"], ENGINE)
    assert (done["state"], done["opinion"], done["completed_by"]) == ("completed", "材料齐全，予以受理。", "clerk")
    assert "办理完成" in text(clerk.get("/inbox"))
    assert "材料齐全" in text(clerk.get("/inbox?tab=done"))


def test_a_denial_without_reasons_shows_the_field_error(app, engine):
    case = start(engine)
    for data in ({}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    task = open_task(engine, case["id"])
    assert task["element"] == "Task_Approve"
    clerk = page(app, "clerk")
    assert "decision.approval" in text(clerk.get(f"/tasks/{task['id']}"))
    response = clerk.post(f"/tasks/{task['id']}/complete", {"decision.approval": "deny", "opinion": ""}, htmx=True)
    assert response.status_code == 200 and "必须在办理意见中说明理由" in text(response)
    assert engine.tasks.get_task(task["id"], ENGINE)["state"] == "open"
    response = clerk.post(
        f"/tasks/{task['id']}/complete", {"decision.approval": "deny", "opinion": "不符合条件"}, htmx=True
    )
    assert "HX-Redirect" in response.headers
    assert engine.runtime.get_case(case["id"], ENGINE)["outcome"] == "denied"


def test_a_decision_starts_without_a_choice_and_must_be_chosen(app, engine):
    """No option is preselected, so pressing Enter in the form cannot approve: the browser asks for a choice."""
    case = start(engine)
    for data in ({}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    task = open_task(engine, case["id"])
    body = text(page(app, "clerk").get(f"/tasks/{task['id']}"))
    radios = re.findall(r'<input type="radio" name="decision\.approval"[^>]*>', body)
    assert len(radios) >= 2
    assert all(" required" in radio for radio in radios) and not any("checked" in radio for radio in radios)


def test_return_needs_a_reason_and_goes_to_the_previous_step(app, engine):
    case = start(engine)
    complete(engine, case["id"], {})
    task = open_task(engine, case["id"])
    clerk = page(app, "clerk")
    refused = clerk.post(f"/tasks/{task['id']}/do/return", {"reason": " "}, htmx=True)
    assert refused.status_code == 400 and "请填写理由" in text(refused)
    response = clerk.post(f"/tasks/{task['id']}/do/return", {"reason": "材料需重新核对"}, htmx=True)
    assert response.headers["HX-Redirect"] == "/inbox"
    assert open_task(engine, case["id"])["element"] == "Task_Accept"
    trail = engine.history.case_trail(case["id"], ENGINE)
    assert [e["detail"]["reason"] for e in trail if e["event"] == "task_returned"] == ["材料需重新核对"]
    assert "材料需重新核对" in text(clerk.get(f"/cases/{case['id']}"))


def test_transfer_refreshes_the_task_panel(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    clerk = page(app, "clerk")
    assert "转办给" in text(clerk.get(f"/tasks/{task['id']}"))
    response = clerk.post(f"/tasks/{task['id']}/do/transfer", {"to": "clerk2", "reason": "休假"}, htmx=True)
    assert response.status_code == 200 and "已转办" in text(response) and "窗口乙" in text(response)
    assert engine.tasks.get_task(task["id"], ENGINE)["assignee"] == "clerk2"


def test_urge_once_a_day(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    other = page(app, "clerk2")
    assert "已催办" in text(other.post(f"/tasks/{task['id']}/do/urge", {"message": "请尽快"}, htmx=True))
    again = other.post(f"/tasks/{task['id']}/do/urge", {"message": "请尽快"}, htmx=True)
    assert again.status_code == 409 and "每人每天限催办一次" in text(again)


def test_jump_is_offered_to_and_allowed_for_supervisors_only(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    clerk = page(app, "clerk")
    assert "跳转（电子监察）" not in text(clerk.get(f"/tasks/{task['id']}"))
    refused = clerk.post(f"/tasks/{task['id']}/do/jump", {"reason": "加快", "target": "Task_Review"}, htmx=True)
    assert refused.status_code == 403 and "电子监察员" in text(refused)
    supervisor = page(app, "supervisor")
    assert "跳转（电子监察）" in text(supervisor.get(f"/tasks/{task['id']}"))
    response = supervisor.post(
        f"/tasks/{task['id']}/do/jump", {"reason": "督办加快", "target": "Task_Review"}, htmx=True
    )
    assert response.headers["HX-Redirect"] == f"/cases/{case['id']}"
    assert open_task(engine, case["id"])["element"] == "Task_Review"


def test_pages_are_scoped_by_unit(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    outsider = page(app, "outsider")
    assert outsider.get(f"/tasks/{task['id']}").status_code == 403
    assert outsider.get(f"/cases/{case['id']}").status_code == 403
    assert outsider.get(f"/cases/{case['id']}/diagram").status_code == 403
    assert case["number"] not in text(outsider.get("/inbox/cases"))
    assert page(app, "far_supervisor").get(f"/cases/{case['id']}").status_code == 403
    supervisor = page(app, "supervisor")
    assert supervisor.get(f"/cases/{case['id']}").status_code == 200
    assert case["number"] in text(supervisor.get("/inbox/cases"))
    assert supervisor.get("/inbox").status_code == 403  # the inbox is the officials' page


def test_case_page_shows_facts_steps_history_and_the_diagram_data(app, engine):
    case = start(engine, "王五")
    complete(engine, case["id"], {}, opinion="予以受理")
    clerk = page(app, "clerk")
    body = text(clerk.get(f"/cases/{case['id']}"))
    assert "王五" in body and "承办" in body and "予以受理" in body and "提交申请" in body
    assert "data-diagram-url" in body and "build/diagram.js" in body and "<script>" not in body
    flow = clerk.get(f"/cases/{case['id']}/diagram").get_json()
    assert flow["current"] == ["Task_Handle"] and flow["completed"] == ["Task_Accept"]
    assert "<bpmn:definitions" in flow["xml"] or "definitions" in flow["xml"]


def test_case_search_filters(app, engine):
    first, second = start(engine, "王五"), start(engine, "李四")
    clerk = page(app, "clerk")
    body = text(clerk.get("/inbox/cases?q=李四"))
    assert second["number"] in body and first["number"] not in body
    assert "没有符合条件" in text(clerk.get("/inbox/cases?status=ended"))
    day = START.date().isoformat()
    assert first["number"] in text(clerk.get(f"/inbox/cases?date_from={day}&date_to={day}&department=测试局"))


def test_withdraw_from_the_done_list_and_carbon_copy_shows_in_the_copies_tab(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    clerk = page(app, "clerk")
    clerk.post(f"/tasks/{task['id']}/complete", {"opinion": "受理"}, htmx=True)
    assert f"/tasks/{task['id']}" in text(clerk.get("/inbox?tab=done"))
    response = clerk.post(f"/tasks/{task['id']}/do/withdraw", {"reason": "意见写错"}, htmx=True)
    assert response.status_code == 200 and "已撤回" in text(response)
    assert open_task(engine, case["id"])["id"] == task["id"]
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    response = clerk.post(f"/tasks/{task['id']}/do/copy", {"recipients_extra": "outsider", "note": "请知悉"}, htmx=True)
    assert "已抄送" in text(response)
    outsider = page(app, "outsider")
    assert case["number"] in text(outsider.get("/inbox?tab=copies"))
    assert outsider.get(f"/cases/{case['id']}").status_code == 200


def test_supplement_notice_pauses_the_clock_and_lists_every_missing_material(app, engine):
    case = start(engine)
    complete(engine, case["id"], {})
    clerk = page(app, "clerk")
    refused = clerk.post(f"/cases/{case['id']}/do/pause", {"kind": "supplement", "reason": "材料不全"}, htmx=True)
    assert refused.status_code == 400 and "一次性列明" in text(refused)
    response = clerk.post(
        f"/cases/{case['id']}/do/pause",
        {"kind": "supplement", "reason": "材料不全", "missing": "营业执照\n身份证复印件"},
        htmx=True,
    )
    assert response.headers["HX-Redirect"] == f"/cases/{case['id']}"
    body = text(clerk.get(f"/cases/{case['id']}"))
    assert "已暂停计时" in body and "营业执照、身份证复印件" in body and "恢复计时" in body
    assert page(app, "outsider").post(f"/cases/{case['id']}/do/resume", htmx=True).status_code == 403
    clerk.post(f"/cases/{case['id']}/do/resume", {"note": "已补正"}, htmx=True)
    assert engine.case_clock.clock_view(case["id"])["paused"] is False


def test_department_head_sees_assign_and_ordinary_clerk_does_not(app, engine):
    case = start(engine)
    task = open_task(engine, case["id"])
    assert ">分派<" not in text(page(app, "clerk").get(f"/tasks/{task['id']}"))
    head = page(app, "head")
    assert ">分派<" in text(head.get(f"/tasks/{task['id']}"))
    response = head.post(f"/tasks/{task['id']}/do/assign", {"to": "clerk2"}, htmx=True)
    assert "已分派" in text(response)
    with engine.db.reading() as session:
        assert session.scalar(sa.select(TaskRecord.assignee).where(TaskRecord.id == task["id"])) == "clerk2"


# --- case materials on the clerk's pages ---------------------------------------------------------------------


def guided_case(engine):
    from ..helpers import FIVE_STEP_ENTRY, GUIDE, PDF

    engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": GUIDE}, "admin")
    return engine.runtime.start_case(
        "TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"), materials=[("申请书.pdf", PDF, "申请书")]
    )


def test_task_page_shows_the_checklist_and_the_files(app, engine):
    from ..helpers import PDF

    case = guided_case(engine)
    task = open_task(engine, case["id"])
    body = text(page(app, "clerk").get(f"/tasks/{task['id']}"))
    assert "办件材料" in body and "营业执照复印件" in body and "近期照片" in body
    assert "已交 1 个文件" in body and 'class="missing"' in body and "尚缺必交材料：营业执照复印件" in body
    [material] = engine.materials.list(case["id"], ENGINE)["materials"]
    assert f'href="/materials/{material["id"]}"' in body and "申请书.pdf" in body and f"{len(PDF)} 字节" in body
    assert 'hx-encoding="multipart/form-data"' in body and 'name="attachments"' in body and "multiple" in body
    assert "PDF、JPEG 图片" in body and "单个文件不超过 2 MB" in body and "<script>" not in body
    case_body = text(page(app, "clerk").get(f"/cases/{case['id']}"))
    assert "申请书.pdf" in case_body and "尚缺必交材料" in case_body


def test_material_download_by_the_department_and_refused_to_another(app, engine):
    from urllib.parse import quote

    from ..helpers import PDF

    case = guided_case(engine)
    [material] = engine.materials.list(case["id"], ENGINE)["materials"]
    response = page(app, "clerk").get(f"/materials/{material['id']}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('申请书.pdf')}" in disposition
    assert page(app, "outsider").get(f"/materials/{material['id']}").status_code == 403
    assert page(app, "clerk").get("/materials/999999").status_code == 404


def test_completing_with_an_attachment_records_it(app, engine):
    import io

    from ..helpers import PDF

    case = guided_case(engine)
    task = open_task(engine, case["id"])
    response = page(app, "clerk").post(
        f"/tasks/{task['id']}/complete",
        {"opinion": "予以受理", "attachments": [(io.BytesIO(PDF + b"%scan"), "受理审查表.pdf")]},
        htmx=True,
    )
    assert response.headers["HX-Redirect"] == "/inbox"
    assert engine.tasks.get_task(task["id"], ENGINE)["state"] == "completed"
    files = engine.materials.list(case["id"], ENGINE)["materials"]
    attached = [m for m in files if m["kind"] == "attachment"]
    assert [(m["filename"], m["task"], m["uploaded_by"], m["media_type"]) for m in attached] == [
        ("受理审查表.pdf", task["id"], "clerk", "application/pdf")
    ]
    assert "附件" in text(page(app, "clerk").get(f"/cases/{case['id']}"))


def test_an_executable_attachment_is_refused_and_the_step_stays_open(app, engine):
    import io

    from ..helpers import EXE

    case = guided_case(engine)
    task = open_task(engine, case["id"])
    response = page(app, "clerk").post(
        f"/tasks/{task['id']}/complete",
        {"opinion": "予以受理", "attachments": [(io.BytesIO(EXE), "setup.pdf")]},
        htmx=True,
    )
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    body = text(response)
    assert "setup.pdf" in body and "可执行程序" in body and "类型不允许" in body and "field-error" in body
    assert engine.tasks.get_task(task["id"], ENGINE)["state"] == "open"
    assert [m["kind"] for m in engine.materials.list(case["id"], ENGINE)["materials"]] == ["application"]


def test_an_attachment_over_the_size_limit_is_refused_readably(app, engine):
    import io

    case = guided_case(engine)
    task = open_task(engine, case["id"])
    engine.materials.max_file_bytes = 10
    response = page(app, "clerk").post(
        f"/tasks/{task['id']}/complete", {"attachments": [(io.BytesIO(b"x" * 11), "说明.txt")]}, htmx=True
    )
    assert response.status_code == 200 and "超过单个文件大小上限" in text(response)
    assert engine.tasks.get_task(task["id"], ENGINE)["state"] == "open"
