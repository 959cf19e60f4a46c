"""Intake over HTTP (issue 16 §1): 补正 before acceptance through the API, the case view's documents and 查询码,
the licence's number and validity, tracking by number and 查询码 (public, rate limited), and the clerk's pages."""

from __future__ import annotations

from engine.identity.actors import ENGINE

from ..helpers import APPROVE, complete
from .helpers import auth, signed_in, text


def applied(api, user="citizen"):
    body = {"matter": "TEST-0001", "applicant": {"name": "张三丰"}, "data": {}}
    answer = api.post("/api/v1/cases", headers=auth(api, user), json=body)
    assert answer.status_code == 201
    return answer.get_json()


def test_supplement_before_acceptance_through_the_api(api):
    """《行政许可法》 Art. 32 (DOMAIN.md): the 补正 notice "happens before acceptance"; 001 (一)1(5) lists the 补正通知书
    among the documents that must be issued."""
    case = applied(api)
    clerk = auth(api, "clerk")
    body = {"kind": "supplement", "reason": "材料不齐", "missing": ["营业执照复印件", "场所证明"]}
    paused = api.post(f"/api/v1/cases/{case['id']}/pause", headers=clerk, json=body)
    assert paused.status_code == 200 and paused.get_json()["paused"] and paused.get_json()["accepted_at"] is None
    view = api.get(f"/api/v1/cases/{case['id']}", headers=clerk).get_json()
    assert [(d["kind"], d["title"]) for d in view["documents"]] == [
        ("supplement_notice", "补正材料通知书（一次性告知单）")
    ]
    assert len(view["query_code"]) == 8 and view["intake_due_at"]
    hearing = api.post(f"/api/v1/cases/{case['id']}/pause", headers=clerk, json={"kind": "hearing", "reason": "听证"})
    assert hearing.status_code == 409 and hearing.get_json()["error"]["code"] == "invalid_state"


def test_a_second_document_of_a_kind_needs_its_reason(api, engine):
    case = applied(api)
    complete(engine, case["id"], {"accept": "accept"})
    clerk = auth(api, "clerk")
    again = api.post(f"/api/v1/cases/{case['id']}/documents", headers=clerk, json={"kind": "acceptance_notice"})
    assert again.status_code == 400 and again.get_json()["error"]["field"] == "reissue_reason"
    zh = api.post(  # worded for the reader
        f"/api/v1/cases/{case['id']}/documents",
        headers={**clerk, "Accept-Language": "zh-CN"},
        json={"kind": "acceptance_notice"},
    )
    assert "再次出具须说明理由" in zh.get_json()["error"]["message"]
    body = {"kind": "acceptance_notice", "reissue_reason": "原件遗失，申请人申请补发"}
    assert api.post(f"/api/v1/cases/{case['id']}/documents", headers=clerk, json=body).status_code == 201


def test_the_licence_over_the_api_has_its_number_and_validity(api, engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, case["id"], step)
    licence = api.get(f"/api/v1/cases/{case['id']}/licence", headers=auth(api, "clerk")).get_json()
    assert licence["number"] == "TEST-0001-2026-000001" and licence["valid_until"] is None and licence["permanent"]
    public = api.get(f"/api/v1/licences/{licence['code']}").get_json()
    assert public["number"] == licence["number"] and public["holder"] == "张**"
    pdf = api.get(f"/api/v1/cases/{case['id']}/licence/pdf", headers=auth(api, "clerk"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert api.get(f"/api/v1/cases/{case['id']}/licence/pdf", headers=auth(api, "outsider")).status_code == 403


def test_progress_by_number_and_query_code_is_public_and_rate_limited(api, engine):
    """003: "办理进度可全流程网上跟踪、查询" — with the number and 查询码, no account; guessing codes is throttled."""
    case = applied(api, "clerk")  # a window application: nobody has an account to follow it
    view = api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "clerk")).get_json()
    number, code = view["number"], view["query_code"]
    seen = api.get("/api/v1/progress", query_string={"number": number, "code": code})
    assert seen.status_code == 200
    body = seen.get_json()
    assert body["status"] == "awaiting_acceptance" and body["applicant_name"] == "张**" and "query_code" not in body
    wrong = api.get("/api/v1/progress", query_string={"number": number, "code": "ZZZZZZZZ"})
    assert wrong.status_code == 404 and wrong.get_json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/progress", query_string={"number": number}).status_code == 400
    answers = [api.get("/api/v1/progress", query_string={"number": number, "code": code}) for _ in range(10)]
    assert answers[-1].status_code == 429 and answers[-1].get_json()["error"]["code"] == "too_many_requests"


