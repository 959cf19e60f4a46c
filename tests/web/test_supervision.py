"""督办 pages and API: supervisors' list and item page with the procedure's forms, the department head's page,
CSRF, and refusals as readable messages (pages) or JSON (API)."""

from __future__ import annotations

import pytest

from engine.identity.actors import OFFICIAL
from engine.models import User
from engine.supervision.items import open_item

from .helpers import signed_in as page
from .helpers import text


@pytest.fixture
def engine(engine):
    """The five-step engine and a department head (科长) of 测试局."""
    with engine.db.transaction() as session:
        session.add(User(id="head", name="科长", department_id="T01", posts=["承办人", "负责人"], roles=[OFFICIAL]))
    return engine


def new_item(engine, department="测试局", with_case=True, summary="受理环节超期"):
    case_id = None
    if with_case:
        case_id = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))["id"]
    with engine.db.transaction() as session:
        return open_item(
            session,
            engine.calendars.calendar(),
            engine.clock.now(),
            kind="overdue_step",
            department=department,
            summary=summary,
            case_id=case_id,
        )


def test_supervisor_lists_items_and_runs_the_procedure_with_the_head(app, engine):
    item_id = new_item(engine)
    new_item(engine, department="外县人民政府", with_case=False, summary="外县的事项")
    supervisor = page(app, "supervisor")
    listing = text(supervisor.get("/supervision/"))
    assert "受理环节超期" in listing and "外县的事项" not in listing and "待督办" in listing
    assert "督办事项" in text(supervisor.get("/inbox/cases"))  # navigation entry
    assert "没有符合条件" in text(supervisor.get("/supervision/?status=closed"))
    assert "受理环节超期" in text(supervisor.get("/supervision/?light=none&department=测试局&kind=overdue_step"))

    detail = text(supervisor.get(f"/supervision/items/{item_id}"))
    assert "发出督办通知" in detail and "延长调查期限" in detail and "/cases/" in detail
    assert "答复督办" not in detail
    sent = supervisor.post(f"/supervision/items/{item_id}/notice", {"text": "请三日内说明超期原因"})
    assert sent.status_code == 303
    assert "督办通知已发送" in text(supervisor.get(sent.headers["Location"]))

    head = page(app, "head")
    assert "本部门督办" in text(head.get("/inbox"))
    assert "受理环节超期" in text(head.get("/supervision/department"))
    answer_form = text(head.get(f"/supervision/items/{item_id}"))
    assert "答复督办" in answer_form and "请三日内说明超期原因" in answer_form
    assert head.post(f"/supervision/items/{item_id}/response", {"text": "已查明，系系统故障"}).status_code == 303

    refused = supervisor.post(f"/supervision/items/{item_id}/finding", {"text": "属实", "conclusion": ""})
    assert refused.status_code == 400 and "请选择结论" in text(refused)
    assert "属实</textarea>" in text(refused)  # what was typed stays in the form
    done = supervisor.post(
        f"/supervision/items/{item_id}/finding", {"text": "超期属实，责令整改", "conclusion": "partly_substantiated"}
    )
    assert done.status_code == 303
    closed = text(supervisor.get(f"/supervision/items/{item_id}"))
    assert "部分属实" in closed and "超期属实，责令整改" in closed and "作出督办结论" in closed
    assert "记录哈希" in closed


def test_pages_refuse_with_readable_messages(app, engine):
    item_id = new_item(engine)
    supervisor = page(app, "supervisor")
    empty = supervisor.post(f"/supervision/items/{item_id}/notice", {"text": "  "})
    assert empty.status_code == 400 and "请填写内容" in text(empty)
    assert supervisor.post(f"/supervision/items/{item_id}/extension", {"reason": "材料在外地"}).status_code == 303
    again = supervisor.post(f"/supervision/items/{item_id}/extension", {"reason": "再延"})
    assert again.status_code == 409 and "不能再次延期" in text(again)
    early = supervisor.post(f"/supervision/items/{item_id}/finding", {"text": "结论", "conclusion": "unsubstantiated"})
    assert early.status_code == 409 and "当前状态不能进行此操作" in text(early)

    far = page(app, "far_supervisor")
    assert far.get(f"/supervision/items/{item_id}").status_code == 403
    assert far.post(f"/supervision/items/{item_id}/notice", {"text": "越权督办"}).status_code == 403
    clerk = page(app, "clerk")
    assert clerk.get("/supervision/").status_code == 403
    assert clerk.get("/supervision/department").status_code == 403
    assert "本部门督办" not in text(clerk.get("/inbox"))
    assert supervisor.get("/supervision/items/99999").status_code == 404
    assert supervisor.post("/supervision/items/1/unknown", {}).status_code == 404

    no_token = supervisor.client.post(f"/supervision/items/{item_id}/notice", data={"text": "无令牌"})
    assert no_token.status_code == 400 and "页面已过期" in text(no_token)
    assert engine.supervision.get(item_id, engine.identity.actor("supervisor"))["status"] == "open"


