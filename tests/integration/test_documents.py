"""Official documents: Chinese PDFs with numbers that never repeat; electronic licences verified and revoked."""

from __future__ import annotations

import io
import threading

import pytest

from engine.errors import InvalidInput, PermissionDenied
from engine.identity.actors import ENGINE

from ..helpers import complete, needs_cjk_font


def pdf_text(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(pdf)).replace(" ", "").replace("\n", "")


def accepted(engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {}, engine.identity.actor("citizen"))
    complete(engine, case["id"], {"accept": "accept"})
    return case


@needs_cjk_font
def test_acceptance_notice_renders_chinese_text(five_step_engine):
    case = accepted(five_step_engine)
    clerk = five_step_engine.identity.actor("clerk")
    [issued] = five_step_engine.documents.for_case(case["id"], clerk)  # issued by the acceptance itself
    assert issued["number"] == "测试局〔2026〕第0001号"
    number, pdf = five_step_engine.documents.render_pdf(issued["id"], clerk)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    code = five_step_engine.runtime.get_case(case["id"], clerk)["query_code"]
    for expected in ("受理通知书", "测试局〔2026〕第0001号", "张三丰", "测试事项", "决定予以受理", "10个工作日", code):
        assert expected in text, expected


@needs_cjk_font
def test_each_kind_says_what_it_must(five_step_engine):
    case = accepted(five_step_engine)
    clerk = five_step_engine.identity.actor("clerk")
    supplement = five_step_engine.documents.issue(
        case["id"], "supplement_notice", clerk, items=["营业执照复印件", "场所租赁合同"]
    )
    text = pdf_text(five_step_engine.documents.render_pdf(supplement["id"], clerk)[1])
    assert "一次性告知" in text and "营业执照复印件" in text and "场所租赁合同" in text
    denial = five_step_engine.documents.issue(case["id"], "denial_decision", clerk, reasons="经营场所与住所未分离")
    text = pdf_text(five_step_engine.documents.render_pdf(denial["id"], clerk)[1])
    assert "不予行政许可决定书" in text and "经营场所与住所未分离" in text and "行政复议" in text
    assert [supplement["number"][-7:], denial["number"][-7:]] == ["〕第0002号", "〕第0003号"]  # 0001: 受理通知书


def test_refusals_need_reasons_and_notices_their_items(five_step_engine):
    case = accepted(five_step_engine)
    clerk = five_step_engine.identity.actor("clerk")
    for kind, kwargs in (
        ("refusal_decision", {}),
        ("denial_decision", {"reasons": " "}),
        ("supplement_notice", {}),
        ("no_such_kind", {}),
    ):
        with pytest.raises(InvalidInput):
            five_step_engine.documents.issue(case["id"], kind, clerk, **kwargs)
    with pytest.raises(PermissionDenied):
        five_step_engine.documents.issue(case["id"], "acceptance_notice", five_step_engine.identity.actor("outsider"))


def test_numbers_never_repeat_under_concurrent_issue(five_step_engine):
    case = accepted(five_step_engine)
    clerk = five_step_engine.identity.actor("clerk")
    numbers, errors = [], []

    def issue():
        try:
            for _ in range(4):
                numbers.append(
                    five_step_engine.documents.issue(case["id"], "acceptance_notice", clerk, reissue_reason="补发")[
                        "number"
                    ]
                )
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(4)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == []
    assert sorted(numbers) == [f"测试局〔2026〕第{i:04d}号" for i in range(2, 18)]  # 0001: issued on acceptance
    assert five_step_engine.history.verify().ok


def test_approval_issues_a_verifiable_licence_that_can_be_revoked(five_step_engine):
    from web import create_app

    case = accepted(five_step_engine)
    for data in ({}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(five_step_engine, case["id"], data)
    licence = five_step_engine.documents.licence_of(case["id"], ENGINE)
    assert licence["status"] == "valid" and licence["holder"] == "张**" and licence["matter"] == "测试事项"
    client = create_app(shenpi=five_step_engine, testing=True).test_client()
    assert client.get(f"/api/v1/licences/{licence['code']}").get_json()["status"] == "valid"
    page = client.get(f"/verify/{licence['code']}")
    assert page.status_code == 200 and "有效" in page.get_data(as_text=True)
    assert client.get("/verify/NOSUCHCODE").status_code == 404
    with pytest.raises(PermissionDenied):
        five_step_engine.documents.revoke(licence["code"], five_step_engine.identity.actor("outsider"), "违法经营")
    five_step_engine.documents.revoke(licence["code"], five_step_engine.identity.actor("clerk"), "以欺骗手段取得许可")
    body = client.get(f"/api/v1/licences/{licence['code']}").get_json()
    assert body["status"] == "revoked" and body["revoked_reason"] == "以欺骗手段取得许可"
    assert "已撤销" in client.get(f"/verify/{licence['code']}").get_data(as_text=True)
    events = [r["event"] for r in five_step_engine.history.case_trail(case["id"], ENGINE)]
    assert "licence_issued" in events and "licence_revoked" in events


@needs_cjk_font
def test_documents_over_http(five_step_engine):
    from web import create_app

    case = accepted(five_step_engine)
    client = create_app(shenpi=five_step_engine, testing=True).test_client()
    headers = {"Authorization": f"Bearer {five_step_engine.identity.create_token('clerk')}"}
    again = {"kind": "acceptance_notice"}
    assert client.post(f"/api/v1/cases/{case['id']}/documents", headers=headers, json=again).status_code == 400
    again["reissue_reason"] = "原件遗失，申请人申请补发"
    issued = client.post(f"/api/v1/cases/{case['id']}/documents", headers=headers, json=again)
    assert issued.status_code == 201
    pdf = client.get(f"/api/v1/documents/{issued.get_json()['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and "受理通知书" in pdf_text(pdf.data)
    outsider = {"Authorization": f"Bearer {five_step_engine.identity.create_token('outsider')}"}
    assert client.get(f"/api/v1/documents/{issued.get_json()['id']}/pdf", headers=outsider).status_code == 403
