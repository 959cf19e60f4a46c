"""Checkpoints anchor the trail outside the database.

The hash chains show an edit, a deletion or a truncation, but someone who can write to the database can also
re-hash every row after an edit and move the head: a rewrite fits every link. A checkpoint run signs the head of
the system chain and of every case chain that moved since the previous run with a key the database never holds
(``SHENPI_TRAIL_KEY``, HMAC-SHA256) and appends it to the checkpoint file (checkpoint_file.py), records the line's
digest in ``trail_checkpoint`` and hands it to the checkpoint observers (the upward outbox, so the next batch
reports it). ``verify`` then compares each checkpointed head with the row now at its position and names the
interval between the last checkpoint that still fits and the first that does not.

Runs are serialised by the file's lock (and, on one database, by the record's numbers): two workers or two beats
never write interleaved or repeated lines. A run that finds nothing moved writes nothing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidState
from ..kernel.db import Executor
from ..models import Case, TrailCheckpoint, TrailEntry, TrailHead
from . import checkpoint_file
from .checkpoint_file import BadLine, Head, Line, Signer
from .hashing import GENESIS, SYSTEM, instant
from .verification import Anchor, CheckpointStatus, Verification, verify

if TYPE_CHECKING:
    from ..kernel import Clock, Database

# (session, line) in the transaction that records a new checkpoint line: the upward outbox
CheckpointObserver = Callable[[Executor, Line], None]

HEADS_PER_LINE = 1000  # a run that covers more chains writes several lines, each self-contained
MOST_TO_RECORD_AGAIN = 1000
_entries = TrailEntry.__table__
_cases = Case.__table__
_head = TrailHead.__table__
_records = TrailCheckpoint.__table__
OFF = (
    "checkpoints are off: SHENPI_TRAIL_KEY is not set, so a rewrite that re-hashes a chain up to its head "
    "cannot be detected"
)


@dataclass
class CheckpointRun:
    """What one run wrote (no lines: nothing moved since the newest checkpoint ``newest``)."""

    lines: list[Line] = field(default_factory=list)
    newest: int | None = None
    recorded_again: int = 0  # lines of the file the database's record lacked (a run that died after writing)

    @property
    def heads(self) -> int:
        return sum(len(line.heads) for line in self.lines)


class TrailCheckpoints:
    def __init__(self, db: Database, clock: Clock, key: str, path: Path, interval_seconds: float) -> None:
        self.db, self.clock, self.path = db, clock, Path(path)
        self.signer = Signer(key) if key else None
        self.interval = _dt.timedelta(seconds=interval_seconds)
        self.observers: tuple[CheckpointObserver, ...] = ()  # installed by the wiring (engine/bootstrap.py)

    @property
    def enabled(self) -> bool:
        return self.signer is not None

    # --- taking a checkpoint ----------------------------------------------------------------------------------
    def checkpoint(self) -> CheckpointRun:
        """Sign the heads of the chains that moved since the newest checkpoint and append them to the file."""
        if self.signer is None:
            raise InvalidState("trail_checkpoints_off")
        try:
            with checkpoint_file.locked_for_append(self.path) as descriptor:
                return self._run(self.signer, descriptor)
        except BadLine as exc:
            raise InvalidState("trail_checkpoint_file_broken", path=str(self.path), detail=str(exc)) from None
        except OSError as exc:
            raise InvalidState(
                "trail_checkpoint_file_unwritable", path=str(self.path), detail=str(exc.strerror or exc)
            ) from None

    def _run(self, signer: Signer, descriptor: int) -> CheckpointRun:
        last_run, before = self._last_run(signer)
        newest = last_run[-1] if last_run else None
        run = CheckpointRun(newest=newest.n if newest else None)
        now = self.clock.now()
        with self.db.transaction() as session:
            run.recorded_again = self._record_missing(session, signer, newest)
            through = session.scalar(sa.select(sa.func.max(_entries.c.seq))) or 0
            heads = self._moved(session, self._since(newest, before, now), last_run)
            if not heads:
                return run
            prev, n = (newest.digest, newest.n) if newest else (GENESIS, 0)
            for start in range(0, len(heads), HEADS_PER_LINE):
                n += 1
                line = signer.sign(n, now, prev, through, heads[start : start + HEADS_PER_LINE])
                run.lines.append(line)
                prev = line.digest
                self._record(session, line)
            checkpoint_file.append(descriptor, run.lines)  # in the transaction: a failed write records nothing
        run.newest = run.lines[-1].n
        return run

    def _last_run(self, signer: Signer) -> tuple[list[Line], int]:
        """The lines of the newest run (they share its ``through_seq``) and the ``through_seq`` of the run before
        it."""
        if not self.path.exists():
            return [], 0
        run: list[Line] = []
        for text in checkpoint_file.read_backwards(self.path):
            line = signer.check(text)
            if run and line.through_seq != run[-1].through_seq:
                return run[::-1], line.through_seq
            run.append(line)
        return run[::-1], 0

    def _since(self, newest: Line | None, before: int, now: _dt.datetime) -> int:
        """The number after which rows are looked at. A transaction still open when the newest run read the trail
        may commit rows numbered below that run's ``through_seq``: while the newest run is younger than two
        intervals, the rows since the run before it are read again (the heads it signed as they are now are left
        out); later runs read only what is numbered after it."""
        if newest is None:
            return 0
        return before if now - newest.at < 2 * self.interval else newest.through_seq

    def _record_missing(self, session: Session, signer: Signer, newest: Line | None) -> int:
        """Check the file against the database's record before writing: a record beyond the file means the file
        was truncated or replaced (refused); lines the record lacks (a run that died between writing and committing)
        are recorded again."""
        recorded = session.scalar(sa.select(sa.func.max(_records.c.n))) or 0
        last = newest.n if newest else 0
        if recorded > last:
            raise InvalidState("trail_checkpoint_file_behind", path=str(self.path), recorded=recorded, last=last)
        if recorded == last:
            return 0
        if last - recorded > MOST_TO_RECORD_AGAIN:
            raise InvalidState("trail_checkpoint_record_lacks", path=str(self.path), first=recorded + 1, last=last)
        missing: list[Line] = []
        for text in checkpoint_file.read_backwards(self.path):
            line = signer.check(text)
            if line.n <= recorded:
                break
            missing.append(line)
        for line in reversed(missing):
            self._record(session, line)
        return len(missing)

    def _record(self, session: Session, line: Line) -> None:
        session.execute(
            _records.insert().values(
                n=line.n, at=line.at, digest=line.digest, through_seq=line.through_seq, heads=len(line.heads)
            )
        )
        for observer in self.observers:
            observer(session, line)

    @staticmethod
    def _moved(session: Session, since: int, last_run: list[Line]) -> list[Head]:
        """The heads of the case chains with rows numbered after ``since`` that the newest run did not sign as
        they are now, led by the system chain's head (every run signs it); none when nothing moved."""
        signed = {head for line in last_run for head in line.heads}
        moved = sa.select(_entries.c.chain).where(_entries.c.seq > since, _entries.c.chain != SYSTEM).distinct()
        heads: list[Head] = [
            (case_id, position, hash_)
            for case_id, position, hash_ in session.execute(
                sa.select(_cases.c.id, _cases.c.trail_seq, _cases.c.trail_hash)
                .where(_cases.c.id.in_(moved.scalar_subquery()))
                .order_by(_cases.c.id)
            )
            if position and (case_id, position, hash_) not in signed
        ]
        system = session.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).first()
        if system is None or not system.seq:
            return heads
        if not heads and (SYSTEM, system.seq, system.hash) in signed:
            return []
        return [(SYSTEM, system.seq, system.hash), *heads]

    # --- verifying against the checkpoints --------------------------------------------------------------------
    def verify(self) -> Verification:
        """Every chain recomputed and, with a key, every checkpointed head compared with its row; the file checked
        line by line and against the database's record of it."""
        with self.db.reading() as session:
            if self.signer is None:
                result = verify(session)
                result.checkpoints = CheckpointStatus(enabled=False, notes=[OFF])
                return result
            anchors, status = self._read_file(session, self.signer)
            result = verify(session, anchors)
        result.checkpoints = status
        if (
            status.newest_at is not None
            and result.unanchored_chains
            and self.clock.now() - _dt.datetime.fromisoformat(status.newest_at) > 3 * self.interval
        ):
            status.notes.append(
                f"the newest checkpoint is from {status.newest_at}, more than three intervals "
                f"ago, and {result.unanchored_chains} chain(s) moved since: is the worker's beat "
                f"running, or were newer checkpoints removed?"
            )
        return result

    def _read_file(self, session: Session, signer: Signer) -> tuple[dict[int, list[Anchor]], CheckpointStatus]:
        status = CheckpointStatus(enabled=True, path=str(self.path))
        records = {r.n: r.digest for r in session.execute(sa.select(_records.c.n, _records.c.digest))}
        anchors: dict[int, list[Anchor]] = {}
        if not self.path.exists():
            if records:
                status.problems.append(
                    f"the checkpoint file {self.path} is missing, but the database records {len(records)} checkpoint(s)"
                )
            else:
                status.notes.append(
                    f"no checkpoint yet ({self.path}): the worker's beat takes one every "
                    f"{self.interval.total_seconds():g} s, or run `shenpi trail checkpoint`"
                )
            return anchors, status
        try:
            lines = list(checkpoint_file.read(self.path))
        except OSError as exc:
            status.problems.append(f"the checkpoint file {self.path} cannot be read: {exc.strerror or exc}")
            return anchors, status
        previous: tuple[int, str] = (0, GENESIS)  # (n, digest) of the line before
        seen: set[int] = set()
        for number, text, complete in lines:
            if not complete:
                status.problems.append(f"line {number} is cut short (the file ends in the middle of it)")
                break
            try:
                line = signer.check(text)
            except BadLine as exc:
                status.problems.append(f"line {number}: {exc}")
                previous = (previous[0] + 1, checkpoint_file.text_digest(text))
                continue
            if line.n != previous[0] + 1:
                status.problems.append(
                    f"line {number} holds checkpoint {line.n} where {previous[0] + 1} should "
                    f"follow: lines were removed or moved"
                )
            elif line.prev != previous[1]:
                status.problems.append(
                    f"line {number} (checkpoint {line.n}) does not follow the line before it: "
                    f"its link to the previous line does not match"
                )
            if line.n not in records:
                status.problems.append(f"checkpoint {line.n} is in the file but not in the database's record")
            elif records[line.n] != line.digest:
                status.problems.append(f"checkpoint {line.n} differs from the line the database recorded")
            previous = (line.n, line.digest)
            seen.add(line.n)
            status.count += 1
            status.newest, status.newest_at = line.n, instant(line.at)
            for chain, position, hash_ in line.heads:
                anchors.setdefault(chain, []).append(Anchor(line.n, position, hash_))
        beyond = sorted(n for n in records if n not in seen and n > (status.newest or 0))
        if beyond:
            status.problems.append(
                f"the database records checkpoints {_span(beyond)} that the file does not hold: "
                f"the file was truncated or replaced"
            )
        return {chain: _by_position(found) for chain, found in anchors.items()}, status


def _by_position(anchors: Iterable[Anchor]) -> list[Anchor]:
    """A chain's anchors by position, the first checkpoint of each position only."""
    first: dict[int, Anchor] = {}
    for anchor in anchors:
        first.setdefault(anchor.position, anchor)
    return sorted(first.values(), key=lambda a: a.position)


def _span(numbers: list[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"
