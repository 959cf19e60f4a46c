"""Intake as the law has it (issue 16 §1): 补正 before acceptance, the intake limit and deemed acceptance, documents
issued on the main path, the licence with its number and validity, revocation, and tracking by number and 查询码.
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from engine.casefiles.documents import qr_data_uri
from engine.catalogue import service as catalogue
from engine.config import InvalidSettings, Settings
from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, Matter, Notice

from ..helpers import APPROVE, CJK_FONT, START, complete


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def apply(engine, name="张三丰"):
    return engine.runtime.start_case("TEST-0001", {"name": name}, {}, engine.identity.actor("citizen"))


def clerk(engine):
    return engine.identity.actor("clerk")


def kinds(engine, case_id):
    return [d["kind"] for d in engine.runtime.get_case(case_id, clerk(engine))["documents"]]


def intake_signals(engine, case_id):
    return [
        s for s in engine.violations.signals.list_signals(ENGINE, case_id=case_id) if s["rule"] == "intake_not_handled"
    ]


def set_entry(engine, **values):
    with engine.db.transaction() as session:
        matter = session.get(Matter, "TEST-0001")
        matter.entry = {**matter.entry, **values}


def pdf_text(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(pdf)).replace(" ", "").replace("\n", "")


# --- 补正 before acceptance ---------------------------------------------------------------------------------
def test_the_window_sends_the_one_time_supplement_notice_before_acceptance(five_step_engine):
    """001 (一)1(5): "及时向服务对象出具了一次性告知单、受理通知书、补正通知书、不予办理决定书等规定必须出具的各种文书";
    002 Art. 11(五): "申请人提交的申请材料不齐全、不符合法定形式,不一次告知申请人必须补正的全部内容的" is a signal —
    so the notice comes before acceptance, with its 补正通知书, and the acceptance ends it."""
    engine = five_step_engine
    case = apply(engine)
    with pytest.raises(InvalidState):  # before acceptance the 补正 notice only, no special procedure
        engine.case_clock.pause(case["id"], "hearing", "听证", clerk(engine))
    view = engine.case_clock.pause(
        case["id"], "supplement", "材料不齐", clerk(engine), missing=["营业执照", "租赁合同"]
    )
    assert view["paused"] and view["pause_kind"] == "supplement" and view["accepted_at"] is None
    [notice] = engine.documents.for_case(case["id"], clerk(engine))
    assert notice["kind"] == "supplement_notice" and notice["title"] == "补正材料通知书（一次性告知单）"
    mine = engine.applicant_cases.case(case["id"], engine.identity.actor("citizen"))
    assert mine["status"] == "supplement" and mine["supplement"]["items"] == ["营业执照", "租赁合同"]
    assert [d["items"] for d in mine["documents"]] == [["营业执照", "租赁合同"]]
    complete(engine, case["id"], {"accept": "accept"})  # the materials came in: accepted, the pause ends with it
    got = engine.runtime.get_case(case["id"], clerk(engine))
    assert got["clock"]["accepted_at"] == START.astimezone(dt.UTC).isoformat() and not got["clock"]["paused"]
    assert got["clock"]["paused_working_days"] == 0  # the statutory clock had not started
    assert [d["kind"] for d in got["documents"]] == ["supplement_notice", "acceptance_notice"]
    events = [r["event"] for r in engine.history.case_trail(case["id"], ENGINE)]
    assert events.index("clock_resumed") < events.index("case_accepted")
    assert engine.history.verify().ok


def test_a_second_notice_before_acceptance_is_judged_as_after(five_step_engine):
    """002 Art. 11(五): not telling every missing material at once — a second notice asking for a listed material."""
    engine = five_step_engine
    case = apply(engine)
    engine.case_clock.pause(case["id"], "supplement", "材料不齐", clerk(engine), missing=["申请书"])
    engine.case_clock.resume(case["id"], clerk(engine))
    engine.case_clock.pause(case["id"], "supplement", "又缺", clerk(engine), missing=["营业执照复印件"])
    documents = engine.documents.for_case(case["id"], clerk(engine))
    assert [d["kind"] for d in documents] == ["supplement_notice", "supplement_notice"]
    assert documents[1]["reissue_reason"] == "第2次补正告知"


# --- the intake limit -----------------------------------------------------------------------------------------
def test_an_application_nobody_handles_within_the_intake_limit_counts_as_accepted_on_receipt(five_step_engine, clock):
    """《行政许可法》 Art. 32 (DOMAIN.md): "on the spot or within 5 days of receipt; no notice in time means the
    application counts as accepted on receipt" — the sweep accepts it as of its receipt and raises a signal."""
    engine = five_step_engine
    ignored, notified, accepted, late = apply(engine), apply(engine), apply(engine), apply(engine)
    engine.case_clock.pause(notified["id"], "supplement", "材料不齐", clerk(engine), missing=["申请书"])
    complete(engine, accepted["id"], {"accept": "accept"})
    view = engine.runtime.get_case(ignored["id"], clerk(engine))
    assert view["intake_due_at"] == at("2026-11-30T17:30").astimezone(dt.UTC).isoformat()  # 5 working days
    clock.set(at("2026-11-30T17:00"))
    assert engine.sweep()["deemed_accepted"] == 0  # not yet
    clock.set(at("2026-12-01T08:30"))  # a notice after the limit does not answer it
    engine.case_clock.pause(late["id"], "supplement", "材料不齐", clerk(engine), missing=["申请书"])
    clock.set(at("2026-12-01T09:00"))
    assert engine.sweep()["deemed_accepted"] == 2
    assert len(intake_signals(engine, late["id"])) == 1
    view = engine.runtime.get_case(ignored["id"], clerk(engine))
    assert view["clock"]["accepted_at"] == START.astimezone(dt.UTC).isoformat()  # on its receipt
    # the limits count from receipt: 10 working days promised, 20 statutory
    assert view["clock"]["promised_due_at"] == at("2026-12-07T17:30").astimezone(dt.UTC).isoformat()
    assert [t["element"] for t in view["tasks"]] == ["Task_Accept"]  # the window still records its acceptance
    assert kinds(engine, ignored["id"]) == ["acceptance_notice"]
    [signal] = intake_signals(engine, ignored["id"])
    assert signal["color"] == "yellow" and signal["article"] == "11" and "视为受理" in signal["summary"]
    assert intake_signals(engine, notified["id"]) == intake_signals(engine, accepted["id"]) == []
    assert engine.runtime.get_case(notified["id"], clerk(engine))["clock"]["accepted_at"] is None
    assert engine.sweep()["deemed_accepted"] == 0  # once
    complete(engine, ignored["id"], {"accept": "accept"})  # the clock keeps its receipt-day start
    assert engine.runtime.get_case(ignored["id"], clerk(engine))["clock"]["accepted_at"] == view["clock"]["accepted_at"]
    assert engine.history.verify().ok


