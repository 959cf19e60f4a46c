"""The service desk on pages and in the API: 首问负责 enquiries, 告知承诺 pledges on the apply form and their checks,
form templates uploaded by administrators and downloaded from the guide, published results."""

from __future__ import annotations

import io

import pytest

from ..helpers import FIVE_STEP_ENTRY, complete
from .helpers import auth, signed_in, text

SITE = "经营场所证明"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
ENQUIRY = {"applicant": "王五", "question": "申请需要哪些材料？", "answer": "按办事指南提交。"}


@pytest.fixture
def engine(engine):
    materials = [
        {"name": "申请书", "form": "原件", "required": True, "copies": 1},
        {"name": SITE, "form": "原件", "required": True, "copies": 1, "pledge": True},
    ]
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": materials}, "admin")
    return engine


def test_window_official_records_an_enquiry_and_a_supervisor_reads_it(app, engine):
    """Seed 002 (Art. 17 (一)): 落实首问负责制 — the page names the official who recorded the enquiry."""
    clerk = signed_in(app, "clerk")
    assert "登记咨询" in text(clerk.get("/desk/enquiries"))
    answer = clerk.post("/desk/enquiries", data={**ENQUIRY, "referred_to": "其他局", "matter": "TEST-0001"})
    assert answer.status_code == 303
    bad = clerk.post("/desk/enquiries", data={**ENQUIRY, "answer": ""})
    assert bad.status_code == 400 and "answer 须填写，且不超过 4000 个字" in text(bad)
    supervisor_page = text(signed_in(app, "supervisor").get("/desk/enquiries"))
    assert "申请需要哪些材料？" in supervisor_page and "窗口甲" in supervisor_page and "其他局" in supervisor_page
    assert "登记咨询" not in supervisor_page  # supervisors read, the window records
    assert "申请需要哪些材料？" not in text(signed_in(app, "outsider").get("/desk/enquiries"))


def test_enquiries_in_the_api(api, engine):
    created = api.post("/api/v1/enquiries", json=ENQUIRY, headers=auth(api, "clerk"))
    assert created.status_code == 201 and created.json["official"] == "clerk"
    listed = api.get("/api/v1/enquiries", headers=auth(api, "supervisor")).json
    assert [e["id"] for e in listed["items"]] == [created.json["id"]]
    refusal = api.post("/api/v1/enquiries", json={**ENQUIRY, "matter": "NOPE-1"}, headers=auth(api, "clerk"))
    assert refusal.status_code == 400 and refusal.json["error"]["reason"] == "enquiry_matter_unknown"
    assert api.post("/api/v1/enquiries", json=ENQUIRY, headers=auth(api, "supervisor")).status_code == 403


def test_the_apply_form_signs_a_pledge_and_the_check_follows_approval(app, engine):
    """Seed 001: 告知承诺制 — the applicant ticks the pledge for the material the guide marks; after the approval the
    pledge is on the pending checks page and the department records the check there."""
    citizen = signed_in(app, "citizen")
    guide = text(citizen.get("/portal/matters/TEST-0001"))
    assert "可告知承诺" in guide
    form = text(citizen.get("/portal/matters/TEST-0001/apply"))
    assert f'name="pledge" value="{SITE}"' in form
    data = {
        "applicant_type": "person",
        "name": "张三",
        "id_number": "110101199001011234",
        "phone": "13800000000",
        "truthful": "y",
        "pledge": SITE,
    }
    answer = citizen.post("/portal/matters/TEST-0001/apply", data=data)
    assert answer.status_code == 302, text(answer)[:400]
    case_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    pledges = engine.pledges.for_case(case_id, engine.identity.actor("clerk"))
    assert [(p["material"], p["signed_by"]) for p in pledges] == [(SITE, "citizen")]
    clerk = signed_in(app, "clerk")
    assert "已承诺" in text(clerk.get(f"/cases/{case_id}"))  # the clerk's checklist shows the pledge
    for step in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case_id, step)
    supervisor = signed_in(app, "supervisor")
    assert SITE in text(supervisor.get("/desk/pledges"))
    missing = clerk.post(f"/desk/pledges/{pledges[0]['id']}/check", data={"held": "", "finding": "核查"})
    assert missing.status_code == 400
    done = clerk.post(f"/desk/pledges/{pledges[0]['id']}/check", data={"held": "yes", "finding": "现场核查属实"})
    assert done.status_code == 303
    assert "没有待核查的承诺" in text(supervisor.get("/desk/pledges"))


