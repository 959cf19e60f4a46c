"""Checkpoints anchor the trail outside the database: the chains' heads signed with a key the database does not hold,
appended to a file and reported upward. A rewrite that re-hashes a chain to its head fits every link, and only the
checkpoints show it, naming the interval it changed.

Seed 002 (四川 Art. 17–18): "严禁随意调整相关数据" … "重要数据资料的删除、修改必须报省监察厅批准" — data may not be adjusted at
will, and deleting or changing important data needs the provincial bureau's approval."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pydantic import SecretStr

from engine import scheduler
from engine.bootstrap import Shenpi
from engine.config import PROJECT_ROOT, InvalidSettings, Settings
from engine.errors import InvalidState
from engine.identity.actors import ENGINE
from engine.models import Case, OutboxMessage, TrailCheckpoint, TrailEntry, TrailHead
from engine.trail import TrailCheckpoints
from engine.trail import chain as trail
from engine.trail.checkpoint_file import Signer
from engine.trail.hashing import row_hash

from ..helpers import FIVE_STEP_ENTRY, complete

KEY = "a-test-key-of-forty-characters-0123456789"
SCHEMA = PROJECT_ROOT / "docs" / "upward-report.schema.json"


def anchored_engine(engine, path, **settings) -> Shenpi:
    """The same database with checkpoints on (and ``settings``)."""
    config = engine.settings.model_copy(update={"trail_key": SecretStr(KEY), "trail_checkpoint_file": path, **settings})
    return Shenpi(config, database=engine.db, clock=engine.clock)


@pytest.fixture
def anchored(five_step_engine, tmp_path):
    return anchored_engine(five_step_engine, tmp_path / "anchor" / "trail-checkpoints.jsonl")


def _lines(engine):
    return engine.trail_checkpoints.path.read_text().splitlines()


def _cli(engine, monkeypatch, *args):
    from web import cli

    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, ["trail", *args])


def _started(engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    engine.tasks.claim(engine.tasks.list_tasks(ENGINE, case=case["id"])[0]["id"], engine.identity.actor("clerk"))
    complete(engine, case["id"], {})
    return case


def _position(engine, case_id):
    with engine.db.reading() as session:
        return session.scalar(sa.select(Case.trail_seq).where(Case.id == case_id))


def _rewrite(engine, chain, position, **change):
    """What anyone with write access to the database can do: edit the row at ``position`` of a chain, re-hash every
    row after it and move the chain's head."""
    table = TrailEntry.__table__
    with engine.db.transaction() as session:
        rows = (
            session.execute(
                sa.select(table)
                .where(table.c.chain == chain, table.c.chain_seq >= position)
                .order_by(table.c.chain_seq)
            )
            .mappings()
            .all()
        )
        prev = rows[0]["prev_hash"]
        for index, row in enumerate(rows):
            edit = change if index == 0 else {}
            new = {**row, **edit, "prev_hash": prev}
            new["hash"] = prev = row_hash(new)
            session.execute(
                table.update()
                .where(table.c.seq == row["seq"])
                .values(**edit, prev_hash=new["prev_hash"], hash=new["hash"])
            )
        if chain == trail.SYSTEM:
            session.execute(sa.update(TrailHead).where(TrailHead.id == 1).values(hash=prev))
        else:
            session.execute(sa.update(Case).where(Case.id == chain).values(trail_hash=prev))


def test_without_a_key_checkpoints_are_off_and_verify_says_so(five_step_engine, monkeypatch):
    _started(five_step_engine)
    result = five_step_engine.history.verify()
    assert result.ok and not result.checkpoints.enabled
    assert any("SHENPI_TRAIL_KEY is not set" in note for note in result.checkpoints.notes)
    verified = _cli(five_step_engine, monkeypatch, "verify")
    assert verified.exit_code == 0 and "trail intact" in verified.output
    assert "checkpoints are off: SHENPI_TRAIL_KEY is not set" in verified.output
    refused = _cli(five_step_engine, monkeypatch, "checkpoint")
    assert refused.exit_code == 1 and "checkpoints are off" in refused.output
    with pytest.raises(InvalidState, match="checkpoints are off"):
        five_step_engine.trail_checkpoints.checkpoint()


