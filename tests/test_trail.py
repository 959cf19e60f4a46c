from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from engine.identity import ENGINE
from engine.models import TrailEntry

from .test_runtime import complete


def _run_case(engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for data in ({}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    return case


def test_chain_verifies(five_step):
    _run_case(five_step)
    result = five_step.history.verify()
    assert result.ok and result.checked > 10


def test_edit_is_detected_and_named(five_step):
    _run_case(five_step)
    with five_step.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == 7).values(actor="someone_else"))
    result = five_step.history.verify()
    assert not result.ok and result.broken_seq == 7 and "hash" in result.reason


def test_deletion_is_detected(five_step):
    _run_case(five_step)
    with five_step.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == 5))
    result = five_step.history.verify()
    assert not result.ok and result.broken_seq == 5


def test_truncation_of_the_tail_is_detected(five_step):
    _run_case(five_step)
    with five_step.db.transaction() as session:
        last = session.scalar(sa.select(sa.func.max(TrailEntry.seq)))
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == last))
    result = five_step.history.verify()
    assert not result.ok and result.broken_seq == last


def test_rehashed_edit_is_still_detected(five_step):
    """Someone who edits a row and recomputes its hash breaks the link of the next row."""
    from engine import trail

    _run_case(five_step)
    with five_step.db.transaction() as session:
        row = dict(session.execute(sa.select(TrailEntry.__table__).where(TrailEntry.seq == 6)).mappings().one())
        row["actor"] = "forger"
        new_hash = trail._row_hash(row)
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == 6).values(actor="forger", hash=new_hash))
    result = five_step.history.verify()
    assert not result.ok and result.broken_seq == 7


def test_cli_trail_verify(five_step, monkeypatch):
    from web import cli

    _run_case(five_step)
    monkeypatch.setattr(cli, "_engine", lambda: five_step)
    ok = CliRunner().invoke(cli.main, ["trail", "verify"])
    assert ok.exit_code == 0 and "trail intact" in ok.output
    with five_step.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == 4).values(to_state="completed!"))
    broken = CliRunner().invoke(cli.main, ["trail", "verify"])
    assert broken.exit_code == 1 and "row 4" in broken.output
