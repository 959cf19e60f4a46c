"""The interchange corpus (../shared/conformance/miwg-reference, 21 files from other tools; issue 17 §2): every file
either deploys or is refused only for limitations the README lists ("Models from other tools"), each problem naming
its element. None is refused any more for what the engine now runs: service tasks with a connector, send and receive
tasks, message events, JUEL conditions, unquoted ISO 8601 timers."""

from __future__ import annotations

import pytest

from engine.config import PROJECT_ROOT
from engine.definitions import bpmn_validation
from engine.definitions.repository import build_spec, called_keys
from engine.errors import ProcessValidationError
from engine.identity.actors import ENGINE

from ..helpers import CONFORMANCE_DIR, FIVE_STEP_ENTRY, add_people, complete, open_task

# reason (and the reason of its "why"/"detail") -> the limitation as the README words it
LIMITATIONS = {
    ("bpmn_not_executable", None): "no process of the file is marked executable (isExecutable)",
    ("bpmn_unsupported_element", "bpmn_service_task"): "a service task without a connector (nothing says what to call)",
    ("bpmn_unsupported_element", "bpmn_business_rule_task"): "business-rule (DMN) tasks",
    ("bpmn_expression_language", None): "conditions written in XPath or FEEL",
    ("bpmn_end_outcome_missing", None): "an end event that does not state the case's decision, beside end events",
    ("bpmn_interrupting_event_subprocess", None): "an event subprocess that interrupts the flow",
}
NOW_RUN = {"bpmn_message_task", "bpmn_message_event", "timer_expression_invalid", "bpmn_juel_unsupported"}
FILES = sorted((CONFORMANCE_DIR / "miwg-reference").glob("*.bpmn")) if CONFORMANCE_DIR.exists() else []


def verdict(content: bytes) -> list[ProcessValidationError]:
    checked, problems = bpmn_validation.examine(content)
    if not problems:
        assert checked is not None
        called = [(key, _declaring(key)) for key in called_keys(checked)]  # another corpus file's process
        try:
            build_spec(checked, "corpus.bpmn", [(key, xml) for key, xml in called if xml])
        except ProcessValidationError as problem:
            problems = [problem]
    return problems


def _declaring(key: str) -> str | None:
    """The corpus file that holds the executable process ``key`` (a call activity's target deployed before)."""
    for path in FILES:
        if f'id="{key}"'.encode() in path.read_bytes():
            return path.read_text(encoding="utf-8")
    return None


def kind(problem: ProcessValidationError) -> tuple[str, str | None]:
    inner = problem.params.get("why") or problem.params.get("detail")
    return problem.reason, getattr(inner, "reason", None) if problem.reason == "bpmn_unsupported_element" else None


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_file_deploys_or_is_refused_for_a_listed_limitation(path):
    problems = verdict(path.read_bytes())
    unlisted = [(kind(p), p.element, str(p)) for p in problems if kind(p) not in LIMITATIONS]
    assert not unlisted, f"{path.name}: refused for what the README does not list: {unlisted}"
    assert all(p.element for p in problems), "every refusal names its element"
    assert not {p.reason for p in problems} & NOW_RUN


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
def test_the_limitations_are_the_readme_s():
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for wording in LIMITATIONS.values():
        assert wording in text, wording


# Files executable in principle that Shenpi's own rules refused (a user task in no lane, end events deciding
# nothing): they deploy with warnings and run. C.9.2 calls C.9.1's process (requestDocument_en): C.9.1 first.
RUN = ["C.9.1.bpmn", "C.9.2.bpmn"]
# Refused only for a real limitation, no more for Shenpi's rules: a Java delegate (#{archiveService}), an XPath
# condition that is not even XPath ("Service Level == 'Premium'").
REAL_LIMITATION = {"C.1.0.bpmn": {"bpmn_unsupported_element"}, "C.3.0.bpmn": {"bpmn_expression_language"}}
SHENPI_RULES = {"bpmn_task_without_lane", "bpmn_end_outcome_missing", "bpmn_end_outcome_neutral"}


def corpus_file(name: str) -> bytes:
    return (CONFORMANCE_DIR / "miwg-reference" / name).read_bytes()


def publish(engine, name: str, key: str, code: str) -> None:
    engine.repository.deploy(corpus_file(name), name, actor="admin")
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "code": code, "key": key, "process_file": name}, "admin")


