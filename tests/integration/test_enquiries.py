"""首问负责: the first official asked records the enquiry (who asked, the question, the answer, a referral) and is named
on it; officials read their department's, supervisors the units they oversee; a trail row for each."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, PermissionDenied

from ..helpers import events, refused

QUESTION = {
    "applicant": "王五",
    "contact": "13700000000",
    "matter": "TEST-0001",
    "question": "申请需要哪些材料？",
    "answer": "按办事指南提交申请书和营业执照。",
}


def test_the_first_official_asked_is_named_on_the_enquiry_with_its_trail_row(five_step_engine):
    """Seed 002 (Art. 17 (一)): 部门开展行政审批工作情况，包括落实首问负责制、限时办结制情况 — the enquiry names the
    official who was asked first, also when it was referred elsewhere."""
    engine = five_step_engine
    clerk = engine.identity.actor("clerk")
    enquiry = engine.enquiries.record(clerk, {**QUESTION, "referred_to": "其他局"})
    assert (enquiry["official"], enquiry["official_name"], enquiry["department"]) == ("clerk", "窗口甲", "测试局")
    assert enquiry["referred_to"] == "其他局" and enquiry["question"] == QUESTION["question"]
    rows = events(engine, "enquiry_recorded")
    assert [(r["actor"], r["element"]) for r in rows] == [("clerk", f"enquiry:{enquiry['id']}")]
    assert rows[0]["detail"]["referred_to"] == "其他局" and rows[0]["detail"]["matter"] == "TEST-0001"


def test_who_reads_and_who_records(five_step_engine):
    engine = five_step_engine
    actor = engine.identity.actor
    engine.enquiries.record(actor("clerk"), QUESTION)
    engine.enquiries.record(actor("outsider"), {**QUESTION, "matter": None, "applicant": "赵六"})
    assert [e["applicant"] for e in engine.enquiries.page(actor("clerk"))["items"]] == ["王五"]
    assert [e["applicant"] for e in engine.enquiries.page(actor("outsider"))["items"]] == ["赵六"]
    assert engine.enquiries.page(actor("supervisor"))["total"] == 2  # the city bureau oversees both
    assert engine.enquiries.page(actor("far_supervisor"))["total"] == 0
    assert engine.enquiries.page(actor("supervisor"), "测试局")["total"] == 1
    with refused(PermissionDenied, "enquiries_staff_only"):
        engine.enquiries.page(actor("citizen"))
    for who in ("citizen", "supervisor", "admin"):
        with refused(PermissionDenied, "enquiry_officials_only"):
            engine.enquiries.record(actor(who), QUESTION)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"question": ""}, "enquiry_field_invalid"),
        ({"answer": "x" * 4001}, "enquiry_field_invalid"),
        ({"applicant": 5}, "enquiry_field_invalid"),
        ({"matter": "NOPE-1"}, "enquiry_matter_unknown"),
        ({"referred_to": "不存在的局"}, "enquiry_department_unknown"),
    ],
)
def test_bad_enquiries_are_refused_and_nothing_is_written(five_step_engine, change, reason):
    engine = five_step_engine
    with refused(InvalidInput, reason):
        engine.enquiries.record(engine.identity.actor("clerk"), {**QUESTION, **change})
    assert engine.enquiries.page(engine.identity.actor("admin"))["total"] == 0