def test_the_intake_limit_is_set_per_matter_in_the_catalogue(five_step_engine, clock):
    engine = five_step_engine
    set_entry(engine, intake_limit_days=2)
    case = apply(engine)
    due = engine.runtime.get_case(case["id"], clerk(engine))["intake_due_at"]
    assert due == at("2026-11-25T17:30").astimezone(dt.UTC).isoformat()
    clock.set(at("2026-11-26T09:00"))
    assert engine.sweep()["deemed_accepted"] == 1
    for bad in ({"intake_limit_days": 0}, {"intake_limit_days": True}, {"licence_validity_years": 101}):
        with engine.db.reading() as session:
            base = dict(session.get(Matter, "TEST-0001").entry)
        base.update(bad, process_file="five_step.bpmn")
        with pytest.raises(InvalidInput) as raised:
            catalogue.validate_entry(base)
        assert raised.value.reason == "entry_number_range"


# --- documents on the main path -------------------------------------------------------------------------------
def test_acceptance_refusal_and_decisions_issue_their_documents(five_step_engine):
    """001 (一)1(5): documents "在办件过程中及时向服务对象出具" — here without a clerk asking."""
    engine = five_step_engine
    accepted = apply(engine)
    complete(engine, accepted["id"], {"accept": "accept"})
    got = engine.runtime.get_case(accepted["id"], clerk(engine))
    assert [(d["kind"], d["title"]) for d in got["documents"]] == [("acceptance_notice", "受理通知书")]
    assert len(got["query_code"]) == 8
    approved = engine.runtime.start_case("TEST-0001", {"name": "李四"}, {}, ENGINE)
    denied = engine.runtime.start_case("TEST-0001", {"name": "王五"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, approved["id"], step)
    for step in APPROVE[:3]:
        complete(engine, denied["id"], step)
    complete(engine, denied["id"], {"approval": "deny"}, opinion="经营场所与住所未分离")
    assert kinds(engine, approved["id"]) == ["acceptance_notice", "approval_decision"]
    assert kinds(engine, denied["id"]) == ["acceptance_notice", "denial_decision"]
    with engine.db.reading() as session:
        from engine.models import IssuedDocument

        reasons = session.scalars(
            sa.select(IssuedDocument.content).where(IssuedDocument.kind.in_(("refusal_decision", "denial_decision")))
        ).all()
    assert [r["reasons"] for r in reasons] == [
        "经营场所与住所未分离"
    ]  # a refusal's: tests/integration/test_catalogue.py
    # the clerk's case page keeps them after the end; a second one of a kind needs its reason
    assert [d["kind"] for d in engine.documents.for_case(approved["id"], clerk(engine))][-1] == "approval_decision"
    with pytest.raises(InvalidInput) as raised:
        engine.documents.issue(approved["id"], "approval_decision", clerk(engine))
    assert raised.value.reason == "reissue_reason_required"
    again = engine.documents.issue(approved["id"], "approval_decision", clerk(engine), reissue_reason="原件遗失补发")
    assert engine.documents.for_case(approved["id"], clerk(engine))[-1]["reissue_reason"] == "原件遗失补发"
    assert again["kind"] == "approval_decision"
    assert engine.history.verify().ok


def test_the_applicant_is_told_of_the_acceptance_notice(five_step_engine):
    engine = five_step_engine
    case = apply(engine)
    complete(engine, case["id"], {"accept": "accept"})
    with engine.db.reading() as session:
        told = session.execute(
            sa.select(Notice.recipient, Notice.message).where(Notice.kind == "document_issued")
        ).all()
    assert [r for r, _m in told] == ["citizen"] and "受理通知书" in told[0][1]


# --- the licence ----------------------------------------------------------------------------------------------
def test_the_licence_has_a_number_holder_scope_and_validity(five_step_engine):
    engine = five_step_engine
    set_entry(engine, licence_validity_years=5)
    first = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {"licence_scope": "热食类食品制售"}, ENGINE)
    for step in APPROVE:
        complete(engine, first["id"], step)
    licence = engine.documents.licence_of(first["id"], clerk(engine))
    assert licence["number"] == "TEST-0001-2026-000001" and licence["valid_until"] == "2031-11-22"
    assert licence["scope"] == "热食类食品制售" and licence["permanent"] is False and licence["department"] == "测试局"
    assert licence["verification_url"] == f"http://localhost:5000/verify/{licence['code']}"
    set_entry(engine, licence_validity_years=None)
    second = engine.runtime.start_case("TEST-0001", {"name": "李四"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, second["id"], step)
    licence = engine.documents.licence_of(second["id"], clerk(engine))
    assert licence["number"] == "TEST-0001-2026-000002" and licence["valid_until"] is None and licence["permanent"]
    assert licence["scope"] == "测试事项"  # the matter when the decision states no scope


def test_the_licence_number_pattern_is_a_checked_setting():
    assert Settings(licence_number_pattern="{department}许字〔{year}〕第{seq:05d}号").licence_number_pattern
    for bad in ("{nope}-{seq}", "{year}-only", "{seq:q}"):
        with pytest.raises(InvalidSettings):
            Settings(licence_number_pattern=bad)


def test_the_licence_sheet_carries_its_facts_and_a_qr_code_of_its_verification_address(five_step_engine):
    engine = five_step_engine
    set_entry(engine, licence_validity_years=3)
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, case["id"], step)
    number, html = engine.documents.licence_sheet(case["id"], clerk(engine))
    code = engine.documents.licence_of(case["id"], clerk(engine))["code"]
    url = f"http://localhost:5000/verify/{code}"
    assert number == "TEST-0001-2026-000001"
    for fact in (number, "张三丰", "测试事项", "测试局", "2026年11月23日", "2029年11月22日", code, url):
        assert fact in html, fact
    assert f'src="{qr_data_uri(url)}"' in html and qr_data_uri(url).startswith("data:image/svg+xml")
    assert qr_data_uri(url) != qr_data_uri(url + "X")
    with pytest.raises(NotFound):
        engine.documents.licence_sheet(apply(engine)["id"], clerk(engine))
    with pytest.raises(PermissionDenied):
        engine.documents.licence_sheet(case["id"], engine.identity.actor("outsider"))


