"""Restricted expressions and scripts: normal data logic works, the usual escapes do not."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.exceptions import WorkflowException

from engine.definitions import expressions
from engine.definitions.expression_guards import ExpressionError
from engine.definitions.expressions import RestrictedEnvironment, check_expression, check_script, make_script_engine

ENV = RestrictedEnvironment({"double": lambda x: 2 * x})


def test_expressions_over_case_data():
    data = {
        "review": "approve",
        "signatures": ["approve", "deny"],
        "amount": 12,
        "info": {"area": 120},
        "type": "leave",
        "due": datetime.date(2026, 1, 1),
        "tags": ("a", "b"),
    }
    assert ENV.evaluate('review == "approve"', data) is True
    assert ENV.evaluate('"deny" in signatures', data) is True
    assert ENV.evaluate('signatures.count("approve") * 3 >= len(signatures) * 2', data) is False
    assert ENV.evaluate('all(s == "approve" for s in signatures)', data) is False
    assert ENV.evaluate('info.get("area", 0) > 100 and amount % 5 == 2', data) is True
    assert ENV.evaluate("[s.upper() for s in signatures if s.startswith('a')]", data) == ["APPROVE"]
    assert ENV.evaluate("{k: v * 2 for k, v in info.items()}", data) == {"area": 240}
    assert ENV.evaluate("sorted(set(signatures))[::-1][0] + review[:3]", data) == "denyapp"
    assert ENV.evaluate("max(*[amount, 3], 5), min(1, 2), sum(range(4)), abs(-2), round(2.5)", data) == (12, 1, 6, 2, 2)
    assert ENV.evaluate("isinstance(amount, int) and int('3') + float('1.5') == 4.5 and str(1) == '1'", data)
    assert ENV.evaluate("list(zip(tags, enumerate(tags)))", data) == [("a", (0, "a")), ("b", (1, "b"))]
    assert ENV.evaluate('type == "leave"', data) is True  # a data key named like a builtin is fine
    assert ENV.evaluate("due.year == 2026 and (due - due).days == 0", data) is True
    assert ENV.evaluate('f"{review}-{amount:03d}"', data) == "approve-012"
    assert ENV.evaluate('"PT1H"', {}) == "PT1H"
    assert ENV.evaluate("\n    amount > 10\n  ", data) is True  # BPMN text with indentation


def test_extra_functions_and_external_context():
    assert ENV.evaluate("double(amount)", {"amount": 12}) == 24
    assert ENV.evaluate("double(x) + y", {"x": 1}, {"y": 5}) == 7
    env = RestrictedEnvironment({"working_days": lambda n: f"in {n} days"})
    assert env.evaluate("working_days(3)", {}) == "in 3 days"


def test_script_writes_back_data_only():
    data = {"a": 1, "items": [1, 2], "gone": 5}
    ENV.execute(
        """
        b = a + 1
        items.append(3)
        d = {}
        d["k"] = sum(items)
        a += 10
        for i, v in enumerate(items):
            if v > 2:
                last = (i, v)
        def helper(x):
            return x * 3
        c = helper(b)
        del gone
        double = 99
        print("ignored")
    """,
        data,
        {"ext": 1},
    )
    assert data == {"a": 11, "items": [1, 2, 3], "b": 2, "d": {"k": 6}, "i": 2, "v": 3, "last": (2, 3), "c": 6}
    assert not any(k.startswith("_") for k in data) and "ext" not in data and "helper" not in data


def test_failures_are_expression_errors_with_lines():
    with pytest.raises(ExpressionError) as info:
        check_script("x = 1\nimport os")
    assert info.value.line == 2 and info.value.source == "x = 1\nimport os" and "import" in info.value.message
    with pytest.raises(ExpressionError) as info:
        ENV.execute("x = 1\ny = missing + 1", {})
    assert info.value.line == 2 and "missing" in info.value.message
    with pytest.raises(ExpressionError):
        check_expression("a ==")
    with pytest.raises(ExpressionError):
        ENV.call_service({}, operation_name="x")


def test_compiled_code_is_cached():
    """Each source is compiled once, however often it is evaluated (its speed is bench/engine_throughput.py's)."""
    data = {"amount": 10, "signatures": ["approve"] * 5}
    source = 'amount > 5 and all(s == "approve" for s in signatures) and "cached" != "test"'
    misses = expressions._compile_expression.cache_info().misses
    for _i in range(50):
        assert ENV.evaluate(source, data) is True
    assert expressions._compile_expression.cache_info().misses == misses + 1


CANARY = "CANARY"  # replaced by a per-test temporary path
ESCAPES = [
    f'__import__("os").system("touch {CANARY}")',
    f'open("{CANARY}", "w").write("x")',
    'open("/etc/passwd").read()',
    "().__class__.__bases__[0].__subclasses__()",
    'getattr(1, "__class__")',
    "type(1)",
    "type(1).__subclasses__",
    "vars()",
    "globals()",
    "locals()",
    'eval("1")',
    'exec("x = 1")',
    'compile("1", "", "eval")',
    '"{0.__class__}".format(1)',
    'str.format("{0.__class__.__mro__}", 1)',
    '"{a.__class__}".format_map({"a": 1})',
    'f"{review.__class__}"',
    "(x for x in []).gi_frame",
    "(x for x in []).gi_code",
    "[].__class__",
    "review.__dict__",
    'setattr(review, "x", 1)',
    'delattr(review, "x")',
    "__builtins__",
    "_getattr_",
    "breakpoint()",
    "(lambda: 0).__code__",
    "(lambda: 0).__globals__",
    "dict.__subclasses__()",
    "object.__subclasses__()",
    "list.mro()",
    '"".join.__self__',
    "help()",
    "input()",
    "dir()",
    "memoryview(b'x')",
    "super()",
    "exit()",
]
SCRIPT_ESCAPES = [
    "import os",
    f"from os import system\nsystem('touch {CANARY}')",
    "class A: pass",
    "global review\nreview = 1",
    f"__import__('os').system('touch {CANARY}')",
    f'with open("{CANARY}", "w") as f:\n    f.write("x")',
    "def g():\n    yield 1\nframe = g().gi_frame",
    "try:\n    1 / 0\nexcept Exception as e:\n    tb = e.__traceback__",
    "review.__class__ = int",
    "x = [].__class__.__base__",
    "async def f():\n    pass",
]


@pytest.mark.parametrize("kind,template", [("expr", s) for s in ESCAPES] + [("script", s) for s in SCRIPT_ESCAPES])
def test_escape_attempts_fail(kind, template, tmp_path):
    canary = tmp_path / "pwned"
    source = template.replace(CANARY, str(canary))
    check, run = (check_expression, ENV.evaluate) if kind == "expr" else (check_script, ENV.execute)
    data = {"review": "approve"}
    with pytest.raises(ExpressionError) as info:
        check(source)  # refused at check time ...
        run(source, data)  # ... or at the latest at run time
    assert info.value.message and info.value.source == source
    with pytest.raises(ExpressionError):
        run(source, data)
    assert not canary.exists() and data == {"review": "approve"}


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.integers(-50, 50).map(str),
        lambda inner: st.tuples(
            inner, st.sampled_from(["+", "-", "*", "==", "!=", "<", ">=", "and", "or", "%"]), inner
        ).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        max_leaves=12,
    )
)
def test_arithmetic_matches_python(source):
    try:
        expected = eval(source)
    except ZeroDivisionError:
        with pytest.raises(ExpressionError):
            ENV.evaluate(source, {})
        return
    assert ENV.evaluate(source, {}) == expected


