"""Automatic escalation of an overdue step, as the matter's catalogue entry configures it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from demo import seed as demo
from engine.catalogue import service as catalogue
from engine.errors import InvalidInput
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Department, Notice, SupervisionItem, User

from ..helpers import PROCESSES

FOOD = next(e for e in catalogue.load_entries(PROCESSES) if e["key"] == "food_business_licence")


@pytest.fixture
def engine(bare_sqlite_engine, clock):
    clock.set(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI))
    bare_sqlite_engine.catalogue.import_directory(PROCESSES)
    demo.seed_people(bare_sqlite_engine)
    return bare_sqlite_engine


def officials(engine, department):
    with engine.db.reading() as session:
        return {
            u.id: u
            for u in session.scalars(
                sa.select(User)
                .join(Department, User.department_id == Department.id)
                .where(Department.name == department)
            )
        }


def overdue_accept_task(engine, clock, claimer):
    case = engine.cases.start_case(FOOD["code"], {"name": "申请人"}, {}, ENGINE)
    task = case["tasks"][0]
    engine.tasks.claim(task["id"], engine.identity.actor(claimer))
    clock.set(dt.datetime(2026, 6, 3, 17, 31, tzinfo=SHANGHAI))  # past the 2-working-day limit of 受理
    engine.sweep()
    return case, task


def test_overdue_step_is_escalated_with_every_default_action(engine, clock):
    people = officials(engine, FOOD["department"])
    head = next(u for u in people.values() if "负责人" in u.posts)
    clerk = next(u for u in people.values() if "负责人" not in u.posts)
    case, task = overdue_accept_task(engine, clock, clerk.id)
    view = engine.cases.get_case(case["id"], ENGINE)["tasks"][0]
    assert view["escalation_level"] == 1 and view["assignee"] == clerk.backup_user_id == head.id
    with engine.db.reading() as session:
        notices = {n.recipient for n in session.scalars(sa.select(Notice).where(Notice.case_id == case["id"]))}
        items = session.scalars(sa.select(SupervisionItem).where(SupervisionItem.case_id == case["id"])).all()
    assert notices == {clerk.id, head.id}
    assert [(i.kind, i.department, i.status) for i in items] == [("overdue_step", FOOD["department"], "open")]
    escalations = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    assert len(escalations) == 1 and escalations[0]["detail"]["reassigned"] == {"from": clerk.id, "to": head.id}
    clock.advance(days=1)
    engine.sweep()
    assert len([r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]) == 1


def test_escalation_follows_the_matter_and_step_configuration(engine, clock):
    entry = {
        **FOOD,
        "escalation": {"actions": ["open_supervision_item"], "steps": {"Task_Accept": {"actions": ["notify_head"]}}},
    }
    engine.catalogue.publish(entry, "admin")
    people = officials(engine, FOOD["department"])
    clerk = next(u for u in people.values() if "负责人" not in u.posts)
    case, task = overdue_accept_task(engine, clock, clerk.id)
    view = engine.cases.get_case(case["id"], ENGINE)["tasks"][0]
    assert view["assignee"] == clerk.id  # not reassigned: only notify_head for this step
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SupervisionItem)) == 0
        assert [n.recipient for n in session.scalars(sa.select(Notice).where(Notice.kind == "escalation"))] == [
            u.id for u in people.values() if "负责人" in u.posts
        ]


@pytest.mark.parametrize(
    "config",
    [{"auto_approve": True}, {"actions": ["approve_it"]}, {"steps": {"Task_Review": {"actions": ["fire_everyone"]}}}],
)
def test_escalation_configuration_is_validated(config):
    with pytest.raises(InvalidInput):
        catalogue.validate_entry({**FOOD, "escalation": config}, "food.toml")


def test_paused_clock_holds_step_timers_and_moves_them_on_resume(engine, clock):
    case = engine.cases.start_case(FOOD["code"], {"name": "申请人"}, {}, ENGINE)
    engine.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept"}, "材料齐全")
    review = engine.cases.get_case(case["id"], ENGINE)["tasks"][0]
    limit = dt.datetime.fromisoformat(review["due_at"])
    assert limit.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == "2026-06-04 17:30"  # 3 working days
    admin = engine.identity.actor("admin")
    engine.case_clock.pause(case["id"], "supplement", "一次性告知补正材料", admin, missing=["营业执照"])
    clock.set(dt.datetime(2026, 6, 8, 9, 0, tzinfo=SHANGHAI))  # paused 1–5 June: 5 working days
    assert engine.sweep()["timers"] == 0  # held while paused
    engine.case_clock.resume(case["id"], admin, "已补正")
    moved = dt.datetime.fromisoformat(engine.cases.get_case(case["id"], ENGINE)["tasks"][0]["due_at"])
    assert moved.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == "2026-06-11 17:30"
    clock.set(dt.datetime(2026, 6, 11, 17, 31, tzinfo=SHANGHAI))
    assert engine.sweep()["timers"] == 1
    escalated = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    assert len(escalated) == 1


def test_one_time_notice_rule(engine, clock):
    case = engine.cases.start_case(FOOD["code"], {"name": "申请人"}, {}, ENGINE)
    engine.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept"}, "材料齐全")
    admin = engine.identity.actor("admin")
    with pytest.raises(InvalidInput):
        engine.case_clock.pause(case["id"], "supplement", "补正", admin)  # must list the materials
    first = ["食品经营许可申请书", "营业执照"]
    engine.case_clock.pause(case["id"], "supplement", "一次性告知", admin, missing=first)
    engine.case_clock.resume(case["id"], admin)
    # A new problem found on site may be asked for; it is not in the guide, so it is not flagged.
    engine.case_clock.pause(case["id"], "supplement", "现场核查发现", admin, missing=["排烟设施整改照片"])
    engine.case_clock.resume(case["id"], admin)
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SupervisionItem)) == 0
    # Asking again for a material the guide lists could have been done the first time: flagged.
    engine.case_clock.pause(case["id"], "supplement", "再次补正", admin, missing=["营业执照", "排烟设施整改照片"])
    with engine.db.reading() as session:
        items = session.scalars(sa.select(SupervisionItem)).all()
    assert [(i.kind, i.case_id) for i in items] == [("signal", case["id"])]
    signals = engine.violations.signals.list_signals(admin, case_id=case["id"])
    assert [(s["rule"], s["color"], s["level"]) for s in signals] == [
        ("repeated_supplement_notice", "yellow", "common")
    ]
    flagged = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "supervision_flagged"]
    assert flagged[0]["detail"]["items"] == ["营业执照"] and flagged[0]["detail"]["notice"] == 3


def test_refusal_and_denial_need_reasons(engine):
    case = engine.cases.start_case(FOOD["code"], {"name": "申请人"}, {}, ENGINE)
    task = case["tasks"][0]
    with pytest.raises(InvalidInput):
        engine.tasks.complete(task["id"], ENGINE, {"accept": "refuse"}, "  ")
    assert engine.cases.get_case(case["id"], ENGINE)["tasks"][0]["id"] == task["id"]
    engine.tasks.complete(task["id"], ENGINE, {"accept": "refuse"}, "申请事项不属于本机关职权范围")
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "refused"


def drawn_in_the_modeler(step_escalation: str | None) -> bytes:
    """The food licence flow with 受理's limit timer as the modeler leaves it: a generated id, its role chosen in the
    properties panel; and, if given, the step's escalation actions chosen there too."""
    content = (PROCESSES / "food_business_licence.bpmn").read_bytes()
    content = content.replace(b"xmlns:xsi=", b'xmlns:shenpi="http://shenpi.org/schema/1.0/bpmn" xmlns:xsi=', 1)
    content = content.replace(b'"Timer_Limit_Accept"', b'"Event_0k3j2h1" shenpi:timerRole="limit"', 1)
    content = content.replace(b">Timer_Limit_Accept<", b">Event_0k3j2h1<").replace(
        b'"Timer_Limit_Accept"', b'"Event_0k3j2h1"'
    )
    if step_escalation is not None:
        content = content.replace(
            b'<bpmn:userTask id="Task_Accept"',
            f'<bpmn:userTask id="Task_Accept" shenpi:escalation="{step_escalation}"'.encode(),
        )
    return content


