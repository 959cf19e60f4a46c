"""The applicant portal: catalogue and guide, applying, my cases and notices, ratings, complaints, verification."""

from __future__ import annotations

import io
import re

import pytest

from engine.identity.actors import APPLICANT
from engine.models import Case, Complaint, Rating, User

from ..helpers import FIVE_STEP_ENTRY, complete, needs_cjk_font
from .helpers import PageClient, signed_in, text

APPLICATION = {
    "applicant_type": "person",
    "name": "张三丰",
    "id_number": "410104198001010011",
    "phone": "13800000000",
    "address": "郑州市管城区书院街1号",
    "description": "开办便民超市",
    "truthful": "y",
}
GUIDE_ENTRY = {
    **FIVE_STEP_ENTRY,
    "summary": "测试用的许可事项。",
    "materials": [
        {"name": "申请书", "form": "原件", "copies": 1, "required": True},
        {"name": "场所平面图", "form": "复印件", "copies": 2, "required": False, "note": "标明出入口"},
    ],
    "fees": [{"item": "工本费", "standard": "10元/证", "basis": "《测试收费规定》第三条"}],
}


@pytest.fixture
def engine(engine):
    """The five-step engine with TEST-0001's service guide (materials, fees) and a second applicant, other."""
    with engine.db.transaction() as session:
        session.add(User(id="other", name="李四", posts=[], roles=[APPLICANT]))
    engine.catalogue.publish(GUIDE_ENTRY, "admin")
    return engine


@pytest.fixture
def citizen(app):
    return signed_in(app, "citizen")


@pytest.fixture
def other(app):
    return signed_in(app, "other")


def apply(pages, **changes):
    return pages.post("/portal/matters/TEST-0001/apply", {**APPLICATION, **changes})


def case_id_of(response) -> int:
    return int(re.search(r"/portal/my/cases/(\d+)", response.headers["Location"]).group(1))


def finish(engine, case_id):
    for data in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case_id, data)


# --- catalogue and guide -------------------------------------------------------------------------
def test_catalogue_is_public_and_searchable(app):
    client = app.test_client()
    page = text(client.get("/portal"))
    assert "测试事项" in page and "★★★☆☆" in page and "10" in page and "20" in page and "工本费" in page
    assert "测试事项" in text(client.get("/portal?q=测试"))
    assert "测试事项" in text(client.get("/portal?q=场所平面图"))  # materials are searched too
    assert "测试事项" in text(client.get("/portal?type=行政许可&handling=承诺件&department=测试局"))
    for query in ("q=烟草", "department=其他局", "handling=即办件", "type=公共服务"):
        page = text(client.get(f"/portal?{query}"))
        assert "测试事项" not in page and "没有找到" in page


