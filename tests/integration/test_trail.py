from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from engine.identity.actors import ENGINE
from engine.models import TrailEntry

from ..helpers import complete


def _run_case(engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    engine.tasks.claim(engine.tasks.list_tasks(ENGINE, case=case["id"])[0]["id"], engine.identity.actor("clerk"))
    for data in ({}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    return case


def test_chain_verifies(five_step_engine):
    _run_case(five_step_engine)
    result = five_step_engine.history.verify()
    assert result.ok and result.checked > 10


def _case_rows(engine, case_id):
    with engine.db.reading() as session:
        return session.execute(sa.select(TrailEntry.seq).where(TrailEntry.case_id == case_id)
                               .order_by(TrailEntry.seq)).scalars().all()


def test_edit_is_detected_and_named(five_step_engine):
    case = _run_case(five_step_engine)
    target = _case_rows(five_step_engine, case["id"])[3]
    with five_step_engine.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == target).values(actor="someone_else"))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == target and "hash" in result.reason


def test_deletion_is_detected(five_step_engine):
    case = _run_case(five_step_engine)
    rows = _case_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == rows[2]))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == rows[3] and "missing" in result.reason


def test_deleting_a_whole_case_trail_is_detected(five_step_engine):
    case = _run_case(five_step_engine)
    other = _run_case(five_step_engine)
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.case_id == case["id"]))
    result = five_step_engine.history.verify()
    assert not result.ok
    assert result.broken_seq <= _case_rows(five_step_engine, other["id"])[0]


def test_truncation_of_the_tail_is_detected(five_step_engine):
    case = _run_case(five_step_engine)
    rows = _case_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == rows[-1]))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == rows[-1] and "case" in result.reason


def test_rehashed_edit_is_still_detected(five_step_engine):
    """Someone who edits a row and recomputes its hash breaks the link of the next row in its chain."""
    from engine.trail import chain as trail

    case = _run_case(five_step_engine)
    rows = _case_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        row = dict(session.execute(sa.select(TrailEntry.__table__).where(TrailEntry.seq == rows[2])).mappings().one())
        row["actor"] = "forger"
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == rows[2])
                        .values(actor="forger", hash=trail._row_hash(row)))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == rows[3]


def test_cli_trail_verify(five_step_engine, monkeypatch):
    from web import cli

    _run_case(five_step_engine)
    monkeypatch.setattr(cli, "_engine", lambda: five_step_engine)
    ok = CliRunner().invoke(cli.main, ["trail", "verify"])
    assert ok.exit_code == 0 and "trail intact" in ok.output
    with five_step_engine.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == 5).values(to_state="completed!"))
    broken = CliRunner().invoke(cli.main, ["trail", "verify"])
    assert broken.exit_code == 1 and "row 5" in broken.output
