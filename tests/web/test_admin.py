"""Process administration pages: access, processes and versions, XML, conformance files, validate, deploy,
differences and the upload limit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from engine.identity.actors import ENGINE

from ..helpers import CONFORMANCE_DIR, FIVE
from .helpers import PageClient, signed_in

RENAMED = FIVE.replace('name="受理"'.encode(), 'name="窗口受理"'.encode())
CONFORMANCE = (
    sorted(p.relative_to(CONFORMANCE_DIR).as_posix() for p in CONFORMANCE_DIR.rglob("*.bpmn"))
    if CONFORMANCE_DIR.is_dir()
    else []
)


@pytest.fixture
def corpus(tmp_path):
    directory = tmp_path / "conformance"
    (directory / "set").mkdir(parents=True)
    (directory / "set" / "ok.bpmn").write_bytes(FIVE)
    (directory / "broken.bpmn").write_bytes(FIVE.replace(b'isExecutable="true"', b'isExecutable="false"'))
    (tmp_path / "secret.bpmn").write_bytes(b"<secret/>")
    return directory


@pytest.fixture
def engine(engine, corpus):
    """The five-step engine, its conformance directory the small corpus above."""
    engine.settings = engine.settings.model_copy(update={"conformance_dir": corpus})
    return engine


@pytest.fixture
def admin(app):
    return signed_in(app, "admin")


def post_xml(pages, url: str, content: bytes, filename: str = "five_step.bpmn", note: str = "测试部署"):
    query = f"filename={filename}" + (f"&note={note}" if url.endswith("/deploy") and note else "")
    return pages.client.post(
        f"{url}?{query}", data=content, content_type="application/xml", headers={"X-CSRFToken": pages.csrf()}
    )


ADMIN_PAGES = [
    "/admin",
    "/admin/processes",
    "/admin/modeler",
    "/admin/processes/five_step/versions",
    "/admin/processes/five_step/xml",
    "/admin/conformance",
    "/admin/modeler/new.bpmn",
]


@pytest.mark.parametrize("user", ["clerk", "supervisor", "citizen"])
def test_only_administrators_enter(app, user):
    pages = PageClient(app)
    pages.login(user)
    for url in ADMIN_PAGES:
        response = pages.get(url)
        assert response.status_code == 403, url
        assert "系统管理员" in response.get_data(as_text=True)
    assert post_xml(pages, "/admin/modeler/deploy", RENAMED).status_code == 403


def test_signed_out_users_are_sent_to_sign_in(app):
    response = app.test_client().get("/admin/processes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_lands_on_the_dashboard_with_counts_and_links(admin):
    response = admin.client.get("/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/admin"
    assert 'id="count-definitions">1<' in page and 'id="count-matters">1<' in page
    assert 'id="count-users">7<' in page and 'id="count-departments">6<' in page
    assert 'href="/admin/modeler"' in page and 'href="/admin/processes"' in page
    assert "/manage/" not in page  # the manage blueprint is not part of this application


def test_process_list_shows_versions_matters_and_running_cases(admin, engine):
    engine.cases.start_case("TEST-0001", {"name": "甲"}, {}, ENGINE)
    engine.repository.deploy(RENAMED, "five_step.bpmn", actor="admin")
    page = admin.get("/admin/processes").get_data(as_text=True)
    assert "five_step" in page and "TEST-0001" in page and "测试事项" in page
    row_v1 = page[page.index("v1") :]
    assert "v2" in page and "最新" in page
    assert '<td class="num">1</td>' in row_v1  # one case running on v1
    versions = admin.get("/admin/processes/five_step/versions").get_data(as_text=True)
    assert "比较两个版本" in versions and "/admin/processes/five_step/diff?to=2" in versions


def test_xml_endpoint_serves_latest_or_chosen_version(admin, engine):
    engine.repository.deploy(RENAMED, "five_step.bpmn")
    latest = admin.get("/admin/processes/five_step/xml")
    assert (
        latest.status_code == 200
        and latest.mimetype == "application/xml"
        and "窗口受理" in latest.get_data(as_text=True)
    )
    first = admin.get("/admin/processes/five_step/xml?version=1&download=1")
    assert "窗口受理" not in first.get_data(as_text=True)
    assert "five_step-v1.bpmn" in first.headers["Content-Disposition"]
    assert admin.get("/admin/processes/five_step/xml?version=9").status_code == 404
    assert admin.get("/admin/processes/five_step/xml?version=x").status_code == 400
    assert admin.get("/admin/processes/nothing/xml").status_code == 404


def test_modeler_page_opens_a_flow_a_conformance_file_or_a_new_diagram(admin):
    page = admin.get("/admin/modeler?flow=five_step@1").get_data(as_text=True)
    assert 'data-source-url="/admin/processes/five_step/xml?version=1"' in page
    assert 'data-validate-url="/admin/modeler/validate"' in page and "部署新版本" in page and "下载 XML" in page
    assert "<script>" not in page and "onclick" not in page
    page = admin.get("/admin/modeler?conformance=set/ok.bpmn").get_data(as_text=True)
    assert 'data-source-url="/admin/conformance/set/ok.bpmn"' in page
    new = admin.get("/admin/modeler/new.bpmn").get_data(as_text=True)
    assert 'isExecutable="true"' in new
    assert admin.get("/admin/modeler?flow=five_step@7").status_code == 404
    assert admin.get("/admin/modeler?conformance=../secret.bpmn").status_code == 404


def test_conformance_list_and_traversal_refused(admin):
    assert admin.get("/admin/conformance").get_json() == ["broken.bpmn", "set/ok.bpmn"]
    assert admin.get("/admin/conformance/set/ok.bpmn").get_data() == FIVE
    for name in ("../secret.bpmn", "set/../../secret.bpmn", "%2e%2e/secret.bpmn", "/etc/passwd", "set/missing.bpmn"):
        response = admin.get(f"/admin/conformance/{name}", follow_redirects=True)
        assert response.status_code == 404, name
        assert b"<secret/>" not in response.get_data()


def test_missing_conformance_directory_lists_nothing(app, admin, engine, tmp_path):
    engine.settings = engine.settings.model_copy(update={"conformance_dir": tmp_path / "absent"})
    assert admin.get("/admin/conformance").get_json() == []
    assert "一致性测试文件" in admin.get("/admin/modeler").get_data(as_text=True)


def test_validate_returns_element_ids_for_a_broken_file(admin):
    broken = FIVE.replace(
        b'<bpmn:userTask id="Task_Handle" name="\xe6\x89\xbf\xe5\x8a\x9e"/>',
        b'<bpmn:serviceTask id="Task_Handle" name="x"/>',
    ).replace(b'review == "revise"', b"review ==")
    reply = post_xml(admin, "/admin/modeler/validate", broken)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["valid"] is False
    assert [p["element"] for p in body["problems"]] == ["Task_Handle", "Flow_Revise"]
    assert all(p["line"] for p in body["problems"])
    assert post_xml(admin, "/admin/modeler/validate", FIVE).get_json() == {
        "valid": True,
        "problems": [],
        "warnings": [],
    }
    assert post_xml(admin, "/admin/modeler/validate", b"").get_json()["problems"][0]["message"]


def test_validate_lists_the_warnings_of_a_file_that_deploys(admin):
    """Issue 17 §2: a user task outside any lane deploys "with a warning listed by validation, not a refusal";
    the warning is worded in the reader's language (Chinese here)."""
    laneless = FIVE.replace(b"<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>", b"")
    body = post_xml(admin, "/admin/modeler/validate", laneless).get_json()
    assert body["valid"] is True and body["problems"] == []
    [warning] = body["warnings"]
    assert warning["element"] == "Task_Review" and warning["line"]
    assert "不在任何泳道中" in warning["message"] and "事项所属部门" in warning["message"]