def test_pledges_in_the_api(api, engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))
    signed = api.post(f"/api/v1/cases/{case['id']}/pledges", json={"materials": [SITE]}, headers=auth(api, "citizen"))
    assert signed.status_code == 200 and signed.json[0]["material"] == SITE
    wrong = api.post(
        f"/api/v1/cases/{case['id']}/pledges", json={"materials": ["申请书"]}, headers=auth(api, "citizen")
    )
    assert wrong.status_code == 400 and wrong.json["error"]["reason"] == "pledge_not_allowed"
    checklist = api.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(api, "citizen")).json
    assert checklist["missing_required"] == ["申请书"]
    early = api.post(
        f"/api/v1/pledges/{signed.json[0]['id']}/check",
        json={"held": True, "finding": "属实"},
        headers=auth(api, "clerk"),
    )
    assert early.status_code == 409 and early.json["error"]["reason"] == "pledge_check_before_approval"
    assert api.get("/api/v1/pledge-checks", headers=auth(api, "supervisor")).json["total"] == 0


def test_administrator_uploads_a_form_and_the_guide_offers_it(app, api, engine):
    """Seed 001: 1星:可提供完整准确的办事指南信息、相关表格下载 — uploaded on the administration page, downloaded from the
    guide byte for byte as an attachment; a program is refused."""
    admin = signed_in(app, "admin")
    page = admin.post(
        "/admin/matters/TEST-0001/forms",
        data={"kind": "template", "title": "开业申请表", "file": (io.BytesIO(PDF), "开业申请表.pdf")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 303
    refused = admin.post(
        "/admin/matters/TEST-0001/forms",
        data={"kind": "sample", "title": "示范", "file": (io.BytesIO(b"MZ\x90\x00"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "PDF" in text(refused)
    guide = text(app.test_client().get("/portal/matters/TEST-0001"))
    assert "表格下载" in guide and "开业申请表" in guide
    files = api.get("/api/v1/matters/TEST-0001/forms").json
    assert [f["title"] for f in files] == ["开业申请表"]
    download = app.test_client().get(f"/portal/matters/TEST-0001/forms/{files[0]['id']}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Type"] == "application/pdf"
    assert api.get(f"/api/v1/matters/TEST-0001/forms/{files[0]['id']}").data == PDF
    uploaded = api.post(
        "/api/v1/matters/TEST-0001/forms",
        data={"kind": "sample", "title": "填写示范", "file": (io.BytesIO(PDF), "示范.pdf")},
        headers=auth(api, "admin"),
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201 and uploaded.json["kind"] == "sample"
    deleted = admin.post(f"/admin/matters/TEST-0001/forms/{files[0]['id']}/delete")
    assert deleted.status_code == 303
    assert [f["title"] for f in api.get("/api/v1/matters/TEST-0001/forms").json] == ["填写示范"]


def test_the_matter_form_keeps_the_pledge_setting(app, engine):
    admin = signed_in(app, "admin")
    page = text(admin.get("/admin/matters/TEST-0001"))
    assert 'name="material_pledge"' in page and '<option value="yes" selected>' in page


def test_a_form_part_without_a_name_is_no_server_error(api):
    """A multipart part without a name (werkzeug keys it None) is checked like any other, never a 500."""
    body = (
        b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n"
        b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntemplate\r\n--b--\r\n'
    )
    answer = api.post(
        "/api/v1/matters/TEST-0001/forms",
        data=body,
        headers={**auth(api, "admin"), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 400, answer.get_data(as_text=True)


def test_a_false_pledge_checked_over_the_api_raises_its_red_signal(api, engine):
    """深府〔2007〕32号 Art. 12(五): "对不符合法定条件的审批项目准予行政审批的" — the department records over the API that the
    pledge was false; the supervisor reads the red signal on the case."""
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))
    pledge = engine.pledges.sign(case["id"], [SITE], engine.identity.actor("citizen"))[0]
    for data in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case["id"], data)
    checked = api.post(
        f"/api/v1/pledges/{pledge['id']}/check",
        json={"held": False, "finding": "经营场所与承诺不符"},
        headers=auth(api, "clerk"),
    )
    assert checked.status_code == 200 and checked.json["held"] is False
    signals = api.get(f"/api/v1/signals?case={case['id']}", headers=auth(api, "supervisor")).json
    assert [(s["rule"], s["color"], s["article"]) for s in signals] == [("pledge_false", "red", "12")]
