"""告知承诺制: the catalogue lets a signed pledge stand in for a listed material; the pledge counts on the checklist;
once the case is approved the department checks it after the approval, and supervisors see the checks pending."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidInput, InvalidState, PermissionDenied

from ..helpers import FIVE_STEP_ENTRY, complete, events, refused

LICENCE = "营业执照"
SITE = "经营场所证明"
MATERIALS = [
    {"name": "申请书", "form": "原件", "required": True, "copies": 1},
    {"name": LICENCE, "form": "复印件", "required": True, "copies": 1},
    {"name": SITE, "form": "原件", "required": True, "copies": 1, "pledge": True},
]


@pytest.fixture
def engine(five_step_engine):
    five_step_engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": MATERIALS}, "admin")
    return five_step_engine


def _apply(engine):
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))


def _approve(engine, case_id):
    for data in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case_id, data)


def test_a_pledge_stands_in_for_the_material_the_catalogue_allows(engine):
    """Seed 001: 要建立健全AB岗工作制、告知承诺制等制度体系 — a pledge replaces only a material marked for it."""
    case = _apply(engine)
    citizen = engine.identity.actor("citizen")
    before = engine.materials.list(case["id"], citizen)
    assert before["missing_required"] == ["申请书", LICENCE, SITE]
    assert [c["pledge_allowed"] for c in before["checklist"]] == [False, False, True]
    with refused(InvalidInput, "pledge_not_allowed", material=LICENCE):
        engine.pledges.sign(case["id"], [LICENCE], citizen)
    signed = engine.pledges.sign(case["id"], [SITE], citizen)
    assert [(p["material"], p["signed_by"], p["held"]) for p in signed] == [(SITE, "citizen", None)]
    assert SITE in signed[0]["statement"] and "法律责任" in signed[0]["statement"]
    after = engine.materials.list(case["id"], citizen)
    assert after["missing_required"] == ["申请书", LICENCE]
    assert [c["pledged"] for c in after["checklist"]] == [False, False, True]
    assert engine.pledges.sign(case["id"], [SITE], citizen) == signed  # signing again changes nothing
    assert [e["detail"]["materials"] for e in events(engine, "pledge_signed")] == [[SITE]]


def test_who_signs(engine):
    case = _apply(engine)
    actor = engine.identity.actor
    with refused(PermissionDenied, "case_of_another_unit"):
        engine.pledges.sign(case["id"], [SITE], actor("outsider"))
    with refused(PermissionDenied, "pledge_applicant_or_window"):
        engine.pledges.sign(case["id"], [SITE], actor("supervisor"))
    assert engine.pledges.sign(case["id"], [SITE], actor("clerk"))[0]["signed_by"] == "clerk"  # at the window
    with refused(InvalidInput, "pledge_materials_required"):
        engine.pledges.sign(case["id"], [], actor("citizen"))


def test_after_approval_the_check_is_pending_until_the_department_records_it(engine, clock):
    """Seed 002: 前置审批承诺制推行以后，门槛进一步降低，审批变得简易而监管的压力增大 — the approval is followed by a
    check of each pledge, which supervisors see pending and the department records once."""
    actor = engine.identity.actor
    case = _apply(engine)
    pledge = engine.pledges.sign(case["id"], [SITE], actor("citizen"))[0]
    assert engine.pledges.pending_checks(actor("supervisor"))["total"] == 0  # not approved yet
    with refused(InvalidState, "pledge_check_before_approval"):
        engine.pledges.record_check(pledge["id"], actor("clerk"), True, "现场核查属实")
    _approve(engine, case["id"])
    pending = engine.pledges.pending_checks(actor("supervisor"))
    assert [(p["id"], p["number"], p["material"], p["overdue"]) for p in pending["items"]] == [
        (pledge["id"], case["number"], SITE, False)
    ]
    due = dt.datetime.fromisoformat(pending["items"][0]["check_due_at"])
    assert due > clock.now() + dt.timedelta(days=20)  # 20 working days: four weeks and more
    assert engine.pledges.pending_checks(actor("far_supervisor"))["total"] == 0
    assert engine.pledges.pending_checks(actor("outsider"))["total"] == 0
    assert engine.pledges.pending_checks(actor("clerk"))["total"] == 1
    clock.set(due + dt.timedelta(hours=1))
    assert engine.pledges.pending_checks(actor("supervisor"))["items"][0]["overdue"] is True
    with refused(PermissionDenied, "pledge_check_department_only"):
        engine.pledges.record_check(pledge["id"], actor("citizen"), True, "申请人自己核查")
    with refused(InvalidInput, "pledge_held_required"):
        engine.pledges.record_check(pledge["id"], actor("clerk"), "yes", "现场核查")
    with refused(InvalidInput, "pledge_finding_required"):
        engine.pledges.record_check(pledge["id"], actor("clerk"), False, " ")
    checked = engine.pledges.record_check(pledge["id"], actor("clerk"), False, "经营场所与承诺不符")
    assert (checked["held"], checked["checked_by"], checked["finding"]) == (False, "clerk", "经营场所与承诺不符")
    assert engine.pledges.pending_checks(actor("supervisor"))["total"] == 0
    with refused(InvalidState, "pledge_already_checked"):
        engine.pledges.record_check(pledge["id"], actor("supervisor"), True, "再次核查")
    rows = events(engine, "pledge_checked")
    assert [(r["actor"], r["element"]) for r in rows] == [("clerk", SITE)]


def test_a_supervisor_of_the_unit_may_record_the_check(engine):
    actor = engine.identity.actor
    case = _apply(engine)
    pledge = engine.pledges.sign(case["id"], [SITE], actor("citizen"))[0]
    _approve(engine, case["id"])
    with refused(PermissionDenied, "case_of_another_unit"):
        engine.pledges.record_check(pledge["id"], actor("far_supervisor"), True, "核查属实")
    assert engine.pledges.record_check(pledge["id"], actor("supervisor"), True, "核查属实")["held"] is True
