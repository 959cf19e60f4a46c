"""The trail's hash chains: every edit, deletion, reordering or truncation is found and named by its chain (the
system chain or the case's) and its row, with the count of that chain's rows verified before it.

Seed 002: "所有办件信息一旦录入便不能随意改动" — once entered, no case fact may be changed at will."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine.identity.actors import ENGINE
from engine.models import Case, TrailEntry
from engine.trail import chain as trail
from engine.trail.hashing import HASH_VERSION, row_hash

from ..helpers import complete, rechain_as_version_1


def _run_case(engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    engine.tasks.claim(engine.tasks.list_tasks(ENGINE, case=case["id"])[0]["id"], engine.identity.actor("clerk"))
    for data in ({}, {}, {"review": "approve"}):
        complete(engine, case["id"], data)
    return case


def _case_rows(engine, case_id):
    with engine.db.reading() as session:
        return (
            session.execute(sa.select(TrailEntry.seq).where(TrailEntry.case_id == case_id).order_by(TrailEntry.seq))
            .scalars()
            .all()
        )


def _chain_rows(engine, chain):
    """(seq, position) of a chain's rows in order."""
    with engine.db.reading() as session:
        return [
            tuple(r)
            for r in session.execute(
                sa.select(TrailEntry.seq, TrailEntry.chain_seq)
                .where(TrailEntry.chain == chain)
                .order_by(TrailEntry.chain_seq)
            )
        ]


def _verify_cli(engine, monkeypatch):
    from web import cli

    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, ["trail", "verify"])


def _swap_seq(session, first, second):
    """Exchange two rows' global numbers (through a free number: seq is the primary key)."""
    spare = session.scalar(sa.select(sa.func.max(TrailEntry.seq))) + 1000
    for seq, new in ((first, spare), (second, first), (spare, second)):
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == seq).values(seq=new))


def test_chain_verifies(five_step_engine):
    _run_case(five_step_engine)
    result = five_step_engine.history.verify()
    assert result.ok and result.checked > 10 and result.breaks == []


def test_new_rows_are_hashed_with_their_number(five_step_engine):
    case = _run_case(five_step_engine)
    with five_step_engine.db.reading() as session:
        rows = session.execute(sa.select(TrailEntry.__table__).where(TrailEntry.case_id == case["id"])).mappings().all()
    assert {r["hash_version"] for r in rows} == {HASH_VERSION}
    assert all(row_hash(r) == r["hash"] for r in rows)
    assert row_hash({**rows[0], "seq": rows[0]["seq"] + 1}) != rows[0]["hash"]


def test_swapping_the_numbers_of_two_rows_is_detected(five_step_engine, monkeypatch):
    """The API lists a case's trail by the rows' global numbers: swapping two of them reorders the case's history,
    so the hash covers the number."""
    case = _run_case(five_step_engine)
    chain = _chain_rows(five_step_engine, case["id"])
    (first, position), (second, _) = chain[1], chain[2]
    before = [r["event"] for r in five_step_engine.history.case_trail(case["id"], ENGINE)]
    with five_step_engine.db.transaction() as session:
        _swap_seq(session, first, second)
    assert [r["event"] for r in five_step_engine.history.case_trail(case["id"], ENGINE)] != before
    result = five_step_engine.history.verify()
    assert not result.ok
    assert (result.first.chain, result.first.position, result.first.seq) == (case["id"], position, second)
    assert "hash" in result.first.reason
    output = _verify_cli(five_step_engine, monkeypatch)
    assert output.exit_code == 1 and f"case {case['id']}'s chain, position {position} (row {second})" in output.output


def test_edit_is_detected_and_named(five_step_engine):
    case = _run_case(five_step_engine)
    seq, position = _chain_rows(five_step_engine, case["id"])[3]
    with five_step_engine.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == seq).values(actor="someone_else"))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == seq and "hash" in result.reason
    assert (result.first.chain, result.first.position) == (case["id"], position)


