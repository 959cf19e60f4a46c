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


# --- post-approval duties: inspection period and pledge check period ---------------------------------------------


def test_the_post_approval_duties_are_edited_validated_and_emptied(five_step_engine, admin):
    """002 (深府〔2007〕32号) Art. 17: "(四)对审批事项履行监督检查职责的情况" — the matter's ``inspection_days`` (calendar
    days after an approval within which one inspection is recorded) and ``pledge_check_days`` (working days for the
    告知承诺 check) are set, refused out of 1–365, and emptied (no inspection duty; the default 20)."""
    from engine.casefiles.pledges import check_days

    catalogue = five_step_engine.catalogue
    assert catalogue.save(edited(inspection_days=30, pledge_check_days=5), admin, "设批后检查") == 2
    entry = catalogue.entry("TEST-0001")
    assert (entry["inspection_days"], entry["pledge_check_days"], check_days(entry)) == (30, 5, 5)
    for bad in (0, 366, "三十", True, -1):
        with pytest.raises(InvalidInput) as refused:
            catalogue.save(edited(inspection_days=bad, pledge_check_days=bad), admin)
        errors = refused.value.details["errors"]
        assert (errors["inspection_days"].reason, errors["pledge_check_days"].reason) == (
            "inspection_days_range",
            "pledge_check_days_range",
        ), bad
        assert errors["inspection_days"].params == {"max": 365}
    assert catalogue.entry("TEST-0001")["version"] == 2
    # a caller that leaves them out keeps them; an emptied one is gone from the entry, not a stored null
    assert catalogue.save(edited(name="测试事项（改名）"), admin) == 3
    assert catalogue.entry("TEST-0001")["inspection_days"] == 30
    assert catalogue.save(edited(name="测试事项（改名）", inspection_days=None, pledge_check_days=""), admin) == 4
    entry = catalogue.entry("TEST-0001")
    assert "inspection_days" not in entry and "pledge_check_days" not in entry and check_days(entry) == 20


def test_an_inspection_period_set_in_the_catalogue_is_scored(five_step_engine, october, admin, clock):
    """002 Art. 17 "(四)对审批事项履行监督检查职责的情况": the period edited here is the one the evaluation reads — both
    October approvals owe an inspection within 30 days, none is recorded, each is deducted in November."""
    import datetime as dt

    from engine.kernel.clock import SHANGHAI

    engine = five_step_engine
    clock.set(dt.datetime(2026, 10, 31, 9, tzinfo=SHANGHAI))
    engine.catalogue.save(edited(inspection_days=30), admin, "设批后检查")
    clock.set(dt.datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    november = next(d for d in engine.performance.evaluate("2026-11")["departments"] if d["name"] == "测试局")
    assert november["counts"]["uninspected_approval"] == 2
    engine.catalogue.save(edited(inspection_days=None), admin, "取消批后检查")
    november = next(d for d in engine.performance.evaluate("2026-11")["departments"] if d["name"] == "测试局")
    assert november["counts"].get("uninspected_approval", 0) == 0
