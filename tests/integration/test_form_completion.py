"""Step forms in a running engine: deploying refuses a bad form, completion checks the submitted data, the gateway
reads it, the task shows the form, and the API answers with field errors. Reading and checking: unit/test_forms.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, ProcessValidationError
from engine.identity.actors import ENGINE
from engine.models import Case
from web import create_app

from ..helpers import CHOOSE, FORMED, publish_five_step, reason_of, with_forms


def test_deploy_refuses_a_bad_form_and_stores_nothing(bare_engine):
    with pytest.raises(ProcessValidationError, match="unknown type"):
        bare_engine.repository.deploy(with_forms(Task_Review='<camunda:formField id="x" type="money"/>'), "bad.bpmn")
    assert bare_engine.repository.list_definitions() == []


# --- completion -----------------------------------------------------------------------------------------------


@pytest.fixture
def formed(bare_engine):
    """The five-step flow with forms on 受理 and 审核, published as TEST-0001, and the test people."""
    return publish_five_step(bare_engine, FORMED)


def start(engine, data=None):
    case = engine.cases.start_case(
        "TEST-0001", {"name": "张三"}, data or {"shop": "便民超市"}, engine.identity.actor("citizen")
    )
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
        "accept": CHOOSE,
        "fee": ("field_below", {"limit": 0}),
        "review": ("form_no_such_field", {}),
    }
    with pytest.raises(InvalidInput) as caught:
        formed.tasks.complete(task["id"], clerk, {"accept": "accept", "signers": ["clerk", "nobody"]}, "受理")
    assert caught.value.reason == "form_invalid" and caught.value.params["labels"] == ["会签人员"]
    assert {k: reason_of(v) for k, v in caught.value.details["fields"].items()} == {
        "signers": ("accounts_inactive", {"accounts": ["nobody"]})
    }
    assert case_state(formed, case["id"]) == before
    assert formed.tasks.get_task(task["id"], clerk)["state"] == "open"
    assert [t["id"] for t in formed.tasks.list_tasks(ENGINE, case=case["id"])] == [task["id"]]

    formed.tasks.complete(
        task["id"],
        clerk,
        {"accept": "accept", "fee": "20", "site_visit": "on", "visit_date": "2026-12-01", "signers": "clerk,clerk2"},
        "受理",
    )
    done = formed.tasks.get_task(task["id"], clerk)
    assert done["state"] == "completed"
    assert done["form"]["values"] == {
        "accept": "accept",
        "fee": 20,
        "site_visit": True,
        "visit_date": "2026-12-01",
        "shop": "便民超市",
        "signers": ["clerk", "clerk2"],
    }


def test_users_field_from_a_post(formed):
    case, task = start(formed)
    formed.tasks.complete(task["id"], ENGINE, {"accept": "accept", "signers_from_post": "测试局/受理窗口"}, "受理")
    assert formed.tasks.get_task(task["id"], ENGINE)["form"]["values"]["signers"] == ["clerk", "clerk2"]


def test_the_gateway_reads_the_form_values(formed):
    case, task = start(formed)
    formed.tasks.complete(task["id"], ENGINE, {"accept": "accept"}, "受理")
    handle = formed.tasks.list_tasks(ENGINE, case=case["id"])[0]
    assert formed.tasks.get_task(handle["id"], ENGINE)["form"] is None
    formed.tasks.complete(handle["id"], ENGINE, {"anything": "goes"}, None)  # a step without a form: as before
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
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=headers,
        json={"data": {"accept": "maybe", "visit_date": "2026-02-30"}, "opinion": "受理"},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and "是否受理" in error["message"]
    assert error["fields"] == {
        "accept": "请选择：受理（accept）、不予受理（refuse）",
        "visit_date": "应为日期，格式如 2026-11-23",
    }
    assert case_state(formed, case["id"]) == before

    shown = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).get_json()
    assert shown["state"] == "open" and shown["form"]["fields"][0]["id"] == "accept"
    assert shown["form"]["values"] == {"shop": "便民超市"}
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=headers,
        json={"data": {"accept": "accept", "fee": "8"}, "opinion": "受理"},
    )
    assert done.status_code == 200 and done.get_json()["state"] == "completed"


def test_openapi_describes_the_form(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    task = spec["paths"]["/tasks/{task_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert (
        "form" in schemas[task["$ref"].rsplit("/", 1)[1]]["properties"]
        and "fields" in schemas["StepForm"]["properties"]
    )
    assert "fields" in schemas["ErrorDetail"]["properties"]
