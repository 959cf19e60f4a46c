"""Restricted expressions and scripts: normal data logic works, the usual escapes do not."""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.exceptions import WorkflowException

from engine.expressions import (
    ExpressionError,
    RestrictedEnvironment,
    check_expression,
    check_script,
    make_script_engine,
)

ENV = RestrictedEnvironment({"double": lambda x: 2 * x})


def test_expressions_over_case_data():
    data = {"review": "approve", "signatures": ["approve", "deny"], "amount": 12, "info": {"area": 120}}
    assert ENV.evaluate('review == "approve"', data) is True
    assert ENV.evaluate('"deny" in signatures', data) is True
    assert ENV.evaluate('signatures.count("approve") * 3 >= len(signatures) * 2', data) is False
    assert ENV.evaluate('all(s == "approve" for s in signatures)', data) is False
    assert ENV.evaluate('info.get("area", 0) > 100 and amount % 5 == 2', data) is True
    assert ENV.evaluate("double(amount)", data) == 24
    assert ENV.evaluate('"PT1H"', {}) == "PT1H"


def test_script_writes_back_data_only():
    data = {"a": 1, "items": [1, 2]}
    ENV.execute('b = a + 1\nitems.append(3)\nd = {}\nd["k"] = sum(items)\na += 10', data)
    assert data["a"] == 11 and data["b"] == 2 and data["items"] == [1, 2, 3] and data["d"] == {"k": 6}
    assert not any(k.startswith("_") for k in data) and "double" not in data


ESCAPES = [
    '__import__("os").system("touch /tmp/shenpi-pwned")',
    'open("/etc/passwd").read()',
    "().__class__.__bases__[0].__subclasses__()",
    'getattr(1, "__class__")',
    "type(1)",
    "vars()",
    "globals()",
    "locals()",
    'eval("1")',
    'exec("x = 1")',
    'compile("1", "", "eval")',
    '"{0.__class__}".format(1)',
    '"{a.__class__}".format_map({"a": 1})',
    "(x for x in []).gi_frame",
    "[].__class__",
    "review.__dict__",
    'setattr(review, "x", 1)',
    'delattr(review, "x")',
    "__builtins__",
    "breakpoint()",
    "(lambda: 0).__code__",
    "dict.__subclasses__()",
    "object.__subclasses__()",
    '"".join.__self__',
    "help()",
    "input()",
    "memoryview(b'x')",
]
REFUSED = (ExpressionError, NameError, AttributeError, NotImplementedError)
SCRIPT_ESCAPES = ["import os", "from os import system", "class A: pass", "global review\nreview.x = 1",
                  "__import__('os')", 'with open("/tmp/shenpi-pwned", "w") as f:\n    f.write("x")']


@pytest.mark.parametrize("source,check,run", [(s, check_expression, ENV.evaluate) for s in ESCAPES]
                         + [(s, check_script, ENV.execute) for s in SCRIPT_ESCAPES])
def test_escape_attempts_fail(source, check, run):
    with pytest.raises(REFUSED):
        check(source)
        run(source, {"review": "approve"})
    assert not os.path.exists("/tmp/shenpi-pwned")


def test_refusal_is_an_expression_error_with_a_line():
    with pytest.raises(ExpressionError) as info:
        check_script("x = 1\nimport os")
    assert info.value.line == 2


@settings(max_examples=150, deadline=None)
@given(st.recursive(
    st.integers(-50, 50).map(str),
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*", "==", "<", ">=", "and", "or"]), inner)
    .map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    max_leaves=12,
))
def test_arithmetic_matches_python(source):
    assert ENV.evaluate(source, {}) == eval(source)  # noqa: S307 - comparing against plain Python


FLOW = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"/>
    <bpmn:scriptTask id="Script"><bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="G" default="F_low"/>
    <bpmn:endEvent id="End_Approved"/>
    <bpmn:endEvent id="End_Denied"/>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Script"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Script" targetRef="G"/>
    <bpmn:sequenceFlow id="F_high" sourceRef="G" targetRef="End_Approved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">score &gt;= 60</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_low" sourceRef="G" targetRef="End_Denied"/>
  </bpmn:process>
</bpmn:definitions>"""


def _run(script: str, data: dict) -> BpmnWorkflow:
    parser = BpmnParser()
    parser.add_bpmn_str(FLOW.replace(b"SCRIPT", script.encode()))
    wf = BpmnWorkflow(parser.get_spec("p"), script_engine=make_script_engine())
    wf.get_tasks(spec_name="S")[0].data.update(data)
    wf.do_engine_steps()
    return wf


def test_spiffworkflow_runs_conditions_and_scripts_restricted():
    wf = _run("score = base * 2", {"base": 40})
    assert wf.is_completed() and wf.last_task.data["score"] == 80
    assert [t.task_spec.bpmn_id for t in wf.get_tasks() if t.task_spec.bpmn_id == "End_Approved" and t.state == 64]
    with pytest.raises((WorkflowException, ExpressionError)):
        _run("import os\nscore = 1", {})
