"""Step forms: reading camunda:formData, checking submitted data, refusing bad forms; the forms of the catalogue's
flows. In a running engine: integration/test_form_completion.py."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.definitions import bpmn_validation, forms
from engine.errors import InvalidInput, ProcessValidationError

from ..helpers import CHOOSE, FIXTURES, FORMED, PROCESSES, reason_of, with_forms

FIVE = (FIXTURES / "five_step.bpmn").read_bytes()
CAMUNDA = forms.CAMUNDA_NS
BPMN = f"{{{bpmn_validation.BPMN_NS}}}"


def form_of(content: bytes, task_id: str = "Task_Accept") -> forms.Form:
    return bpmn_validation.check(content).forms[task_id]


@pytest.fixture(scope="module")
def accept_form() -> forms.Form:
    return form_of(FORMED)


# --- reading --------------------------------------------------------------------------------------------------


def test_every_type_and_constraint_is_read(accept_form):
    by_id = {f["id"]: f for f in accept_form.to_dict()["fields"]}
    assert list(by_id) == ["accept", "fee", "site_visit", "visit_date", "note", "shop", "signers"]
    assert by_id["accept"]["type"] == "enum" and by_id["accept"]["required"] is True
    assert by_id["accept"]["options"] == [
        {"value": "accept", "label": "受理"},
        {"value": "refuse", "label": "不予受理"},
    ]
    assert (by_id["fee"]["type"], by_id["fee"]["min"], by_id["fee"]["max"], by_id["fee"]["default"]) == (
        "long",
        0,
        1000,
        0,
    )
    assert by_id["site_visit"]["type"] == "boolean" and by_id["site_visit"]["required"] is False
    assert (by_id["visit_date"]["min"], by_id["visit_date"]["max"]) == ("2026-01-01", "2026-12-31")
    assert (by_id["note"]["label"], by_id["note"]["minlength"], by_id["note"]["maxlength"]) == ("备注", 2, 20)
    assert by_id["shop"]["readonly"] is True
    assert (by_id["signers"]["type"], by_id["signers"]["minlength"], by_id["signers"]["maxlength"]) == ("users", 2, 3)


def test_steps_without_form_data_have_none():
    checked = bpmn_validation.check(FORMED)
    assert set(checked.forms) == {"Task_Accept", "Task_Review"}
    assert bpmn_validation.check(FIVE).forms == {}


def test_label_defaults_to_the_id():
    form = form_of(with_forms(Task_Accept='<camunda:formField id="remark" type="string"/>'))
    assert form.fields[0].label == "remark"


# --- validation -----------------------------------------------------------------------------------------------


def refused(form, data, current=None) -> dict:
    """Field id -> (reason, params) of each field's problem."""
    with pytest.raises(InvalidInput) as caught:
        forms.validate(form, data, current)
    assert (caught.value.code, caught.value.reason) == ("invalid_input", "form_invalid")
    fields = caught.value.details["fields"]
    assert caught.value.params["labels"] == [form.by_id[k].label if k in form.by_id else k for k in fields]
    return {name: reason_of(message) for name, message in fields.items()}


def test_strings_from_an_html_form_are_converted(accept_form):
    cleaned = forms.validate(
        accept_form,
        {
            "accept": "accept",
            "fee": " 12 ",
            "site_visit": "on",
            "visit_date": "2026-11-23",
            "note": "  材料齐全 ",
            "signers": "clerk, clerk2",
        },
    )
    assert cleaned == {
        "accept": "accept",
        "fee": 12,
        "site_visit": True,
        "visit_date": "2026-11-23",
        "note": "材料齐全",
        "signers": ["clerk", "clerk2"],
    }


@pytest.mark.parametrize(
    "raw, value",
    [
        (True, True),
        (False, False),
        ("true", True),
        ("on", True),
        ("1", True),
        ("false", False),
        ("off", False),
        (0, False),
        (1, True),
    ],
)
def test_booleans(accept_form, raw, value):
    assert forms.validate(accept_form, {"accept": "accept", "site_visit": raw})["site_visit"] is value


