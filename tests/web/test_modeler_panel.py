"""What the modeler's properties panel asks the server — the unit tree with its posts (lanes are named 部门/岗位 from
it) and the engine's check of a condition as it is typed, in the user's language — and deploying with a change note
that the versions page shows, the page's title and flow picker following the new version."""

from __future__ import annotations

import pytest

from ..helpers import FIVE
from .helpers import signed_in

RENAMED = FIVE.replace('name="受理"'.encode(), 'name="窗口受理"'.encode())


@pytest.fixture
def admin(app):
    return signed_in(app, "admin")


def post_json(pages, url: str, body):
    return pages.client.post(url, json=body, headers={"X-CSRFToken": pages.csrf()})


def deploy(pages, content: bytes, note: str | None):
    query = "filename=five_step.bpmn" + (f"&note={note}" if note is not None else "")
    return pages.client.post(
        f"/admin/modeler/deploy?{query}",
        data=content,
        content_type="application/xml",
        headers={"X-CSRFToken": pages.csrf()},
    )


def test_the_unit_tree_lists_each_units_posts(admin):
    body = admin.get("/admin/modeler/units.json").get_json()
    units = {unit["name"]: unit for unit in body["units"]}
    assert units["测试局"]["posts"] == sorted(["受理窗口", "承办人", "审核人", "批准人", "制证发证"])
    assert units["测试市人民政府"]["depth"] == 0 and units["测试局"]["depth"] == 1
    assert "审核人" in body["posts"]


@pytest.mark.parametrize("user", ["clerk", "supervisor", "citizen"])
def test_only_administrators_read_the_tree_and_check_conditions(app, user):
    pages = signed_in(app, user)
    assert pages.get("/admin/modeler/units.json").status_code == 403
    assert (
        post_json(pages, "/admin/modeler/check-expression", {"expression": "a == 1", "fields": []}).status_code == 403
    )


def test_a_condition_is_checked_by_the_engine_with_the_fields_before_the_gateway(admin):
    check = lambda expression, fields=("review",): post_json(
        admin, "/admin/modeler/check-expression", {"expression": expression, "fields": list(fields)}
    ).get_json()
    assert check('review == "approve"') == {"valid": True, "message": "条件有效。", "line": None, "unknown": []}
    warned = check('reviw == "approve" and len(signatures) > 1')
    assert (
        warned["valid"] is True
        and warned["unknown"] == ["reviw", "signatures"]
        and "reviw、signatures" in warned["message"]
    )
    assert check('all(s == "approve" for s in signatures)', ["signatures"])["unknown"] == []
    broken = check("review ==")
    assert broken["valid"] is False and broken["message"].startswith("第 1 行：语法错误")
    refused = check('__import__("os").system("id")')
    assert refused["valid"] is False and "__import__" in refused["message"] and "不能使用" in refused["message"]
    assert check("review.format(1)")["message"] == "第 1 行：不允许使用属性 'format'（请用 f-string 格式化文字）"
    assert check("  ") == {"valid": False, "message": "请填写条件。", "line": None, "unknown": []}


def test_the_check_speaks_english_to_an_english_reader(admin):
    admin.post("/language", {"lang": "en"})
    body = post_json(admin, "/admin/modeler/check-expression", {"expression": "open('x')", "fields": []}).get_json()
    assert body["message"] == "Line 1: 'open' is not available in expressions and scripts"
    body = post_json(admin, "/admin/modeler/check-expression", {"expression": "review == 1", "fields": ["review"]})
    assert body.get_json()["message"] == "The condition is valid."


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"expression": 3},
        {"expression": "a", "fields": "a"},
        {"expression": "a", "fields": [1]},
        {"expression": "a" * 2001},
        {"expression": "a", "fields": ["f"] * 501},
    ],
)
def test_bad_check_requests_get_a_clear_json_error(admin, body):
    response = post_json(admin, "/admin/modeler/check-expression", body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and error["message"]


def test_the_check_needs_the_csrf_token(admin):
    response = admin.client.post("/admin/modeler/check-expression", json={"expression": "a", "fields": []})
    assert response.status_code == 400


def test_deploy_needs_a_change_note_and_the_versions_page_shows_it(admin, engine):
    missing = deploy(admin, RENAMED, None)
    assert missing.status_code == 400 and "变更说明" in missing.get_json()["message"]
    assert deploy(admin, RENAMED, "  ").status_code == 400
    assert deploy(admin, RENAMED, "长" * 501).status_code == 400
    assert [d["version"] for d in engine.repository.list_definitions("five_step")] == [1]
    reply = deploy(admin, RENAMED, "受理改名为窗口受理")
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["label"] == "五步顺序审批（five_step）第 2 版" and body["name"] == "五步顺序审批"
    assert body["versions"] == [1, 2] and body["flow_url"] == "/admin/modeler?flow=five_step"
    page = admin.get("/admin/processes/five_step/versions").get_data(as_text=True)
    assert "变更说明" in page and "受理改名为窗口受理" in page
    assert "受理改名为窗口受理" in admin.get("/admin/processes").get_data(as_text=True)


def test_the_modeler_page_carries_what_the_panel_and_the_deploy_dialog_need(admin):
    page = admin.get("/admin/modeler?flow=five_step").get_data(as_text=True)
    assert 'data-units-url="/admin/modeler/units.json"' in page
    assert 'data-check-url="/admin/modeler/check-expression"' in page
    assert 'id="deploy-dialog"' in page and 'id="change-note"' in page and 'maxlength="500"' in page
    assert '<optgroup label="五步顺序审批（five_step）" data-key="five_step">' in page
    assert 'id="simulate-button"' in page and '<html lang="zh-CN">' in page


def test_a_new_diagram_starts_as_a_pool_with_one_lane(admin):
    new = admin.get("/admin/modeler/new.bpmn").get_data(as_text=True)
    assert "<bpmn:participant" in new and '<bpmn:lane id="Lane_1">' in new and 'isExecutable="true"' in new
    assert 'xmlns:shenpi="http://shenpi.org/schema/1.0/bpmn"' in new