def test_validate_and_deploy_need_the_csrf_token(admin):
    response = admin.client.post("/admin/modeler/validate", data=FIVE, content_type="application/xml")
    assert response.status_code == 400


def test_deploy_creates_a_new_version_used_by_new_cases(admin, engine):
    running = engine.cases.start_case("TEST-0001", {"name": "甲"}, {}, ENGINE)
    reply = post_xml(admin, "/admin/modeler/deploy", RENAMED)
    assert reply.status_code == 201
    body = reply.get_json()
    assert (body["deployed"], body["created"], body["key"], body["version"]) == (True, True, "five_step", 2)
    assert "第 2 版" in body["message"] and "测试事项" in body["message"]
    assert body["versions_url"] == "/admin/processes/five_step/versions"
    new = engine.cases.start_case("TEST-0001", {"name": "乙"}, {}, ENGINE)
    assert new["process"]["version"] == 2 and new["tasks"][0]["name"] == "窗口受理"
    assert engine.cases.get_case(running["id"], ENGINE)["process"]["version"] == 1
    again = post_xml(admin, "/admin/modeler/deploy", RENAMED)
    assert again.status_code == 200 and again.get_json()["created"] is False
    [definition] = [d for d in engine.repository.list_definitions("five_step") if d["version"] == 2]
    assert definition["id"]