def test_the_licence_prints_as_an_a4_pdf(five_step_engine):
    engine = five_step_engine
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, case["id"], step)
    number, pdf = engine.documents.render_licence_pdf(case["id"], clerk(engine))
    from pdfminer.pdfpage import PDFPage

    assert number == "TEST-0001-2026-000001" and pdf.startswith(b"%PDF")
    [page] = list(PDFPage.get_pages(io.BytesIO(pdf)))
    assert [round(v * 25.4 / 72) for v in page.mediabox] == [0, 0, 210, 297]  # one A4 page
    if CJK_FONT:
        text = pdf_text(pdf)
        assert number in text and "行政许可证" in text and "张三丰" in text


def test_a_revocation_without_a_revocation_decision_raises_an_article_12_signal(five_step_engine):
    """002 Art. 12(九): "擅自改变已经生效的行政审批的" — red at once."""
    engine = five_step_engine
    decided, undecided = (engine.runtime.start_case("TEST-0001", {"name": n}, {}, ENGINE) for n in ("甲", "乙"))
    for case in (decided, undecided):
        for step in APPROVE:
            complete(engine, case["id"], step)
    engine.documents.issue(decided["id"], "revocation_decision", clerk(engine), reasons="以欺骗手段取得许可")
    for case in (decided, undecided):
        code = engine.documents.licence_of(case["id"], clerk(engine))["code"]
        assert engine.documents.revoke(code, clerk(engine), "撤销")["status"] == "revoked"
    found = {
        s["case_id"]: s
        for s in engine.violations.signals.list_signals(ENGINE)
        if s["rule"] == "revocation_without_decision"
    }
    assert list(found) == [undecided["id"]] and found[undecided["id"]]["color"] == "red"
    assert found[undecided["id"]]["article"] == "12"
    assert engine.history.verify().ok


