"""Moving running cases to another version through the API (``POST /api/v1/migrations``) and the process
administration's page (preview, then confirmation; administrators only, CSRF on the forms)."""

from __future__ import annotations

from lxml import html

from engine.identity.actors import ENGINE

from ..helpers import FIVE, complete, open_task
from .helpers import PageClient, auth, signed_in

RENAMED = FIVE.replace(b"Task_Review", b"Task_Check")


def two_cases(engine):
    """A case at 审核 (Task_Review, which version 2 renames) and one at 承办, then version 2 deployed."""
    reviewing = engine.runtime.start_case("TEST-0001", {"name": "甲"}, {}, ENGINE)
    complete(engine, reviewing["id"], {"accept": "accept"})
    complete(engine, reviewing["id"], {})
    handling = engine.runtime.start_case("TEST-0001", {"name": "乙"}, {}, ENGINE)
    complete(engine, handling["id"], {"accept": "accept"})
    engine.repository.deploy(RENAMED, "five_step.bpmn", actor="admin", note="审核改名")
    return reviewing, handling


def confirm_form(page: str) -> dict:
    """The fields of the page's confirmation form (the one with data-confirm)."""
    form = html.fromstring(page).xpath("//form[@data-confirm]")[0]
    fields = {e.get("name"): e.get("value") for e in form.xpath(".//input[@name]")}
    fields.update({e.get("name"): e.text or "" for e in form.xpath(".//textarea[@name]")})
    fields.pop("csrf_token")
    return fields


def body(**changes):
    return {"process": "five_step", "from_version": 1, "to_version": 2, "all": True, **changes}


def test_the_api_previews_then_migrates_with_refusals_worded(api, engine):
    reviewing, handling = two_cases(engine)
    answer = api.post("/api/v1/migrations", json=body(dry_run=True), headers=auth(api, "admin"))
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()
    assert (result["dry_run"], result["migrated"], result["refused"]) == (True, 1, 1)
    refused = next(c for c in result["cases"] if c["case"] == reviewing["id"])
    assert refused["reason"] == "migration_no_target" and "Task_Review" in refused["message"]
    assert "没有对应元素" in refused["message"]  # Chinese unless English is asked for

    english = api.post(
        "/api/v1/migrations", json=body(), headers={**auth(api, "admin"), "Accept-Language": "en"}
    ).get_json()
    statuses = {c["case"]: c["status"] for c in english["cases"]}
    assert statuses == {reviewing["id"]: "refused", handling["id"]: "migrated"}
    refused = next(c for c in english["cases"] if c["case"] == reviewing["id"])
    assert "has no target in version 2" in refused["message"]

    mapped = api.post(
        "/api/v1/migrations",
        json=body(all=False, cases=[reviewing["id"]], mapping={"Task_Review": "Task_Check"}),
        headers=auth(api, "admin"),
    ).get_json()
    assert mapped["cases"][0]["status"] == "migrated"
    assert mapped["cases"][0]["steps"][0]["from"] == "Task_Review"
    assert open_task(engine, reviewing["id"])["element"] == "Task_Check"
    case = api.get(f"/api/v1/cases/{reviewing['id']}", headers=auth(api, "admin")).get_json()
    assert case["process"]["version"] == 2


def test_the_api_refuses_others_than_administrators_and_bad_requests(api, engine):
    two_cases(engine)
    assert api.post("/api/v1/migrations", json=body(), headers=auth(api, "clerk")).status_code == 403
    same = api.post("/api/v1/migrations", json=body(to_version=1), headers=auth(api, "admin"))
    assert same.status_code == 400 and same.get_json()["error"]["reason"] == "migration_same_version"
    missing = api.post("/api/v1/migrations", json=body(to_version=7), headers=auth(api, "admin"))
    assert missing.status_code == 404
    unknown = api.post("/api/v1/migrations", json=body(mapping={"Nope": "Task_Check"}), headers=auth(api, "admin"))
    assert unknown.get_json()["error"]["reason"] == "migration_source_unknown"
    huge = api.post("/api/v1/migrations", json=body(all=False, cases=[2**40]), headers=auth(api, "admin"))
    assert huge.status_code == 400
    nothing = api.post("/api/v1/migrations", json=body(all=False), headers=auth(api, "admin"))
    assert nothing.status_code == 400 and nothing.get_json()["error"]["reason"] == "migration_cases_required"


def test_the_page_previews_and_migrates_only_when_confirmed(app, engine):
    reviewing, handling = two_cases(engine)
    admin = signed_in(app, "admin")
    versions = admin.get("/admin/processes/five_step/versions").get_data(as_text=True)
    assert "/admin/processes/five_step/migrate?from=1" in versions
    page = admin.get("/admin/processes/five_step/migrate?from=1")
    assert page.status_code == 200 and "预览迁移" in page.get_data(as_text=True)
    form = {"from": "1", "to": "2", "scope": "all", "cases": "", "mapping": ""}

    preview = admin.post("/admin/processes/five_step/migrate", data={**form, "action": "preview"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "可迁移 1 件，不予迁移 1 件" in text and "确认迁移" in text
    assert "Task_Review" in text and "没有对应元素" in text
    assert engine.runtime.get_case(handling["id"], ENGINE)["process"]["version"] == 1

    mapped = {**form, "mapping": "Task_Review = Task_Check\nTask_Handle -> Task_Handle", "action": "preview"}
    preview = admin.post("/admin/processes/five_step/migrate", data=mapped).get_data(as_text=True)
    assert "可迁移 2 件，不予迁移 0 件" in preview
    confirmation = confirm_form(preview)  # what the page's 确认迁移 button sends: the same request
    assert confirmation["mapping"] == mapped["mapping"] and confirmation["scope"] == "all"
    done = admin.post("/admin/processes/five_step/migrate", data={**confirmation, "action": "confirm"})
    assert "已迁移 2 件，未迁移 0 件" in done.get_data(as_text=True)
    for case in (reviewing, handling):
        assert engine.runtime.get_case(case["id"], ENGINE)["process"]["version"] == 2
    case_page = admin.get(f"/cases/{reviewing['id']}")
    assert case_page.status_code == 200
    assert "迁移到流程新版本" in case_page.get_data(as_text=True) and "v1 → v2: 审核 → 审核" in case_page.get_data(
        as_text=True
    )

    bad = admin.post("/admin/processes/five_step/migrate", data={**form, "scope": "cases", "cases": "x1"})
    assert bad.status_code == 200 and "请以办件 ID 指定" in bad.get_data(as_text=True)


def test_the_page_is_for_administrators_with_the_csrf_token(app, engine):
    two_cases(engine)
    clerk = PageClient(app)
    clerk.login("clerk")
    assert clerk.get("/admin/processes/five_step/migrate").status_code == 403
    admin = signed_in(app, "admin")
    forged = admin.client.post("/admin/processes/five_step/migrate", data={"from": "1", "to": "2", "action": "confirm"})
    assert forged.status_code == 400
    assert engine.runtime.get_case(1, ENGINE)["process"]["version"] == 1
    assert admin.get("/admin/processes/nothing/migrate").status_code == 404
