"""Step forms: reading camunda:formData, checking submitted data, refusing bad forms, completion and the API."""
from __future__ import annotations

import ast
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.definitions import bpmn_validation
from engine.definitions import forms
from engine.errors import InvalidInput, ProcessValidationError
from engine.identity.actors import ENGINE
from engine.models import Case
from web import create_app

from .conftest import FIVE_STEP_ENTRY, FIXTURES, PROCESSES, add_people

FIVE = (FIXTURES / "five_step.bpmn").read_bytes()
CAMUNDA = forms.CAMUNDA_NS
BPMN = f"{{{bpmn_validation.BPMN_NS}}}"

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


def with_forms(content: bytes = FIVE, **task_forms: str) -> bytes:
    """The five-step flow with camunda:formData (the given formField XML) on the named user tasks."""
    text = content.decode()
    for task_id, fields in task_forms.items():
        start = text.index(f'<bpmn:userTask id="{task_id}"')
        end = text.index("/>", start)
        body = (f'<bpmn:extensionElements><camunda:formData xmlns:camunda="{CAMUNDA}">{fields}'
                "</camunda:formData></bpmn:extensionElements>")
        text = text[:end] + f">{body}</bpmn:userTask>" + text[end + 2:]
    return text.encode()


FORMED = with_forms(Task_Accept=ACCEPT_FORM, Task_Review=REVIEW_FORM)


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
    assert by_id["accept"]["options"] == [{"value": "accept", "label": "受理"}, {"value": "refuse", "label": "不予受理"}]
    assert (by_id["fee"]["type"], by_id["fee"]["min"], by_id["fee"]["max"], by_id["fee"]["default"]) == ("long", 0, 1000, 0)
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


def reason_of(message) -> tuple:
    """A message's reason and params, with nested messages (the options of an enum) as theirs."""
    return message.reason, {k: [reason_of(v) for v in value] if isinstance(value, list) and value and hasattr(
        value[0], "reason") else value for k, value in message.params.items()}


CHOOSE = ("field_choose", {"options": [("field_option", {"label": "受理", "value": "accept"}),
                                       ("field_option", {"label": "不予受理", "value": "refuse"})]})


def test_strings_from_an_html_form_are_converted(accept_form):
    cleaned = forms.validate(accept_form, {
        "accept": "accept", "fee": " 12 ", "site_visit": "on", "visit_date": "2026-11-23", "note": "  材料齐全 ",
        "signers": "clerk, clerk2",
    })
    assert cleaned == {"accept": "accept", "fee": 12, "site_visit": True, "visit_date": "2026-11-23",
                       "note": "材料齐全", "signers": ["clerk", "clerk2"]}


@pytest.mark.parametrize("raw, value", [
    (True, True), (False, False), ("true", True), ("on", True), ("1", True), ("false", False), ("off", False),
    (0, False), (1, True),
])
def test_booleans(accept_form, raw, value):
    assert forms.validate(accept_form, {"accept": "accept", "site_visit": raw})["site_visit"] is value


def test_absent_optional_fields_are_left_out_and_defaults_filled(accept_form):
    assert forms.validate(accept_form, {"accept": "refuse", "note": "", "signers": []}) == {"accept": "refuse", "fee": 0}


@pytest.mark.parametrize("data, field, message", [
    ({}, "accept", ("field_required", {})),
    ({"accept": "  "}, "accept", ("field_required", {})),
    ({"accept": "maybe"}, "accept", CHOOSE),
    ({"accept": 1}, "accept", CHOOSE),
    ({"accept": "accept", "fee": "12.5"}, "fee", ("field_not_whole_number", {})),
    ({"accept": "accept", "fee": True}, "fee", ("field_not_whole_number", {})),
    ({"accept": "accept", "fee": -1}, "fee", ("field_below", {"limit": 0})),
    ({"accept": "accept", "fee": 1001}, "fee", ("field_above", {"limit": 1000})),
    ({"accept": "accept", "fee": 2 ** 70}, "fee", ("field_number_out_of_range", {})),
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
])
def test_each_constraint_refuses_with_its_reason(accept_form, data, field, message):
    assert refused(accept_form, data, {"shop": "便民超市"}) == {field: message}


def test_all_problems_are_reported_at_once(accept_form):
    errors = refused(accept_form, {"fee": "x", "visit_date": "tomorrow", "approval": "approve"})
    assert errors == {"accept": ("field_required", {}), "fee": ("field_not_whole_number", {}),
                      "visit_date": ("field_not_a_date", {}), "approval": ("form_no_such_field", {})}


def test_a_readonly_field_may_come_back_unchanged_and_is_never_written(accept_form):
    assert forms.validate(accept_form, {"accept": "accept", "shop": "便民超市"}, {"shop": "便民超市"}) == {
        "accept": "accept", "fee": 0}


