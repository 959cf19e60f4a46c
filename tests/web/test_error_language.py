"""Engine errors in the reader's language: the pages in the session's language, the API by Accept-Language.

A Chinese page never shows an engine message in English and an English page never one in Chinese; the API's
error body keeps ``code``, the detail keys (``field``, ``fields``, ``errors``, ``element``, ``line``) and adds
``reason`` and ``params``, with ``message`` (and the messages inside the details) worded in Chinese by default and
in English when asked.
"""

from __future__ import annotations

import io
import re

import pytest

from engine.error_messages import MESSAGES
from engine.errors import (
    Conflict,
    EngineError,
    InvalidCatalogue,
    InvalidInput,
    InvalidState,
    Message,
    NotFound,
    PermissionDenied,
    ProcessValidationError,
    TooLarge,
    english,
)
from engine.identity.actors import ENGINE
from web.messages import describe, error_body

from ..helpers import FIXTURES, open_task
from .helpers import PageClient, auth, text

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Words of an English sentence; none may be left in a Chinese message (identifiers such as bpmn:timeDate may).
ENGLISH_WORDS = re.compile(r"\b(the|must|is|are|not|of|cannot|only|may|has|have|does|this|already|no)\b")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
NEUTRAL = {"file_type_pdf"}  # the same word in both languages

# A broad sample: every kind of error, list params, a nested message, a fixed name of the engine (a unit level),
# per-field messages (``fields``, ``errors``) and a BPMN problem with its element and line.
SAMPLES = [
    lambda: NotFound("case_not_found", case=42),
    lambda: PermissionDenied("case_of_another_unit"),
    lambda: Conflict("task_already_claimed", task="t-1", assignee="clerk2"),
    lambda: InvalidState("clock_already_paused", kind="supplement"),
    lambda: InvalidInput("not_one_of", field="light", allowed=["red", "yellow", "green"]),
    lambda: InvalidInput("termination_reason_required", field="reason"),
    lambda: InvalidInput(
        "file_type_refused",
        field="files",
        name="setup.pdf",
        seen=Message("file_type_windows_pe"),
        allowed=[Message("file_type_pdf"), Message("file_type_jpeg")],
    ),
    lambda: InvalidInput(
        "unit_level_above_parent", field="level", level="市", parent_level="区（县）", parent="Unit-9"
    ),
    lambda: InvalidInput(
        "form_invalid",
        labels=["Field A", "Field B"],
        fields={"a": Message("field_required"), "b": Message("field_too_many_characters", max=20)},
    ),
    lambda: InvalidInput(
        "account_invalid", errors={"id": Message("account_id_taken"), "roles": Message("account_roles_required")}
    ),
    lambda: InvalidCatalogue(
        "catalogue_file_has_errors",
        count=1,
        error_count=1,
        errors=[
            {
                "location": Message("location_sheet_row", sheet="S1", row=3),
                "field": "code",
                "label": Message("matter_field_code"),
                "message": Message("matter_code_format"),
            }
        ],
    ),
    lambda: TooLarge("file_too_large", limit=10, name="big.pdf"),
    lambda: ProcessValidationError("bpmn_reserved_id", element="Task_1", line=7, id="Task_1"),
]


@pytest.fixture
def app(app):
    """The web application with a page and an API route that raise SAMPLES[index]."""

    def raise_sample(index: int):
        raise SAMPLES[index]()

    app.add_url_rule("/_sample/<int:index>", "sample_page", raise_sample)
    app.add_url_rule("/api/v1/_sample/<int:index>", "sample_api", raise_sample)
    return app


def pages(app, user: str | None = None, lang: str = "zh") -> PageClient:
    client = PageClient(app)
    if user:
        client.login(user)
    if lang != "zh":
        assert client.post("/language", {"lang": lang, "next": "/login"}).status_code == 302
    return client


