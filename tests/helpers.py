"""What tests share besides fixtures: where the test files are, how a test engine is built (on tests/databases.py's
databases) and who works in it, the steps many tests take on a case, and sample data. The fixtures themselves are in
the conftest.py files."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.bootstrap import Shenpi
from engine.config import PROJECT_ROOT, Settings
from engine.definitions import forms
from engine.identity.actors import ADMIN, APPLICANT, ENGINE, OFFICIAL, SUPERVISOR
from engine.kernel import clock as clock_module
from engine.kernel.clock import SHANGHAI
from engine.models import (
    Case,
    CasePause,
    Complaint,
    Department,
    Matter,
    Signal,
    SupervisionItem,
    TrailEntry,
    TrailHead,
    User,
    WorkflowSnapshot,
)

from .databases import BACKENDS, BROKER_URL, PG_URL, empty_database  # noqa: F401  (shared with tests)

# --- where things are, and the test clock --------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
PROCESSES = PROJECT_ROOT / "processes"
CONFORMANCE_DIR = PROJECT_ROOT.parent / "shared" / "conformance"  # the BPMN conformance corpus, when beside us
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock_module.SHANGHAI)


# --- building an engine --------------------------------------------------------------------------------------


def make_engine(backend: str, tmp_path: Path, clock) -> Shenpi:
    """A bare engine (no process, no matter, no people) on ``backend`` ("sqlite" or "postgresql")."""
    database = empty_database(backend, tmp_path)
    settings = Settings(
        database_url=str(database.bind.url),
        broker_url="memory://",
        processes_dir=PROCESSES,
        files_dir=tmp_path / "files",
    )
    engine = Shenpi(settings, database=database, clock=clock)
    engine.init_db(create_tables=False)  # empty_database made them
    return engine


def add_people(
    engine: Shenpi, department: str = "测试局", posts=("受理窗口", "承办人", "审核人", "批准人", "制证发证")
):
    """The test departments (测试局 T01 under 测试市人民政府, its 监察局, 其他局, and a district outside) and people:
    clerk, clerk2 (测试局, every post of the five-step flow), outsider (其他局), admin, supervisor (city),
    far_supervisor (the other district) and the applicant citizen."""
    with engine.db.transaction() as session:
        session.add(Department(id="T00", name="测试市人民政府", level="city"))
        session.add(Department(id="TJC", name="测试市监察局", level="city", parent_id="T00"))
        session.add(Department(id="T01", name=department, level="city", parent_id="T00"))
        session.add(Department(id="T02", name="其他局", level="city", parent_id="T00"))
        session.add(Department(id="X00", name="外县人民政府", level="district"))
        session.add(Department(id="XJC", name="外县监察局", level="district", parent_id="X00"))
        session.flush()
        session.add(User(id="clerk", name="窗口甲", department_id="T01", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="clerk2", name="窗口乙", department_id="T01", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="outsider", name="他局人员", department_id="T02", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="admin", name="管理员", department_id="T01", posts=[], roles=[ADMIN]))
        session.add(User(id="supervisor", name="监察员", department_id="TJC", posts=[], roles=[SUPERVISOR]))
        session.add(User(id="far_supervisor", name="外县监察员", department_id="XJC", posts=[], roles=[SUPERVISOR]))
        session.add(User(id="citizen", name="张三", department_id=None, posts=[], roles=[APPLICANT]))


FIVE_STEP_ENTRY = dict(
    code="TEST-0001",
    key="five_step",
    name="测试事项",
    department="测试局",
    type="行政许可",
    legal_basis=["《中华人民共和国行政许可法》"],
    statutory_limit_days=20,
    promised_limit_days=10,
    handling="承诺件",
    star_level=3,
    process_file="five_step.bpmn",
    conditions=["测试"],
    materials=[],
)


def publish_five_step(engine: Shenpi, content: bytes | None = None) -> Shenpi:
    """Deploy the five-step flow (or ``content`` in its place), publish it as TEST-0001 and add the test people."""
    engine.repository.deploy(content or (FIXTURES / "five_step.bpmn").read_bytes(), "five_step.bpmn", actor="admin")
    engine.catalogue.publish(FIVE_STEP_ENTRY, "admin")
    add_people(engine)
    return engine


# --- refusals ----------------------------------------------------------------------------------------------


def publish_timer_flow(engine: Shenpi, duration: str = '"PT1H"') -> None:
    """Matter TIMER-1: one step with a non-interrupting warning timer (``Timer_Warning``) after ``duration``."""
    content = (FIXTURES / "timer_step.bpmn").read_bytes().replace(b'"PT1H"', duration.encode())
    engine.repository.deploy(content, "timer_step.bpmn")
    engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "admin"
    )


def poison_workflow(engine: Shenpi, case_id: int) -> str:
    """Break the case's stored workflow state (as a bad migration or a disk fault would): its next step raises.
    Returns the good state for ``heal_workflow``."""
    with engine.db.transaction() as session:
        good = session.scalar(sa.select(WorkflowSnapshot.state).where(WorkflowSnapshot.case_id == case_id))
        session.execute(
            sa.update(WorkflowSnapshot).where(WorkflowSnapshot.case_id == case_id).values(state='{"broken": ')
        )
    engine.store.discard(case_id)
    return good


def heal_workflow(engine: Shenpi, case_id: int, good: str) -> None:
    with engine.db.transaction() as session:
        session.execute(sa.update(WorkflowSnapshot).where(WorkflowSnapshot.case_id == case_id).values(state=good))
    engine.store.discard(case_id)


@contextlib.contextmanager
def refused(kind, reason: str, **params):
    """``pytest.raises(kind)`` that also checks the error's reason (and the given params)."""
    with pytest.raises(kind) as caught:
        yield caught
    assert caught.value.reason == reason, caught.value
    assert {k: caught.value.params.get(k) for k in params} == params, caught.value.params