def test_guide_shows_everything_the_catalogue_publishes(app):
    client = app.test_client()
    page = text(client.get("/portal/matters/TEST-0001"))
    for expected in (
        "《中华人民共和国行政许可法》",
        "测试",
        "申请书",
        "场所平面图",
        "标明出入口",
        "非必需",
        "工本费",
        "10元/证",
        "《测试收费规定》第三条",
        "承诺件",
        "测试局",
        "data-diagram-url",
        "在线申请",
    ):
        assert expected in page, expected
    diagram = client.get("/portal/matters/TEST-0001/diagram.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml" and b"Task_Accept" in diagram.data
    assert client.get("/portal/matters/NO-SUCH").status_code == 404
    assert client.get("/portal/matters/NO-SUCH/diagram.bpmn").status_code == 404


def test_pages_load_scripts_only_from_files(app, citizen):
    for url in (
        "/portal",
        "/portal/matters/TEST-0001",
        "/portal/matters/TEST-0001/apply",
        "/portal/my",
        "/hall",
        "/verify",
        "/portal/complaints/new",
    ):
        page = text(citizen.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page), url
        assert "onclick=" not in page and "hx-on" not in page, url


# --- applying ------------------------------------------------------------------------------------
def test_applying_needs_an_applicant_account(app, engine):
    response = app.test_client().get("/portal/matters/TEST-0001/apply")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    clerk = PageClient(app)
    clerk.login("clerk")
    assert clerk.get("/portal/matters/TEST-0001/apply").status_code == 403


def test_apply_starts_a_case_with_the_applicant_and_start_data(citizen, engine):
    assert "张三" in text(citizen.get("/portal/matters/TEST-0001/apply"))  # the account's name is offered
    response = apply(citizen)
    assert response.status_code == 302
    case_id = case_id_of(response)
    with engine.db.reading() as session:
        case = session.get(Case, case_id)
        assert case.created_by == "citizen" and case.applicant["name"] == "张三丰"
        assert case.applicant["id_number"] == "410104198001010011"
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "申请已提交" in page and "受理" in page and "提交申请" in page


def test_bad_application_shows_messages_and_starts_nothing(citizen, engine):
    for changes, message in (
        ({"name": ""}, "请填写申请人姓名"),
        ({"id_number": "12"}, "18 位"),
        ({"truthful": ""}, "请确认承诺"),
        ({"phone": "abc"}, "有效的联系电话"),
    ):
        page = apply(citizen, **changes)
        assert page.status_code == 200 and message in text(page)
    assert citizen.post("/portal/matters/NO-SUCH/apply", APPLICATION).status_code == 404
    with engine.db.reading() as session:
        assert session.query(Case).count() == 0


# --- my cases, documents -------------------------------------------------------------------------
def test_my_cases_shows_only_my_own(citizen, other, engine):
    mine = case_id_of(apply(citizen))
    theirs = case_id_of(apply(other, name="李四"))
    page = text(citizen.get("/portal/my"))
    assert "张三丰" in page and "李四" not in page and "待受理" in page
    for url in (f"/portal/my/cases/{theirs}", f"/portal/my/cases/{theirs}/diagram.bpmn"):
        assert citizen.get(url).status_code == 403, url
    assert citizen.get("/portal/my/cases/99999").status_code == 404
    assert other.get(f"/portal/my/cases/{mine}").status_code == 403


def test_case_page_shows_progress_and_public_events_without_internal_notes(citizen, engine):
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"}, opinion="内部意见：材料齐全可受理")
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "已受理" in page and "办理中" in page and "承办" in page
    assert "内部意见" not in page and "clerk" not in page and "窗口甲" not in page
    assert b"Task_Handle" in citizen.get(f"/portal/my/cases/{case_id}/diagram.bpmn").data


def test_the_applicant_reads_an_outline_of_the_flow_not_the_bpmn_drawing(citizen, engine):
    """Steps in order with where the case is (built from the definition); no timers, lanes or diagram script."""
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"})
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    outline = page[page.index('<ol class="flow-outline"') : page.index("</ol>", page.index('<ol class="flow-outline"'))]
    steps = re.findall(r'<span class="step (\w+)"[^>]*>([^<]+)', outline)
    assert [name.strip() for _, name in steps] == ["提交申请", "受理", "承办", "审核", "批准", "制证发证", "办结"]
    assert [state for state, _ in steps] == ["done", "done", "current", "ahead", "ahead", "ahead", "ahead"]
    assert 'aria-current="step"' in outline
    assert "data-diagram-url" not in page and "build/diagram.js" not in page  # no drawing, no viewer script


def test_a_pending_supplement_lists_exactly_what_was_asked(citizen, engine):
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"})
    engine.case_clock.pause(
        case_id, "supplement", "材料不全", engine.identity.actor("clerk"), missing=["营业执照副本", "租赁合同"]
    )
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "请补正材料" in page and "营业执照副本" in page and "租赁合同" in page and "待补正材料" in page
    engine.case_clock.resume(case_id, engine.identity.actor("clerk"))
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "请补正材料（一次性告知）" not in page and "补正完成" in page


def test_documents_are_listed_and_only_the_applicant_downloads_them(citizen, other, engine):
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"})  # issues the 受理通知书 without a clerk asking
    [issued] = engine.documents.for_case(case_id, engine.identity.actor("clerk"))
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "受理通知书" in page and issued["number"] in page and f"/portal/my/documents/{issued['id']}.pdf" in page
    assert other.get(f"/portal/my/documents/{issued['id']}.pdf").status_code == 403
    assert citizen.get("/portal/my/documents/99999.pdf").status_code == 404
    clerk = PageClient(citizen.app)
    clerk.login("clerk")
    assert clerk.get(f"/portal/my/documents/{issued['id']}.pdf").status_code == 403


@needs_cjk_font
def test_the_applicant_downloads_a_notice_as_pdf(citizen, engine):
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"})
    [issued] = engine.documents.for_case(case_id, engine.identity.actor("clerk"))
    pdf = citizen.get(f"/portal/my/documents/{issued['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_an_approved_case_shows_its_licence_with_the_verification_link(citizen, engine):
    case_id = case_id_of(apply(citizen))
    finish(engine, case_id)
    code = engine.documents.licence_of(case_id, engine.identity.actor("citizen"))["code"]
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "电子证照" in page and code in page and f"/verify/{code}" in page and "已办结（准予）" in page


# --- rating --------------------------------------------------------------------------------------
def test_rating_rules(citizen, other, engine):
    case_id = case_id_of(apply(citizen))
    assert "办结后可对本次服务进行评价" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    citizen.post(f"/portal/my/cases/{case_id}/rating", {"overall": "5"})
    assert "尚未办结" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    finish(engine, case_id)
    assert "提交评价" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    for bad in ({"overall": "6"}, {"overall": "0"}, {}, {"overall": "5", "comment": "长" * 1001}):
        citizen.post(f"/portal/my/cases/{case_id}/rating", bad)
    assert other.post(f"/portal/my/cases/{case_id}/rating", {"overall": "1"}).status_code == 403
    with engine.db.reading() as session:
        assert session.query(Rating).count() == 0
    response = citizen.post(
        f"/portal/my/cases/{case_id}/rating", {"overall": "4", "attitude": "5", "comment": "窗口热情"}
    )
    assert response.status_code == 302
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "感谢您的评价" in page and "窗口热情" in page and "提交评价" not in page
    citizen.post(f"/portal/my/cases/{case_id}/rating", {"overall": "1"})
    assert "已评价" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert engine.feedback.rating_of(case_id, engine.identity.actor("citizen"))["overall"] == 4


# --- complaints ----------------------------------------------------------------------------------
def test_anonymous_complaint_gets_a_number_to_look_it_up(app, engine):
    visitor = PageClient(app)
    form = text(visitor.get("/portal/complaints/new"))
    assert "未登录只能匿名投诉" in form
    response = visitor.post(
        "/portal/complaints/new",
        {"identity": "real_name", "department": "测试局", "subject": "窗口推诿", "content": "多次往返仍未受理"},
    )
    assert response.status_code == 302
    number = re.search(r"number=(TS\w+)", response.headers["Location"]).group(1)
    page = text(visitor.get(response.headers["Location"]))
    assert number in page and "窗口推诿" in page and "匿名" in page and "已提交，待受理" in page
    with engine.db.reading() as session:
        complaint = session.query(Complaint).one()
        assert complaint.anonymous and complaint.complainant is None
    missing = visitor.get("/portal/complaints?number=TS2026112300000000")
    assert missing.status_code == 404 and "未查到" in text(missing)
    assert visitor.get("/portal/complaints/mine").status_code == 302


def test_real_name_complaint_about_my_case_shows_in_my_complaints(citizen, other, engine):
    case_id = case_id_of(apply(citizen))
    form = text(citizen.get(f"/portal/complaints/new?case={case_id}"))
    assert "实名投诉" in form and re.search(rf'<option (selected value="{case_id}"|value="{case_id}" selected)', form)
    response = citizen.post(
        "/portal/complaints/new",
        {
            "identity": "real_name",
            "case_id": str(case_id),
            "subject": "受理超时",
            "content": "三天未受理",
            "contact_phone": "13800000000",
        },
    )
    assert response.status_code == 302
    mine = text(citizen.get("/portal/complaints/mine"))
    assert "受理超时" in mine and "已提交，待受理" in mine
    assert "受理超时" not in text(other.get("/portal/complaints/mine"))
    page = citizen.post(
        "/portal/complaints/new", {"identity": "anonymous", "case_id": str(case_id), "subject": "x", "content": "y"}
    )
    assert page.status_code == 200 and "匿名投诉不能关联" in text(page)
    assert (
        other.post(
            "/portal/complaints/new", {"identity": "real_name", "case_id": str(case_id), "subject": "x", "content": "y"}
        ).status_code
        == 403
    )
    page = citizen.post("/portal/complaints/new", {"identity": "real_name", "subject": "", "content": ""})
    assert "请填写投诉主题" in text(page) and "请填写投诉内容" in text(page)
    with engine.db.reading() as session:
        assert session.query(Complaint).count() == 1


# --- licence verification ------------------------------------------------------------------------
def test_verify_page_has_a_form_and_finds_licences(app, citizen, engine):
    client = app.test_client()
    page = text(client.get("/verify"))
    assert "电子证照核验" in page and 'name="code"' in page and "<style>" not in page
    case_id = case_id_of(apply(citizen))
    finish(engine, case_id)
    code = engine.documents.licence_of(case_id, engine.identity.actor("citizen"))["code"]
    response = client.get(f"/verify?code={code.lower()}")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "有效" in page and "张**" in page and "张三丰" not in page
    missing = client.get("/verify/NOSUCHCODE")
    assert missing.status_code == 404 and "未查到" in text(missing)


# --- materials -----------------------------------------------------------------------------------
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def upload(content: bytes, name: str):
    return (io.BytesIO(content), name)


def test_apply_form_offers_one_input_per_material_with_the_limits(citizen, engine):
    page = text(citizen.get("/portal/matters/TEST-0001/apply"))
    assert 'enctype="multipart/form-data"' in page
    assert 'name="material-0"' in page and 'name="material-1"' in page and "multiple" in page
    assert "申请书" in page and "必需" in page and "场所平面图" in page and "非必需" in page
    assert "PDF" in page and "JPEG" in page and f"{engine.materials.max_file_bytes // (1024 * 1024)} MB" in page


def test_apply_with_a_pdf_records_the_material_and_the_applicant_downloads_it(citizen, other, engine):
    response = apply(citizen, **{"material-0": [upload(PDF, "申请书.pdf"), upload(PDF + b" ", "副本.pdf")]})
    assert response.status_code == 302
    case_id = case_id_of(response)
    listing = engine.materials.list(case_id, engine.identity.actor("citizen"))
    assert [(m["filename"], m["slot"], m["kind"]) for m in listing["materials"]] == [
        ("申请书.pdf", "申请书", "application"),
        ("副本.pdf", "申请书", "application"),
    ]
    assert listing["missing_required"] == []
    material_id = listing["materials"][0]["id"]
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "我的材料" in page and "申请书.pdf" in page and "申请材料" in page
    assert f"/portal/my/materials/{material_id}" in page
    download = citizen.get(f"/portal/my/materials/{material_id}")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "filename*=UTF-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert other.get(f"/portal/my/materials/{material_id}").status_code == 403
    assert citizen.get("/portal/my/materials/99999").status_code == 404
    clerk = PageClient(citizen.app)
    clerk.login("clerk")
    assert clerk.get(f"/portal/my/materials/{material_id}").status_code == 403


def test_a_refused_file_keeps_the_form_and_starts_no_case(citizen, engine):
    page = apply(citizen, **{"material-0": upload(PDF, "申请书.pdf"), "material-1": upload(ELF, "平面图.pdf")})
    body = text(page)
    assert page.status_code == 200 and "申请未能提交" in body and "平面图.pdf" in body and "可执行程序" in body
    assert 'value="410104198001010011"' in body and "开办便民超市" in body  # typed fields kept
    engine.materials.max_file_bytes = len(PDF) - 1
    body = text(apply(citizen, **{"material-0": upload(PDF, "申请书.pdf")}))
    assert "申请未能提交" in body and "超过单个文件大小上限" in body
    with engine.db.reading() as session:
        assert session.query(Case).count() == 0


def test_supplement_upload_resumes_the_clock_only_while_pending(citizen, other, engine):
    case_id = case_id_of(apply(citizen))
    complete(engine, case_id, {"accept": "accept"})
    refused = citizen.post(f"/portal/my/cases/{case_id}/supplement", {"item-0": upload(PDF, "补.pdf")})
    assert refused.status_code == 302
    assert "当前没有待补正的通知" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    clerk = engine.identity.actor("clerk")
    engine.case_clock.pause(case_id, "supplement", "材料不全", clerk, missing=["申请书", "租赁合同"])
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert 'name="item-0"' in page and 'name="item-1"' in page and 'name="item-2"' not in page
    assert (
        other.post(
            f"/portal/my/cases/{case_id}/supplement", {"item-0": upload(PDF, "a.pdf"), "item-1": upload(PDF, "b.pdf")}
        ).status_code
        == 403
    )
    citizen.post(f"/portal/my/cases/{case_id}/supplement", {"item-0": upload(PDF, "申请书.pdf")})
    assert "尚缺：租赁合同" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    citizen.post(
        f"/portal/my/cases/{case_id}/supplement",
        {"item-0": upload(PDF, "申请书.pdf"), "item-1": upload(ELF, "合同.pdf")},
    )
    assert "可执行程序" in text(citizen.get(f"/portal/my/cases/{case_id}"))
    with engine.db.reading() as session:
        assert session.get(Case, case_id).paused_since is not None
    response = citizen.post(
        f"/portal/my/cases/{case_id}/supplement",
        {"item-0": upload(PDF, "申请书.pdf"), "item-1": upload(PDF + b"\n", "租赁合同.pdf")},
    )
    assert response.status_code == 302
    page = text(citizen.get(f"/portal/my/cases/{case_id}"))
    assert "已提交补正材料 2 份" in page and "补正材料" in page and "租赁合同.pdf" in page
    with engine.db.reading() as session:
        case = session.get(Case, case_id)
        assert case.paused_since is None and case.pause_kind is None
    listing = engine.materials.list(case_id, clerk)
    assert [(m["slot"], m["kind"]) for m in listing["materials"]] == [("申请书", "supplement"), (None, "supplement")]
    assert listing["supplement"]["pending"] is False
    mine = engine.applicant_cases.case(case_id, engine.identity.actor("citizen"))
    assert mine["supplement"] is None and mine["status"] != "supplement"
    again = citizen.post(f"/portal/my/cases/{case_id}/supplement", {"item-0": upload(PDF, "晚.pdf")})
    assert again.status_code == 302 and "当前没有待补正的通知" in text(citizen.get(f"/portal/my/cases/{case_id}"))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_material_links_carry_the_badge_of_their_file_type_and_the_timeline_words(citizen, engine):
    """An image is badged 图片, a PDF PDF — on the applicant's page and on the clerk's; the clerk's timeline says
    提交材料 where the trail holds material_added."""
    response = apply(citizen, **{"material-0": upload(PDF, "申请书.pdf"), "material-1": upload(PNG, "平面图.png")})
    case_id = case_id_of(response)
    badges = r'<span class="file-badge file-badge-(\w+)">([^<]+)</span>([^<]+)</a>'
    mine = re.findall(badges, text(citizen.get(f"/portal/my/cases/{case_id}")))
    assert ("pdf", "PDF", "申请书.pdf") in mine and ("image", "图片", "平面图.png") in mine
    clerk = PageClient(citizen.app)
    clerk.login("clerk")
    page = text(clerk.get(f"/cases/{case_id}"))
    assert ("image", "图片", "平面图.png") in re.findall(badges, page)
    trail = page[page.index('id="case-trail"') :]
    assert "提交材料" in trail and "material_added" not in trail.replace('class="event-material_added"', "")
