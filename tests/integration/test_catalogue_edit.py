"""Editing the catalogue: field errors, versions, withdrawal (停办), each change in the trail."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, NotFound, PermissionDenied

from ..helpers import FIVE_STEP_ENTRY, events

MATERIAL = {"name": "申请书", "form": "原件", "required": True, "copies": 1}


def edited(**changes) -> dict:
    return {**FIVE_STEP_ENTRY, "materials": [MATERIAL], **changes}


@pytest.fixture
def admin(five_step_engine):
    return five_step_engine.identity.actor("admin")


def test_a_saved_edit_is_a_new_published_version_with_its_trail_row(five_step_engine, admin):
    catalogue = five_step_engine.catalogue
    version = catalogue.save(
        edited(
            name="测试事项（修订）", fees=[{"item": "工本费", "standard": "10元/本", "basis": "《某收费办法》第三条"}]
        ),
        admin,
        "调整收费",
    )
    entry = catalogue.entry("TEST-0001")
    assert version == 2 and entry["version"] == 2 and entry["name"] == "测试事项（修订）"
    assert entry["fees"][0]["item"] == "工本费" and entry["free"] is False
    assert [h["version"] for h in entry["history"]] == [2, 1]
    assert catalogue.get_matter("TEST-0001")["name"] == "测试事项（修订）"
    published = events(five_step_engine, "matter_published")
    assert published[-1]["detail"]["version"] == 2 and published[-1]["detail"]["note"] == "调整收费"
    with pytest.raises(InvalidInput) as unchanged:
        catalogue.save(
            edited(
                name="测试事项（修订）",
                fees=[{"item": "工本费", "standard": "10元/本", "basis": "《某收费办法》第三条"}],
            ),
            admin,
        )
    assert unchanged.value.reason == "matter_unchanged"


def test_every_broken_rule_is_named_by_its_field(five_step_engine, admin):
    with pytest.raises(InvalidInput) as refused:
        five_step_engine.catalogue.save(
            edited(
                statutory_limit_days=5,
                promised_limit_days=8,
                department="不存在的局",
                star_level=6,
                legal_basis=[],
                fees=[{"item": "工本费", "standard": "10元", "basis": ""}],
                materials=[{"name": "", "copies": 1}],
            ),
            admin,
        )
    assert refused.value.reason == "matter_invalid"
    errors = refused.value.details["errors"]
    assert errors["promised_limit_days"].reason == "promised_over_statutory"
    assert (errors["department"].reason, errors["department"].params) == (
        "department_inactive",
        {"department": "不存在的局"},
    )
    assert (errors["fees"].reason, errors["fees"].params) == ("fee_basis_missing", {"item": "工本费"})
    assert {"star_level", "legal_basis", "materials"} <= set(errors)
    assert five_step_engine.catalogue.entry("TEST-0001")["version"] == 1


def test_a_new_matter_needs_a_deployed_process_and_a_fresh_code(five_step_engine, admin):
    with pytest.raises(InvalidInput) as refused:
        five_step_engine.catalogue.save(edited(key="not_deployed"), admin, new=True)
    assert set(refused.value.details["errors"]) == {"code", "key"}
    with pytest.raises(NotFound):
        five_step_engine.catalogue.save(edited(code="TEST-0404"), admin)


def test_withdrawn_matter_takes_no_applications_until_published_again(five_step_engine, admin):
    catalogue = five_step_engine.catalogue
    with pytest.raises(InvalidInput) as no_reason:
        catalogue.withdraw("TEST-0001", " ", admin)
    assert (no_reason.value.reason, no_reason.value.details) == ("withdraw_reason_required", {"field": "reason"})
    catalogue.withdraw("TEST-0001", "法规废止", admin)
    assert [m["code"] for m in catalogue.search(status="withdrawn")] == ["TEST-0001"]
    with pytest.raises(NotFound):
        five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, five_step_engine.identity.actor("citizen"))
    assert events(five_step_engine, "matter_withdrawn")[0]["detail"]["reason"] == "法规废止"
    catalogue.save(edited(), admin, "恢复办理")
    assert catalogue.entry("TEST-0001")["published"] is True


def test_only_administrators_edit_the_catalogue(five_step_engine):
    monitor_like = five_step_engine.identity.actor("supervisor")
    with pytest.raises(PermissionDenied):
        five_step_engine.catalogue.save(edited(), monitor_like)
    with pytest.raises(PermissionDenied):
        five_step_engine.catalogue.withdraw("TEST-0001", "测试原因", monitor_like)


def test_search_filters_by_text_department_type_and_status(five_step_engine):
    catalogue = five_step_engine.catalogue
    assert [m["code"] for m in catalogue.search("测试")] == ["TEST-0001"]
    assert catalogue.search(department="其他局") == []
    assert catalogue.search(matter_type="公共服务") == []
    assert catalogue.search(status="published")[0]["version"] == 1