def test_a_short_key_is_refused_without_printing_it(monkeypatch):
    monkeypatch.setenv("SHENPI_TRAIL_KEY", "too-short")
    with pytest.raises(InvalidSettings) as refused:
        Settings()
    assert "SHENPI_TRAIL_KEY" in str(refused.value) and "32 characters" in str(refused.value)
    assert "too-short" not in str(refused.value)


def test_a_checkpoint_signs_the_heads_that_moved(anchored, monkeypatch):
    first, second = _started(anchored), _started(anchored)
    assert not anchored.trail_checkpoints.path.exists()
    written = _cli(anchored, monkeypatch, "checkpoint")
    assert written.exit_code == 0 and "checkpoint 1: 3 chain head(s) signed" in written.output
    line = json.loads(_lines(anchored)[0])
    with anchored.db.reading() as session:
        system = session.execute(sa.text("SELECT seq, hash FROM trail_head")).one()
        record = session.get(TrailCheckpoint, 1)
    assert line["heads"] == [
        [0, system.seq, system.hash],
        *([c["id"], _position(anchored, c["id"]), _head_hash(anchored, c["id"])] for c in (first, second)),
    ]
    assert line["n"] == 1 and line["prev"] == trail.GENESIS and KEY not in _lines(anchored)[0]
    assert record.digest == Signer(KEY).check(_lines(anchored)[0]).digest and record.heads == 3
    again = _cli(anchored, monkeypatch, "checkpoint")
    assert again.exit_code == 0 and "nothing moved since checkpoint 1" in again.output
    assert len(_lines(anchored)) == 1
    complete(anchored, second["id"], {})
    anchored.trail_checkpoints.checkpoint()
    line2 = Signer(KEY).check(_lines(anchored)[1])
    assert [head[0] for head in line2.heads] == [0, second["id"]]  # the system head, and only the chain that moved
    assert line2.prev == Signer(KEY).check(_lines(anchored)[0]).digest
    verified = _cli(anchored, monkeypatch, "verify")
    assert verified.exit_code == 0 and "checkpoints: 2 in" in verified.output
    assert "0 chain(s) have rows after their last checkpoint" in verified.output


def test_a_chain_the_last_run_could_not_see_yet_is_signed_by_the_next(anchored, monkeypatch, clock):
    """A transaction still open while a run reads the trail commits rows numbered below that run's through_seq:
    the next run reads the rows since the run before it again, and signs what the last run did not."""
    first, late = _started(anchored), _started(anchored)
    moved = TrailCheckpoints._moved
    monkeypatch.setattr(
        TrailCheckpoints,
        "_moved",
        staticmethod(
            lambda session, since, last_run: [h for h in moved(session, since, last_run) if h[0] != late["id"]]
        ),
    )
    anchored.trail_checkpoints.checkpoint()  # as if the late case's rows were not committed yet
    monkeypatch.setattr(TrailCheckpoints, "_moved", staticmethod(moved))
    clock.advance(seconds=300)
    run = anchored.trail_checkpoints.checkpoint()
    assert [head[0] for head in run.lines[0].heads] == [0, late["id"]]
    clock.advance(seconds=900)  # two intervals on: only rows after the newest run
    reads = []
    monkeypatch.setattr(
        TrailCheckpoints,
        "_moved",
        staticmethod(lambda session, since, last_run: reads.append(since) or moved(session, since, last_run)),
    )
    assert anchored.trail_checkpoints.checkpoint().lines == [] and reads == [run.lines[0].through_seq]
    assert first["id"] != late["id"] and anchored.history.verify().unanchored_chains == 0


def _head_hash(engine, case_id):
    with engine.db.reading() as session:
        return session.scalar(sa.select(Case.trail_hash).where(Case.id == case_id))


