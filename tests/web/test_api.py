from __future__ import annotations

import io
import threading

import pytest

from ..helpers import FIVE
from .helpers import auth


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"]
    return body


def test_health_and_openapi_are_public(api):
    assert api.get("/api/v1/health").get_json()["status"] == "ok"
    spec = api.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/cases/{case_id}/trail" in spec["paths"]


def test_token_required(api):
    assert_error(api.get("/api/v1/cases"), 401, "unauthorized")
    assert_error(api.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_deploy(api):
    response = api.post(
        "/api/v1/process-definitions",
        headers=auth(api, "admin"),
        data={"file": (io.BytesIO(FIVE.replace(b'\xe5\x8f\x97\xe7\x90\x86"', '收件"'.encode())), "f.bpmn")},
    )
    assert response.status_code == 201
    assert {"id", "key", "version"} <= response.get_json().keys() and response.get_json()["version"] == 2
    bad = api.post(
        "/api/v1/process-definitions",
        headers=auth(api, "admin"),
        data={"file": (io.BytesIO(FIVE.replace(b'review == "revise"', b"open('/etc/passwd')")), "f.bpmn")},
    )
    body = assert_error(bad, 422, "invalid_process")
    assert (
        body["element"] == "Flow_Revise" and body["line"] == FIVE[: FIVE.index(b'review == "revise"')].count(b"\n") + 1
    )
    assert_error(api.post("/api/v1/process-definitions", headers=auth(api, "admin"), data={}), 400, "invalid_input")
    assert_error(
        api.post(
            "/api/v1/process-definitions", headers=auth(api, "clerk"), data={"file": (io.BytesIO(FIVE), "f.bpmn")}
        ),
        403,
        "forbidden",
    )


def test_deploy_with_a_change_note(api):
    content = FIVE.replace(b'\xe5\x8f\x97\xe7\x90\x86"', '收件"'.encode())
    response = api.post(
        "/api/v1/process-definitions",
        headers=auth(api, "admin"),
        data={"file": (io.BytesIO(content), "f.bpmn"), "note": "受理改为收件"},
    )
    assert response.status_code == 201 and response.get_json()["change_note"] == "受理改为收件"
    listed = api.get("/api/v1/process-definitions?key=five_step", headers=auth(api, "admin")).get_json()
    assert [d["change_note"] for d in listed] == [None, "受理改为收件"]


def test_upload_too_large_is_json(api, engine):
    huge = b"x" * (engine.settings.max_upload_bytes + 100 * 1024)
    response = api.post(
        "/api/v1/process-definitions", headers=auth(api, "admin"), data={"file": (io.BytesIO(huge), "f.bpmn")}
    )
    assert_error(response, 413, "payload_too_large")


def test_matters(api):
    matters = api.get("/api/v1/matters").get_json()
    assert [m["code"] for m in matters] == ["TEST-0001"]
    assert api.get("/api/v1/matters/TEST-0001").get_json()["legal_basis"]
    assert_error(api.get("/api/v1/matters/NOPE"), 404, "not_found")


def test_case_lifecycle(api):
    response = api.post(
        "/api/v1/cases",
        headers=auth(api, "citizen"),
        json={"matter": "TEST-0001", "applicant": {"name": "张三"}, "data": {"shop": "便民店"}},
    )
    assert response.status_code == 201
    case = response.get_json()
    assert case["status"] == "running" and case["tasks"][0]["name"] == "受理"
    assert {"id", "name", "lane", "assignee", "state", "due_at"} <= case["tasks"][0].keys()
    task_id = case["tasks"][0]["id"]
    listed = api.get(f"/api/v1/tasks?case={case['id']}&lane=受理窗口", headers=auth(api, "clerk")).get_json()
    assert [t["id"] for t in listed] == [task_id]
    assert api.get("/api/v1/tasks", headers=auth(api, "outsider")).get_json() == []
    claimed = api.post(f"/api/v1/tasks/{task_id}/claim", headers=auth(api, "clerk")).get_json()
    assert claimed["assignee"] == "clerk"
    assert api.get("/api/v1/tasks?assignee=clerk", headers=auth(api, "clerk")).get_json()[0]["id"] == task_id
    done = api.post(
        f"/api/v1/tasks/{task_id}/complete",
        headers=auth(api, "clerk"),
        json={"data": {"checked": True}, "opinion": "材料齐全，予以受理"},
    )
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    again = api.post(f"/api/v1/tasks/{task_id}/complete", headers=auth(api, "clerk"), json={})
    assert_error(again, 409, "conflict")
    view = api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "citizen")).get_json()
    assert view["tasks"][0]["element"] == "Task_Handle"
    assert_error(api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "outsider")), 403, "forbidden")
    trail = api.get(f"/api/v1/cases/{case['id']}/trail", headers=auth(api, "clerk")).get_json()
    assert trail[0]["event"] == "case_started" and any(r["detail"] == {"opinion": "材料齐全，予以受理"} for r in trail)


