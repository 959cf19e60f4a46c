from __future__ import annotations

import io
import threading

import pytest

from web import create_app

from .conftest import FIXTURES

FIVE = (FIXTURES / "five_step.bpmn").read_bytes()


@pytest.fixture
def client(five_step):
    app = create_app(shenpi=five_step, testing=True)
    client = app.test_client()
    client.tokens = {u: five_step.identity.create_token(u) for u in ("admin", "clerk", "clerk2", "outsider", "citizen")}
    return client


def auth(client, user):
    return {"Authorization": f"Bearer {client.tokens[user]}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"]
    return body


def test_health_and_openapi_are_public(client):
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/cases/{case_id}/trail" in spec["paths"]


def test_token_required(client):
    assert_error(client.get("/api/v1/cases"), 401, "unauthorized")
    assert_error(client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_deploy(client):
    response = client.post("/api/v1/process-definitions", headers=auth(client, "admin"),
                           data={"file": (io.BytesIO(FIVE.replace(b"\xe5\x8f\x97\xe7\x90\x86\"", "收件\"".encode())), "f.bpmn")})
    assert response.status_code == 201
    assert {"id", "key", "version"} <= response.get_json().keys() and response.get_json()["version"] == 2
    bad = client.post("/api/v1/process-definitions", headers=auth(client, "admin"),
                      data={"file": (io.BytesIO(FIVE.replace(b'review == "revise"', b"open('/etc/passwd')")), "f.bpmn")})
    body = assert_error(bad, 422, "invalid_process")
    assert body["element"] == "Flow_Revise" and body["line"] == FIVE[:FIVE.index(b'review == "revise"')].count(b"\n") + 1
    assert_error(client.post("/api/v1/process-definitions", headers=auth(client, "admin"), data={}), 400, "invalid_input")
    assert_error(client.post("/api/v1/process-definitions", headers=auth(client, "clerk"),
                             data={"file": (io.BytesIO(FIVE), "f.bpmn")}), 403, "forbidden")


def test_upload_too_large_is_json(client, five_step):
    huge = b"x" * (five_step.settings.max_upload_bytes + 100 * 1024)
    response = client.post("/api/v1/process-definitions", headers=auth(client, "admin"),
                           data={"file": (io.BytesIO(huge), "f.bpmn")})
    assert_error(response, 413, "payload_too_large")


def test_matters(client):
    matters = client.get("/api/v1/matters").get_json()
    assert [m["code"] for m in matters] == ["TEST-0001"]
    assert client.get("/api/v1/matters/TEST-0001").get_json()["legal_basis"]
    assert_error(client.get("/api/v1/matters/NOPE"), 404, "not_found")


def test_case_lifecycle(client):
    response = client.post("/api/v1/cases", headers=auth(client, "citizen"),
                           json={"matter": "TEST-0001", "applicant": {"name": "张三"}, "data": {"shop": "便民店"}})
    assert response.status_code == 201
    case = response.get_json()
    assert case["status"] == "running" and case["tasks"][0]["name"] == "受理"
    assert {"id", "name", "lane", "assignee", "state", "due_at"} <= case["tasks"][0].keys()
    task_id = case["tasks"][0]["id"]
    listed = client.get(f"/api/v1/tasks?case={case['id']}&lane=受理窗口", headers=auth(client, "clerk")).get_json()
    assert [t["id"] for t in listed] == [task_id]
    assert client.get("/api/v1/tasks", headers=auth(client, "outsider")).get_json() == []
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=auth(client, "clerk")).get_json()
    assert claimed["assignee"] == "clerk"
    assert client.get("/api/v1/tasks?assignee=clerk", headers=auth(client, "clerk")).get_json()[0]["id"] == task_id
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=auth(client, "clerk"),
                       json={"data": {"checked": True}, "opinion": "材料齐全，予以受理"})
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    again = client.post(f"/api/v1/tasks/{task_id}/complete", headers=auth(client, "clerk"), json={})
    assert_error(again, 409, "conflict")
    view = client.get(f"/api/v1/cases/{case['id']}", headers=auth(client, "citizen")).get_json()
    assert view["tasks"][0]["element"] == "Task_Handle"
    assert_error(client.get(f"/api/v1/cases/{case['id']}", headers=auth(client, "outsider")), 403, "forbidden")
    trail = client.get(f"/api/v1/cases/{case['id']}/trail", headers=auth(client, "clerk")).get_json()
    assert trail[0]["event"] == "case_started" and any(r["detail"] == {"opinion": "材料齐全，予以受理"} for r in trail)


def test_concurrent_completions_over_http(client, five_step):
    case = client.post("/api/v1/cases", headers=auth(client, "citizen"),
                       json={"matter": "TEST-0001", "applicant": {"name": "张三"}}).get_json()
    task_id = case["tasks"][0]["id"]
    barrier = threading.Barrier(2)
    statuses = []

    def attempt(user):
        local = client.application.test_client()
        barrier.wait()
        statuses.append(local.post(f"/api/v1/tasks/{task_id}/complete", headers=auth(client, user), json={}).status_code)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in ("clerk", "clerk2")]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(statuses) == [200, 409]


@pytest.mark.parametrize("method,path,kwargs,status,code", [
    ("post", "/api/v1/cases", {"data": "not json", "content_type": "application/json"}, 400, "invalid_input"),
    ("post", "/api/v1/cases", {"json": [1, 2]}, 400, "invalid_input"),
    ("post", "/api/v1/cases", {"json": {"matter": "TEST-0001"}}, 400, "invalid_input"),
    ("post", "/api/v1/cases", {"json": {"matter": 5, "applicant": {"name": "x"}}}, 404, "not_found"),
    ("get", "/api/v1/cases/999999", {}, 404, "not_found"),
    ("post", "/api/v1/cases/83750391299247570944/pause", {"json": {"kind": "hearing", "reason": "x"}}, 404, "not_found"),
    ("get", "/api/v1/tasks?case=abc", {}, 400, "invalid_input"),
    ("get", "/api/v1/tasks?case=83750391299247570944", {}, 400, "invalid_input"),
    ("post", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete", {"json": {}}, 404, "not_found"),
    ("post", "/api/v1/tasks/x/complete", {"json": {"data": 7}}, 400, "invalid_input"),
    ("get", "/api/v1/no-such-endpoint", {}, 404, "not_found"),
    ("delete", "/api/v1/cases", {}, 405, "method_not_allowed"),
])
def test_errors_are_json(client, method, path, kwargs, status, code):
    response = getattr(client, method)(path, headers=auth(client, "admin"), **kwargs)
    assert_error(response, status, code)


@pytest.mark.parametrize("path,body", [
    ("/api/v1/cases/1/pause", {"kind": {"x": 1}, "reason": "x"}),
    ("/api/v1/cases/1/documents", {"kind": ["acceptance_notice"]}),
    ("/api/v1/cases/1/terminate", {"reason": {"x": 1}}),
])
def test_structured_values_where_strings_belong_are_refused(client, path, body):
    client.post("/api/v1/cases", headers=auth(client, "citizen"), json={"matter": "TEST-0001", "applicant": {"name": "张三"}})
    assert_error(client.post(path, headers=auth(client, "admin"), json=body), 400, "invalid_input")