def test_a_full_rewrite_is_found_against_the_checkpoints_and_its_interval_named(
    anchored, five_step_engine, monkeypatch
):
    """An edit re-hashed to the case's head fits every link (the trail verifies without checkpoints); the
    checkpoint after it does not fit, the one before still does: the rewrite lies between them."""
    case = _started(anchored)
    anchored.trail_checkpoints.checkpoint()  # 1
    before = _position(anchored, case["id"])
    complete(anchored, case["id"], {})
    anchored.trail_checkpoints.checkpoint()  # 2
    after = _position(anchored, case["id"])
    complete(anchored, case["id"], {"review": "approve"})
    anchored.trail_checkpoints.checkpoint()  # 3
    _rewrite(anchored, case["id"], before + 2, actor="forger")
    assert five_step_engine.history.verify().ok  # no key: nothing shows
    result = anchored.history.verify()
    assert not result.ok and len(result.breaks) == 1
    place = result.first
    assert (place.chain, place.position, place.through) == (case["id"], before + 1, after)
    assert (place.since_checkpoint, place.until_checkpoint, place.verified_before) == (1, 2, before)
    with anchored.db.reading() as session:
        first_seq = session.scalar(
            sa.select(TrailEntry.seq).where(TrailEntry.chain == case["id"], TrailEntry.chain_seq == before + 1)
        )
    assert place.seq == first_seq
    output = _cli(anchored, monkeypatch, "verify")
    assert output.exit_code == 1
    assert (
        f"case {case['id']}'s chain, position {before + 1} (row {first_seq}): rewritten after checkpoint 1, "
        f"which still fits, up to checkpoint 2: positions {before + 1}–{after}"
    ) in output.output


def test_a_rewrite_before_the_first_checkpoint_and_a_vanished_chain_are_named(anchored):
    rewritten, vanished = _started(anchored), _started(anchored)
    anchored.trail_checkpoints.checkpoint()
    _rewrite(anchored, rewritten["id"], 1, to_state="forged")
    with anchored.db.transaction() as session:
        session.execute(sa.delete(TrailEntry).where(TrailEntry.chain == vanished["id"]))
        session.execute(sa.update(Case).where(Case.id == vanished["id"]).values(trail_seq=0))
    result = anchored.history.verify()
    found = {place.chain: place for place in result.breaks}
    assert found[rewritten["id"]].since_checkpoint is None and found[rewritten["id"]].until_checkpoint == 1
    assert "from the chain's start up to checkpoint 1" in found[rewritten["id"]].reason
    gone = [place for place in result.breaks if place.chain == vanished["id"]]
    assert any("whole chain is gone: checkpoint 1 recorded it up to position" in p.reason for p in gone)


def test_a_rewrite_of_the_system_chain_is_found(anchored):
    """The system chain holds the catalogue's changes: a re-hashed edit of one is found against the checkpoint."""
    anchored.trail_checkpoints.checkpoint()
    with anchored.db.reading() as session:
        signed = session.scalar(sa.select(TrailHead.seq))
    anchored.catalogue.publish({**FIVE_STEP_ENTRY, "promised_limit_days": 8}, "admin")
    anchored.trail_checkpoints.checkpoint()
    _rewrite(anchored, trail.SYSTEM, 2, actor="forger")
    result = anchored.history.verify()
    assert [(b.chain, b.position, b.through, b.until_checkpoint) for b in result.breaks] == [
        (trail.SYSTEM, 1, signed, 1)
    ]
    assert "from the chain's start up to checkpoint 1" in result.first.reason


def test_an_edited_checkpoint_line_is_detected(anchored, monkeypatch):
    case = _started(anchored)
    anchored.trail_checkpoints.checkpoint()
    complete(anchored, case["id"], {})
    anchored.trail_checkpoints.checkpoint()
    lines = _lines(anchored)
    edited = json.loads(lines[0])
    edited["heads"][1][2] = "0" * 64
    forged = Signer("another-key-of-at-least-thirty-two-chars").sign(2, anchored.clock.now(), "0" * 64, 1, [])
    anchored.trail_checkpoints.path.write_text(
        json.dumps(edited, sort_keys=True, separators=(",", ":")) + "\n" + forged.text + "\n"
    )
    result = anchored.history.verify()
    assert not result.ok and result.breaks == []
    problems = result.checkpoints.problems
    assert any(p.startswith("line 1: its signature does not match") for p in problems)
    assert any(p.startswith("line 2: signed with another key") for p in problems)
    output = _cli(anchored, monkeypatch, "verify")
    assert output.exit_code == 1 and "checkpoint file: line 1: its signature does not match" in output.output
    with pytest.raises(InvalidState, match="cannot be continued: signed with another key"):
        anchored.trail_checkpoints.checkpoint()


