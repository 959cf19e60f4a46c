"""Issue 15 §1 through the API and the modeler: the attacking inputs are a 422 naming the element at deploy, a 400
with the bound's reason when a case's data goes over it (in the reader's language), never a 500 or a hang; the
modeler's condition check gives the verdict deploy gives."""

from __future__ import annotations

import io

import pytest

from ..helpers import bounds_flow
from .helpers import auth, signed_in
from .test_api import assert_error
from .test_modeler_panel import post_json

DEPLOY_REFUSED = [
    (dict(condition="9 ** 9 ** 9 > 0"), "Flow_Yes"),
    (dict(script="x = 9 ** 9 ** 6"), "Script_Calc"),
    (dict(script="x = 'a' * 200000000"), "Script_Calc"),
    (dict(timer='"R/PT0S"', kind="timeCycle"), "Timer_Limit"),
    (dict(timer='"R/P0D"', kind="timeCycle"), "Timer_Limit"),
    (dict(timer='"P99999999Y"'), "Timer_Limit"),
    (dict(timer='"PT-1S"'), "Timer_Limit"),
    (dict(timer='"9999-12-31T23:59:59+14:00"', kind="timeDate"), "Timer_Limit"),
    (dict(timer='"P1000000000000D"'), "Timer_Limit"),
]


def deploy(api, content: bytes, language: str = "zh-CN"):
    return api.post(
        "/api/v1/process-definitions",
        headers={**auth(api, "admin"), "Accept-Language": language},
        data={"file": (io.BytesIO(content), "bounds.bpmn")},
    )


@pytest.mark.parametrize("parts, element", DEPLOY_REFUSED)
def test_deploying_the_issues_inputs_is_a_422_naming_the_element(api, parts, element):
    body = assert_error(deploy(api, bounds_flow(**parts)), 422, "invalid_process")
    assert body["element"] == element and body["reason"] in ("bpmn_expression_refused", "bpmn_timer_refused")
    assert element in body["message"] and ("表达式" in body["message"] or "定时器" in body["message"])
    english = assert_error(deploy(api, bounds_flow(**parts), "en"), 422, "invalid_process")
    assert element in english["message"] and english["message"].isascii()


@pytest.fixture
def engine(engine):
    """TEST-0001 runs the bounds flow: its condition raises n to the power n to the power n."""
    engine.repository.deploy(bounds_flow(condition="n ** n ** n > 0"), "bounds.bpmn", actor="admin")
    return engine


def start(api, data, language="zh-CN"):
    return api.post(
        "/api/v1/cases",
        headers={**auth(api, "citizen"), "Accept-Language": language},
        json={"matter": "TEST-0001", "applicant": {"name": "张三"}, "data": data},
    )


def test_a_case_whose_data_goes_over_a_bound_is_a_400_and_the_server_goes_on(api):
    body = assert_error(start(api, {"n": 9}), 400, "invalid_input")
    assert body["reason"] == "step_over_bounds" and body["element"] == "Gateway_Check"
    assert body["params"]["bound"] == "expr_number_too_large"
    assert "Gateway_Check 被拒绝" in body["message"] and "计算前拒绝" in body["message"]
    english = assert_error(start(api, {"n": 9}, "en"), 400, "invalid_input")
    assert english["message"].startswith("Gateway_Check was refused: the result of ** would have more than")
    assert api.get("/api/v1/cases", headers=auth(api, "citizen")).get_json() == []
    assert api.get("/api/v1/health").get_json()["status"] == "ok"
    assert start(api, {"n": 2}).status_code == 201


def test_the_modelers_check_gives_the_verdict_deploy_gives(app, api):
    admin = signed_in(app, "admin")
    for condition in ("9 ** 9 ** 9 > 0", "1 << 10 ** 6 > 0", '"a" * 10 ** 9 == ""', 'f"{n:>{n}}" == ""'):
        checked = post_json(admin, "/admin/modeler/check-expression", {"expression": condition, "fields": ["n"]})
        assert checked.status_code == 200 and checked.get_json()["valid"] is False, condition
        assert checked.get_json()["line"] == 1
        assert deploy(api, bounds_flow(condition=condition)).status_code == 422
    for condition in ("n ** n ** n > 0", "2 ** 100 > n"):  # over a bound only with some data: checked at run time
        checked = post_json(admin, "/admin/modeler/check-expression", {"expression": condition, "fields": ["n"]})
        assert checked.get_json()["valid"] is True, condition
