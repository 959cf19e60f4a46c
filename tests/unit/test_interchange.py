"""Models from other tools as they are written (issue 17 §2): unquoted ISO 8601 timer values are quoted, the common
JUEL conditions of Camunda Modeler become sandboxed expressions, anything else in ${…} is refused naming the
element."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.definitions import expressions, interchange, juel


@pytest.mark.parametrize(
    "source, python",
    [
        ("${approved}", "approved"),
        ("${!approved}", "not approved"),
        ("${amount > 1000}", "amount > 1000"),
        ("${type == 'A'}", "type == 'A'"),
        ("${a && b}", "a and b"),
        ("${a || !b}", "a or not b"),
        ('${amount ge 10 and level eq "high"}', 'amount >= 10 and level == "high"'),
        ("${done == true || x == null}", "done == True or x == None"),
        ("${(a + 2) * 3 != 9}", "( a + 2 ) * 3 != 9"),
    ],
)
def test_common_juel_forms_are_translated(source, python):
    assert juel.translate(source) == python
    expressions.check_expression(python)
    assert expressions.RestrictedEnvironment().evaluate(
        python, {"approved": True, "amount": 5, "type": "A", "a": 1, "b": 0, "level": "high", "done": 1, "x": 2}
    ) in (True, False)


@pytest.mark.parametrize(
    "source",
    ["${order.total > 5}", "${empty items}", "${a ? b : c}", "${execution.getVariable('x')}", "${list[0]}", "${}"],
)
def test_other_juel_is_not_translated(source):
    assert juel.translate(source) is None


def process(body: str) -> etree._Element:
    return etree.fromstring(
        '<bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p">' + body + "</bpmn:process>"
    )


@pytest.mark.parametrize(
    "value",
    ["PT5M", "R3/PT10M", "2026-12-01T09:00:00+08:00", "P1DT2H", "R/P1D", "2026-12-01T09:00:00Z/P1D"],
)
def test_unquoted_iso_timer_values_are_quoted(value):
    tree = process(
        f'<bpmn:boundaryEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDuration>{value}'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    assert list(interchange.normalise(tree)) == []
    assert tree.findtext(".//{*}timeDuration") == repr(value)


@pytest.mark.parametrize("value", ['"PT5M"', "working_days(3)", "PT5M + 1", "P", "PT"])
def test_other_timer_values_are_left_as_written(value):
    tree = process(
        f'<bpmn:boundaryEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDuration>{value}'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    list(interchange.normalise(tree))
    assert tree.findtext(".//{*}timeDuration") == value


def test_a_juel_condition_not_translated_names_its_flow():
    tree = process(
        '<bpmn:sequenceFlow id="Flow_9" sourceRef="a" targetRef="b">'
        "<bpmn:conditionExpression>${order.total &gt; 5}</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )
    (problem,) = interchange.normalise(tree)
    assert problem.reason == "bpmn_juel_unsupported" and problem.element == "Flow_9"
    assert "${order.total > 5}" in str(problem)


@pytest.mark.parametrize(
    "source, python", [("=fraud", "fraud"), ("= fraud ", "fraud"), ("=not(fraud)", "not fraud"), ("=x > 1", None)]
)
def test_feel_s_plain_variable_test_is_translated_and_other_feel_left(source, python):
    tree = process(
        '<bpmn:sequenceFlow id="F" sourceRef="a" targetRef="b">'
        f"<bpmn:conditionExpression>{source.replace('>', '&gt;')}</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )
    assert list(interchange.normalise(tree)) == []
    assert tree.findtext(".//{*}conditionExpression") == (python or source)


def test_a_zeebe_loop_over_a_plain_variable_is_read_as_bpmn_s():
    zeebe = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"'
    tree = process(
        f'<bpmn:callActivity id="Call" calledElement="x"><bpmn:multiInstanceLoopCharacteristics {zeebe}>'
        '<bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=documents" inputElement="document"/>'
        "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:callActivity>"
        f'<bpmn:userTask id="U"><bpmn:multiInstanceLoopCharacteristics {zeebe}><bpmn:extensionElements>'
        '<zeebe:loopCharacteristics inputCollection="=a.items" inputElement="i"/></bpmn:extensionElements>'
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
    )
    list(interchange.normalise(tree))
    assert tree.findtext(".//{*}callActivity//{*}loopDataInputRef") == "documents"
    assert tree.find(".//{*}callActivity//{*}inputDataItem").get("name") == "document"
    assert tree.find(".//{*}userTask//{*}loopDataInputRef") is None  # a path: left for the engine to refuse