# --- steps on a case of the five-step flow (TEST-0001) -------------------------------------------------------

APPROVE = ({}, {}, {"review": "approve"}, {"approval": "approve"}, {})  # the five steps' data, to approval
PHONE = "13800000000"


def open_task(engine, case_id):
    """The one open task of the case."""
    tasks = engine.tasks.list_tasks(ENGINE, case=case_id)
    assert len(tasks) == 1, tasks
    return tasks[0]


def complete(engine, case_id, data, user="clerk", opinion="同意"):
    """Complete the case's one open task as ``user``; returns the task as it was."""
    task = open_task(engine, case_id)
    engine.tasks.complete(task["id"], engine.identity.actor(user), data, opinion)
    return task


def citizen(engine, user_id="citizen"):
    """The applicant's actor."""
    return engine.identity.actor(user_id)


def applied_case(engine, name="张三"):
    """A case the citizen applied for, waiting at 受理."""
    return engine.cases.start_case("TEST-0001", {"name": name}, {}, engine.identity.actor("citizen"))


def accepted_case(engine, name="张三"):
    """A case started by the engine and accepted (its clock runs), waiting at 承办."""
    case = engine.cases.start_case("TEST-0001", {"name": name}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    return case


def ended_case(engine, user_id="citizen"):
    """A case of ``user_id`` accepted and approved to its end."""
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, citizen(engine, user_id))
    for data in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case["id"], data)
    return case


def sms_case(engine, phone=PHONE, end=True):
    """A case of the citizen giving ``phone``: ended (approved), or only accepted and handled."""
    case = engine.cases.start_case("TEST-0001", {"name": "张三", "phone": phone}, {}, citizen(engine))
    steps = ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {})
    for data in steps if end else steps[:2]:
        complete(engine, case["id"], data)
    return case


def add_signal(engine, department, colour="red", case_id=None, raised=None, status="open", subject=None):
    """A correction signal written straight into the database; returns its id."""
    with engine.db.transaction() as session:
        signal = Signal(
            rule="overdue_step",
            level="department",
            article="11" if colour == "yellow" else "12",
            color=colour,
            subject=subject or f"case:{case_id}:{department}:{raised}",
            case_id=case_id,
            department=department,
            summary="环节超时",
            raised_at=raised or engine.clock.now(),
            status=status,
        )
        session.add(signal)
        session.flush()
        return signal.id