def shown_message(html: str) -> str:
    """The message of an error page or of an htmx message fragment."""
    found = re.search(r'class="card error-page">.*?<p>(.*?)</p>', html, re.S) or re.search(
        r'class="alert alert-error"[^>]*>(.*?)</div>', html, re.S
    )
    return found.group(1)


def assert_chinese(message: str, english_text: str):
    assert CJK.search(message), message
    assert message != english_text and not ENGLISH_WORDS.search(message), message


def assert_english(message: str):
    assert message and not CJK.search(message), message


def test_every_reason_is_worded_in_chinese_and_in_english(app):
    for lang in ("zh", "en"):
        with app.test_request_context("/api/v1/health", headers={"Accept-Language": lang}):
            for reason, template in MESSAGES.items():
                params = {name: f"v{i}" for i, name in enumerate(PLACEHOLDER.findall(template))}
                worded = describe(Message(reason, **params))
                if lang == "en":
                    assert worded == english(reason, params)
                    assert_english(worded)
                elif reason not in NEUTRAL:
                    assert_chinese(worded, english(reason, params))
                assert "%(" not in worded, reason


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_api_error_body_follows_accept_language(app, index):
    client = app.test_client()
    expected = SAMPLES[index]()
    bodies = {}
    for header in (None, "zh-CN,zh;q=0.9", "en-US,en;q=0.9", "fr"):
        response = client.get(f"/api/v1/_sample/{index}", headers={"Accept-Language": header} if header else {})
        assert response.status_code == expected.status and response.is_json
        body = response.get_json()["error"]
        assert body["code"] == expected.code and body["reason"] == expected.reason
        assert {"field", "fields", "errors", "element", "line", "limit", "error_count"} & body.keys() == set(
            expected.details
        ) | ({"element", "line"} if isinstance(expected, ProcessValidationError) else set())
        bodies[header] = body
    zh, en = bodies[None], bodies["en-US,en;q=0.9"]
    assert bodies["zh-CN,zh;q=0.9"] == zh and bodies["fr"] == zh  # Chinese unless English is asked for
    assert_chinese(zh["message"], str(expected))
    assert_english(en["message"])
    for key in ("fields", "errors"):
        if key in expected.details:
            inner_zh, inner_en = repr(zh[key]), repr(en[key])
            assert CJK.search(inner_zh) and not CJK.search(inner_en), (inner_zh, inner_en)
    if isinstance(expected, ProcessValidationError):
        assert (zh["element"], zh["line"]) == ("Task_1", 7)


