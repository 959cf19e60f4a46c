"""Violation rules and correction signals: each rule raised by a real case run through the engine (and not
raised when the case is handled correctly), configuration per level, yellow turning red, correction, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.catalogue import service as catalogue
from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.identity.actors import ENGINE, OFFICIAL
from engine.kernel.clock import SHANGHAI
from engine.models import IssuedDocument, Signal, SupervisionItem, User
from engine.violations.rules import RULES

from ..helpers import APPROVE, FIVE_STEP_ENTRY, FIXTURES, PROCESSES, complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def engine(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(User(id="head", name="局长", department_id="T01", posts=["负责人"], roles=[OFFICIAL]))
    return five_step_engine


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def signals(engine, case_id=None, rule=None):
    found = engine.violations.signals.list_signals(ENGINE, case_id=case_id)
    return [s for s in found if rule is None or s["rule"] == rule]


def trail_events(engine, case_id, signal_id=None):
    return [
        r
        for r in engine.history.case_trail(case_id, ENGINE)
        if r["event"].startswith("signal_") and signal_id in (None, (r["detail"] or {}).get("signal"))
    ]


def run(engine, steps, data=None):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, data or {}, ENGINE)
    for step in steps:
        complete(engine, case["id"], step)
    return case["id"]


def configure(engine, rule, level="common", enabled=True, params=None, department=None, by="admin"):
    return engine.violations.rules.set_config(actor(engine, by), rule, level, enabled, params, department)


# --- Art. 11 rules on transitions ------------------------------------------------------------------
def test_decision_after_the_statutory_limit_raises_a_yellow_signal(engine, clock):
    on_time = run(engine, APPROVE)
    late = run(engine, APPROVE[:4])
    clock.set(at("2026-12-22T09:00"))  # statutory limit: 20 working days, 2026-12-21 17:30
    complete(engine, late, {})
    assert signals(engine, on_time) == []
    [signal] = signals(engine, late)
    assert (signal["rule"], signal["color"], signal["article"], signal["level"], signal["status"]) == (
        "decision_late",
        "yellow",
        "11",
        "common",
        "open",
    )
    assert signal["department"] == "测试局" and signal["official"] == "clerk"
    assert dt.datetime.fromisoformat(signal["correct_by"]) == at("2026-12-23T17:30")
    with engine.db.reading() as session:
        items = session.scalars(sa.select(SupervisionItem).where(SupervisionItem.case_id == late)).all()
    assert [(i.kind, i.signal_id) for i in items] == [("signal", signal["id"])]
    assert [(r["event"], r["to"]) for r in trail_events(engine, late)] == [("signal_raised", "yellow")]
    assert engine.history.verify().ok


def test_paused_time_does_not_count_against_the_decision(engine, clock):
    case_id = run(engine, APPROVE[:1])
    clerk = actor(engine, "clerk")
    engine.case_clock.pause(case_id, "expert_review", "专家评审", clerk)
    clock.set(at("2026-11-26T09:00"))  # paused 3 working days: the limit moves to 2026-12-24 17:30
    engine.case_clock.resume(case_id, clerk)
    clock.set(at("2026-12-23T09:00"))  # after the original limit, before the moved one
    for step in APPROVE[1:]:
        complete(engine, case_id, step)
    assert signals(engine, case_id, "decision_late") == []


def test_a_second_supplement_notice_is_judged_by_the_rule_and_its_level_params(engine):
    case_id = run(engine, APPROVE[:1])
    clerk = actor(engine, "clerk")
    engine.case_clock.pause(case_id, "supplement", "一次性告知", clerk, missing=["申请书"])
    engine.case_clock.resume(case_id, clerk)
    engine.case_clock.pause(case_id, "supplement", "现场发现", clerk, missing=["整改照片"])
    engine.case_clock.resume(case_id, clerk)
    assert signals(engine, case_id) == []  # the guide lists no materials: nothing could be asked at once
    configure(engine, "repeated_supplement_notice", "bureau", True, {"guide_materials_only": False}, by="supervisor")
    engine.case_clock.pause(case_id, "supplement", "再次补正", clerk, missing=["整改照片"])
    [signal] = signals(engine, case_id)
    assert (signal["rule"], signal["level"], signal["detail"]["notice"]) == ("repeated_supplement_notice", "bureau", 3)


def test_forwarding_to_the_upper_level_after_the_step_limit(bare_sqlite_engine, clock):
    clock.set(at("2026-06-01T09:00"))  # the 30-day limit stays within the imported calendar years
    entry = next(e for e in catalogue.load_entries(PROCESSES) if e["key"] == "zhengzhou_public_rental_housing")
    bare_sqlite_engine.repository.deploy((PROCESSES / entry["process_file"]).read_bytes(), entry["process_file"])
    bare_sqlite_engine.catalogue.publish(entry, "admin")

    def to_town_review():
        case = bare_sqlite_engine.runtime.start_case(entry["code"], {"name": "张三"}, {}, ENGINE)
        bare_sqlite_engine.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept"}, "受理")
        return bare_sqlite_engine.runtime.get_case(case["id"], ENGINE)

    prompt, late = to_town_review(), to_town_review()
    bare_sqlite_engine.tasks.complete(prompt["tasks"][0]["id"], ENGINE, {"town_review": "approve"}, "同意")
    clock.set(at("2026-06-05T09:00"))  # 街道初审: 3 working days, due 2026-06-04 17:30
    bare_sqlite_engine.tasks.complete(late["tasks"][0]["id"], ENGINE, {"town_review": "approve"}, "同意")
    assert signals(bare_sqlite_engine, prompt["id"]) == []
    [signal] = signals(bare_sqlite_engine, late["id"])
    assert signal["rule"] == "forwarding_late" and signal["subject"] == f"task:{late['tasks'][0]['id']}"
    assert signal["detail"]["to"] == ["郑州市管城回族区住房保障中心"]


# --- Art. 11 rules of the sweep -------------------------------------------------------------------
def test_result_not_published_and_licence_not_issued_are_found_by_the_sweep(engine, clock):
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "type": "公共服务"}, "admin")  # no automatic licence
    published, silent = run(engine, APPROVE), run(engine, APPROVE)
    engine.violations.fees.publish_result(published, actor(engine, "clerk"))
    with pytest.raises(InvalidState):
        engine.violations.fees.publish_result(published, actor(engine, "clerk"))
    clock.set(at("2026-11-24T17:00"))
    engine.sweep()
    assert signals(engine) == []  # still within 1 working day
    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert [s["rule"] for s in signals(engine, silent)] == ["result_not_published"]
    assert signals(engine, published) == []  # 公共服务 is not in matter_types: no licence expected
    configure(engine, "licence_not_issued", params={"matter_types": ["行政许可", "公共服务"]})
    engine.sweep()
    assert {s["rule"] for s in signals(engine, published)} == {"licence_not_issued"}
    engine.sweep()
    assert len(signals(engine)) == 3  # each rule and subject once


def test_a_result_published_late_is_flagged_at_publication(engine, clock):
    configure(engine, "result_not_published", params={"days": 2})
    on_time, late = run(engine, APPROVE), run(engine, APPROVE)
    clerk = actor(engine, "clerk")
    clock.set(at("2026-11-25T17:00"))
    engine.violations.fees.publish_result(on_time, clerk)
    clock.set(at("2026-11-26T09:00"))  # no sweep ran in between
    engine.violations.fees.publish_result(late, clerk)
    assert signals(engine, on_time) == []
    assert [s["official"] for s in signals(engine, late, "result_not_published")] == ["clerk"]


def test_an_approved_licence_case_gets_its_licence(engine, clock):
    case_id = run(engine, APPROVE)
    clock.set(at("2026-11-26T09:00"))
    engine.sweep()
    assert signals(engine, case_id, "licence_not_issued") == []


def test_denial_without_a_reasoned_decision(engine, clock):
    """A denial issues its 不予行政许可决定书 with the deciding step's opinion as its reasons; a denied case without
    one (here: its decision removed, as for cases decided before decisions were issued on the main path) is
    flagged."""
    denied = APPROVE[:3] + ({"approval": "deny"},)
    with_decision, without = run(engine, denied), run(engine, denied)
    [decision] = [d for d in engine.documents.for_case(with_decision, ENGINE) if d["kind"] == "denial_decision"]
    with engine.db.transaction() as session:
        session.execute(sa.delete(IssuedDocument).where(IssuedDocument.case_id == without))
    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert signals(engine, with_decision, "refusal_without_reasons") == []
    assert [s["color"] for s in signals(engine, without, "refusal_without_reasons")] == ["yellow"]
    with pytest.raises(InvalidInput):  # a decision without reasons cannot be issued at all
        engine.documents.issue(without, "denial_decision", actor(engine, "clerk"), reasons=" ")


def test_facts_reported_late(engine):
    service = engine.violations.signals
    assert (
        service.report_fact(
            department="测试局",
            fact="现场核查",
            happened_at=at("2026-11-20T10:00"),
            reported_at=at("2026-11-24T10:00"),
            subject="fact:1",
        )
        is None
    )
    raised = service.report_fact(
        department="测试局", fact="现场核查", happened_at=at("2026-11-16T10:00"), subject="fact:2"
    )
    assert raised["rule"] == "reported_late"
    [signal] = signals(engine)
    assert signal["subject"] == "fact:2" and signal["case_id"] is None and signal["color"] == "yellow"


# --- Art. 12 rules: red at once ----------------------------------------------------------------------
def test_fees_that_differ_from_the_catalogue_raise_red_signals(engine):
    case_id = run(engine, APPROVE[:1])
    fees, clerk = engine.violations.fees, actor(engine, "clerk")
    fees.record(case_id, "工本费", 10, clerk)
    [signal] = signals(engine, case_id)
    assert (signal["rule"], signal["color"], signal["article"], signal["correct_by"]) == (
        "fee_mismatch",
        "red",
        "12",
        None,
    )
    assert "不在" in signal["summary"]
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "free": True}, "admin")
    assert "免费" in fees.record(case_id, "工本费", 10, clerk)["problem"]
    engine.catalogue.publish(
        {
            **FIVE_STEP_ENTRY,
            "free": False,
            "fees": [
                {"item": "工本费", "standard": "10元/件", "basis": "x"},
                {"item": "检测费", "standard": "按实际检测项目收取", "basis": "y"},
            ],
        },
        "admin",
    )
    assert fees.record(case_id, "工本费", "10.00", clerk)["problem"] is None
    assert fees.record(case_id, "检测费", 999, clerk)["problem"] is None  # no amount in the standard
    assert "不符" in fees.record(case_id, "工本费", 12.5, clerk)["problem"]
    assert "不在" in fees.record(case_id, "咨询费", 5, clerk)["problem"]
    assert len(signals(engine, case_id)) == 4
    for bad in (-1, 0, "abc", 1.234, True, None):
        with pytest.raises(InvalidInput):
            fees.record(case_id, "工本费", bad, clerk)
    with pytest.raises(PermissionDenied):
        fees.record(case_id, "工本费", 10, actor(engine, "outsider"))
    assert [r["event"] for r in engine.history.case_trail(case_id, ENGINE)].count("fee_recorded") == 6


def test_a_process_version_deployed_without_publication(engine, clock):
    before = run(engine, ())
    clock.advance(minutes=5)
    xml = (FIXTURES / "five_step.bpmn").read_text().replace('name="审核"', 'name="审核（新）"')
    engine.repository.deploy(xml.encode(), "five_step.bpmn", actor="admin")
    unpublished = run(engine, ())
    [signal] = signals(engine, unpublished)
    assert (signal["rule"], signal["color"], signal["detail"]["version"]) == ("unpublished_procedure", "red", 2)
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "name": "测试事项（新流程）"}, "admin")
    assert signals(engine, run(engine, ())) == [] and signals(engine, before) == []


def test_cases_started_after_the_matter_was_withdrawn(engine, clock):
    before = run(engine, ())
    clock.set(at("2026-11-23T11:00"))
    after = run(engine, ())  # started while the withdrawal was being recorded
    clock.set(at("2026-11-23T10:00"))
    engine.catalogue.withdraw("TEST-0001", "事项取消", actor(engine, "admin"))
    engine.sweep()
    assert signals(engine, before) == []
    assert [(s["rule"], s["color"]) for s in signals(engine, after)] == [("unpublished_procedure", "red")]


# --- yellow to red, correction, configuration, scope ------------------------------------------------------
def late_case(engine, clock):
    case_id = run(engine, APPROVE[:4])
    clock.set(at("2026-12-22T09:00"))
    complete(engine, case_id, {})
    return case_id, signals(engine, case_id, "decision_late")[0]


def test_an_uncorrected_yellow_signal_turns_red_after_one_working_day(engine, clock):
    case_id, signal = late_case(engine, clock)
    clock.set(at("2026-12-23T17:00"))
    engine.sweep()
    assert engine.violations.signals.get(signal["id"], ENGINE)["color"] == "yellow"
    clock.set(at("2026-12-23T17:31"))
    assert engine.sweep()["signals"] >= 1
    red = engine.violations.signals.get(signal["id"], ENGINE)
    assert red["color"] == "red" and red["turned_red_at"] and red["status"] == "open"
    assert [(r["event"], r["to"]) for r in trail_events(engine, case_id, signal["id"])] == [
        ("signal_raised", "yellow"),
        ("signal_turned_red", "red"),
    ]
    with pytest.raises(InvalidState):
        engine.violations.signals.correct(signal["id"], actor(engine, "head"), "已纠正")


def test_the_department_head_corrects_a_yellow_signal(engine, clock):
    case_id, signal = late_case(engine, clock)
    service = engine.violations.signals
    with pytest.raises(PermissionDenied):
        service.correct(signal["id"], actor(engine, "clerk"), "已纠正")
    with pytest.raises(InvalidInput):
        service.correct(signal["id"], actor(engine, "head"), "  ")
    corrected = service.correct(signal["id"], actor(engine, "head"), "已向申请人说明并整改")
    assert (corrected["status"], corrected["corrected_by"], corrected["correction"]) == (
        "corrected",
        "head",
        "已向申请人说明并整改",
    )
    clock.set(at("2026-12-28T09:00"))
    engine.sweep()
    assert service.get(signal["id"], ENGINE)["color"] == "yellow"
    assert [r["event"] for r in trail_events(engine, case_id, signal["id"])] == ["signal_raised", "signal_corrected"]


def test_levels_enable_disable_and_tune_a_rule(engine, clock):
    configure(engine, "result_not_published", "department", False, department="测试局", by="head")
    case_id = run(engine, APPROVE)
    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert [s["level"] for s in signals(engine, case_id, "result_not_published")] == ["common"]
    configure(engine, "result_not_published", "common", False)
    configure(engine, "result_not_published", "department", True, {"days": 3}, department="测试局", by="head")
    other = run(engine, APPROVE)
    clock.set(at("2026-11-30T09:00"))
    engine.sweep()
    assert signals(engine, other, "result_not_published") == []  # 3 working days: due 2026-11-30 17:30
    clock.set(at("2026-12-01T09:00"))
    engine.sweep()
    assert [s["level"] for s in signals(engine, other, "result_not_published")] == ["department"]
    listed = {r["rule"]: r for r in engine.violations.rules.list_rules()}
    levels = {(c["level"], c["department"]): c for c in listed["result_not_published"]["levels"]}
    assert levels[("department", "测试局")]["params"] == {"days": 3} and not levels[("common", None)]["enabled"]
    assert listed["fee_mismatch"]["color"] == "red" and len(listed) == len(RULES)


@pytest.mark.parametrize(
    "by, level, department",
    [
        ("clerk", "common", None),
        ("supervisor", "common", None),
        ("clerk", "bureau", None),
        ("clerk", "department", "测试局"),
        ("head", "department", "其他局"),
    ],
)
def test_who_may_configure_which_level(engine, by, level, department):
    with pytest.raises(PermissionDenied):
        configure(engine, "decision_late", level, False, department=department, by=by)


def test_configuration_is_validated(engine):
    for rule, params in (
        ("result_not_published", {"days": -1}),
        ("result_not_published", {"hours": 2}),
        ("licence_not_issued", {"matter_types": "行政许可"}),
        ("decision_late", []),
    ):
        with pytest.raises(InvalidInput):
            configure(engine, rule, params=params)
    with pytest.raises(InvalidInput):
        configure(engine, "decision_late", "department", True, department="不存在的局", by="admin")
    configure(engine, "decision_late", "bureau", True, by="supervisor")
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 0


def test_signals_are_scoped_to_the_reader(engine, clock):
    _case_id, signal = late_case(engine, clock)
    seen = {
        user: [s["id"] for s in engine.violations.signals.list_signals(actor(engine, user))]
        for user in ("supervisor", "clerk", "far_supervisor", "outsider")
    }
    assert seen == {"supervisor": [signal["id"]], "clerk": [signal["id"]], "far_supervisor": [], "outsider": []}
    with pytest.raises(PermissionDenied):
        engine.violations.signals.list_signals(actor(engine, "citizen"))
    assert engine.violations.signals.list_signals(ENGINE, color="red") == []
    with pytest.raises(InvalidInput):
        engine.violations.signals.list_signals(ENGINE, color="blue")


def test_ordinary_transitions_do_not_read_the_rules(engine):
    """The hooks look at what the step holds; only a relevant transition (start, a decision, a late hand-over)
    reads rule configuration or signals."""
    case_id = run(engine, ())
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        for step in APPROVE[:4]:
            complete(engine, case_id, step)
    finally:
        sa.event.remove(engine.db.engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "violation_" in s or "matter_version" in s]