def rechain_as_version_1(engine: Shenpi) -> None:
    """Re-chain the whole trail with the version-1 hash (which does not cover a row's number), as the builds before
    the trail was anchored wrote it, and move every head to match: a trail written by such a build."""
    from engine.trail.hashing import GENESIS, SYSTEM, row_hash

    table = TrailEntry.__table__
    with engine.db.transaction() as session:
        started: dict[int, str] = {}
        for chain in session.scalars(sa.select(table.c.chain).distinct().order_by(table.c.chain)).all():
            prev = GENESIS if chain == SYSTEM else started[chain]
            for row in (
                session.execute(sa.select(table).where(table.c.chain == chain).order_by(table.c.chain_seq))
                .mappings()
                .all()
            ):
                new = {**row, "hash_version": 1, "prev_hash": prev}
                new["hash"] = prev = row_hash(new)
                session.execute(
                    table.update()
                    .where(table.c.seq == row["seq"])
                    .values(hash_version=1, prev_hash=new["prev_hash"], hash=new["hash"])
                )
                if row["event"] == "case_started":
                    started[row["case_id"]] = new["hash"]
            if chain == SYSTEM:
                session.execute(sa.update(TrailHead).where(TrailHead.id == 1).values(hash=prev))
            else:
                session.execute(sa.update(Case).where(Case.id == chain).values(trail_hash=prev))


def events(engine, prefix: str) -> list[dict]:
    """The trail rows whose event starts with ``prefix``, oldest first."""
    with engine.db.reading() as session:
        rows = session.scalars(
            sa.select(TrailEntry).where(TrailEntry.event.like(f"{prefix}%")).order_by(TrailEntry.seq)
        ).all()
        return [
            {
                "event": r.event,
                "element": r.element_id,
                "actor": r.actor,
                "detail": json.loads(r.detail) if r.detail else None,
            }
            for r in rows
        ]


# --- October 2026: a month with known figures for the performance evaluation ---------------------------------

OCTOBER = dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)
OCTOBER_STEPS = ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {})


def _october(day, hour=10):
    return dt.datetime(2026, 10, day, hour, 0, tzinfo=SHANGHAI)


def _october_case(engine, clock, steps=OCTOBER_STEPS):
    clock.set(OCTOBER)
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, citizen(engine))
    complete(engine, case["id"], steps[0])
    clock.set(OCTOBER + dt.timedelta(days=2))
    for data in steps[1:]:
        complete(engine, case["id"], data)
    return case["id"]


def update_case(engine, case_id, **values):
    """Change a case's row directly (channel, visits, limits: what a month's figures are made of)."""
    with engine.db.transaction() as session:
        session.execute(sa.update(Case).where(Case.id == case_id).values(**values))


def _october_signal(session, number, color, department="测试局", official="clerk", raised=None, subject=None):
    session.add(
        Signal(
            rule=f"rule{number}",
            level="common",
            article="11",
            color=color,
            subject=subject or f"case:{number}",
            department=department,
            official=official,
            summary="测试",
            raised_at=raised or _october(15),
        )
    )