def api(app, engine, user):
    token = engine.identity.create_token(user)
    client = app.test_client()

    def call(method, url, body=None):
        return getattr(client, method)(url, json=body, headers={"Authorization": f"Bearer {token}"})

    return call


def test_api_lists_reads_and_runs_the_procedure(app, engine):
    item_id = new_item(engine)
    supervisor, head = api(app, engine, "supervisor"), api(app, engine, "head")
    listed = supervisor("get", "/api/v1/supervision-items?status=open")
    assert listed.status_code == 200 and [i["id"] for i in listed.get_json()] == [item_id]
    assert supervisor("get", "/api/v1/supervision-items?light=purple").get_json()["error"]["code"] == "invalid_input"
    assert api(app, engine, "far_supervisor")("get", "/api/v1/supervision-items").get_json() == []

    missing = supervisor("post", f"/api/v1/supervision-items/{item_id}/notice", {})
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "text"
    assert head("post", f"/api/v1/supervision-items/{item_id}/notice", {"text": "x"}).status_code == 403
    assert (
        supervisor("post", f"/api/v1/supervision-items/{item_id}/notice", {"text": "请整改"}).get_json()["status"]
        == "noticed"
    )
    assert (
        head("post", f"/api/v1/supervision-items/{item_id}/response", {"text": "已整改"}).get_json()["status"]
        == "responded"
    )
    extended = supervisor("post", f"/api/v1/supervision-items/{item_id}/extension", {"reason": "需要复核"})
    assert extended.status_code == 200 and extended.get_json()["extension_reason"] == "需要复核"
    twice = supervisor("post", f"/api/v1/supervision-items/{item_id}/extension", {"reason": "再延"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "invalid_state"
    closed = supervisor(
        "post", f"/api/v1/supervision-items/{item_id}/finding", {"text": "不属实", "conclusion": "unsubstantiated"}
    )
    assert closed.get_json()["status"] == "closed" and closed.get_json()["conclusion"] == "unsubstantiated"

    detail = supervisor("get", f"/api/v1/supervision-items/{item_id}").get_json()
    assert [e["event"] for e in detail["timeline"]] == [
        "supervision_noticed",
        "supervision_responded",
        "supervision_extended",
        "supervision_closed",
    ]
    assert detail["case"]["id"] and detail["may"] == {
        "notice": False,
        "respond": False,
        "finding": False,
        "extend": False,
    }
    assert supervisor("get", "/api/v1/supervision-items/424242").status_code == 404
    assert app.test_client().get("/api/v1/supervision-items").status_code == 401
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/supervision-items", "/supervision-items/{item_id}", "/supervision-items/{item_id}/finding"} <= set(paths)


def test_filters_offer_what_is_there_and_pages_speak_english(app, engine):
    item_id = new_item(engine)
    with engine.db.transaction() as session:
        open_item(
            session,
            engine.calendars.calendar(),
            engine.clock.now(),
            kind="custom_kind",
            department="其他局",
            summary="别的事项",
        )
    options = engine.supervision.filter_options(engine.identity.actor("supervisor"))
    assert options == {"departments": ["其他局", "测试局"], "kinds": ["custom_kind", "overdue_step"]}
    assert engine.supervision.filter_options(engine.identity.actor("far_supervisor")) == {
        "departments": [],
        "kinds": [],
    }
    supervisor = page(app, "supervisor")
    listing = text(supervisor.get("/supervision/?kind=custom_kind"))
    assert "别的事项" in listing and "受理环节超期" not in listing and 'value="custom_kind" selected' in listing
    supervisor.post("/language", {"lang": "en"})
    assert "Supervision items" in text(supervisor.get("/supervision/"))
    english = text(supervisor.get(f"/supervision/items/{item_id}"))
    assert "Send supervision notice" in english and "Extend investigation" in english
    refused = supervisor.post(f"/supervision/items/{item_id}/notice", {"text": ""})
    assert "Please enter the text" in text(refused)