FLOW = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="S"/>
    <bpmn:scriptTask id="Script"><bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="G"/>
    <bpmn:endEvent id="End_Approved"/>
    <bpmn:endEvent id="End_Denied"/>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Script"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Script" targetRef="G"/>
    <bpmn:sequenceFlow id="F_high" sourceRef="G" targetRef="End_Approved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">score &gt;= 60</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_low" sourceRef="G" targetRef="End_Denied">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">score &lt; 60</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>"""


def _run(script: str, data: dict) -> BpmnWorkflow:
    parser = BpmnParser()
    parser.add_bpmn_str(FLOW.replace(b"SCRIPT", script.encode()))
    wf = BpmnWorkflow(parser.get_spec("p"), script_engine=make_script_engine())
    wf.get_tasks(spec_name="S")[0].data.update(data)
    wf.do_engine_steps()
    return wf


def _ended(wf: BpmnWorkflow) -> set[str]:
    return {
        t.task_spec.bpmn_id for t in wf.get_tasks() if (t.task_spec.bpmn_id or "").startswith("End_") and t.state == 64
    }


@pytest.mark.parametrize("base,end", [(40, "End_Approved"), (20, "End_Denied")])
def test_spiffworkflow_runs_conditions_and_scripts_restricted(base, end):
    wf = _run("score = base * 2", {"base": base})
    assert wf.is_completed() and _ended(wf) == {end}
    assert wf.last_task.data["score"] == base * 2 and "__builtins__" not in wf.last_task.data


def test_spiffworkflow_refuses_import_in_script_task(tmp_path):
    canary = tmp_path / "pwned"
    with pytest.raises((WorkflowException, ExpressionError)) as info:
        _run(f"import os\nos.system('touch {canary}')\nscore = 100", {})
    assert "import" in str(info.value) and not canary.exists()
    engine = make_script_engine()
    engine.validate("score >= 60")
    with pytest.raises(ExpressionError):
        engine.validate("__import__('os')")