def test_absent_optional_fields_are_left_out_and_defaults_filled(accept_form):
    assert forms.validate(accept_form, {"accept": "refuse", "note": "", "signers": []}) == {
        "accept": "refuse",
        "fee": 0,
    }


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "accept", ("field_required", {})),
        ({"accept": "  "}, "accept", ("field_required", {})),
        ({"accept": "maybe"}, "accept", CHOOSE),
        ({"accept": 1}, "accept", CHOOSE),
        ({"accept": "accept", "fee": "12.5"}, "fee", ("field_not_whole_number", {})),
        ({"accept": "accept", "fee": True}, "fee", ("field_not_whole_number", {})),
        ({"accept": "accept", "fee": -1}, "fee", ("field_below", {"limit": 0})),
        ({"accept": "accept", "fee": 1001}, "fee", ("field_above", {"limit": 1000})),
        ({"accept": "accept", "fee": 2**70}, "fee", ("field_number_out_of_range", {})),
        ({"accept": "accept", "site_visit": "perhaps"}, "site_visit", ("field_not_boolean", {})),
        ({"accept": "accept", "visit_date": "2026-02-30"}, "visit_date", ("field_not_a_date", {})),
        ({"accept": "accept", "visit_date": "23/11/2026"}, "visit_date", ("field_not_a_date", {})),
        ({"accept": "accept", "visit_date": "2025-12-31"}, "visit_date", ("field_before", {"limit": "2026-01-01"})),
        ({"accept": "accept", "visit_date": "2027-01-01"}, "visit_date", ("field_after", {"limit": "2026-12-31"})),
        ({"accept": "accept", "note": "好"}, "note", ("field_too_few_characters", {"min": 2})),
        ({"accept": "accept", "note": "很" * 21}, "note", ("field_too_many_characters", {"max": 20})),
        ({"accept": "accept", "note": ["a"]}, "note", ("field_not_text", {})),
        ({"accept": "accept", "signers": ["clerk"]}, "signers", ("field_too_few_people", {"min": 2})),
        ({"accept": "accept", "signers": ["a", "b", "c", "d"]}, "signers", ("field_too_many_people", {"max": 3})),
        ({"accept": "accept", "signers": ["a", "a"]}, "signers", ("field_accounts_repeated", {"accounts": ["a"]})),
        ({"accept": "accept", "signers": ["a", "b c"]}, "signers", ("field_accounts_malformed", {"accounts": ["b c"]})),
        ({"accept": "accept", "signers": {"a": 1}}, "signers", ("field_not_accounts", {})),
        ({"accept": "accept", "review": "approve"}, "review", ("form_no_such_field", {})),
        ({"accept": "accept", "shop": "别的店"}, "shop", ("field_read_only", {})),
    ],
)
def test_each_constraint_refuses_with_its_reason(accept_form, data, field, message):
    assert refused(accept_form, data, {"shop": "便民超市"}) == {field: message}


def test_all_problems_are_reported_at_once(accept_form):
    errors = refused(accept_form, {"fee": "x", "visit_date": "tomorrow", "approval": "approve"})
    assert errors == {
        "accept": ("field_required", {}),
        "fee": ("field_not_whole_number", {}),
        "visit_date": ("field_not_a_date", {}),
        "approval": ("form_no_such_field", {}),
    }


def test_a_readonly_field_may_come_back_unchanged_and_is_never_written(accept_form):
    assert forms.validate(accept_form, {"accept": "accept", "shop": "便民超市"}, {"shop": "便民超市"}) == {
        "accept": "accept",
        "fee": 0,
    }


def test_not_a_dict_is_refused(accept_form):
    with pytest.raises(InvalidInput):
        forms.validate(accept_form, ["accept"])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
KEYS = st.sampled_from(["accept", "fee", "site_visit", "visit_date", "note", "shop", "signers", "other"]) | st.text(
    max_size=8
)
VALUES = JSON | st.sampled_from(["accept", "refuse", "12", "on", "2026-05-01", "a,b", ["a", "b"], "", "  "])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(KEYS, VALUES, max_size=8), st.dictionaries(KEYS, VALUES, max_size=3))
def test_validate_raises_nothing_but_invalid_input(accept_form, submitted, current):
    try:
        cleaned = forms.validate(accept_form, submitted, current)
    except InvalidInput as exc:
        assert exc.details["fields"] and all(isinstance(m, str) and m for m in exc.details["fields"].values())
        return
    types = {"accept": str, "fee": int, "site_visit": bool, "visit_date": str, "note": str, "signers": list}
    assert set(cleaned) <= set(types) and "accept" in cleaned
    assert all(isinstance(value, types[key]) for key, value in cleaned.items())


# --- deploy-time refusal --------------------------------------------------------------------------------------