def test_a_checkpoint_file_that_cannot_be_written_is_a_clear_error(five_step_engine, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    engine = anchored_engine(five_step_engine, blocked / "trail.jsonl")
    _started(engine)
    with pytest.raises(InvalidState, match="cannot be written"):
        engine.trail_checkpoints.checkpoint()


def test_a_truncated_checkpoint_file_is_detected_and_not_continued(anchored, monkeypatch):
    case = _started(anchored)
    anchored.trail_checkpoints.checkpoint()
    complete(anchored, case["id"], {})
    anchored.trail_checkpoints.checkpoint()
    path = anchored.trail_checkpoints.path
    path.write_text(_lines(anchored)[0] + "\n")
    result = anchored.history.verify()
    assert not result.ok
    assert any("records checkpoints 2 that the file does not hold" in p for p in result.checkpoints.problems)
    complete(anchored, case["id"], {"review": "approve"})
    refused = _cli(anchored, monkeypatch, "checkpoint")
    assert refused.exit_code == 1 and "truncated or replaced" in refused.output
    assert len(_lines(anchored)) == 1
    path.write_text(path.read_text()[:-20])  # cut in the middle of its only line
    result = anchored.history.verify()
    assert any("cut short" in p for p in result.checkpoints.problems)
    with pytest.raises(InvalidState, match="cut short"):
        anchored.trail_checkpoints.checkpoint()
    path.unlink()
    assert any("is missing, but the database records 2" in p for p in anchored.history.verify().checkpoints.problems)


def test_a_removed_record_is_reported_and_recorded_again_from_the_file(anchored):
    _started(anchored)
    anchored.trail_checkpoints.checkpoint()
    with anchored.db.transaction() as session:
        session.execute(sa.delete(TrailCheckpoint))
    problems = anchored.history.verify().checkpoints.problems
    assert problems == ["checkpoint 1 is in the file but not in the database's record"]
    run = anchored.trail_checkpoints.checkpoint()
    assert run.recorded_again == 1 and run.lines == [] and anchored.history.verify().ok


def test_runs_at_the_same_time_write_one_line(anchored, monkeypatch):
    """Two workers' beats firing together: the file's lock makes the second wait, find nothing moved and write
    nothing; no interleaved or repeated line."""
    _started(anchored)
    _started(anchored)
    moved = TrailCheckpoints._moved
    inside = threading.Event()

    def slow_moved(session, since, last_run):
        inside.set()
        threading.Event().wait(0.3)  # hold the run open while the other one starts
        return moved(session, since, last_run)

    monkeypatch.setattr(TrailCheckpoints, "_moved", staticmethod(slow_moved))
    other = anchored_engine(anchored, anchored.trail_checkpoints.path)  # another process's engine
    runs, errors = [], []

    def run(engine):
        try:
            runs.append(engine.trail_checkpoints.checkpoint())
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in (anchored, other)]
    threads[0].start()
    inside.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(len(r.lines) for r in runs) == [0, 1]
    lines = _lines(anchored)
    assert len(lines) == 1 and Signer(KEY).check(lines[0]).n == 1
    assert anchored.history.verify().ok


def test_a_checkpoint_goes_upward_with_the_next_batch(five_step_engine, tmp_path):
    engine = anchored_engine(five_step_engine, tmp_path / "trail.jsonl", upward_url="http://127.0.0.1:9/none")
    _started(engine)
    engine.trail_checkpoints.checkpoint()
    with engine.db.reading() as session:
        record = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "trail_checkpoint")).one()
    assert record.key == "checkpoint:1"
    batch = engine.outbox.next_batch()
    reported = next(r for r in batch.records if r["topic"] == "trail_checkpoint")
    assert reported["event"] == "trail_checkpoint" and reported["detail"] == json.loads(_lines(engine)[0])
    schema = json.loads(SCHEMA.read_text())
    assert "trail_checkpoint" in schema["$defs"]["record"]["properties"]["topic"]["enum"]
    checkpoint = schema["$defs"]["checkpoint"]
    assert set(checkpoint["required"]) == set(reported["detail"]) == set(checkpoint["properties"])
    assert set(reported) <= set(schema["$defs"]["record"]["properties"])


def test_the_beat_takes_checkpoints_when_a_key_is_set(anchored, five_step_engine):
    assert "trail-checkpoint" not in scheduler.make_celery(five_step_engine.settings).conf.beat_schedule
    app = scheduler.make_celery(anchored.settings)
    entry = app.conf.beat_schedule["trail-checkpoint"]
    assert entry["task"] == "shenpi.trail_checkpoint" and entry["schedule"] == 300
    _started(anchored)
    scheduler.bind_engine(anchored)
    try:
        assert app.tasks["shenpi.trail_checkpoint"]()["lines"] == 1
    finally:
        scheduler.bind_engine(None)
    assert len(_lines(anchored)) == 1
