"""The interchange corpus (../shared/conformance/miwg-reference, 21 files from other tools; issue 17 §2): every file
either deploys or is refused only for limitations the README lists ("Models from other tools"), each problem naming
its element. None is refused any more for what the engine now runs: service tasks with a connector, send and receive
tasks, message events, JUEL conditions, unquoted ISO 8601 timers."""

from __future__ import annotations

import pytest

from engine.config import PROJECT_ROOT
from engine.definitions import bpmn_validation
from engine.definitions.repository import build_spec
from engine.errors import ProcessValidationError

from ..helpers import CONFORMANCE_DIR

# reason (and the reason of its "why"/"detail") -> the limitation as the README words it
LIMITATIONS = {
    ("bpmn_not_executable", None): "no process of the file is marked executable (isExecutable)",
    ("bpmn_unsupported_element", "bpmn_service_task"): "a service task without a connector (nothing says what to call)",
    ("bpmn_unsupported_element", "bpmn_business_rule_task"): "business-rule (DMN) tasks",
    ("bpmn_expression_language", None): "conditions written in XPath or FEEL",
    ("bpmn_task_without_lane", None): "a user task in no lane (no post or department handles it)",
    ("bpmn_end_outcome_missing", None): "an end event that does not state the case's decision",
}
NOW_RUN = {"bpmn_message_task", "bpmn_message_event", "timer_expression_invalid", "bpmn_juel_unsupported"}
FILES = sorted((CONFORMANCE_DIR / "miwg-reference").glob("*.bpmn")) if CONFORMANCE_DIR.exists() else []


def verdict(content: bytes) -> list[ProcessValidationError]:
    checked, problems = bpmn_validation.examine(content)
    if not problems:
        assert checked is not None
        try:
            build_spec(checked, "corpus.bpmn")
        except ProcessValidationError as problem:
            problems = [problem]
    return problems


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
