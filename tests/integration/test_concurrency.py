"""Two concurrent completions of one task: exactly one succeeds, the other gets a clear conflict."""

from __future__ import annotations

import threading

from engine.errors import Conflict
from engine.identity.actors import ENGINE

from ..helpers import open_task


def test_one_winner(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    task = open_task(five_step_engine, case["id"])
    barrier = threading.Barrier(2)
    results = []

    def attempt(user):
        actor = five_step_engine.identity.actor(user)
        barrier.wait()
        try:
            five_step_engine.tasks.complete(task["id"], actor, {"who": user}, None)
            results.append(("ok", user))
        except Conflict as exc:
            results.append(("conflict", exc.message))

    threads = [threading.Thread(target=attempt, args=(u,)) for u in ("clerk", "clerk2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r[0] for r in results) == ["conflict", "ok"], results
    after = five_step_engine.cases.get_case(case["id"], ENGINE)
    assert [t["element"] for t in after["tasks"]] == ["Task_Handle"]
    assert len([h for h in after["history"] if h["element"] == "Task_Accept"]) == 1
    assert five_step_engine.history.verify().ok


def test_engines_sharing_a_database_never_act_on_stale_state(five_step_engine):
    """Two engine objects (as two processes) on one database, each with its own workflow cache."""
    from engine.bootstrap import Shenpi

    other = Shenpi(
        five_step_engine.settings,
        database=five_step_engine.db.__class__(bind=five_step_engine.db.bind),
        clock=five_step_engine.clock,
    )
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    first = open_task(five_step_engine, case["id"])
    other.tasks.complete(first["id"], ENGINE, {}, None)  # other caches the case
    second = open_task(five_step_engine, case["id"])
    five_step_engine.tasks.complete(second["id"], ENGINE, {}, None)  # this one moves it on
    try:
        other.tasks.complete(second["id"], ENGINE, {}, None)
    except Conflict:
        pass
    else:
        raise AssertionError("a second completion of the same task succeeded")
    third = open_task(five_step_engine, case["id"])
    other.tasks.complete(third["id"], ENGINE, {"review": "approve"}, None)  # stale cache is rebuilt, not used
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Approve"
    assert five_step_engine.history.verify().ok
