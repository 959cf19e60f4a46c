"""Issue 15 §1 on the engine, on SQLite and PostgreSQL: a condition, script or timer over its bounds is refused at
deploy naming the element; one that only goes over with a case's data (or was deployed before the checks) refuses
the step — an engine error with its reason, nothing of the step stored, no session left in a transaction — and the
engine goes on serving."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.definitions import timer_values
from engine.errors import InvalidInput, ProcessValidationError
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, PendingTimer, TrailEntry
from engine.runtime import workflow_state

from ..helpers import FIVE, START, bounds_flow, complete, open_task, publish_five_step, refused

ATTACKS_AT_DEPLOY = [
    (dict(condition="9 ** 9 ** 9 > 0"), "bpmn_expression_refused", "Flow_Yes", "expr_number_too_large"),
    (dict(script="x = 9 ** 9 ** 6"), "bpmn_expression_refused", "Script_Calc", "expr_number_too_large"),
    (dict(script="x = 'a' * 200000000"), "bpmn_expression_refused", "Script_Calc", "expr_result_too_long"),
    (dict(timer='"R/PT0S"', kind="timeCycle"), "bpmn_timer_refused", "Timer_Limit", "timer_cycle_not_positive"),
    (dict(timer='"R/P0D"', kind="timeCycle"), "bpmn_timer_refused", "Timer_Limit", "timer_cycle_not_positive"),
    (dict(timer='"P99999999Y"'), "bpmn_timer_refused", "Timer_Limit", "timer_too_long"),
    (dict(timer='"PT-1S"'), "bpmn_timer_refused", "Timer_Limit", "timer_value_invalid"),
    (
        dict(timer='"9999-12-31T23:59:59+14:00"', kind="timeDate"),
        "bpmn_timer_refused",
        "Timer_Limit",
        "timer_date_unrepresentable",
    ),
    (dict(timer='"P1000000000000D"'), "bpmn_timer_refused", "Timer_Limit", "timer_too_long"),
    (dict(timer="working_days(100000)", kind="timeDate"), "bpmn_timer_refused", "Timer_Limit", None),
]


def inner_reason(message) -> str:
    while getattr(message, "reason", None) in ("expr_at_line", "bpmn_expression_refused", "bpmn_timer_refused"):
        message = message.params["what" if message.reason == "expr_at_line" else "detail"]
    return message.reason


@pytest.mark.parametrize("parts, reason, element, bound", ATTACKS_AT_DEPLOY)
def test_the_issues_inputs_are_refused_at_deploy_naming_the_element(bare_engine, parts, reason, element, bound):
    content = bounds_flow(**parts)
    with refused(ProcessValidationError, reason, element=element) as caught:
        bare_engine.repository.deploy(content, "bounds.bpmn", actor="admin")
    if bound:
        assert inner_reason(caught.value.params["detail"]) == bound
    problems = bare_engine.repository.validate(content, "bounds.bpmn")  # what the modeler's validation shows
    assert [(p["element"], p["message"].reason) for p in problems] == [(element, reason)]
    with bare_engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(TrailEntry)) == 0  # nothing deployed


def idle_in_transaction(engine) -> int:
    """Sessions of the test database left idle in a transaction (PostgreSQL; 0 on SQLite)."""
    if engine.db.bind.dialect.name != "postgresql":
        return 0
    with engine.db.bind.connect() as connection:
        return connection.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%'"
            )
        )


def cases(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Case))


def start(engine, data):
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, data, ENGINE)


RUN_TIME = [
    (dict(condition="n ** n ** n > 0"), {"n": 9}, "Gateway_Check", "expr_number_too_large"),
    (dict(script="x = s * n"), {"s": "a", "n": 200_000_000}, "Script_Calc", "expr_result_too_long"),
    (dict(script="x = 1 << n"), {"n": 10**9}, "Script_Calc", "expr_number_too_large"),
    (dict(script="x = 'a' * 900000\ny = 'b' * 900000"), {}, "Script_Calc", "script_data_too_large"),
    (dict(script="x = 0\nwhile True:\n    x += 1"), {}, "Script_Calc", "expr_step_limit"),
]


@pytest.mark.parametrize("parts, data, element, bound", RUN_TIME)
def test_a_case_whose_data_goes_over_a_bound_is_refused_and_nothing_is_kept(bare_engine, parts, data, element, bound):
    engine = publish_five_step(bare_engine, bounds_flow(**parts))
    with refused(InvalidInput, "step_over_bounds", element=element, bound=bound):
        start(engine, data)
    assert cases(engine) == 0 and idle_in_transaction(engine) == 0
    ordinary = start(engine, {"n": 2, "s": "a"}) if bound not in ("script_data_too_large", "expr_step_limit") else None
    if ordinary is not None:
        assert ordinary["status"] == "running" and cases(engine) == 1


def test_a_completion_that_goes_over_a_bound_leaves_the_task_open(bare_engine):
    engine = publish_five_step(bare_engine, FIVE.replace(b'review == "revise"', b"review ** review ** review == 0"))
    case = start(engine, {})
    for data in ({"accept": "accept"}, {}):
        complete(engine, case["id"], data)
    task = open_task(engine, case["id"])
    with refused(InvalidInput, "step_over_bounds", element="Gateway_Review", bound="expr_number_too_large"):
        engine.tasks.complete(task["id"], engine.identity.actor("clerk"), {"review": 9}, "同意")
    assert open_task(engine, case["id"])["id"] == task["id"] and idle_in_transaction(engine) == 0
    complete(engine, case["id"], {"review": 1})  # 1 ** 1 ** 1 == 0 is false: on to 批准
    assert open_task(engine, case["id"])["name"] == "批准"


TIMERS_DEPLOYED_BEFORE_THE_CHECKS = [
    ("timeCycle", '"R/PT0S"', "timer_cycle_not_positive"),
    ("timeCycle", '"R/P0D"', "timer_cycle_not_positive"),
    ("timeDuration", '"P99999999Y"', "timer_too_long"),
    ("timeDuration", '"PT-1S"', "timer_value_invalid"),
    ("timeDate", '"9999-12-31T23:59:59+14:00"', "timer_date_unrepresentable"),
    ("timeDuration", '"P1000000000000D"', "timer_too_long"),
    ("timeDate", "working_days(100000)", "timer_working_time_too_long"),
]


@pytest.mark.parametrize("kind, timer, bound", TIMERS_DEPLOYED_BEFORE_THE_CHECKS)
def test_a_timer_deployed_before_the_checks_refuses_the_step(bare_engine, monkeypatch, kind, timer, bound):
    monkeypatch.setattr(type(bare_engine.repository), "_timer_bounds", lambda self: None)  # the old deploy
    engine = publish_five_step(bare_engine, bounds_flow(timer=timer, kind=kind))
    with refused(InvalidInput, "step_over_bounds", element="Timer_Limit", bound=bound):
        start(engine, {"n": 1})
    assert cases(engine) == 0 and idle_in_transaction(engine) == 0


def test_timers_in_working_days_keep_working_on_the_provisional_calendar_too(bare_engine, clock):
    engine = publish_five_step(bare_engine, bounds_flow(timer="working_days(3)", kind="timeDate"))
    for when in (START, dt.datetime(2027, 12, 20, 9, 0, tzinfo=SHANGHAI)):  # 2027: the provisional calendar
        clock.set(when)
        case = start(engine, {"n": 1})
        with engine.db.reading() as session:
            timer = session.scalars(sa.select(PendingTimer).where(PendingTimer.case_id == case["id"])).one()
        assert timer.due_at == engine.calendars.calendar().add_working_days(when, 3)
        assert timer.provisional is (when.year == 2027)


def test_ordinary_timers_deploy_and_run(bare_engine):
    for kind, timer in (
        ("timeDuration", '"PT1H"'),
        ("timeCycle", '"R3/PT1H"'),
        ("timeDate", '"2026-12-01T09:00:00+08:00"'),
    ):
        engine = bare_engine
        engine.repository.deploy(bounds_flow(timer=timer, kind=kind), f"{kind}.bpmn", actor="admin")
    publish_five_step(engine, bounds_flow(timer='"R3/PT1H"', kind="timeCycle"))
    case = start(engine, {"n": 1})
    assert case["status"] == "running"


def test_the_sweep_fires_the_other_cases_past_one_whose_step_is_refused(bare_engine, clock):
    """The timer's branch runs a script over its bound only for one case's data: that case becomes an incident
    naming the bound and is left as it was, the other case's timer fires."""
    late_script = (
        '<bpmn:scriptTask id="Script_Late" name="超时计算"><bpmn:script>x = s * n</bpmn:script></bpmn:scriptTask>'
    )
    content = (
        bounds_flow(timer='"PT1H"')
        .replace(
            b'<bpmn:sequenceFlow id="Flow_4" sourceRef="Timer_Limit" targetRef="End_Branch_Late"/>',
            b'<bpmn:sequenceFlow id="Flow_4" sourceRef="Timer_Limit" targetRef="Script_Late"/>'
            b'<bpmn:sequenceFlow id="Flow_5" sourceRef="Script_Late" targetRef="End_Branch_Late"/>',
        )
        .replace(b'<bpmn:endEvent id="End_Approved"', late_script.encode() + b'<bpmn:endEvent id="End_Approved"')
        .replace(
            b"<bpmn:flowNodeRef>Timer_Limit</bpmn:flowNodeRef>",
            b"<bpmn:flowNodeRef>Timer_Limit</bpmn:flowNodeRef><bpmn:flowNodeRef>Script_Late</bpmn:flowNodeRef>",
        )
    )
    engine = publish_five_step(bare_engine, content)
    bad = start(engine, {"n": 200_000_000, "s": "a"})
    good = start(engine, {"n": 2, "s": "a"})
    clock.advance(hours=2)
    swept = engine.sweep()
    assert swept["timers"] == 1 and swept["incidents"]["opened"] == 1
    with engine.db.reading() as session:
        waiting = set(session.scalars(sa.select(PendingTimer.case_id)))
    assert waiting == {bad["id"]}  # the good case's timer fired; the refused one still waits, as it was
    [incident] = engine.incidents.list(ENGINE, case_id=bad["id"])["items"]
    assert incident["kind"] == "timers" and incident["reason"] == "step_over_bounds" and good["id"] != bad["id"]
    assert idle_in_transaction(engine) == 0


