"""The OpenAPI document is generated from the routes and their models: every API route is in it with every
method, every success answer has a real schema, and a request that breaks its model is refused in the API's own
error envelope. The reference page serves Swagger UI under the pages' Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
import schemathesis

PREFIX = "/api/v1"
BARE = {"type": "object"}


@pytest.fixture
def client(app, engine):
    client = app.test_client()
    client.token = engine.identity.create_token("admin")
    return client


@pytest.fixture
def spec(client):
    return client.get(f"{PREFIX}/openapi.json").get_json()


def _template(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule).removeprefix(PREFIX)


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(spec).validate()  # against the OpenAPI 3.1 meta-schema


def test_every_api_route_is_in_the_document_with_every_method(client, spec):
    routes = [rule for rule in client.application.url_map.iter_rules() if str(rule).startswith(PREFIX + "/")]
    missing = [
        f"{method} {_template(str(rule))}"
        for rule in routes
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if method.lower() not in spec["paths"].get(_template(str(rule)), {})
    ]
    assert not missing, f"routes missing from the OpenAPI document: {missing}"
    assert len(list(_operations(spec))) == sum(len(rule.methods - {"HEAD", "OPTIONS"}) for rule in routes)


def test_every_success_answer_has_a_schema(spec):
    bare = []
    for label, operation in _operations(spec):
        successes = {status: answer for status, answer in operation["responses"].items() if status.startswith("2")}
        assert successes, f"{label} documents no success answer"
        for status, answer in successes.items():
            content = answer.get("content") or {}
            schemas = [media.get("schema") for media in content.values()]
            if not schemas or any(schema is None or _resolve(spec, schema) in (BARE, {}) for schema in schemas):
                bare.append(f"{label} {status}")
    assert not bare, f"success answers without a schema: {bare}"


def test_operations_are_named_and_their_path_parameters_declared(spec):
    ids = [operation["operationId"] for _, operation in _operations(spec)]
    assert len(ids) == len(set(ids))
    for label, operation in _operations(spec):
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", label)), label


def test_errors_share_the_envelope(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = _resolve(spec, error["properties"]["error"])
    assert {"code", "message"} <= set(detail["required"])
    assert {"field", "fields", "element", "line"} <= set(detail["properties"])
    for label, operation in _operations(spec):
        for status, answer in operation["responses"].items():
            if status >= "400":
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, label


def test_uploads_stay_multipart_and_public_routes_need_no_token(spec):
    paths = spec["paths"]
    for path in (
        "/process-definitions",
        "/cases/{case_id}/materials",
        "/catalogue/import",
        "/exchange/batches",
        "/matters/{code}/forms",
    ):
        assert "multipart/form-data" in paths[path]["post"]["requestBody"]["content"], path
    for path in ("/cases", "/tasks/{task_id}/complete"):
        assert {"application/json", "multipart/form-data"} <= set(paths[path]["post"]["requestBody"]["content"])
    materials = _resolve(
        spec, paths["/cases/{case_id}/materials"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    )
    assert materials["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert spec["security"] == [{"bearer": []}]
    public = {label for label, operation in _operations(spec) if operation.get("security") == []}
    assert public == {
        "GET /health",
        "GET /matters",
        "GET /matters/{code}",
        "GET /licences/{code}",
        "GET /progress",
        "GET /calendar/{year}",
        "GET /openapi.json",
        "GET /results",
        "GET /matters/{code}/forms",
        "GET /matters/{code}/forms/{file_id}",
    }
    assert paths["/sms/inbound"]["post"]["security"] == [{"smsSecret": []}]
    assert "application/x-www-form-urlencoded" in paths["/sms/inbound"]["post"]["requestBody"]["content"]
    assert paths["/documents/{document_id}/pdf"]["get"]["responses"]["200"]["content"]["application/pdf"]["schema"] == {
        "type": "string",
        "format": "binary",
    }


def test_a_request_that_breaks_its_model_is_refused_naming_the_field(client):
    headers = {"Authorization": f"Bearer {client.token}"}
    paused = client.post(f"{PREFIX}/cases/1/pause", headers=headers, json={"kind": "nap", "reason": "因故"})
    assert paused.status_code == 400
    assert paused.get_json()["error"]["code"] == "invalid_input" and paused.get_json()["error"]["field"] == "kind"
    listed = client.get(f"{PREFIX}/cases?light=purple", headers=headers)
    assert listed.status_code == 400 and listed.get_json()["error"]["field"] == "light"
    refused = client.post(f"{PREFIX}/tasks/x/transfer", headers=headers, json={"reason": "出差"})
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "to"
    assert client.post(f"{PREFIX}/cases/1/pause", json={"kind": "nap"}).status_code == 401  # the token comes first


def test_the_reference_page_runs_swagger_ui_under_the_content_security_policy(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    html = page.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assert '<script type="module" src="/static/build/api-docs.js">' in html and "/static/build/api-docs.css" in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert client.get("/static/build/api-docs.js").status_code == 200