def test_concurrent_completions_over_http(api, engine):
    case = api.post(
        "/api/v1/cases", headers=auth(api, "citizen"), json={"matter": "TEST-0001", "applicant": {"name": "张三"}}
    ).get_json()
    task_id = case["tasks"][0]["id"]
    barrier = threading.Barrier(2)
    statuses = []

    def attempt(user):
        local = api.application.test_client()
        barrier.wait()
        statuses.append(local.post(f"/api/v1/tasks/{task_id}/complete", headers=auth(api, user), json={}).status_code)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in ("clerk", "clerk2")]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(statuses) == [200, 409]


@pytest.mark.parametrize(
    "method,path,kwargs,status,code",
    [
        ("post", "/api/v1/cases", {"data": "not json", "content_type": "application/json"}, 400, "invalid_input"),
        ("post", "/api/v1/cases", {"json": [1, 2]}, 400, "invalid_input"),
        ("post", "/api/v1/cases", {"json": {"matter": "TEST-0001"}}, 400, "invalid_input"),
        ("post", "/api/v1/cases", {"json": {"matter": 5, "applicant": {"name": "x"}}}, 404, "not_found"),
        ("get", "/api/v1/cases/999999", {}, 404, "not_found"),
        (
            "post",
            "/api/v1/cases/83750391299247570944/pause",
            {"json": {"kind": "hearing", "reason": "x"}},
            400,
            "invalid_input",
        ),
        ("get", "/api/v1/tasks?case=abc", {}, 400, "invalid_input"),
        ("get", "/api/v1/tasks?case=83750391299247570944", {}, 400, "invalid_input"),
        ("post", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete", {"json": {}}, 404, "not_found"),
        ("post", "/api/v1/tasks/x/complete", {"json": {"data": 7}}, 400, "invalid_input"),
        ("get", "/api/v1/no-such-endpoint", {}, 404, "not_found"),
        ("delete", "/api/v1/cases", {}, 405, "method_not_allowed"),
    ],
)
def test_errors_are_json(api, method, path, kwargs, status, code):
    response = getattr(api, method)(path, headers=auth(api, "admin"), **kwargs)
    assert_error(response, status, code)


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/v1/cases/1/pause", {"kind": {"x": 1}, "reason": "x"}),
        ("/api/v1/cases/1/documents", {"kind": ["acceptance_notice"]}),
        ("/api/v1/cases/1/terminate", {"reason": {"x": 1}}),
    ],
)
def test_structured_values_where_strings_belong_are_refused(api, path, body):
    api.post("/api/v1/cases", headers=auth(api, "citizen"), json={"matter": "TEST-0001", "applicant": {"name": "张三"}})
    assert_error(api.post(path, headers=auth(api, "admin"), json=body), 400, "invalid_input")