def october_figures(engine, clock) -> dict:
    """Three cases in October 2026 with known figures, ratings, signals, a complaint and a supervision item; the
    clock is back at START afterwards. Returns the case ids: on_time, late, running."""
    on_time = _october_case(engine, clock)
    late = _october_case(engine, clock)
    running = _october_case(engine, clock, OCTOBER_STEPS[:1])
    update_case(engine, late, channel="window", paused_seconds=86400.0, statutory_due_at=_october(13, 0))
    with engine.db.transaction() as session:  # one working day paused (补正): Tuesday 09:00 to Wednesday 09:00
        session.add(
            CasePause(
                case_id=late,
                kind="supplement",
                reason="补正",
                started_at=_october(13, 9),
                started_by="clerk",
                ended_at=_october(14, 9),
                ended_by="clerk",
            )
        )
    clerk = engine.identity.actor("clerk")
    for purpose in ("递交申请材料", "领取许可证"):  # the window records each visit (跑动次数)
        engine.visits.record(late, clerk, purpose)
    update_case(engine, running, statutory_due_at=_october(20))
    engine.feedback.rate(on_time, citizen(engine), {"overall": 5})
    engine.feedback.rate(late, citizen(engine), {"overall": 2})
    with engine.db.transaction() as session:
        matter = session.get(Matter, "TEST-0001")
        matter.entry = {**matter.entry, "online_depth": 3}
        _october_signal(session, 1, "red")
        _october_signal(session, 2, "yellow")
        _october_signal(session, 3, "yellow", subject="fee:1")
        _october_signal(session, 4, "red", department="其他局", official="outsider")
        _october_signal(session, 5, "red", raised=dt.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
        session.add(
            Complaint(
                number="TS2026101500000001",
                subject="超期",
                content="超期",
                department="测试局",
                status="closed",
                submitted_at=_october(14),
                status_changed_at=_october(20),
                upheld=True,
                result_at=_october(20),
            )
        )
        session.add(
            SupervisionItem(
                kind="overdue_step", department="测试局", summary="督办", opened_at=_october(10), due_at=_october(25)
            )
        )
    clock.set(START)
    return {"on_time": on_time, "late": late, "running": running}


# --- step forms: the five-step flow with camunda:formData ----------------------------------------------------

CAMUNDA = forms.CAMUNDA_NS

ACCEPT_FORM = """
  <camunda:formField id="accept" label="是否受理" type="enum">
    <camunda:value id="accept" name="受理"/>
    <camunda:value id="refuse" name="不予受理"/>
    <camunda:validation><camunda:constraint name="required"/></camunda:validation>
  </camunda:formField>
  <camunda:formField id="fee" label="收费金额" type="long" defaultValue="0">
    <camunda:validation>
      <camunda:constraint name="min" config="0"/><camunda:constraint name="max" config="1000"/>
    </camunda:validation>
  </camunda:formField>
  <camunda:formField id="site_visit" label="是否现场核查" type="boolean"/>
  <camunda:formField id="visit_date" label="核查日期" type="date">
    <camunda:validation>
      <camunda:constraint name="min" config="2026-01-01"/><camunda:constraint name="max" config="2026-12-31"/>
    </camunda:validation>
  </camunda:formField>
  <camunda:formField id="note" label="备注" type="string">
    <camunda:properties><camunda:property id="rows" value="3"/></camunda:properties>
    <camunda:validation>
      <camunda:constraint name="minlength" config="2"/><camunda:constraint name="maxlength" config="20"/>
    </camunda:validation>
  </camunda:formField>
  <camunda:formField id="shop" label="店名" type="string">
    <camunda:validation><camunda:constraint name="readonly"/></camunda:validation>
  </camunda:formField>
  <camunda:formField id="signers" label="会签人员" type="users">
    <camunda:validation>
      <camunda:constraint name="minlength" config="2"/><camunda:constraint name="maxlength" config="3"/>
    </camunda:validation>
  </camunda:formField>
"""

REVIEW_FORM = """
  <camunda:formField id="review" label="审核意见" type="enum">
    <camunda:value id="approve" name="同意"/>
    <camunda:value id="revise" name="退回修改"/>
    <camunda:validation><camunda:constraint name="required"/></camunda:validation>
  </camunda:formField>
"""

FIVE = (FIXTURES / "five_step.bpmn").read_bytes()


def with_forms(content: bytes = FIVE, **task_forms: str) -> bytes:
    """The five-step flow with camunda:formData (the given formField XML) on the named user tasks."""
    text = content.decode()
    for task_id, fields in task_forms.items():
        start = text.index(f'<bpmn:userTask id="{task_id}"')
        end = text.index("/>", start)
        body = (
            f'<bpmn:extensionElements><camunda:formData xmlns:camunda="{CAMUNDA}">{fields}'
            "</camunda:formData></bpmn:extensionElements>"
        )
        text = text[:end] + f">{body}</bpmn:userTask>" + text[end + 2 :]
    return text.encode()


FORMED = with_forms(Task_Accept=ACCEPT_FORM, Task_Review=REVIEW_FORM)


def reason_of(message) -> tuple:
    """A message's reason and params, with nested messages (the options of an enum) as theirs."""
    return message.reason, {
        k: [reason_of(v) for v in value] if isinstance(value, list) and value and hasattr(value[0], "reason") else value
        for k, value in message.params.items()
    }


# The problem of a value of 是否受理 (ACCEPT_FORM) that is none of its options.
CHOOSE = (
    "field_choose",
    {
        "options": [
            ("field_option", {"label": "受理", "value": "accept"}),
            ("field_option", {"label": "不予受理", "value": "refuse"}),
        ]
    },
)


# --- sample files --------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
GUIDE = [
    {"name": "申请书", "form": "原件", "copies": 1, "required": True},
    {"name": "营业执照复印件", "form": "复印件", "copies": 1, "required": True},
    {"name": "近期照片", "form": "原件", "copies": 2, "required": False},
]  # a service guide's materials


# --- official documents need a Chinese font -------------------------------------------------------------------

CJK_FONT = (
    shutil.which("fc-list")
    and subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
)
try:
    import weasyprint  # noqa: F401 - needs Pango from the system
except (ImportError, OSError):
    CJK_FONT = None
needs_cjk_font = pytest.mark.skipif(
    not CJK_FONT, reason="no Chinese font or no Pango here (.ci/run installs fonts-noto-cjk)"
)


# --- processes as an operator starts them -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def operator_env(tmp_path) -> dict[str, str]:
    """A clean environment: everything the processes write goes under tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENPI_", "PROMETHEUS_"))}
    env.update(
        SHENPI_DATABASE_URL=f"sqlite:///{tmp_path / 'shenpi.db'}",
        SHENPI_BROKER_URL=f"filesystem://{tmp_path / 'broker'}",
        SHENPI_STATE_DIR=str(tmp_path / "state"),
        SHENPI_FILES_DIR=str(tmp_path / "files"),
        SHENPI_TRAIL_CHECKPOINT_FILE=str(tmp_path / "checkpoints.jsonl"),
        SHENPI_SECRET_KEY="serve-test-secret",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


# --- a flow for the bounds of expressions and timers (issue 15 §1) -------------------------------------------

BOUNDS_FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="Defs_Bounds" targetNamespace="http://shenpi.example/tests">
  <bpmn:process id="five_step" name="边界测试" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_Window" name="受理窗口">
        <bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Script_Calc</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Gateway_Check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Accept</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Timer_Limit</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End_Branch_Late</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1"/>
    <bpmn:scriptTask id="Script_Calc" name="计算"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_Check" default="Flow_No"/>
    <bpmn:userTask id="Task_Accept" name="受理"/>
    <bpmn:boundaryEvent id="Timer_Limit" attachedToRef="Task_Accept" cancelActivity="false">
      <bpmn:timerEventDefinition id="TimerDef_1">
        <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{timer}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="End_Approved" name="办结"/>
    <bpmn:endEvent id="End_Branch_Late" name="超时提醒"/>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Script_Calc"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Script_Calc" targetRef="Gateway_Check"/>
    <bpmn:sequenceFlow id="Flow_Yes" sourceRef="Gateway_Check" targetRef="Task_Accept">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_No" sourceRef="Gateway_Check" targetRef="Task_Accept"/>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Accept" targetRef="End_Approved"/>
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Timer_Limit" targetRef="End_Branch_Late"/>
  </bpmn:process>
</bpmn:definitions>
"""


def bounds_flow(condition="n > 0", script="x = 1", timer='"PT1H"', kind="timeDuration") -> bytes:
    """Start → script task Script_Calc → gateway Gateway_Check (condition on Flow_Yes) → 受理 (Task_Accept, lane
    受理窗口) with a non-interrupting timer Timer_Limit (``kind``: timeDuration, timeDate or timeCycle) → 办结; process
    id five_step, so ``publish_five_step(engine, bounds_flow(...))`` publishes it as TEST-0001."""
    escape = lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return BOUNDS_FLOW.format(
        condition=escape(condition), script=escape(script), timer=escape(timer), kind=kind
    ).encode("utf-8")