def test_the_tracking_page_and_the_clerks_pages(app, engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {}, engine.identity.actor("clerk"))
    view = engine.runtime.get_case(case["id"], engine.identity.actor("clerk"))
    visitor = app.test_client()
    page = visitor.get("/portal/track", query_string={"number": view["number"], "code": view["query_code"]})
    assert page.status_code == 200 and "待受理" in text(page) and "张**" in text(page)
    assert visitor.get("/portal/track", query_string={"number": view["number"], "code": "X"}).status_code == 404
    assert visitor.get("/portal/track").status_code == 200
    clerk = signed_in(app, "clerk")
    task = engine.tasks.list_tasks(ENGINE, case=case["id"])[0]
    task_page = text(clerk.get(f"/tasks/{task['id']}"))
    assert "补正（一次性告知）" in task_page and "出具补正通知书" in task_page  # accept / refuse / 补正 at 受理
    case_page = text(clerk.get(f"/cases/{case['id']}"))
    assert view["query_code"] in case_page and "受理时限" in case_page
    for step in APPROVE:
        complete(engine, case["id"], step)
    ended = text(clerk.get(f"/cases/{case['id']}"))
    assert "受理通知书" in ended and "准予行政许可决定书" in ended  # the documents stay after the end
    assert "TEST-0001-2026-000001" in ended and "长期" in ended and f"/cases/{case['id']}/licence.pdf" in ended


def test_the_apply_form_keeps_the_files_chosen_across_a_validation_error(app, engine):
    """Files are uploaded first and held against the draft: after an error nobody chooses them again; a held
    file the applicant unticks is left out."""
    import io
    import re

    from .test_portal import APPLICATION, GUIDE_ENTRY, PDF

    engine.catalogue.publish(GUIDE_ENTRY, "admin")  # 申请书 and 场所平面图 among its materials
    citizen = signed_in(app, "citizen")
    wrong = {**APPLICATION, "phone": ""}  # the form refuses it
    files = {"material-0": (io.BytesIO(PDF), "申请书.pdf"), "material-1": (io.BytesIO(PDF + b" "), "平面图.pdf")}
    page = citizen.post("/portal/matters/TEST-0001/apply", {**wrong, **files})
    body = text(page)
    assert page.status_code == 200 and "请填写联系电话" in body and "已上传的文件" in body
    assert "申请书.pdf" in body and "平面图.pdf" in body
    draft = re.search(r'name="draft" value="([0-9a-f]{32})"', body).group(1)
    held = engine.materials.held(engine.identity.actor("citizen"), draft)
    assert [(f["filename"], f["slot"]) for f in held] == [("申请书.pdf", "申请书"), ("平面图.pdf", "场所平面图")]
    assert engine.materials.held(engine.identity.actor("clerk"), draft) == []  # held for its owner only
    shown = [str(f["id"]) for f in held]
    answer = citizen.post(  # no file chosen again; the second one unticked
        "/portal/matters/TEST-0001/apply", {**APPLICATION, "draft": draft, "shown": shown, "keep": shown[:1]}
    )
    assert answer.status_code == 302
    case_id = int(re.search(r"/portal/my/cases/(\d+)", answer.headers["Location"]).group(1))
    listing = engine.materials.list(case_id, engine.identity.actor("citizen"))
    assert [(m["filename"], m["slot"]) for m in listing["materials"]] == [("申请书.pdf", "申请书")]
    assert engine.materials.held(engine.identity.actor("citizen"), draft) == []  # released