def test_deploy_refuses_an_invalid_file_with_the_problems(admin, engine):
    reply = post_xml(admin, "/admin/modeler/deploy", FIVE.replace(b'review == "revise"', b"review =="))
    assert reply.status_code == 422
    body = reply.get_json()
    assert body["deployed"] is False and "未部署" in body["message"]
    assert body["problems"][0]["element"] == "Flow_Revise"
    assert [d["version"] for d in engine.repository.list_definitions("five_step")] == [1]


def test_diff_page_names_changed_elements_and_shows_the_xml_diff(admin, engine):
    engine.repository.deploy(RENAMED.replace(b'review == "revise"', b'review in ("revise", "redo")'), "five_step.bpmn")
    page = admin.get("/admin/processes/five_step/diff?from=1&to=2").get_data(as_text=True)
    assert "Task_Accept" in page and "窗口受理" in page and "名称" in page
    assert "Flow_Revise" in page and "条件表达式" in page
    assert "<details" in page and "XML 文本差异" in page and 'class="add"' in page
    assert "v1 → v2" in page
    assert admin.get("/admin/processes/five_step/diff?from=1&to=5").status_code == 404
    assert admin.get("/admin/processes/five_step/diff?from=a").status_code == 400


def test_upload_reads_the_file_back_and_limits_its_size(admin, engine):
    reply = admin.post("/admin/modeler/upload", {"file": (io.BytesIO(FIVE), "mine.bpmn")})
    assert reply.status_code == 200 and reply.get_json() == {"xml": FIVE.decode(), "filename": "mine.bpmn"}
    engine.repository.max_upload_bytes = 1000
    reply = admin.post("/admin/modeler/upload", {"file": (io.BytesIO(FIVE), "mine.bpmn")})
    assert reply.status_code == 413 and "大小限制" in reply.get_json()["message"]
    assert post_xml(admin, "/admin/modeler/validate", FIVE).status_code == 413
    assert admin.post("/admin/modeler/upload", {}).status_code == 400


@pytest.mark.skipif(not CONFORMANCE, reason=f"no conformance corpus at {CONFORMANCE_DIR}")
@pytest.mark.parametrize("name", CONFORMANCE)
def test_every_conformance_file_opens_and_deploys_or_is_refused_clearly(app, admin, engine, name):
    engine.settings = engine.settings.model_copy(update={"conformance_dir": CONFORMANCE_DIR})
    assert admin.get(f"/admin/modeler?conformance={name}").status_code == 200
    content = admin.get(f"/admin/conformance/{name}").get_data()
    assert content == (CONFORMANCE_DIR / name).read_bytes()
    checked = post_xml(admin, "/admin/modeler/validate", content, Path(name).name)
    assert checked.status_code == 200
    deployed = post_xml(admin, "/admin/modeler/deploy", content, Path(name).name)
    body = deployed.get_json()
    if checked.get_json()["valid"]:
        assert deployed.status_code == 201 and body["version"] >= 1
    else:
        assert deployed.status_code == 422 and body["problems"] == checked.get_json()["problems"]
        assert all(p["message"] and (p["element"] or p["line"]) for p in body["problems"])
