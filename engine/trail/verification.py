"""Verifying the trail: every chain recomputed row by row, every head compared with its chain's last row and, when
signed checkpoints are given, every checkpointed head compared with the row now at its position.

A problem is a :class:`Break` that names its chain (the system chain, or a case's chain by the case's id), the
position in that chain, the row's global number when the row still exists, and how many rows of that chain verified
before it. A rewrite that re-hashed a chain to its head fits every link; only a checkpoint shows it, and the break
names the interval between the last checkpoint that still fits and the first that does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Case, TrailEntry, TrailHead
from .hashing import GENESIS, HASH_VERSIONS, SYSTEM, row_hash

_entries = TrailEntry.__table__
_head = TrailHead.__table__
_cases = Case.__table__


@dataclass(frozen=True)
class Anchor:
    """A chain's head as a signed checkpoint recorded it."""

    checkpoint: int
    position: int
    hash: str


@dataclass(frozen=True)
class Break:
    """Where a chain stops fitting: ``position`` is the first position that does not fit (or is missing), ``seq``
    the global number of the row there when it exists. A rewrite found against checkpoints also names its interval:
    positions ``position``–``through`` lie between checkpoint ``since_checkpoint`` (None: the chain's start) and
    checkpoint ``until_checkpoint``."""

    chain: int
    position: int
    seq: int | None
    reason: str
    verified_before: int
    through: int | None = None
    since_checkpoint: int | None = None
    until_checkpoint: int | None = None
    order: float = field(default=0.0, compare=False, repr=False)  # where it sits in the trail's global order

    @property
    def chain_name(self) -> str:
        return "the system chain" if self.chain == SYSTEM else f"case {self.chain}'s chain"

    def describe(self) -> str:
        row = f" (row {self.seq})" if self.seq is not None else ""
        return (
            f"{self.chain_name}, position {self.position}{row}: {self.reason}; "
            f"{self.verified_before} row(s) of this chain verified before it"
        )


@dataclass
class CheckpointStatus:
    """What the checkpoint file says: ``problems`` mean the file or the database's record of it was changed (the
    trail is then not proven); ``notes`` are what a reader should know (checkpoints off, none yet, stale)."""

    enabled: bool
    path: str | None = None
    count: int = 0
    newest: int | None = None
    newest_at: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Verification:
    checked: int
    breaks: list[Break] = field(default_factory=list)
    anchored: int = 0  # checkpointed heads found intact
    unanchored_chains: int = 0  # chains with rows after their last checkpoint (not yet anchored)
    checkpoints: CheckpointStatus | None = None

    @property
    def ok(self) -> bool:
        return not self.breaks and not (self.checkpoints and self.checkpoints.problems)

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None

    @property
    def broken_seq(self) -> int | None:
        return self.breaks[0].seq if self.breaks else None

    @property
    def reason(self) -> str | None:
        return self.breaks[0].reason if self.breaks else None


@dataclass
class _Chain:
    """The chain being read: rows come in (chain, position) order, so one chain at a time."""

    chain: int
    position: int = 0
    seq: int | None = None  # global number of the last row (a case chain starts after its case_started)
    hash: str | None = None
    version: int = 1
    verified: int = 0
    anchors: Sequence[Anchor] = ()
    next_anchor: int = 0
    fitting: Anchor | None = None  # the last checkpoint whose head fits
    after_fit_seq: int | None = None  # global number of the first row after it
    rewritten: bool = False


Tail = tuple[int, int | None, str | None, int]  # chain -> (last position, its seq, its hash, rows verified)


