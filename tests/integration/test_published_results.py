"""Results published (结果公开): the decided cases whose result the department published, masked and paged, filtered
by matter, department and month, on a public page and in the API."""

from __future__ import annotations

import datetime as dt

from engine.errors import InvalidInput
from web import create_app

from ..helpers import complete, ended_case, refused


def _publish(engine, case_id):
    engine.violations.fees.publish_result(case_id, engine.identity.actor("clerk"))


def _denied_case(engine, name):
    applicant = {"name": name, "id_number": "110101199001011234", "phone": "13900000000"}
    case = engine.cases.start_case("TEST-0001", applicant, {}, engine.identity.actor("citizen"))
    for data in ({"accept": "accept"}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    complete(engine, case["id"], {"approval": "deny"}, opinion="不符合许可条件")
    return case


def test_only_published_results_are_listed_masked_and_without_personal_data(five_step_engine, clock):
    """Seed 002 Art. 6: 行政机关应当在本机关的互联网站上公开……提供审批结果查询和其他便民服务; Art. 11 (8): 不按规定公开
    审批结果的 (a yellow signal): a published result is on the public list, an unpublished one is not."""
    engine = five_step_engine
    published, unpublished = ended_case(engine), ended_case(engine)
    denied = _denied_case(engine, "欧阳娜娜")
    _publish(engine, published["id"])
    _publish(engine, denied["id"])
    page = engine.published_results.page()
    assert [r["number"] for r in page["items"]] == [denied["number"], published["number"]]
    assert unpublished["number"] not in {r["number"] for r in page["items"]}
    approved = page["items"][1]
    assert approved["applicant"] == "张*" and approved["outcome"] == "approved"
    assert approved["matter_name"] == "测试事项" and approved["department"] == "测试局"
    assert page["items"][0]["applicant"] == "欧阳**" and page["items"][0]["outcome"] == "denied"
    assert set(approved) == {
        "number",
        "matter",
        "matter_name",
        "department",
        "applicant",
        "outcome",
        "received_on",
        "decided_on",
        "published_at",
    }
    assert "110101199001011234" not in repr(page) and "13900000000" not in repr(page)
    assert page["options"]["departments"] == ["测试局"]
    assert page["options"]["matters"] == [{"code": "TEST-0001", "name": "测试事项"}]


def test_filters_by_matter_department_and_month_and_pages(five_step_engine, clock):
    engine = five_step_engine
    november = [ended_case(engine) for _ in range(3)]
    for case in november:
        _publish(engine, case["id"])
    clock.set(clock.now() + dt.timedelta(days=14))  # 7 December
    other = ended_case(engine)
    _publish(engine, other["id"])
    assert engine.published_results.page(month="2026-11")["total"] == 3
    assert [r["number"] for r in engine.published_results.page(month="2026-12")["items"]] == [other["number"]]
    assert engine.published_results.page(matter="TEST-0001")["total"] == 4
    assert engine.published_results.page(matter="TEST-0002")["total"] == 0
    assert engine.published_results.page(department="其他局")["total"] == 0
    second = engine.published_results.page(page=2, per_page=3)
    assert second["pages"] == 2 and [r["number"] for r in second["items"]] == [november[0]["number"]]
    assert engine.published_results.page()["options"]["months"] == ["2026-12", "2026-11"]
    for bad in ("2026-13", "2026-112", "November"):
        with refused(InvalidInput, "month_format"):
            engine.published_results.page(month=bad)


def test_public_page_and_api_need_no_sign_in_and_never_show_the_full_name(five_step_engine):
    engine = five_step_engine
    case = ended_case(engine)
    _publish(engine, case["id"])
    client = create_app(shenpi=engine, testing=True).test_client()
    html = client.get("/portal/results?month=2026-11").get_data(as_text=True)
    assert case["number"] in html and "张*" in html and "张三" not in html and "已办结（准予）" in html
    assert client.get("/portal/results?month=bad").status_code == 200  # the page falls back to every month
    answer = client.get("/api/v1/results?matter=TEST-0001")
    assert answer.status_code == 200 and answer.json["items"][0]["number"] == case["number"]
    assert "张三" not in answer.get_data(as_text=True)
    refusal = client.get("/api/v1/results?month=2026-13")
    assert refusal.status_code == 400 and refusal.json["error"]["reason"] == "month_format"