def test_deletion_is_detected(five_step_engine):
    case = _run_case(five_step_engine)
    chain = _chain_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == chain[2][0]))
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == chain[3][0] and "missing" in result.reason
    assert (result.first.chain, result.first.position, result.first.verified_before) == (case["id"], 3, 2)


def test_truncating_a_case_chain_names_that_chain_and_its_first_missing_row(five_step_engine, monkeypatch):
    """The case's last step's rows removed: the break is in that case's chain, at the first position removed — not
    at the row numbered after the case's last remaining row, which belongs to another case."""
    engine = five_step_engine
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    engine.tasks.claim(engine.tasks.list_tasks(ENGINE, case=case["id"])[0]["id"], engine.identity.actor("clerk"))
    complete(engine, case["id"], {})
    kept = _chain_rows(engine, case["id"])
    other = engine.cases.start_case("TEST-0001", {"name": "李四"}, {}, ENGINE)
    complete(engine, case["id"], {})
    others = set(_case_rows(engine, other["id"]))
    with engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.chain == case["id"], TrailEntry.chain_seq > len(kept)))
    result = engine.history.verify()
    assert not result.ok and len(result.breaks) == 1
    first = result.first
    assert (first.chain, first.position, first.seq) == (case["id"], len(kept) + 1, None)
    assert first.verified_before == len(kept) and "the case records" in first.reason
    output = _verify_cli(engine, monkeypatch)
    assert f"case {case['id']}'s chain, position {len(kept) + 1}:" in output.output
    assert not any(f"row {seq}" in output.output for seq in others)


def test_deleting_a_whole_case_names_the_case(five_step_engine, monkeypatch):
    case = _run_case(five_step_engine)
    other = _run_case(five_step_engine)
    started = _case_rows(five_step_engine, case["id"])[0]
    with five_step_engine.db.reading() as session:
        position = session.scalar(sa.select(TrailEntry.chain_seq).where(TrailEntry.seq == started))
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.case_id == case["id"]))
    result = five_step_engine.history.verify()
    assert not result.ok
    gone = next(b for b in result.breaks if b.chain == case["id"])
    assert gone.position == 1 and "whole trail is gone" in gone.reason
    system = next(b for b in result.breaks if b.chain == trail.SYSTEM)
    assert system.position == position and system.seq == _case_rows(five_step_engine, other["id"])[0]
    assert {b.chain for b in result.breaks} == {trail.SYSTEM, case["id"]}
    output = _verify_cli(five_step_engine, monkeypatch)
    assert "row 0" not in output.output and f"case {case['id']}'s chain, position 1:" in output.output


def test_the_count_before_a_break_is_that_chains(five_step_engine, monkeypatch):
    """ "N rows verified before it" counts the rows of the broken chain before the broken row, not every row read."""
    _run_case(five_step_engine)
    case = _run_case(five_step_engine)
    seq, position = _chain_rows(five_step_engine, case["id"])[4]
    with five_step_engine.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == seq).values(to_state="completed!"))
    result = five_step_engine.history.verify()
    assert result.first.verified_before == position - 1 == 4 and result.checked > 20
    output = _verify_cli(five_step_engine, monkeypatch)
    assert "4 row(s) of this chain verified before it" in output.output
    assert f"{result.checked} rows verified before it" not in output.output


def test_truncating_the_system_chain_is_named(five_step_engine):
    _run_case(five_step_engine)
    seq, position = _chain_rows(five_step_engine, trail.SYSTEM)[-1]
    with five_step_engine.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.seq == seq))
    result = five_step_engine.history.verify()
    assert (result.first.chain, result.first.position, result.first.seq) == (trail.SYSTEM, position, None)
    assert "its head records" in result.first.reason