def verify(session: Session, anchors: Mapping[int, Sequence[Anchor]] | None = None, batch: int = 5000) -> Verification:
    """Recompute every chain; with ``anchors`` (chain -> its checkpointed heads, by position), compare each with
    the row at its position."""
    result = Verification(checked=0)
    started: dict[int, tuple[int, str]] = {}  # case id -> (seq, hash) of its case_started row
    tails: dict[int, Tail] = {}
    current: _Chain | None = None
    last_key = (-1, 0)
    while True:
        rows = (
            session.execute(
                sa.select(_entries)
                .where(sa.tuple_(_entries.c.chain, _entries.c.chain_seq) > sa.tuple_(*last_key))
                .order_by(_entries.c.chain, _entries.c.chain_seq)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        for row in rows:
            result.checked += 1
            if current is None or row["chain"] != current.chain:
                if current is not None:
                    _finish(current, tails, result, anchors)
                current = _start(row["chain"], started, anchors)
            _check_row(current, row, result)
            if row["chain"] == SYSTEM and row["event"] == "case_started":
                started[row["case_id"]] = (row["seq"], row["hash"])
        last_key = (rows[-1]["chain"], rows[-1]["chain_seq"])
    if current is not None:
        _finish(current, tails, result, anchors)
    _check_heads(session, tails, started, result)
    if anchors:
        _check_vanished(anchors, tails, result)
    _in_order(result.breaks)
    return result


def _in_order(breaks: list[Break]) -> None:
    """Chains in the order of their earliest break in the trail; a chain's breaks by position (a swap of numbers
    leaves the numbers no guide inside the chain)."""
    earliest: dict[int, float] = {}
    for place in breaks:
        earliest[place.chain] = min(place.order, earliest.get(place.chain, place.order))
    breaks.sort(key=lambda b: (earliest[b.chain], b.chain, b.position))


def _start(chain: int, started: dict[int, tuple[int, str]], anchors: Mapping[int, Sequence[Anchor]] | None) -> _Chain:
    state = _Chain(chain, anchors=(anchors or {}).get(chain, ()))
    if chain == SYSTEM:
        state.hash = GENESIS
    elif chain in started:
        state.seq, state.hash = started[chain]
    return state


def _check_row(state: _Chain, row: sa.RowMapping, result: Verification) -> None:
    seq, position, version = row["seq"], row["chain_seq"], row["hash_version"] or 1
    problem: str | None = None
    first_missing = position
    if position != state.position + 1:
        first_missing = state.position + 1
        gone = (
            f"position {first_missing}"
            if position == first_missing + 1
            else f"positions {first_missing}–{position - 1}"
        )
        problem = f"rows missing: {gone} gone (the chain jumps from {state.position} to {position} at row {seq})"
    elif state.hash is None:
        problem = f"case {state.chain} has trail rows but no case_started row in the system chain"
    elif row["prev_hash"] != state.hash:
        problem = "its previous-hash link does not match the row before it"
    elif version not in HASH_VERSIONS:
        problem = f"unknown hash version {version}"
    elif version < state.version:
        problem = f"hashed by the old formula (version {version}) after a row of version {state.version}"
    elif row_hash(row) != row["hash"]:
        problem = "row content does not match its hash"
    elif state.seq is not None and seq <= state.seq:
        problem = f"out of order: its number {seq} does not follow the previous row's {state.seq} (numbers swapped)"
    if problem is None:
        state.verified += 1
    else:
        result.breaks.append(
            Break(
                state.chain,
                first_missing,
                seq,
                problem,
                state.verified,
                order=seq if first_missing == position else seq - 0.5,
            )
        )
    if state.fitting is not None and state.after_fit_seq is None:
        state.after_fit_seq = seq
    _check_anchors(state, position, seq, row["hash"], result)
    state.position, state.seq, state.hash = position, seq, row["hash"]
    state.version = max(state.version, version)


def _check_anchors(state: _Chain, position: int, seq: int, row_hash_: str, result: Verification) -> None:
    while not state.rewritten and state.next_anchor < len(state.anchors):
        anchor = state.anchors[state.next_anchor]
        if anchor.position > position:
            return
        state.next_anchor += 1
        if anchor.position < position:  # its row is gone: the gap is already a break
            continue
        if anchor.hash == row_hash_:
            if state.fitting is None or anchor.position > state.fitting.position:
                state.fitting, state.after_fit_seq = anchor, None
            result.anchored += 1
        else:
            state.rewritten = True
            result.breaks.append(
                _rewrite(
                    state,
                    anchor,
                    seq,
                    f"the row there hashes to {row_hash_[:12]}… but checkpoint "
                    f"{anchor.checkpoint} signed {anchor.hash[:12]}…",
                )
            )


def _rewrite(state: _Chain, anchor: Anchor, seq: int | None, evidence: str) -> Break:
    """The break of a chain rewritten between its last fitting checkpoint and ``anchor``."""
    since = state.fitting
    start = since.position + 1 if since else 1
    first_seq = state.after_fit_seq if since else None
    span = f"positions {start}–{anchor.position}" if anchor.position > start else f"position {start}"
    rows = f" (rows {first_seq}–{seq})" if first_seq is not None and seq is not None and seq != first_seq else ""
    after = f"after checkpoint {since.checkpoint}, which still fits," if since else "from the chain's start"
    return Break(
        state.chain,
        start,
        first_seq if first_seq is not None else (seq if start == anchor.position else None),
        f"rewritten {after} up to checkpoint {anchor.checkpoint}: {span}{rows} changed since they were "
        f"checkpointed ({evidence})",
        since.position if since else 0,
        through=anchor.position,
        since_checkpoint=since.checkpoint if since else None,
        until_checkpoint=anchor.checkpoint,
        order=(first_seq if first_seq is not None else (seq or 0)) - 0.25,
    )


def _finish(
    state: _Chain, tails: dict[int, Tail], result: Verification, anchors: Mapping[int, Sequence[Anchor]] | None
) -> None:
    """The chain's last row was read: checkpoints beyond it mean rows removed since; rows beyond the last
    checkpoint are not anchored yet."""
    tails[state.chain] = (state.position, state.seq, state.hash, state.verified)
    if anchors is None:
        return
    beyond = [a for a in state.anchors[state.next_anchor :] if a.position > state.position]
    if beyond and not state.rewritten:
        last = beyond[-1]
        result.breaks.append(
            _rewrite(
                state,
                last,
                None,
                f"the chain now ends at position {state.position}, checkpoint "
                f"{last.checkpoint} recorded it up to {last.position}",
            )
        )
    elif not state.anchors or state.anchors[-1].position < state.position:
        result.unanchored_chains += 1


def _check_vanished(anchors: Mapping[int, Sequence[Anchor]], tails: dict[int, Tail], result: Verification) -> None:
    """Chains a checkpoint recorded that have no rows left at all."""
    for chain, recorded in anchors.items():
        if chain in tails or not any(a.position for a in recorded):
            continue
        last = max(recorded, key=lambda a: a.position)
        result.breaks.append(
            Break(
                chain,
                1,
                None,
                f"the whole chain is gone: checkpoint {last.checkpoint} recorded it up to position {last.position}, "
                f"no row of it is left",
                0,
                through=last.position,
                until_checkpoint=last.checkpoint,
                order=float(chain),
            )
        )


def _check_heads(
    session: Session, tails: dict[int, Tail], started: dict[int, tuple[int, str]], result: Verification
) -> None:
    """Each chain's head (the system chain's in trail_head, a case's on its case row) must be its last row."""
    head = session.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).first()
    position, seq, last, verified = tails.get(SYSTEM, (0, None, GENESIS, 0))
    if head is not None:
        _compare_head(SYSTEM, "its head", head.seq, head.hash, position, seq, last, verified, result)
    cases = session.execute(sa.select(_cases.c.id, _cases.c.trail_seq, _cases.c.trail_hash)).all()
    for case_id, trail_seq, trail_hash in cases:
        if case_id in started:
            position, seq, last, verified = tails.get(case_id, (0, started[case_id][0], started[case_id][1], 0))
            _compare_head(case_id, "the case", trail_seq, trail_hash, position, seq, last, verified, result)
        elif case_id not in tails:
            result.breaks.append(
                Break(
                    case_id,
                    1,
                    None,
                    f"the case's whole trail is gone: no case_started row in the system chain and none of the "
                    f"{trail_seq} row(s) the case records",
                    0,
                    order=0.0,
                )
            )
    known = {case_id for case_id, _seq, _hash in cases}
    for case_id, (seq, _hash) in started.items():
        if case_id not in known:
            result.breaks.append(
                Break(
                    case_id,
                    0,
                    seq,
                    "the case's record is gone; its case_started row is left",
                    tails.get(case_id, (0, None, None, 0))[3],
                    order=seq,
                )
            )


def _compare_head(
    chain: int,
    holder: str,
    head_position: int,
    head_hash: str,
    position: int,
    seq: int | None,
    last: str | None,
    verified: int,
    result: Verification,
) -> None:
    if head_position > position:
        gone = position + 1 if head_position == position + 1 else f"{position + 1}–{head_position}"
        reason = (
            f"rows missing at the end: the chain ends at position {position} but {holder} records "
            f"{head_position}; position(s) {gone} gone"
        )
    elif head_position < position:
        reason = f"rows after the head: {holder} records {head_position} but the chain goes on to {position}"
        position = head_position
    elif head_hash != last:
        result.breaks.append(
            Break(
                chain,
                position,
                seq,
                f"{holder}'s hash does not match the chain's last row",
                max(0, verified - 1),
                order=seq or 0,
            )
        )
        return
    else:
        return
    result.breaks.append(Break(chain, position + 1, None, reason, verified, order=(seq or 0) + 0.5))