def test_a_limit_timer_named_in_the_panel_escalates_with_the_step_actions_of_the_flow(engine, clock):
    engine.repository.deploy(drawn_in_the_modeler("notify_head"), "food_business_licence.bpmn")
    people = officials(engine, FOOD["department"])
    clerk = next(u for u in people.values() if "负责人" not in u.posts)
    case, task = overdue_accept_task(engine, clock, clerk.id)
    escalations = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    assert len(escalations) == 1 and escalations[0]["detail"]["timer"] == "Event_0k3j2h1"
    assert escalations[0]["detail"]["actions"] == ["notify_head"]
    assert engine.cases.get_case(case["id"], ENGINE)["tasks"][0]["assignee"] == clerk.id  # not reassigned


def test_the_matters_step_configuration_wins_over_the_flows(engine, clock):
    engine.repository.deploy(drawn_in_the_modeler("none"), "food_business_licence.bpmn")
    people = officials(engine, FOOD["department"])
    clerk = next(u for u in people.values() if "负责人" not in u.posts)
    case, _task = overdue_accept_task(engine, clock, clerk.id)
    [escalation] = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    assert escalation["detail"]["actions"] == []  # the flow says none; the matter says nothing
    engine.catalogue.publish(
        {**FOOD, "escalation": {"steps": {"Task_Accept": {"actions": ["open_supervision_item"]}}}}, "admin"
    )
    clock.set(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI))
    case, _task = overdue_accept_task(engine, clock, clerk.id)
    [escalation] = [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    assert escalation["detail"]["actions"] == ["open_supervision_item"]


def test_a_warning_timer_does_not_escalate_and_bad_settings_are_refused(engine, clock):
    content = drawn_in_the_modeler(None).replace(b'shenpi:timerRole="limit"', b'shenpi:timerRole="warning"')
    engine.repository.deploy(content, "food_business_licence.bpmn")
    people = officials(engine, FOOD["department"])
    clerk = next(u for u in people.values() if "负责人" not in u.posts)
    case, _task = overdue_accept_task(engine, clock, clerk.id)
    assert not [r for r in engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_escalated"]
    problems = engine.repository.validate(content.replace(b'shenpi:timerRole="warning"', b'shenpi:timerRole="soon"'))
    assert [p["element"] for p in problems] == ["Event_0k3j2h1"] and "timerRole" in problems[0]["message"]
    problems = engine.repository.validate(drawn_in_the_modeler("notify_head fire_everyone"))
    assert [p["element"] for p in problems] == ["Task_Accept"] and "fire_everyone" in problems[0]["message"]