def test_a_cycle_waiting_with_no_interval_since_before_the_checks_refuses_its_steps(bare_engine, clock, monkeypatch):
    """A case that started waiting on "R/PT0S" before timer values were checked: firing its timers is refused
    instead of looping without end (the sweep records an incident and goes on), and completing its step still ends
    it."""
    monkeypatch.setattr(timer_values, "timer_problem", lambda *args: None)  # deploy and start as before the checks
    monkeypatch.setattr(workflow_state, "check_waiting_timer", lambda task: None)
    engine = publish_five_step(bare_engine, bounds_flow(timer='"R/PT0S"', kind="timeCycle"))
    stuck = start(engine, {"n": 1})
    monkeypatch.undo()
    clock.advance(minutes=1)
    swept = engine.sweep()
    assert swept["timers"] == 0 and swept["incidents"]["opened"] == 1 and idle_in_transaction(engine) == 0
    with refused(InvalidInput, "step_over_bounds", element="Timer_Limit", bound="timer_cycle_not_positive"):
        engine.cases.fire_case_timers(stuck["id"])
    complete(engine, stuck["id"], {})  # completing the step cancels its timer: the case ends as it should
    assert engine.cases.get_case(stuck["id"], ENGINE)["status"] == "ended" and idle_in_transaction(engine) == 0