@pytest.fixture
def corpus_engine(bare_engine):
    for name, key, code in (("C.9.1.bpmn", "requestDocument_en", "MIWG-91"), ("C.9.2.bpmn", "ManualCheck", "MIWG-92")):
        review = bare_engine.repository.review(corpus_file(name), name)
        assert review["problems"] == [], (name, review["problems"])
        assert review["warnings"], name  # listed by validation: the lanes and ends of Shenpi's rules
        publish(bare_engine, name, key, code)
    add_people(bare_engine)
    return bare_engine


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
@pytest.mark.parametrize("name", sorted(REAL_LIMITATION))
def test_files_once_refused_by_shenpi_s_rules_are_refused_only_for_a_real_limitation(name):
    problems = verdict(corpus_file(name))
    assert problems and {p.reason for p in problems} == REAL_LIMITATION[name]
    checked, _ = bpmn_validation.examine(corpus_file(name))
    assert checked is not None and {w.reason for w in checked.warnings} <= SHENPI_RULES and checked.warnings


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
def test_c91_deploys_and_a_case_runs_to_its_end_when_the_document_arrives(corpus_engine):
    """C.9.1 (Camunda): the request is sent (a send task without a connector), the case waits for
    MESSAGE_documentReceived; delivered, it ends at "Document received" as completed (办结, no decision)."""
    case = corpus_engine.cases.start_case("MIWG-91", {"name": "张三"}, {}, ENGINE)
    assert [w["element"] for w in corpus_engine.messages.waiting(case["id"])] == ["ReceiveTask_WaitForDocument"]
    corpus_engine.messages.deliver(ENGINE, "MESSAGE_documentReceived", case=case["number"], data={"document": "x"})
    ended = corpus_engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "completed")


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
def test_c92_deploys_and_a_case_runs_to_its_end_through_its_user_tasks(corpus_engine, clock):
    """C.9.2 (Camunda 8): its user tasks are in no lane, so the matter's department (测试局) handles them; FEEL
    ``=fraud`` and the zeebe loop over ``=documents`` are read in BPMN's terms. The decision is taken; the event
    subprocess's timer (R1/P5D, "Accelerated decision") still waits, fires five days on, and once its task is done
    the case ends."""
    case = corpus_engine.cases.start_case("MIWG-92", {"name": "张三"}, {}, ENGINE)
    task = open_task(corpus_engine, case["id"])
    assert (task["element"], task["department"], task["post"]) == ("UserTask_DecideOnApplication", "测试局", None)
    complete(corpus_engine, case["id"], {"approved": True})
    assert corpus_engine.cases.get_case(case["id"], ENGINE)["status"] == "running"
    clock.advance(days=5, seconds=1)
    corpus_engine.periodic.run("timers")
    task = open_task(corpus_engine, case["id"])
    assert (task["element"], task["department"]) == ("UserTask_AccelerateDecision", "测试局")
    complete(corpus_engine, case["id"], {})
    ended = corpus_engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "completed")
    assert corpus_engine.messages.waiting(case["id"]) == []  # its event subprocesses' messages too


@pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")
@pytest.mark.parametrize("fraud", [False, True])
def test_c92_a_message_starts_its_event_subprocess_beside_the_decision(corpus_engine, fraud):
    """C.9.2's message-started, non-interrupting event subprocesses: a running case waits for their messages;
    Message_FraudSuspected opens "Check for Fraud" beside the open decision. Its outcome ends that subprocess —
    without fraud at "Fraud no detected", with fraud at an error end event that no boundary catches, which ends only
    its own path (the engine does not invent a catcher) — and the decision goes on. A second message starts the
    subprocess again; once the case has ended, nothing waits any more."""
    case = corpus_engine.cases.start_case("MIWG-92", {"name": "张三"}, {}, ENGINE)
    waiting = {w["name"] for w in corpus_engine.messages.waiting(case["id"])}
    assert waiting == {"Message_FraudSuspected", "Message_DocumentRequested"}
    delivered = corpus_engine.messages.deliver(ENGINE, "Message_FraudSuspected", case=case["number"])
    assert [c["id"] for c in delivered["cases"]] == [case["id"]]
    tasks = {t["element"]: t for t in corpus_engine.tasks.list_tasks(ENGINE, case=case["id"])}
    assert set(tasks) == {"UserTask_DecideOnApplication", "UserTask_CheckForFraud"}
    assert tasks["UserTask_CheckForFraud"]["department"] == "测试局"
    clerk = corpus_engine.identity.actor("clerk")
    corpus_engine.tasks.complete(tasks["UserTask_CheckForFraud"]["id"], clerk, {"fraud": fraud}, "已核查")
    assert corpus_engine.cases.get_case(case["id"], ENGINE)["status"] == "running"
    assert open_task(corpus_engine, case["id"])["element"] == "UserTask_DecideOnApplication"
    uncaught = [e for e in corpus_engine.history.case_trail(case["id"], ENGINE) if e["event"] == "event_uncaught"]
    assert [(e["to"], e["detail"]) for e in uncaught] == (
        [("Error_FraudDetected", {"kind": "error", "name": "Error_FraudDetected", "code": "02"})] if fraud else []
    )
    corpus_engine.messages.deliver(ENGINE, "Message_FraudSuspected", case=case["number"])
    elements = sorted(t["element"] for t in corpus_engine.tasks.list_tasks(ENGINE, case=case["id"]))
    assert elements == ["UserTask_CheckForFraud", "UserTask_DecideOnApplication"]
    check = next(
        t for t in corpus_engine.tasks.list_tasks(ENGINE, case=case["id"]) if t["element"] == "UserTask_CheckForFraud"
    )
    corpus_engine.tasks.complete(check["id"], clerk, {"fraud": False}, "已核查")
    complete(corpus_engine, case["id"], {"approved": True})
    assert corpus_engine.cases.get_case(case["id"], ENGINE)["status"] == "running"  # the 5-day timer still waits
