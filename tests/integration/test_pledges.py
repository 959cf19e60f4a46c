"""告知承诺制: the catalogue lets a signed pledge stand in for a listed material; the pledge counts on the checklist;
once the case is approved the department checks it after the approval, and supervisors see the checks pending; a
pledge found false and a check not recorded in time raise correction signals."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.models import Signal, SupervisionItem, TrailEntry, ViolationRule

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
    with refused(InvalidState, "pledge_case_ended"):  # a pledge stands in for a material before the decision only
        engine.pledges.sign(case["id"], [SITE], actor("citizen"))
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


def _signals(engine, rule):
    with engine.db.reading() as session:
        return session.execute(
            sa.select(Signal.case_id, Signal.subject, Signal.color, Signal.article, Signal.summary)
            .where(Signal.rule == rule)
            .order_by(Signal.id)
        ).all()


def _signed_and_approved(engine):
    case = _apply(engine)
    pledge = engine.pledges.sign(case["id"], [SITE], engine.identity.actor("citizen"))[0]
    _approve(engine, case["id"])
    return case, pledge


def test_a_pledge_found_false_raises_a_red_signal_on_the_case(engine):
    """深府〔2007〕32号 Art. 12: "有下列情形之一的,监察机关可以通过电子监察系统直接发出红色纠错信号: …… (五)对不符合法定条件的
    审批项目准予行政审批的" — a pledge found false means the approval stood on a condition the applicant did not meet;
    the check that finds it raises the red signal in its own transaction. A pledge that held raises nothing."""
    clerk = engine.identity.actor("clerk")
    held_case, held = _signed_and_approved(engine)
    engine.pledges.record_check(held["id"], clerk, True, "现场核查属实")
    assert _signals(engine, "pledge_false") == []
    case, pledge = _signed_and_approved(engine)
    engine.pledges.record_check(pledge["id"], clerk, False, "经营场所与承诺不符")
    [(case_id, subject, color, article, summary)] = _signals(engine, "pledge_false")
    assert (case_id, subject, color, article) == (case["id"], f"pledge:{pledge['id']}", "red", "12")
    assert case["number"] in summary and SITE in summary and "经营场所与承诺不符" in summary
    with engine.db.reading() as session:
        raised = session.scalars(
            sa.select(TrailEntry.case_id).where(
                TrailEntry.event == "signal_raised", TrailEntry.element_id == "pledge_false"
            )
        ).all()
        items = session.scalars(
            sa.select(SupervisionItem.case_id)
            .join(Signal, Signal.id == SupervisionItem.signal_id)
            .where(Signal.rule == "pledge_false")
        ).all()
    assert raised == [case["id"]]  # on the case's chain, with the check
    assert items == [case["id"]]  # the signal opens its 督办 item (Art. 13)
    assert held_case["id"] not in {row.case_id for row in _signals(engine, "pledge_check_overdue")}


def test_a_check_not_recorded_in_time_raises_a_yellow_signal_once(engine, clock):
    """深府〔2007〕32号 Art. 8: "监察机关……主要对行政审批的以下内容进行监督: …… (四)对审批事项履行监督检查职责的情况";
    Art. 11: "(十)其他违规审批、情节轻微的情形" — a post-approval check of a pledge not recorded within the matter's
    ``pledge_check_days`` working days is flagged by the sweep, once; a check recorded in time is not."""
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": MATERIALS, "pledge_check_days": 5}, "admin")
    clerk = engine.identity.actor("clerk")
    late, pledge = _signed_and_approved(engine)
    in_time, checked = _signed_and_approved(engine)
    due = dt.datetime.fromisoformat(
        next(p for p in engine.pledges.pending_checks(clerk)["items"] if p["id"] == pledge["id"])["check_due_at"]
    )
    assert clock.now() + dt.timedelta(days=5) <= due < clock.now() + dt.timedelta(days=12)  # 5 working days
    clock.set(due - dt.timedelta(minutes=1))
    engine.sweep()
    assert _signals(engine, "pledge_check_overdue") == []
    engine.pledges.record_check(checked["id"], clerk, True, "现场核查属实")
    clock.set(due + dt.timedelta(minutes=1))
    engine.sweep()
    [(case_id, subject, color, article, summary)] = _signals(engine, "pledge_check_overdue")
    assert (case_id, subject, color, article) == (late["id"], f"pledge:{pledge['id']}", "yellow", "11")
    assert late["number"] in summary and "5 个工作日" in summary
    clock.set(due + dt.timedelta(days=3))
    engine.sweep()
    assert len(_signals(engine, "pledge_check_overdue")) == 1  # once
    assert in_time["id"] not in {row.case_id for row in _signals(engine, "pledge_check_overdue")}
    engine.pledges.record_check(pledge["id"], clerk, False, "逾期核查，承诺不实")  # a late check is still recorded
    assert [row.case_id for row in _signals(engine, "pledge_false")] == [late["id"]]


def test_an_overdue_check_of_a_disabled_rule_raises_nothing(engine, clock):
    with engine.db.transaction() as session:
        session.execute(
            sa.update(ViolationRule).where(ViolationRule.rule == "pledge_check_overdue").values(enabled=False)
        )
    _signed_and_approved(engine)
    clock.set(clock.now() + dt.timedelta(days=60))
    assert engine.violations.pledge_checks.due_pledges(clock.now()) == []
    engine.sweep()
    assert _signals(engine, "pledge_check_overdue") == []