def test_api_body_keeps_the_detail_keys_and_adds_reason_and_params(app):
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "en"}):
        body = error_body(SAMPLES[4]())
        assert body == {
            "code": "invalid_input",
            "reason": "not_one_of",
            "field": "light",
            "message": "light must be one of red, yellow, green",
            "params": {"allowed": ["red", "yellow", "green"]},
        }
        unit = error_body(SAMPLES[7]())
        assert unit["message"] == "a unit of level City cannot belong to Unit-9, a unit of level District (county)"
    with app.test_request_context("/api/v1/x"):
        assert error_body(SAMPLES[4]())["message"] == "light 须为以下之一：red、yellow、green"
        assert error_body(SAMPLES[7]())["message"] == "市级单位不能隶属于区（县）级单位“Unit-9”"


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_pages_and_htmx_messages_are_in_the_page_language(app, index):
    expected = SAMPLES[index]()
    for lang in ("zh", "en"):
        client = pages(app, lang=lang)
        for htmx in (False, True):
            response = client.get(f"/_sample/{index}", headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code == expected.status
            if htmx:
                assert response.headers["HX-Retarget"] == "#messages"
            message = shown_message(text(response))
            if lang == "zh":
                assert_chinese(message, str(expected))
            else:
                assert_english(message)


def test_api_requests_refused_by_the_engine_answer_in_the_asked_language(app, engine):
    client = app.test_client()
    token = {"Authorization": f"Bearer {engine.identity.create_token('admin')}"}
    english_token = {**token, "Accept-Language": "en"}

    body = client.get("/api/v1/cases/424242", headers=token).get_json()["error"]
    assert (body["code"], body["reason"], body["message"]) == ("not_found", "case_not_found", "办件 424242 不存在")
    assert (
        client.get("/api/v1/cases/424242", headers=english_token).get_json()["error"]["message"]
        == "case 424242 does not exist"
    )

    body = client.get("/api/v1/cases", headers={"Accept-Language": "en"}).get_json()["error"]
    assert (body["code"], body["reason"]) == ("unauthorized", "bearer_token_required") and "Bearer" in body["message"]
    assert CJK.search(client.get("/api/v1/cases").get_json()["error"]["message"])

    response = client.post(
        "/api/v1/cases", headers=english_token, json={"matter": "NO-SUCH", "applicant": {"name": "A"}, "data": {}}
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "matter NO-SUCH is not in the published catalogue"

    bpmn = (FIXTURES / "five_step.bpmn").read_bytes().replace(b'review == "revise"', b"open('/etc/passwd')")
    for headers, check in ((token, assert_chinese), (english_token, None)):
        response = client.post(
            "/api/v1/process-definitions", headers=headers, data={"file": (io.BytesIO(bpmn), "f.bpmn")}
        )
        body = response.get_json()["error"]
        assert response.status_code == 422 and body["reason"] == "bpmn_expression_refused"
        assert body["element"] == "Flow_Revise" and body["line"]
        if check:
            check(body["message"], "")
        else:
            assert_english(body["message"])

    response = client.post(
        "/api/v1/catalogue/import",
        headers=english_token,
        data={"file": (io.BytesIO(b'{"matters": [{"code": "x"}]}'), "c.json")},
    )
    body = response.get_json()["error"]
    assert response.status_code == 422 and body["code"] == "invalid_catalogue"
    assert body["errors"] and not CJK.search(repr([(e["message"], e["label"]) for e in body["errors"]]))
    response = client.post(
        "/api/v1/catalogue/import",
        headers=token,
        data={"file": (io.BytesIO(b'{"matters": [{"code": "x"}]}'), "c.json")},
    )
    assert all(CJK.search(e["message"]) for e in response.get_json()["error"]["errors"])


def test_a_request_that_breaks_the_contract_is_refused_in_the_asked_language(api):
    bodies = {}
    for lang in ("zh", "en"):
        response = api.post(
            "/api/v1/tasks/x/transfer",
            headers={**auth(api, "admin"), "Accept-Language": lang},
            json={"reason": "出差" * 3000},
        )
        body = bodies[lang] = response.get_json()["error"]
        assert response.status_code == 400
        assert (body["code"], body["reason"], body["field"]) == ("invalid_input", "request_invalid", "to")
    zh, en = bodies["zh"], bodies["en"]
    assert zh["fields"] == {"to": "必填", "reason": "不能超过 4000 个字"}
    assert zh["message"] == "请求不符合接口约定：to（必填）、reason（不能超过 4000 个字）"
    assert en["fields"] == {"to": "required", "reason": "at most 4000 characters"}
    assert en["message"] == "the request does not fit the API: to (required), reason (at most 4000 characters)"
    kind = api.post(
        "/api/v1/cases/1/pause",
        headers={**auth(api, "admin"), "Accept-Language": "en"},
        json={"kind": "nap", "reason": "因故"},
    ).get_json()["error"]
    assert kind["field"] == "kind" and kind["message"].startswith(
        "the request does not fit the API: kind (must be one of supplement, hearing, "
    )


def test_the_document_describes_reason_and_params(api):
    detail = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["ErrorDetail"]
    assert {"code", "reason", "message", "params", "field", "fields"} <= set(detail["properties"])
    assert sorted(detail["required"]) == ["code", "message"]


def test_sign_in_refusal_in_both_languages(app):
    chinese = text(pages(app).login("clerk", "wrong-password-1"))
    assert "用户名或密码错误" in chinese and "wrong user name" not in chinese
    english_page = pages(app, lang="en")
    english_text = text(english_page.login("clerk", "wrong-password-1"))
    assert "wrong user name or password" in english_text and "用户名或密码错误" not in english_text


def _start(engine, materials=None):
    return engine.cases.start_case(
        "TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"), materials=materials
    )


def test_refused_attachment_is_explained_in_the_page_language(app, engine):
    case = _start(engine)
    task = open_task(engine, case["id"])
    chinese = pages(app, "clerk").post(
        f"/tasks/{task['id']}/complete",
        {"opinion": "予以受理", "attachments": [(io.BytesIO(EXE), "setup.pdf")]},
        htmx=True,
    )
    assert "可执行程序（Windows PE）" in text(chinese) and "类型不允许" in text(chinese)
    english_client = pages(app, "clerk", lang="en")
    english_page = english_client.post(
        f"/tasks/{task['id']}/complete",
        {"opinion": "予以受理", "attachments": [(io.BytesIO(EXE), "setup.pdf")]},
        htmx=True,
    )
    error = re.search(r'<p class="field-error">(.*?)</p>', text(english_page), re.S).group(1)
    assert "is not of an allowed type (its content is an executable (Windows PE))" in error
    assert not CJK.search(error.replace("予以受理", ""))
    assert engine.tasks.get_task(task["id"], ENGINE)["state"] == "open"


def test_operation_refusals_in_the_page_language(app, engine):
    case = _start(engine)
    task = open_task(engine, case["id"])
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    chinese = pages(app, "clerk2").post(f"/tasks/{task['id']}/do/claim", htmx=True)
    assert chinese.status_code == 409 and "已被他人签收" in text(chinese)
    english_page = pages(app, "clerk2", lang="en").post(f"/tasks/{task['id']}/do/claim", htmx=True)
    assert english_page.status_code == 409 and not CJK.search(shown_message(text(english_page)))
    missing = pages(app, "clerk", lang="en").post("/tasks/00000000-0000-0000-0000-000000000000/do/claim", htmx=True)
    assert missing.status_code == 404 and not CJK.search(shown_message(text(missing)))


def test_form_and_import_errors_on_the_administration_pages_are_in_the_page_language(app):
    bad_user = {"id": "clerk", "name": "", "department": "", "email": "not-an-email", "password": "short"}

    def upload():
        return {"file": (io.BytesIO(b'{"matters": [{"code": "x"}]}'), "c.json")}

    chinese = pages(app, "admin")  # before the English pages: choosing English is kept on the account
    page = text(chinese.post("/admin/users/new", bad_user))
    assert "该用户名已被使用" in page and "电子邮箱格式有误" in page and "用户信息有误" in page
    page = text(chinese.post("/admin/matters/import", upload(), content_type="multipart/form-data"))
    table = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "缺少流程标识" in table and "事项编码须为" in table

    english = pages(app, "admin", lang="en")
    page = text(english.post("/admin/users/new", bad_user))
    errors = re.findall(r'<p class="field-error">(.*?)</p>', page, re.S)
    assert "this user name is already in use" in errors and "the e-mail address is malformed" in errors
    assert not CJK.search("".join(errors))
    page = text(english.post("/admin/matters/import", upload(), content_type="multipart/form-data"))
    table = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "process key is missing" in table and not CJK.search(table), table


def test_engine_errors_outside_a_request_read_in_english():
    assert describe(NotFound("case_not_found", case=1)) == "case 1 does not exist"
    assert (
        describe(Message("materials_not_in_guide", materials=["a", "b"]))
        == "the service guide does not list these materials: a, b"
    )
    assert isinstance(NotFound("case_not_found", case=1), EngineError)
