"""Passwords (argon2id), login and applicant registration."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, PermissionDenied
from engine.identity import passwords
from engine.identity.actors import APPLICANT, ENGINE
from engine.models import TrailEntry


def test_password_hash_is_argon2id_and_verifies_only_the_right_password():
    stored = passwords.hash_password("correct-horse-9")
    assert stored.startswith("$argon2id$") and "correct-horse-9" not in stored
    assert passwords.verify(stored, "correct-horse-9")
    assert not passwords.verify(stored, "correct-horse-8")
    assert not passwords.verify(None, "correct-horse-9")
    assert not passwords.verify("not-a-hash", "x")


@pytest.mark.parametrize("weak", ["short1", "12345678901", "abcdefghijk", "", None, "x" * 129])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(InvalidInput):
        passwords.hash_password(weak)


def test_login_gives_the_actor_and_one_message_for_every_failure(five_step_engine):
    five_step_engine.identity.set_password("clerk", "clerk-pass-1", ENGINE)
    actor = five_step_engine.identity.login("clerk", "clerk-pass-1")
    assert actor.id == "clerk" and actor.department == "测试局"
    messages = set()
    for user, password in (
        ("clerk", "wrong-pass-1"),
        ("nobody", "clerk-pass-1"),
        ("admin", "anything-1"),
        (None, "x"),
        ("clerk", None),
        ("x" * 100, "y"),
    ):
        with pytest.raises(PermissionDenied) as raised:
            five_step_engine.identity.login(user, password)
        messages.add(str(raised.value))
    assert len(messages) == 1


def test_only_the_user_or_an_administrator_sets_a_password(five_step_engine):
    with pytest.raises(PermissionDenied):
        five_step_engine.identity.set_password("clerk", "clerk-pass-1", five_step_engine.identity.actor("clerk2"))
    five_step_engine.identity.set_password("clerk", "clerk-pass-2", five_step_engine.identity.actor("clerk"))
    assert five_step_engine.identity.login("clerk", "clerk-pass-2").id == "clerk"


def test_applicants_register_themselves(five_step_engine):
    actor = five_step_engine.identity.register_applicant("zhang.san", "张三", "zhangsan-2026", "13800000000")
    assert actor.roles == (APPLICANT,) and actor.department is None
    assert five_step_engine.identity.login("zhang.san", "zhangsan-2026").name == "张三"
    with pytest.raises(InvalidInput) as taken:
        five_step_engine.identity.register_applicant("zhang.san", "张三", "zhangsan-2026")
    assert (taken.value.reason, taken.value.details) == ("username_registered", {"field": "user_id"})
    with pytest.raises(InvalidInput):
        five_step_engine.identity.register_applicant("a b", "张三", "zhangsan-2026")
    with pytest.raises(InvalidInput):
        five_step_engine.identity.register_applicant("li.si", "", "zhangsan-2026")
    with five_step_engine.db.reading() as session:
        kinds = [row.event for row in session.query(TrailEntry).all()]
    assert "applicant_registered" in kinds