# --- tracking by number and 查询码 -----------------------------------------------------------------------------
def test_tracking_by_number_and_query_code_shows_the_public_view_only(five_step_engine):
    """003: "办理进度可全流程网上跟踪、查询" — for a window applicant too, without an account."""
    engine = five_step_engine
    case = engine.runtime.start_case("TEST-0001", {"name": "张三丰", "phone": "13800000000"}, {}, clerk(engine))
    engine.case_clock.pause(case["id"], "supplement", "材料不齐", clerk(engine), missing=["申请书"])
    code = engine.runtime.get_case(case["id"], clerk(engine))["query_code"]
    with engine.db.reading() as session:
        number = session.get(Case, case["id"]).number
    seen = engine.applicant_cases.track(number, code.lower())
    assert seen["status"] == "supplement" and seen["supplement"]["items"] == ["申请书"]
    assert seen["applicant_name"] == "张**" and "phone" not in str(seen) and "13800000000" not in str(seen)
    assert [d["kind"] for d in seen["documents"]] == ["supplement_notice"]
    assert "id" not in seen["documents"][0] and "materials" not in seen
    for wrong in ((number, "ZZZZZZZZ"), ("20260000999999", code), (number, ""), (None, None), (number, "X" * 40)):
        with pytest.raises(NotFound) as raised:
            engine.applicant_cases.track(*wrong)
        assert raised.value.reason == "progress_not_found"