def test_rehashed_edit_is_still_detected(five_step_engine):
    """Someone who edits a row and recomputes its hash breaks the link of the next row in its chain."""
    case = _run_case(five_step_engine)
    rows = _case_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        row = dict(session.execute(sa.select(TrailEntry.__table__).where(TrailEntry.seq == rows[2])).mappings().one())
        row["actor"] = "forger"
        session.execute(
            sa.update(TrailEntry).where(TrailEntry.seq == rows[2]).values(actor="forger", hash=row_hash(row))
        )
    result = five_step_engine.history.verify()
    assert not result.ok and result.broken_seq == rows[3]


def test_rows_of_the_old_formula_still_verify_and_their_order_is_checked(five_step_engine):
    """Rows written before the number was hashed keep their hashes; a chain's numbers must still grow with its
    positions, so swapping two old rows' numbers is found too."""
    case = _run_case(five_step_engine)
    rechain_as_version_1(five_step_engine)
    assert five_step_engine.history.verify().ok
    complete(five_step_engine, case["id"], {"approval": "approve"})  # new rows continue the old chain
    assert five_step_engine.history.verify().ok
    chain = _chain_rows(five_step_engine, case["id"])
    with five_step_engine.db.transaction() as session:
        _swap_seq(session, chain[1][0], chain[2][0])
    result = five_step_engine.history.verify()
    assert (result.first.chain, result.first.position) == (case["id"], 3) and "out of order" in result.first.reason


def test_a_new_row_put_back_to_the_old_formula_is_detected(five_step_engine):
    case = _run_case(five_step_engine)
    seq, position = _chain_rows(five_step_engine, case["id"])[-1]
    with five_step_engine.db.transaction() as session:
        row = dict(session.execute(sa.select(TrailEntry.__table__).where(TrailEntry.seq == seq)).mappings().one())
        old = row_hash({**row, "hash_version": 1})
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == seq).values(hash_version=1, hash=old))
        session.execute(sa.update(Case).where(Case.id == case["id"]).values(trail_hash=old))
    result = five_step_engine.history.verify()
    assert (result.first.chain, result.first.position) == (case["id"], position)
    assert "old formula" in result.first.reason


def test_cli_trail_verify(five_step_engine, monkeypatch):
    _run_case(five_step_engine)
    ok = _verify_cli(five_step_engine, monkeypatch)
    assert ok.exit_code == 0 and "trail intact" in ok.output
    with five_step_engine.db.transaction() as session:
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == 5).values(to_state="completed!"))
    broken = _verify_cli(five_step_engine, monkeypatch)
    assert broken.exit_code == 1 and "row 5" in broken.output


def test_a_step_on_postgresql_draws_its_numbers_with_its_read(five_step_engine, monkeypatch):
    """On PostgreSQL a middle step's trail numbers come with the read of its task (no statement of their own); a step
    with more rows than were drawn draws the rest; every chain's numbers still grow with its positions."""
    if five_step_engine.db.dialect != "postgresql":
        pytest.skip("PostgreSQL only: SQLite numbers after the largest under its write lock")
    from engine.kernel import fast_sql

    draws = []
    column = fast_sql.column

    def counting(session, sql, params=()):
        if sql == trail.NEXT_SEQS_PG:
            draws.append(params[0])
        return column(session, sql, params)

    monkeypatch.setattr(fast_sql, "column", counting)
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    assert len(draws) == 1  # the first step has a row for the system chain (case_started): drawn under its lock
    draws.clear()
    for data in ({}, {}, {"review": "approve"}):
        complete(five_step_engine, case["id"], data)
    assert draws == []
    complete(five_step_engine, case["id"], {"approval": "approve"})
    complete(five_step_engine, case["id"], {})  # the last step: its end events and case_ended, more than drawn
    assert draws and all(n >= 1 for n in draws)
    rows = _chain_rows(five_step_engine, case["id"])
    assert [seq for seq, _ in rows] == sorted(seq for seq, _ in rows)
    assert five_step_engine.history.verify().ok
