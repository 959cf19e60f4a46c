"""Engine worklists: urgency order with remaining working days, AB岗 and group scope, copies, completed steps,
case search by unit, the flow's decisions and the operations a user is offered."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput
from engine.identity.actors import ENGINE
from engine.models import TRIGRAM_INDEXES, Case, User
from engine.runtime.task_permissions import allowed_operations
from engine.worklists import case_search

from ..helpers import START, complete, open_task


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def start(engine, name="张三"):
    return engine.runtime.start_case("TEST-0001", {"name": name}, {}, actor(engine, "citizen"))


def test_tasks_by_urgency_with_remaining_working_days(five_step_engine):
    late, calm, red = start(five_step_engine, "甲"), start(five_step_engine, "乙"), start(five_step_engine, "丙")
    with five_step_engine.db.transaction() as session:
        session.get(Case, late["id"]).promised_due_at = START - dt.timedelta(days=7)  # a week overdue
        session.get(Case, calm["id"]).promised_due_at = START + dt.timedelta(days=7)
        session.get(Case, red["id"]).light = "red"
    items = five_step_engine.inbox.tasks(actor(five_step_engine, "clerk"))["items"]
    assert [i["case"] for i in items] == [red["id"], late["id"], calm["id"]]
    by_case = {i["case"]: i for i in items}
    assert by_case[late["id"]]["remaining_days"] == -5.0  # five working days in a calendar week
    assert by_case[calm["id"]]["remaining_days"] == 5.0
    assert by_case[red["id"]]["light"] == "red" and by_case[red["id"]]["remaining_days"] is None


def test_scopes_mine_group_and_standing_in_for(five_step_engine):
    case = start(five_step_engine)
    task = open_task(five_step_engine, case["id"])
    clerk, clerk2 = actor(five_step_engine, "clerk"), actor(five_step_engine, "clerk2")
    assert five_step_engine.inbox.tasks(clerk, scope="group")["total"] == 1
    five_step_engine.tasks.claim(task["id"], clerk)
    assert five_step_engine.inbox.tasks(clerk, scope="mine")["items"][0]["mine"] is True
    assert five_step_engine.inbox.tasks(clerk2)["total"] == 0
    with five_step_engine.db.transaction() as session:
        user = session.get(User, "clerk")
        user.backup_user_id = "clerk2"
        user.absent_from, user.absent_until = START - dt.timedelta(days=1), START + dt.timedelta(days=1)
    assert five_step_engine.inbox.tasks(actor(five_step_engine, "clerk2"), scope="mine")["total"] == 1
    assert five_step_engine.inbox.tasks(actor(five_step_engine, "outsider"))["total"] == 0
    with pytest.raises(InvalidInput):
        five_step_engine.inbox.tasks(clerk, scope="everything")


def test_text_search_finds_chinese_applicant_names(five_step_engine):
    start(five_step_engine, "王五"), start(five_step_engine, "李四")
    clerk = actor(five_step_engine, "clerk")
    assert [i["applicant"] for i in five_step_engine.inbox.tasks(clerk, text="李四")["items"]] == ["李四"]
    assert five_step_engine.inbox.tasks(clerk, text="100%_")["total"] == 0
    assert [i["applicant"] for i in five_step_engine.case_search.search(clerk, text="王")["items"]] == ["王五"]


def test_case_search_by_number_or_name_any_part_from_three_characters(five_step_engine, monkeypatch):
    """Three characters or more match any part of a number or a name (trigram indexes on PostgreSQL); shorter text
    matches their beginning, which the same indexes answer."""
    firm = start(five_step_engine, "郑州某某餐饮有限公司")
    start(five_step_engine, "张三丰"), start(five_step_engine, "李张三")
    clerk = actor(five_step_engine, "clerk")

    def found(text):
        return sorted(i["applicant"] for i in five_step_engine.case_search.search(clerk, text=text)["items"])

    assert found("某某餐饮") == ["郑州某某餐饮有限公司"]
    assert found("张三") == ["张三丰"]  # two characters: the beginning only
    assert found("张三丰") == ["张三丰"] and found("李张三") == ["李张三"]
    assert found(firm["number"]) == ["郑州某某餐饮有限公司"]
    assert found(firm["number"][-4:]) == ["郑州某某餐饮有限公司"]
    assert found("%_%") == []
    assert five_step_engine.case_search.search(clerk)["departments"] == ["测试局"]
    monkeypatch.setattr(case_search, "COUNT_CAP", 2)
    capped = five_step_engine.case_search.search(clerk, per_page=1)
    assert (capped["total"], capped["more"], capped["pages"]) == (2, True, 2)
    if five_step_engine.db.dialect == "postgresql":
        with five_step_engine.db.reading() as session:
            made = set(session.scalars(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'case_record'")))
        assert set(TRIGRAM_INDEXES) <= made


def test_copies_and_completed_steps(five_step_engine):
    case = start(five_step_engine)
    task = open_task(five_step_engine, case["id"])
    clerk = actor(five_step_engine, "clerk")
    five_step_engine.tasks.claim(task["id"], clerk)
    five_step_engine.task_ops.carbon_copy(task["id"], ["outsider"], clerk, "请知悉")
    copies = five_step_engine.inbox.copies(actor(five_step_engine, "outsider"))
    assert copies["total"] == 1 and copies["items"][0]["added_by_name"] == "窗口甲"
    complete(five_step_engine, case["id"], {}, opinion="受理")
    assert [d["step"] for d in five_step_engine.inbox.done(clerk)["items"]] == ["受理"]


def test_case_search_is_scoped_by_unit(five_step_engine):
    case = start(five_step_engine)
    assert five_step_engine.case_search.search(actor(five_step_engine, "supervisor"))["total"] == 1
    assert five_step_engine.case_search.search(actor(five_step_engine, "far_supervisor"))["total"] == 0
    assert five_step_engine.case_search.search(actor(five_step_engine, "outsider"))["total"] == 0
    assert five_step_engine.case_search.search(ENGINE, status="running")["items"][0]["id"] == case["id"]
    with pytest.raises(InvalidInput):
        five_step_engine.case_search.search(ENGINE, date_from="2026-11-30", date_to="2026-11-01")


def test_case_flow_markers_and_decisions(five_step_engine):
    case = start(five_step_engine)
    complete(five_step_engine, case["id"], {})
    flow = five_step_engine.case_flow.diagram(case["id"], ENGINE)
    assert (flow["current"], flow["completed"]) == (["Task_Handle"], ["Task_Accept"])
    assert five_step_engine.case_flow.decisions(case["id"], "Task_Approve") == [{"id": "approval", "values": ["deny"]}]
    assert five_step_engine.case_flow.completed_steps(case["id"], ENGINE) == [
        {"element": "Task_Accept", "name": "受理"}
    ]
    assert not five_step_engine.case_flow.is_joint(case["id"], "Task_Handle")


def test_operations_offered_follow_the_rules(five_step_engine):
    case = start(five_step_engine)
    task = open_task(five_step_engine, case["id"])
    view = five_step_engine.runtime.get_case(case["id"], ENGINE)
    clerk, supervisor = actor(five_step_engine, "clerk"), actor(five_step_engine, "supervisor")
    assert {"claim", "complete", "return", "urge", "pause", "terminate"} <= allowed_operations(clerk, task, view)
    assert "jump" not in allowed_operations(clerk, task, view)
    assert allowed_operations(supervisor, task, view) == {"jump", "urge"}
    five_step_engine.tasks.claim(task["id"], clerk)
    task = five_step_engine.tasks.get_task(task["id"], clerk)
    assert {"unclaim", "transfer", "delegate", "copy"} <= allowed_operations(clerk, task, view)
    assert "claim" not in allowed_operations(actor(five_step_engine, "clerk2"), task, view)
