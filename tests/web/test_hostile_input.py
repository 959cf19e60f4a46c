"""Hostile input never gives a 500 (issue 15 §2): ids beyond the columns' range, NUL and control characters, JSON
nested deeper than any body needs, values of the wrong type, a step withdrawn by a return; on SQLite and PostgreSQL.
The API answers 400 naming the field in the error envelope, pages a readable Chinese message."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from engine.identity import ENGINE

from ..helpers import FIVE, FORMED, applied_case, complete, open_task
from .helpers import auth, signed_in, text

BEYOND = 2**31  # one past the largest id an INTEGER column holds


def refused(response, status=400, field=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    if field is not None:
        assert error.get("field") == field, error
    return error


@pytest.mark.parametrize(
    "path, field",
    [
        (f"/api/v1/cases/{BEYOND}", "case_id"),
        (f"/api/v1/cases/{BEYOND}/trail", "case_id"),
        (f"/api/v1/cases/{BEYOND}/materials", "case_id"),
        (f"/api/v1/cases/{BEYOND}/licence", "case_id"),
        (f"/api/v1/complaints/{BEYOND}", "complaint_id"),
        (f"/api/v1/signals/{BEYOND}", "signal_id"),
        (f"/api/v1/supervision-items/{BEYOND}", "item_id"),
        (f"/api/v1/documents/{BEYOND}/pdf", "document_id"),
        (f"/api/v1/materials/{BEYOND}/content", "material_id"),
        (f"/api/v1/calendar/{10**30}", "year"),
    ],
)
def test_ids_beyond_the_column_range_are_refused_with_the_field(api, path, field):
    error = refused(api.get(path, headers=auth(api, "admin")), 400, field=field)
    assert error["reason"] == "value_out_of_range"


@pytest.mark.parametrize(
    "query, field",
    [
        (f"case={BEYOND}", "case"),
        (f"limit={10**40}", "limit"),
    ],
)
def test_query_ids_beyond_the_range_are_refused(api, query, field):
    refused(api.get(f"/api/v1/tasks?{query}", headers=auth(api, "admin")), 400, field=field)


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/{BEYOND}",
        f"/portal/my/cases/{BEYOND}",
        f"/materials/{BEYOND}",
        f"/admin/incidents?case={BEYOND}",
        "/admin/incidents?case=%C2%B2",  # '²' is a digit to str.isdigit, not to int
        f"/inbox/cases?page={BEYOND}",
        f"/api/v1/incidents?case={BEYOND}",
    ],
)
def test_pages_answer_a_readable_message_for_ids_beyond_the_range(app, path):
    page = signed_in(app, "admin").get(path)
    assert page.status_code == 400, page.status_code
    assert "超出" in text(page) or "整数" in text(page), text(page)[:800]


def test_nul_and_control_characters_in_path_and_query_are_refused(api):
    headers = auth(api, "admin")
    refused(api.get("/api/v1/tasks/a%00b", headers=headers), 400, field="task_id")
    refused(api.get("/api/v1/matters/X%00", headers=headers), 400, field="code")
    refused(api.get("/api/v1/cases?status=open%00", headers=headers), 400, field="status")
    refused(api.get("/api/v1/tasks?assignee=%1b", headers=headers), 400, field="assignee")


def test_nul_in_a_body_is_refused_and_never_satisfies_a_required_reason(api, engine):
    case = applied_case(engine)
    task = open_task(engine, case["id"])
    headers = auth(api, "clerk")
    refused(api.post(f"/api/v1/cases/{case['id']}/terminate", json={"reason": "\x00"}, headers=headers), 400, "reason")
    refused(
        api.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"accept": "a\x00"}}, headers=headers),
        400,
        "data.accept",
    )
    refused(
        api.post("/api/v1/cases", json={"matter": "TEST-0001\x00", "applicant": {}}, headers=headers), 400, "matter"
    )
    assert engine.cases.get_case(case["id"], ENGINE)["status"] == "running"


def test_text_keeps_newlines_and_tabs(api, engine):
    case = applied_case(engine)
    response = api.post(
        f"/api/v1/cases/{case['id']}/terminate", json={"reason": "申请人撤回\n\t第二行"}, headers=auth(api, "clerk")
    )
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [40, 50_000])
def test_json_nested_too_deep_is_refused(api, engine, depth):
    body = '{"data": ' + "[" * depth + "]" * depth + "}"
    task = open_task(engine, applied_case(engine)["id"])
    for path in (f"/api/v1/tasks/{task['id']}/complete", "/api/v1/cases", "/api/v1/exchange/facts"):
        refused(api.post(path, data=body, content_type="application/json", headers=auth(api, "admin")), 400)


def test_reasonable_nesting_passes(api, engine):
    nested = {"a": {"b": [{"c": [1, 2, {"d": "e"}]}]}}
    response = api.post(
        "/api/v1/cases",
        json={"matter": "TEST-0001", "applicant": {"name": "张三"}, "data": nested},
        headers=auth(api, "citizen"),
    )
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/supervision-items/1/finding", {"conclusion": [], "text": "x"}),
        ("/api/v1/complaints/1/decision", {"accept": {"a": 1}}),
        ("/api/v1/cases/{case}/documents", {"kind": "supplement_notice", "items": [None]}),
        ("/api/v1/cases/{case}/documents", {"kind": "supplement_notice", "items": "x"}),
        ("/api/v1/exchange/facts", {"facts": [None]}),
        ("/api/v1/me/notification-channels", {"channels": [None]}),
        ("/api/v1/cases/{case}/pause", {"kind": [], "reason": {}}),
        ("/api/v1/tasks/{task}/copy", {"recipients": [None, []]}),
        ("/api/v1/violation-rules", {"code": [], "parameters": []}),
    ],
)
def test_values_of_the_wrong_type_are_refused(api, engine, path, body):
    case = applied_case(engine)
    url = path.format(case=case["id"], task=open_task(engine, case["id"])["id"])
    method = api.put if "channels" in path or "violation-rules" in path else api.post
    response = method(url, json=body, headers=auth(api, "admin"))
    assert response.status_code in (400, 403, 404, 409, 422), response.get_data(as_text=True)[:500]
    assert response.is_json


def test_a_step_withdrawn_by_a_return_is_shown_as_withdrawn(app, api, engine):
    engine.repository.deploy(FORMED, "five_step.bpmn", actor="admin")  # steps with forms: the page reads the workflow
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = complete(engine, case["id"], {"accept": "accept"})
    handle = complete(engine, case["id"], {})
    review = open_task(engine, case["id"])
    engine.flow_ops.return_to(review["id"], engine.identity.actor("clerk"), "重新受理", target="Task_Accept")
    for task in (review, handle, accept):
        response = api.get(f"/api/v1/tasks/{task['id']}", headers=auth(api, "clerk"))
        assert response.status_code == 200, response.get_data(as_text=True)
        page = signed_in(app, "clerk").get(f"/tasks/{task['id']}")
        assert page.status_code == 200, text(page)[:500]
    assert api.get(f"/api/v1/tasks/{review['id']}", headers=auth(api, "clerk")).get_json()["state"] == "withdrawn"
    withdrawn = api.post(f"/api/v1/tasks/{handle['id']}/withdraw", json={"reason": "撤回"}, headers=auth(api, "clerk"))
    refused(withdrawn, 409)


def test_method_not_allowed_names_the_allowed_methods(api, app):
    response = api.delete("/api/v1/cases", headers=auth(api, "admin"))
    refused(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    page = app.test_client().delete("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_form_posts_on_pages_get_the_same_bounds(app, engine):
    case = applied_case(engine)
    client = signed_in(app, "clerk")
    page = client.post(f"/cases/{case['id']}/do/terminate", data={"reason": "\x00"})
    assert page.status_code == 400 and "控制字符" in text(page)
    assert engine.cases.get_case(case["id"], ENGINE)["status"] == "running"


def test_a_json_body_beyond_its_limit_is_refused(api):
    body = json.dumps({"reason": "x" * (2 * 1024 * 1024)})
    response = api.post(
        "/api/v1/cases/1/terminate", data=body, content_type="application/json", headers=auth(api, "admin")
    )
    refused(response, 413)


# --- a small fuzz of hostile bodies against the write endpoints ------------------------------------------------

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), _text)
_hostile = st.recursive(
    _scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=12
)
_fields = [
    "reason",
    "opinion",
    "data",
    "matter",
    "applicant",
    "to",
    "target",
    "recipients",
    "kind",
    "note",
    "items",
    "conclusion",
    "decision",
    "channels",
    "code",
    "parameters",
    "message",
    "signer",
    "missing",
    "amount",
]
_bodies = st.dictionaries(st.sampled_from(_fields), _hostile, max_size=5)

WRITES = [
    ("post", "/api/v1/cases"),
    ("post", "/api/v1/cases/{case}/terminate"),
    ("post", "/api/v1/cases/{case}/pause"),
    ("post", "/api/v1/cases/{case}/resume"),
    ("post", "/api/v1/cases/{case}/fees"),
    ("post", "/api/v1/cases/{case}/documents"),
    ("post", "/api/v1/tasks/{task}/complete"),
    ("post", "/api/v1/tasks/{task}/assign"),
    ("post", "/api/v1/tasks/{task}/copy"),
    ("post", "/api/v1/tasks/{task}/return"),
    ("post", "/api/v1/tasks/{task}/urge"),
    ("post", "/api/v1/complaints/{complaint}/decision"),
    ("post", "/api/v1/complaints/{complaint}/forwarding"),
    ("post", "/api/v1/supervision-items/1/finding"),
    ("post", "/api/v1/signals/1/correction"),
    ("post", "/api/v1/exchange/facts"),
    ("put", "/api/v1/me/notification-channels"),
    ("put", "/api/v1/violation-rules"),
    ("put", "/api/v1/users/clerk/absence"),
    ("put", "/api/v1/calendar/days/2026-12-24"),
]


def test_hostile_bodies_never_give_a_server_error(app, engine):
    api = app.test_client()
    token = engine.identity.create_token("admin")
    case = applied_case(engine)
    task = open_task(engine, case["id"])["id"]
    complaint = 1

    @seed(20261123)
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(write=st.sampled_from(WRITES), body=_bodies)
    def send(write, body):
        method, path = write
        url = path.format(case=case["id"], task=task, complaint=complaint)
        raw = json.dumps(body, allow_nan=True)
        response = getattr(api, method)(
            url, data=raw, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code < 500, (url, raw, response.get_data(as_text=True)[:300])
        assert response.is_json

    send()


@pytest.mark.parametrize(
    "path, data",
    [
        ("/api/v1/process-definitions", {"file": (FIVE, "a\x00.bpmn")}),
        ("/api/v1/process-definitions", {"file": (FIVE, "a.bpmn"), "note": "变更\x00"}),
        ("/api/v1/exchange/batches", {"file": (b"[]", "batch\x00.json")}),
        ("/api/v1/catalogue/import", {"file": (b"{}", "c\x00.json")}),
        (
            "/api/v1/cases",
            {"matter": "TEST-0001", "applicant": '{"name": "张三"}', "files": (b"x", "\x00.txt")},
        ),
    ],
)
def test_nul_in_multipart_fields_and_file_names_is_refused(api, path, data):
    data = {
        name: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value for name, value in data.items()
    }
    response = api.post(path, data=data, content_type="multipart/form-data", headers=auth(api, "admin"))
    assert refused(response, 400)["reason"] == "text_control_characters"