BAD_FORMS = [
    ('<camunda:formField id="x" type="money"/>', "form_field_type_unknown", "unknown type 'money'"),
    ('<camunda:formField id="x" label="X"/>', "form_field_type_unknown", "unknown type ''"),
    (
        '<camunda:formField id="x" type="enum"/>',
        "form_enum_without_values",
        "an enum field needs camunda:value children",
    ),
    (
        '<camunda:formField id="x" type="string"/><camunda:formField id="x" type="long"/>',
        "form_duplicate_field",
        "duplicate field id 'x'",
    ),
    (
        '<camunda:formField id="x" type="enum"><camunda:value id="a"/><camunda:value id="a"/></camunda:formField>',
        "form_duplicate_value",
        "duplicate enum value 'a'",
    ),
    (
        '<camunda:formField id="x" type="string"><camunda:value id="a"/></camunda:formField>',
        "form_value_outside_enum",
        "camunda:value is only allowed in an enum field",
    ),
    (
        '<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="pattern" config="a"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_unknown",
        "unknown constraint 'pattern'",
    ),
    (
        '<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="min" config="1"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_not_for_type",
        "constraint min does not apply to a string field",
    ),
    (
        '<camunda:formField id="x" type="long"><camunda:validation><camunda:constraint name="max" config="ten"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_number",
        "constraint max needs a whole number",
    ),
    (
        '<camunda:formField id="x" type="date"><camunda:validation><camunda:constraint name="min" config="2026-13-01"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_date",
        "constraint min needs an ISO date",
    ),
    (
        '<camunda:formField id="x" type="long"><camunda:validation><camunda:constraint name="min" config="5"/>'
        '<camunda:constraint name="max" config="1"/></camunda:validation></camunda:formField>',
        "form_limits_reversed",
        "min 5 is greater than max 1",
    ),
    (
        '<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="required" config="yes"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_without_config",
        "constraint required takes no config",
    ),
    (
        '<camunda:formField id="x" type="users"><camunda:validation><camunda:constraint name="minlength" config="-1"/>'
        "</camunda:validation></camunda:formField>",
        "form_constraint_negative",
        "constraint minlength cannot be negative",
    ),
    (
        '<camunda:formField id="x" type="long" defaultValue="abc"/>',
        "form_default_invalid",
        "defaultValue 'abc' is not valid: must be a whole number",
    ),
    ('<camunda:formField id="_x" type="string"/>', "form_field_id_invalid", "the id must be a data name"),
    ('<camunda:formField id="class" type="string"/>', "form_field_id_invalid", "the id must be a data name"),
    (
        '<camunda:formField id="x" type="string"><camunda:script/></camunda:formField>',
        "form_field_unexpected_element",
        "unexpected element script",
    ),
    ("", "form_without_fields", "has no camunda:formField"),
]


@pytest.mark.parametrize("fields, reason, message", BAD_FORMS, ids=[r for _, r, _ in BAD_FORMS])
def test_malformed_forms_are_refused_naming_the_task_and_line(fields, reason, message):
    content = with_forms(Task_Review=fields)
    with pytest.raises(ProcessValidationError) as caught:
        bpmn_validation.check(content)
    assert caught.value.reason == reason
    assert message in caught.value.message and "Task_Review" in caught.value.message
    assert caught.value.element == "Task_Review" and caught.value.line == bpmn_validation.line_of(
        etree.ElementTree(etree.fromstring(content)), "Task_Review"
    )


def test_form_data_outside_a_user_task_is_refused():
    content = FIVE.replace(
        b'<bpmn:startEvent id="StartEvent_1" name="\xe7\x94\xb3\xe8\xaf\xb7"/>',
        (
            f'<bpmn:startEvent id="StartEvent_1"><bpmn:extensionElements><camunda:formData xmlns:camunda="{CAMUNDA}">'
            '<camunda:formField id="x" type="string"/></camunda:formData></bpmn:extensionElements></bpmn:startEvent>'
        ).encode(),
    )
    with pytest.raises(ProcessValidationError, match="belongs in the extensionElements of a user task") as caught:
        bpmn_validation.check(content)
    assert caught.value.element == "StartEvent_1"


# --- the catalogue's flows ------------------------------------------------------------------------------------

PROCESS_FILES = sorted(PROCESSES.glob("*.bpmn"))


def _compared(condition: str) -> dict[str, set]:
    """name -> string constants a condition compares it with (``a == "x"``, ``"x" in (a, b)``)."""
    found = {}
    for node in ast.walk(ast.parse(condition, mode="eval")):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            constants = {o.value for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, str)}
            for operand in operands:
                names = [operand] if isinstance(operand, ast.Name) else getattr(operand, "elts", [])
                for name in names:
                    if isinstance(name, ast.Name):
                        found.setdefault(name.id, set()).update(constants)
    return found


@pytest.mark.parametrize("path", PROCESS_FILES, ids=[p.stem for p in PROCESS_FILES])
def test_every_documented_form_is_a_real_form(path):
    content = path.read_bytes()
    checked = bpmn_validation.check(content)
    tree = etree.fromstring(content)
    options = {}
    for task in tree.iter(f"{BPMN}userTask"):
        documentation = task.findtext(f"{BPMN}documentation") or ""
        named = set(re.findall(r"([a-z_]+)\s*=", documentation))
        if "表单" not in documentation and not named:
            assert task.get("id") not in checked.forms
            continue
        form = checked.forms.get(task.get("id"))
        assert form is not None, f"{path.name}: {task.get('id')} documents a form but has no camunda:formData"
        assert {f.id for f in form.fields} == named, task.get("id")
        assert all(f.label != f.id and any("\u4e00" <= c <= "\u9fff" for c in f.label) for f in form.fields)
        for f in form.fields:
            assert all(f'"{value}"' in documentation for value, _label in f.options)
            options.setdefault(f.id, set()).update(value for value, _ in f.options)
    for flow in tree.iter(f"{BPMN}conditionExpression"):
        for name, constants in _compared(flow.text).items():
            assert name in options, f"{path.name}: {name} in a gateway condition is no form field"
            assert constants <= options[name], f"{path.name}: {name} compared with {constants - options[name]}"