def test_not_a_dict_is_refused(accept_form):
    with pytest.raises(InvalidInput):
        forms.validate(accept_form, ["accept"])


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=8)
KEYS = st.sampled_from(["accept", "fee", "site_visit", "visit_date", "note", "shop", "signers", "other"]) | st.text(max_size=8)
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
    ('<camunda:formField id="x" type="enum"/>', "form_enum_without_values", "an enum field needs camunda:value children"),
    ('<camunda:formField id="x" type="string"/><camunda:formField id="x" type="long"/>', "form_duplicate_field", "duplicate field id 'x'"),
    ('<camunda:formField id="x" type="enum"><camunda:value id="a"/><camunda:value id="a"/></camunda:formField>',
     "form_duplicate_value", "duplicate enum value 'a'"),
    ('<camunda:formField id="x" type="string"><camunda:value id="a"/></camunda:formField>',
     "form_value_outside_enum", "camunda:value is only allowed in an enum field"),
    ('<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="pattern" config="a"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_unknown", "unknown constraint 'pattern'"),
    ('<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="min" config="1"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_not_for_type", "constraint min does not apply to a string field"),
    ('<camunda:formField id="x" type="long"><camunda:validation><camunda:constraint name="max" config="ten"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_number", "constraint max needs a whole number"),
    ('<camunda:formField id="x" type="date"><camunda:validation><camunda:constraint name="min" config="2026-13-01"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_date", "constraint min needs an ISO date"),
    ('<camunda:formField id="x" type="long"><camunda:validation><camunda:constraint name="min" config="5"/>'
     '<camunda:constraint name="max" config="1"/></camunda:validation></camunda:formField>', "form_limits_reversed", "min 5 is greater than max 1"),
    ('<camunda:formField id="x" type="string"><camunda:validation><camunda:constraint name="required" config="yes"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_without_config", "constraint required takes no config"),
    ('<camunda:formField id="x" type="users"><camunda:validation><camunda:constraint name="minlength" config="-1"/>'
     "</camunda:validation></camunda:formField>", "form_constraint_negative", "constraint minlength cannot be negative"),
    ('<camunda:formField id="x" type="long" defaultValue="abc"/>', "form_default_invalid", "defaultValue 'abc' is not valid: must be a whole number"),
    ('<camunda:formField id="_x" type="string"/>', "form_field_id_invalid", "the id must be a data name"),
    ('<camunda:formField id="class" type="string"/>', "form_field_id_invalid", "the id must be a data name"),
    ('<camunda:formField id="x" type="string"><camunda:script/></camunda:formField>', "form_field_unexpected_element", "unexpected element script"),
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
        etree.ElementTree(etree.fromstring(content)), "Task_Review")


def test_form_data_outside_a_user_task_is_refused():
    content = FIVE.replace(b'<bpmn:startEvent id="StartEvent_1" name="\xe7\x94\xb3\xe8\xaf\xb7"/>', (
        f'<bpmn:startEvent id="StartEvent_1"><bpmn:extensionElements><camunda:formData xmlns:camunda="{CAMUNDA}">'
        '<camunda:formField id="x" type="string"/></camunda:formData></bpmn:extensionElements></bpmn:startEvent>'
    ).encode())
    with pytest.raises(ProcessValidationError, match="belongs in the extensionElements of a user task") as caught:
        bpmn_validation.check(content)
    assert caught.value.element == "StartEvent_1"


def test_deploy_refuses_a_bad_form_and_stores_nothing(shenpi):
    with pytest.raises(ProcessValidationError, match="unknown type"):
        shenpi.repository.deploy(with_forms(Task_Review='<camunda:formField id="x" type="money"/>'), "bad.bpmn")
    assert shenpi.repository.list_definitions() == []


# --- completion -----------------------------------------------------------------------------------------------

@pytest.fixture
def formed(shenpi):
    """The five-step flow with forms on 受理 and 审核, published as TEST-0001."""
    shenpi.repository.deploy(FORMED, "five_step.bpmn", actor="admin")
    shenpi.catalogue.publish(FIVE_STEP_ENTRY, "admin")
    add_people(shenpi)
    return shenpi


def start(engine, data=None):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, data or {"shop": "便民超市"},
                                     engine.identity.actor("citizen"))
    return case, case["tasks"][0]


def case_state(engine, case_id):
    with engine.db.reading() as session:
        version = session.scalar(sa.select(Case.lock_version).where(Case.id == case_id))
    return version, len(engine.history.case_trail(case_id, ENGINE))


def test_forms_are_parsed_once_per_deployed_file(formed):
    definition = formed.repository.list_definitions()[0]["id"]
    first = formed.repository.form(definition, "Task_Accept")
    assert first is formed.repository.form(definition, "Task_Accept")
    assert formed.repository.form(definition, "Task_Handle") is None


def test_invalid_data_leaves_the_task_open_and_the_case_unchanged(formed):
    case, task = start(formed)
    before = case_state(formed, case["id"])
    clerk = formed.identity.actor("clerk")
    with pytest.raises(InvalidInput) as caught:
        formed.tasks.complete(task["id"], clerk, {"accept": "yes", "fee": "-3", "review": "approve"}, "受理")
    assert {k: reason_of(v) for k, v in caught.value.details["fields"].items()} == {
        "accept": CHOOSE, "fee": ("field_below", {"limit": 0}), "review": ("form_no_such_field", {})}
    with pytest.raises(InvalidInput) as caught:
        formed.tasks.complete(task["id"], clerk, {"accept": "accept", "signers": ["clerk", "nobody"]}, "受理")
    assert caught.value.reason == "form_invalid" and caught.value.params["labels"] == ["会签人员"]
    assert {k: reason_of(v) for k, v in caught.value.details["fields"].items()} == {
        "signers": ("accounts_inactive", {"accounts": ["nobody"]})}
    assert case_state(formed, case["id"]) == before
    assert formed.tasks.get_task(task["id"], clerk)["state"] == "open"
    assert [t["id"] for t in formed.tasks.list_tasks(ENGINE, case=case["id"])] == [task["id"]]

    formed.tasks.complete(task["id"], clerk, {"accept": "accept", "fee": "20", "site_visit": "on",
                                              "visit_date": "2026-12-01", "signers": "clerk,clerk2"}, "受理")
    done = formed.tasks.get_task(task["id"], clerk)
    assert done["state"] == "completed"
    assert done["form"]["values"] == {"accept": "accept", "fee": 20, "site_visit": True, "visit_date": "2026-12-01",
                                      "shop": "便民超市", "signers": ["clerk", "clerk2"]}


def test_users_field_from_a_post(formed):
    case, task = start(formed)
    formed.tasks.complete(task["id"], ENGINE, {"accept": "accept", "signers_from_post": "测试局/受理窗口"}, "受理")
    assert formed.tasks.get_task(task["id"], ENGINE)["form"]["values"]["signers"] == ["clerk", "clerk2"]


def test_the_gateway_reads_the_form_values(formed):
    case, task = start(formed)
    formed.tasks.complete(task["id"], ENGINE, {"accept": "accept"}, "受理")
    handle = formed.tasks.list_tasks(ENGINE, case=case["id"])[0]
    assert formed.tasks.get_task(handle["id"], ENGINE)["form"] is None
    formed.tasks.complete(handle["id"], ENGINE, {"anything": "goes"}, None)    # a step without a form: as before
    review = formed.tasks.list_tasks(ENGINE, case=case["id"])[0]
    with pytest.raises(InvalidInput):
        formed.tasks.complete(review["id"], ENGINE, {}, None)
    formed.tasks.complete(review["id"], ENGINE, {"review": "revise"}, "补充说明")
    assert formed.tasks.list_tasks(ENGINE, case=case["id"])[0]["element"] == "Task_Handle"


def test_task_view_shows_the_form_with_current_values(formed):
    case, task = start(formed, {"shop": "便民超市", "fee": 5})
    view = formed.tasks.get_task(task["id"], formed.identity.actor("clerk"))
    assert [f["id"] for f in view["form"]["fields"]][:2] == ["accept", "fee"]
    assert view["form"]["fields"][0]["options"][1] == {"value": "refuse", "label": "不予受理"}
    assert view["form"]["values"] == {"shop": "便民超市", "fee": 5}


# --- API ------------------------------------------------------------------------------------------------------

@pytest.fixture
def client(formed):
    app = create_app(shenpi=formed, testing=True)
    client = app.test_client()
    client.token = formed.identity.create_token("clerk")
    return client


def test_api_refuses_invalid_form_data_with_field_errors(client, formed):
    case, task = start(formed)
    before = case_state(formed, case["id"])
    headers = {"Authorization": f"Bearer {client.token}"}
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                           json={"data": {"accept": "maybe", "visit_date": "2026-02-30"}, "opinion": "受理"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and "是否受理" in error["message"]
    assert error["fields"] == {"accept": "请选择：受理（accept）、不予受理（refuse）",
                               "visit_date": "应为日期，格式如 2026-11-23"}
    assert case_state(formed, case["id"]) == before

    shown = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).get_json()
    assert shown["state"] == "open" and shown["form"]["fields"][0]["id"] == "accept"
    assert shown["form"]["values"] == {"shop": "便民超市"}
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                       json={"data": {"accept": "accept", "fee": "8"}, "opinion": "受理"})
    assert done.status_code == 200 and done.get_json()["state"] == "completed"


def test_openapi_describes_the_form(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "form" in schemas["Task"]["properties"] and "fields" in schemas["Form"]["properties"]
    assert "fields" in schemas["Error"]["properties"]["error"]["properties"]


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
