"""Parallel approval across three departments and a 2/3 vote: the result does not depend on completion order."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import seed as demo
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI, FixedClock, install

from ..helpers import PROCESSES, make_engine

CODE = "410104-XK-BL-001"
DEPARTMENT_STEPS = {
    "Task_Planning": "planning_opinion",
    "Task_Housing": "housing_opinion",
    "Task_Environment": "environment_opinion",
}
_engine = None


def engine(tmp_path_factory):
    global _engine
    if _engine is None:
        clock = install(FixedClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)))
        _engine = make_engine("sqlite", tmp_path_factory.mktemp("joint"), clock)
        _engine.catalogue.import_directory(PROCESSES)
        demo.seed_people(_engine)
    return _engine


def expected(department_votes, signatures):
    if "deny" in department_votes.values():
        return "denied", "End_Denied_Department"
    if signatures.count("approve") * 3 < len(signatures) * 2:
        return "denied", "End_Denied_SignOff"
    return "approved", None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    department_order=st.permutations(list(DEPARTMENT_STEPS)),
    department_votes=st.fixed_dictionaries({k: st.sampled_from(["approve", "deny"]) for k in DEPARTMENT_STEPS}),
    signature_votes=st.lists(st.sampled_from(["approve", "deny"]), min_size=3, max_size=3),
    signer_order=st.permutations([0, 1, 2]),
)
def test_joint_result_is_independent_of_order(
    tmp_path_factory, department_order, department_votes, signature_votes, signer_order
):
    shenpi = engine(tmp_path_factory)
    case = shenpi.cases.start_case(CODE, {"name": "郑州某置业有限公司"}, {}, ENGINE)
    signers = ["d01a", "d02a", "d03a"]
    shenpi.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept", "signers": signers}, "予以受理")
    open_tasks = {t["element"]: t for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"])}
    assert set(open_tasks) == set(DEPARTMENT_STEPS)
    assert len({t["department"] for t in open_tasks.values()}) == 3
    for element in department_order:
        vote = department_votes[element]
        shenpi.tasks.complete(
            open_tasks[element]["id"],
            ENGINE,
            {DEPARTMENT_STEPS[element]: vote},
            "同意" if vote == "approve" else "不符合规划条件",
        )
    outcome, end = expected(department_votes, signature_votes)
    view = shenpi.cases.get_case(case["id"], ENGINE)
    if end != "End_Denied_Department":
        signing = {t["assignee"]: t for t in view["tasks"] if t["element"] == "Task_JointSignOff"}
        assert set(signing) == set(signers)
        for index in signer_order:
            vote = signature_votes[index]
            shenpi.tasks.complete(
                signing[signers[index]]["id"], ENGINE, {"signature": vote}, "同意" if vote == "approve" else "不同意"
            )
        view = shenpi.cases.get_case(case["id"], ENGINE)
    if outcome == "approved":
        assert [t["element"] for t in view["tasks"]] == ["Task_Decide"]
    else:
        assert view["status"] == "ended" and view["outcome"] == "denied"
    opinions = {h["element"]: h["opinion"] for h in view["history"] if h["element"] in DEPARTMENT_STEPS}
    assert set(opinions) == set(DEPARTMENT_STEPS)  # each department's opinion is kept


def test_vote_survives_a_restart_between_signatures(tmp_path_factory):
    """A new process re-parses the spec: the signatures given before and after must all count."""
    from engine.definitions import repository

    shenpi = engine(tmp_path_factory)
    case = shenpi.cases.start_case(CODE, {"name": "郑州某置业有限公司"}, {}, ENGINE)
    signers = ["d01a", "d02a", "d03a"]
    shenpi.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept", "signers": signers}, "予以受理")
    for task in shenpi.tasks.list_tasks(ENGINE, case=case["id"]):
        shenpi.tasks.complete(task["id"], ENGINE, {DEPARTMENT_STEPS[task["element"]]: "approve"}, "同意")
    signing = {t["assignee"]: t for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"])}
    shenpi.tasks.complete(signing["d01a"]["id"], ENGINE, {"signature": "deny"}, "不同意")
    repository._parsed_by_hash.clear()
    shenpi.repository._hash_of.clear()
    shenpi.store.clear()
    shenpi.tasks.complete(signing["d02a"]["id"], ENGINE, {"signature": "approve"}, "同意")
    shenpi.store.clear()
    shenpi.tasks.complete(signing["d03a"]["id"], ENGINE, {"signature": "approve"}, "同意")
    view = shenpi.cases.get_case(case["id"], ENGINE)
    # 2 of 3 approvals reach two thirds; had the later signatures been lost, the one "deny" would decide.
    assert [t["element"] for t in view["tasks"]] == ["Task_Decide"]


def _at_sign_off(shenpi, signers):
    case = shenpi.cases.start_case(CODE, {"name": "郑州某置业有限公司"}, {}, ENGINE)
    shenpi.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept", "signers": signers}, "予以受理")
    for task in shenpi.tasks.list_tasks(ENGINE, case=case["id"]):
        shenpi.tasks.complete(task["id"], ENGINE, {DEPARTMENT_STEPS[task["element"]]: "approve"}, "同意")
    return case, {t["assignee"]: t for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"])}


def test_add_and_remove_signers_of_a_running_vote(tmp_path_factory):
    import pytest

    from engine.errors import Conflict, InvalidInput, PermissionDenied

    shenpi = engine(tmp_path_factory)
    case, signing = _at_sign_off(shenpi, ["d01a", "d02a", "d03a"])
    with pytest.raises(PermissionDenied):
        shenpi.joint.add_signer(signing["d01a"]["id"], "d04a", shenpi.identity.actor("d04b"), "加签")
    with pytest.raises(InvalidInput):
        shenpi.joint.add_signer(signing["d01a"]["id"], "d02a", ENGINE, "重复加签")
    shenpi.joint.add_signer(signing["d01a"]["id"], "d04a", ENGINE, "增加消防审查人员")
    shenpi.store.clear()
    shenpi.joint.remove_signer(signing["d03a"]["id"], ENGINE, "回避")
    signing = {t["assignee"]: t for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"])}
    assert set(signing) == {"d01a", "d02a", "d04a"}
    shenpi.tasks.complete(signing["d01a"]["id"], ENGINE, {"signature": "approve"}, "同意")
    with pytest.raises(Conflict):
        shenpi.joint.remove_signer(signing["d01a"]["id"], ENGINE, "已签")
    shenpi.tasks.complete(signing["d04a"]["id"], ENGINE, {"signature": "deny"}, "不同意")
    shenpi.joint.remove_signer(signing["d02a"]["id"], ENGINE, "出差")  # the last unsigned: the vote closes 1 of 2
    view = shenpi.cases.get_case(case["id"], ENGINE)
    assert view["outcome"] == "denied"
    events = [r["event"] for r in shenpi.history.case_trail(case["id"], ENGINE)]
    assert events.count("signer_added") == 1 and events.count("signer_removed") == 2


SIGN_OFF = {
    # 会签: everyone signs, all must approve.
    "all": ("", '"deny" not in signatures'),
    # 或签: the first approval suffices and closes the step; denial only when everyone denied. SpiffWorkflow
    # evaluates a completion condition against the instance just completed, so it reads `signature`.
    "any": (
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">signature == "approve"</bpmn:completionCondition>',
        '"approve" in signatures',
    ),
}


def _sign_off_engine(tmp_path, clock, rule):
    from ..helpers import FIVE_STEP_ENTRY, FIXTURES, add_people

    shenpi = make_engine("sqlite", tmp_path, clock)
    completion, result = SIGN_OFF[rule]
    content = (
        (FIXTURES / "sign_off.bpmn")
        .read_bytes()
        .replace(b"COMPLETION", completion.encode())
        .replace(b"RESULT", result.replace('"', "&quot;").encode())
    )
    shenpi.repository.deploy(content, "sign_off.bpmn")
    shenpi.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "SIGN-1", "key": "sign_off", "process_file": "sign_off.bpmn"}, "admin"
    )
    add_people(shenpi)
    return shenpi


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rule=st.sampled_from(["all", "any"]),
    votes=st.lists(st.sampled_from(["approve", "deny"]), min_size=3, max_size=3),
    order=st.permutations([0, 1, 2]),
)
def test_all_and_any_sign_off_do_not_depend_on_order(tmp_path_factory, rule, votes, order):
    clock = install(FixedClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)))
    shenpi = _sign_off_engine(tmp_path_factory.mktemp("sign"), clock, rule)
    signers = ["clerk", "clerk2", "admin"]
    case = shenpi.cases.start_case("SIGN-1", {"name": "张三"}, {"signers": signers}, ENGINE)
    tasks = {t["assignee"]: t for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"])}
    assert set(tasks) == set(signers)
    for index in order:
        if shenpi.cases.get_case(case["id"], ENGINE)["status"] == "ended":
            break  # 或签: an approval already closed the step
        shenpi.tasks.complete(tasks[signers[index]]["id"], ENGINE, {"signature": votes[index]}, "意见")
    view = shenpi.cases.get_case(case["id"], ENGINE)
    expected = (
        ("approved" if all(v == "approve" for v in votes) else "denied")
        if rule == "all"
        else ("approved" if "approve" in votes else "denied")
    )
    assert view["status"] == "ended" and view["outcome"] == expected
    if rule == "any" and "approve" in votes:
        signed = next(n for n, index in enumerate(order, start=1) if votes[index] == "approve")
        states = [h["state"] for h in view["history"] if h["element"] == "Task_Sign"]
        assert states.count("completed") == signed and states.count("cancelled") == 3 - signed
    shenpi.db.bind.dispose()


def test_signers_chosen_from_a_post_at_run_time(tmp_path_factory):
    import pytest

    from engine.errors import InvalidInput

    shenpi = engine(tmp_path_factory)
    case = shenpi.cases.start_case(CODE, {"name": "郑州某置业有限公司"}, {}, ENGINE)
    import sqlalchemy as sa

    from engine.models import Department, User

    with pytest.raises(InvalidInput):
        shenpi.tasks.complete(
            case["tasks"][0]["id"], ENGINE, {"accept": "accept", "signers_from_post": "无此岗位"}, "受理"
        )
    with pytest.raises(InvalidInput) as too_few:  # the post has two officials; the form asks for three
        shenpi.tasks.complete(
            case["tasks"][0]["id"],
            ENGINE,
            {"accept": "accept", "signers_from_post": "郑州市城乡建设局/施工许可科"},
            "予以受理",
        )
    [(field, message)] = too_few.value.details["fields"].items()
    assert (field, message.reason, message.params) == ("signers", "field_too_few_people", {"min": 3})
    with shenpi.db.transaction() as session:
        department = session.scalar(sa.select(Department).where(Department.name == "郑州市城乡建设局"))
        session.add(
            User(id="sgxk3", name="施工许可科丙", department_id=department.id, posts=["施工许可科"], roles=["official"])
        )
    shenpi.tasks.complete(
        case["tasks"][0]["id"],
        ENGINE,
        {"accept": "accept", "signers_from_post": "郑州市城乡建设局/施工许可科"},
        "予以受理",
    )
    for task in shenpi.tasks.list_tasks(ENGINE, case=case["id"]):
        shenpi.tasks.complete(task["id"], ENGINE, {DEPARTMENT_STEPS[task["element"]]: "approve"}, "同意")
    signing = sorted(t["assignee"] for t in shenpi.tasks.list_tasks(ENGINE, case=case["id"]))
    with shenpi.db.reading() as session:
        expected = sorted(
            u.id
            for u in session.scalars(
                sa.select(User)
                .join(Department, User.department_id == Department.id)
                .where(Department.name == "郑州市城乡建设局")
            )
            if "施工许可科" in u.posts
        )
    assert signing == expected and len(signing) == 3
