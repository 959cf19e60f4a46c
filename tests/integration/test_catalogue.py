"""Every matter of the catalogue deploys, validates and runs from start to end."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from demo import seed as demo
from engine.catalogue import service as catalogue
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI

from ..helpers import PROCESSES

ENTRIES = catalogue.load_entries(PROCESSES) if PROCESSES.exists() else []
SEED_001 = [
    "烟草专卖零售许可",
    "粮食收购资格核准",
    "公民民族成份确认",
    "残疾人证核发",
    "农村村民住宅用地审批",
    "最低生活保障待遇认定",
    "郑州市公共租赁住房保障",
    "新型农村合作医疗登记",
]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


@pytest.fixture
def catalogue_engine(bare_sqlite_engine, clock):
    clock.set(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI))  # limits end inside the calendar data
    bare_sqlite_engine.catalogue.import_directory(PROCESSES)
    demo.seed_people(bare_sqlite_engine)
    return bare_sqlite_engine


def test_catalogue_covers_the_seed_matters_and_more():
    names = [e["name"] for e in ENTRIES]
    for name in SEED_001:
        assert any(name in n for n in names), name
    assert any("食品经营许可" in n for n in names)
    assert any("并联" in n for n in names)
    assert len({e["code"] for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["key"] for e in ENTRIES])
def test_entry_is_complete(entry):
    assert entry["legal_basis"] and entry["conditions"] and entry["materials"]
    assert entry["statutory_limit_days"] >= entry["promised_limit_days"]
    assert entry.get("free") is True or entry.get("fees"), "a matter either is free or lists its fees"
    for fee in entry.get("fees", []):
        assert fee["item"] and fee["standard"] and fee["basis"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["key"] for e in ENTRIES])
def test_flow_has_diagram_layout_and_lanes(entry):
    tree = etree.parse(str(PROCESSES / entry["process_file"]))
    process = tree.find(f"{BPMN}process")
    assert process.get("id") == entry["key"] and process.get("isExecutable") == "true"
    shapes = {s.get("bpmnElement") for s in tree.iter(f"{DI}BPMNShape")}
    edges = {e.get("bpmnElement") for e in tree.iter(f"{DI}BPMNEdge")}
    nodes = [
        e
        for e in process
        if e.tag.split("}")[1]
        in ("startEvent", "endEvent", "userTask", "scriptTask", "exclusiveGateway", "parallelGateway")
    ]
    assert nodes and all(n.get("id") in shapes for n in nodes)
    assert all(f.get("id") in edges for f in process.iter(f"{BPMN}sequenceFlow"))
    assert all(lane.get("id") in shapes for lane in process.iter(f"{BPMN}lane"))


def _outcomes(entry) -> set[str]:
    ids = [e.get("id") for e in etree.parse(str(PROCESSES / entry["process_file"])).iter(f"{BPMN}endEvent")]
    return {o for o in ("approved", "denied", "refused") if any(o in i.lower() for i in ids)}


DECISION_DOCUMENTS = {"approved": "approval_decision", "denied": "denial_decision", "refused": "refusal_decision"}


def _signers(engine):
    return ["d01a", "d01b", "d02a"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["key"] for e in ENTRIES])
def test_matter_runs_to_every_outcome(catalogue_engine, entry):
    applicant = catalogue_engine.identity.actor("applicant")
    for verdict, outcome in (("approve", "approved"), ("deny", "denied"), ("refuse", "refused")):
        if outcome not in _outcomes(entry):
            continue
        case = catalogue_engine.cases.start_case(entry["code"], {"name": "测试申请人"}, {}, applicant)
        steps = demo.drive(catalogue_engine, case["id"], verdict=verdict, signers=_signers(catalogue_engine))
        final = catalogue_engine.cases.get_case(case["id"], ENGINE)
        assert final["status"] == "ended" and final["outcome"] == outcome, (verdict, final)
        assert steps >= 1
        # its decision document, issued on the main path with the deciding step's reasons (不予受理决定书 too)
        assert DECISION_DOCUMENTS[outcome] in [d["kind"] for d in final["documents"]]
    assert catalogue_engine.history.verify().ok


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["key"] for e in ENTRIES])
def test_every_step_carries_a_working_day_limit(catalogue_engine, entry):
    tree = etree.parse(str(PROCESSES / entry["process_file"]))
    tasks = {t.get("id") for t in tree.iter(f"{BPMN}userTask")}
    limited = {
        b.get("attachedToRef") for b in tree.iter(f"{BPMN}boundaryEvent") if "working_days(" in "".join(b.itertext())
    }
    assert tasks == limited
    case = catalogue_engine.cases.start_case(entry["code"], {"name": "测试申请人"}, {}, ENGINE)
    task = case["tasks"][0]
    assert task["due_at"] is not None and task["light"] in ("none", "yellow")
    due = dt.datetime.fromisoformat(task["due_at"]).astimezone(SHANGHAI)
    assert due.strftime("%Y-%m-%d %H:%M") == "2026-06-03 17:30"  # 受理 within 2 working days


def test_step_timers_warn_and_escalate_on_working_time(catalogue_engine, clock):
    entry = next(e for e in ENTRIES if e["key"] == "food_business_licence")
    case = catalogue_engine.cases.start_case(entry["code"], {"name": "测试申请人"}, {}, ENGINE)
    clock.set(dt.datetime(2026, 6, 3, 13, 31, tzinfo=SHANGHAI))  # 4 office hours before the limit
    assert catalogue_engine.sweep()["timers"] == 1
    clock.set(dt.datetime(2026, 6, 3, 17, 31, tzinfo=SHANGHAI))
    # The step turns red with its limit timer, in the timer's own transaction (issue 16 §3: a step's light follows
    # its own BPMN timers); the sweep's light job changes case lights only, and this case is not yet accepted.
    assert catalogue_engine.sweep()["timers"] == 1
    trail = catalogue_engine.history.case_trail(case["id"], ENGINE)
    fired = [
        r["element"]
        for r in trail
        if r["event"] == "task" and r["to"] == "completed" and (r["element"] or "").startswith("Timer_")
    ]
    assert fired == ["Timer_Warning_Accept", "Timer_Limit_Accept"]
    view = catalogue_engine.cases.get_case(case["id"], ENGINE)
    assert [t["light"] for t in view["tasks"]] == ["red"] and view["tasks"][0]["element"] == "Task_Accept"
    assert catalogue_engine.sweep()["timers"] == 0
