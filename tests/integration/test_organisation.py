"""The organisation tree and staff accounts as administrators keep them."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, PermissionDenied
from engine.trail.chain import verify

from ..helpers import events, refused


@pytest.fixture
def admin(five_step_engine):
    return five_step_engine.identity.actor("admin")


def test_units_are_created_under_a_parent_at_its_level_or_below(five_step_engine, admin):
    org = five_step_engine.organisation
    org.create("T01-S", "测试街道办事处", "town", "T01", admin)
    org.create("T01-S-1", "测试社区", "community", "T01-S", admin)
    with refused(
        InvalidInput, "unit_level_above_parent", level="区（县）", parent_level="镇（街道）", parent="测试街道办事处"
    ):
        org.create("T01-X", "倒挂的区", "district", "T01-S", admin)
    with refused(InvalidInput, "unit_name_taken", field="name"):
        org.create("T01-Y", "测试社区", "community", "T01-S", admin)
    with refused(InvalidInput, "parent_unit_not_found", field="parent"):
        org.create("T01-Z", "无主单位", "town", "NOPE", admin)
    tree = {node["id"]: node for node in org.units()}
    assert tree["T01-S-1"]["depth"] == tree["T01-S"]["depth"] + 1
    assert [e["element"] for e in events(five_step_engine, "department_created")] == ["T01-S", "T01-S-1"]


def test_a_unit_cannot_move_under_its_own_descendant(five_step_engine, admin):
    org = five_step_engine.organisation
    org.create("T01-S", "测试街道办事处", "town", "T01", admin)
    org.create("T01-S-1", "测试社区", "community", "T01-S", admin)
    for target in ("T01-S-1", "T01-S"):
        with refused(InvalidInput, "unit_move_into_itself"):
            org.move("T01-S", target, admin)
    with refused(InvalidInput, "unit_level_above_parent"):
        org.move("T02", "T01-S", admin)
    org.move("T01-S", "T02", admin)
    assert org.unit("T01-S")["parent"] == "T02"
    assert events(five_step_engine, "department_moved")[-1]["detail"] == {"from": "T01", "to": "T02"}


def test_level_stays_consistent_with_parent_and_children(five_step_engine, admin):
    org = five_step_engine.organisation
    org.create("T01-Q", "测试区", "district", "T00", admin)
    org.create("T01-S", "测试街道办事处", "town", "T01-Q", admin)
    with refused(InvalidInput, "unit_level_below_child", child="测试街道办事处"):
        org.set_level("T01-Q", "community", admin)
    with refused(InvalidInput, "unit_level_above_parent"):
        org.set_level("T01-Q", "province", admin)
    org.set_level("T01-S", "community", admin)
    assert org.unit("T01-S")["level"] == "community"
    assert events(five_step_engine, "department_level")[-1]["detail"] == {"from": "town", "to": "community"}


def test_deactivation_is_refused_while_users_matters_or_cases_remain(five_step_engine, admin):
    org = five_step_engine.organisation
    with refused(InvalidInput, "unit_has_dependants", name="测试局") as blocked:
        org.deactivate("T01", admin)
    assert [(b.reason, b.params) for b in blocked.value.params["blockers"]] == [
        ("unit_active_users", {"count": 3}),
        ("unit_published_matters", {"count": 1}),
    ]
    org.create("T09", "空单位", "city", "T00", admin)
    org.deactivate("T09", admin)
    assert org.unit("T09")["active"] is False
    with refused(InvalidInput, "parent_unit_inactive", name="空单位"):
        org.create("T09-1", "停用单位的下级", "town", "T09", admin)
    org.reactivate("T09", admin)
    assert [e["event"] for e in events(five_step_engine, "department_")][-2:] == [
        "department_deactivated",
        "department_reactivated",
    ]


def test_a_unit_named_by_matters_keeps_its_name(five_step_engine, admin):
    org = five_step_engine.organisation
    with refused(InvalidInput, "unit_name_in_use", name="测试局"):
        org.rename("T01", "新测试局", admin)
    org.rename("T02", "其他局（新）", admin)
    assert org.unit("T02")["name"] == "其他局（新）"


def test_only_administrators_change_the_organisation(five_step_engine):
    clerk = five_step_engine.identity.actor("clerk")
    with pytest.raises(PermissionDenied):
        five_step_engine.organisation.create("T77", "某单位", "city", "T00", clerk)
    with pytest.raises(PermissionDenied):
        five_step_engine.accounts.set_active("clerk2", False, clerk)


def test_official_is_created_edited_and_deactivated_and_then_cannot_sign_in(five_step_engine, admin):
    accounts = five_step_engine.accounts
    created = accounts.create(
        {
            "id": "wang",
            "name": "王五",
            "department": "T01",
            "posts": ["审核人", " ", "审核人"],
            "roles": ["official"],
            "phone": "0371-12345678",
            "backup": "clerk",
        },
        "wang-temp-2026",
        admin,
    )
    assert created["posts"] == ["审核人"] and created["backup"] == "clerk"
    assert five_step_engine.identity.login("wang", "wang-temp-2026").department == "测试局"
    accounts.update("wang", {"name": "王五", "department": "T01", "posts": ["批准人"], "roles": ["official"]}, admin)
    assert five_step_engine.identity.actor("wang").posts == ("批准人",)
    accounts.reset_password("wang", "wang-new-2026", admin)
    assert five_step_engine.identity.login("wang", "wang-new-2026").id == "wang"
    accounts.set_active("wang", False, admin)
    with pytest.raises(PermissionDenied):
        five_step_engine.identity.login("wang", "wang-new-2026")
    assert [e["event"] for e in events(five_step_engine, "user_")] == [
        "user_created",
        "user_updated",
        "user_deactivated",
    ]
    assert events(five_step_engine, "password_set")[-1]["element"] == "wang"
    with five_step_engine.db.reading() as session:
        assert verify(session).ok


def test_account_errors_are_reported_per_field(five_step_engine, admin):
    with refused(InvalidInput, "account_invalid") as caught:
        five_step_engine.accounts.create(
            {
                "id": "clerk",
                "name": "",
                "department": "NOPE",
                "roles": [],
                "email": "not-an-email",
                "backup": "outsider",
            },
            "short",
            admin,
        )
    errors = caught.value.details["errors"]
    assert {field: message.reason for field, message in errors.items()} == {
        "id": "account_id_taken",
        "name": "account_name_required",
        "department": "account_unit_not_active",
        "roles": "account_roles_required",
        "email": "account_email_format",
        "password": "password_length",
        "backup": "backup_other_unit",
    }
    with refused(InvalidInput, "deactivate_self"):
        five_step_engine.accounts.set_active("admin", False, admin)


def test_known_posts_come_from_the_departments_lanes(five_step_engine):
    posts = five_step_engine.accounts.known_posts("T01")
    assert {"受理窗口", "审核人", "批准人"} <= set(posts)
