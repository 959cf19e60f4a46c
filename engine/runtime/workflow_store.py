"""Loading and saving case workflows, with a write-through cache of live workflows.

A cached workflow is lent to one transaction at a time (checked out, then checked
back in after commit); a failed transaction drops it so the next reader rebuilds
it from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ..definitions.repository import RepositoryService
from ..errors import InvalidState
from ..kernel import fast_sql
from ..kernel.db import Executor
from ..models import WorkflowJournal, WorkflowSnapshot
from .workflow_state import IndexedWorkflow, Placeholder, WorkflowCodec, open_states, placeholders, track

_snapshots = WorkflowSnapshot.__table__
_journal = WorkflowJournal.__table__
COMPACT_AFTER = 64
INSERT_JOURNAL = _journal.insert()


@dataclass
class LiveWorkflow:
    case_id: int
    definition_id: int
    lock_version: int
    wf: BpmnWorkflow
    states: dict[UUID, int] = field(default_factory=dict)  # task id -> state at the last save, if unfinished then
    journal_seq: int = 0
    needs_snapshot: bool = True
    # task id -> state of every task of the case's subprocesses (call activities, embedded subprocesses) at the
    # last save: their transitions are found by comparing (SpiffWorkflow keeps them outside the tracked tasks)
    sub_states: dict[UUID, int] = field(default_factory=dict)
    # unfinished tasks ahead of the flow as they were saved, holding nothing but their place: a journal entry
    # leaves out those still the same (workflow_state.placeholders)
    placeholders: dict[UUID, Placeholder] = field(default_factory=dict)


def subprocess_states(wf: BpmnWorkflow) -> dict[UUID, int]:
    """Task id -> state of every task in the workflow's subprocesses."""
    return {tid: task.state for sub in wf.subprocesses.values() for tid, task in sub.tasks.items()}


class WorkflowStore:
    def __init__(
        self, repository: RepositoryService, script_engine: PythonScriptEngine, cache_size: int = 2000
    ) -> None:
        self.repository = repository
        self.script_engine = script_engine
        self.codec = WorkflowCodec()
        self.cache_size = cache_size
        self._cache: OrderedDict[int, LiveWorkflow] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, case_id: int, definition_id: int) -> LiveWorkflow:
        parsed = self.repository.parsed(definition_id)
        wf = track(IndexedWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine), new=True)
        return LiveWorkflow(case_id, definition_id, 0, wf, states={}, needs_snapshot=True)

    def checkout(self, session: Executor, case_id: int, definition_id: int, lock_version: int) -> LiveWorkflow:
        with self._lock:
            live = self._cache.pop(case_id, None)
        if live is not None and live.lock_version == lock_version:
            return live
        return self._load(session, case_id, definition_id, lock_version)

    def _load(self, session: Executor, case_id: int, definition_id: int, lock_version: int) -> LiveWorkflow:
        snapshot = session.execute(
            sa.select(_snapshots.c.state, _snapshots.c.journal_seq).where(_snapshots.c.case_id == case_id)
        ).first()
        if snapshot is None:
            raise InvalidState("case_handled_elsewhere", case=case_id)
        state = self.codec.loads(snapshot.state)
        entries = session.execute(
            sa.select(_journal.c.seq, _journal.c.delta)
            .where(_journal.c.case_id == case_id, _journal.c.seq > snapshot.journal_seq)
            .order_by(_journal.c.seq)
        ).all()
        for entry in entries:
            self.codec.merge(state, self.codec.loads(entry.delta))
        parsed = self.repository.parsed(definition_id)
        wf = self.codec.restore(state, parsed.spec, parsed.subprocess_specs, self.script_engine)
        last_seq = entries[-1].seq if entries else snapshot.journal_seq
        return LiveWorkflow(
            case_id,
            definition_id,
            lock_version,
            wf,
            states=open_states(wf),
            journal_seq=last_seq,
            needs_snapshot=len(entries) > COMPACT_AFTER,
            sub_states=subprocess_states(wf),
        )

    @contextmanager
    def reading(self, session: Executor, case_id: int, definition_id: int, lock_version: int) -> Iterator[BpmnWorkflow]:
        """A case's workflow to look at, never to change: a cached one is lent and put back unless a step has
        cached a newer one meanwhile; one loaded from the database is not cached."""
        with self._lock:
            live = self._cache.pop(case_id, None)
        if live is None or live.lock_version != lock_version:
            yield self._load(session, case_id, definition_id, lock_version).wf
            return
        try:
            yield live.wf
        finally:
            with self._lock:
                self._cache.setdefault(case_id, live)

    def write(self, session: Executor, live: LiveWorkflow) -> None:
        """Store the changes since the last save in the caller's transaction."""
        wf = live.wf
        if live.needs_snapshot:
            state = self.codec.dumps(self.codec.snapshot(wf))
            live.journal_seq += 1
            exists = session.execute(
                sa.select(_snapshots.c.case_id).where(_snapshots.c.case_id == live.case_id)
            ).first()
            if exists:
                session.execute(
                    _snapshots.update()
                    .where(_snapshots.c.case_id == live.case_id)
                    .values(state=state, journal_seq=live.journal_seq)
                )
                session.execute(_journal.delete().where(_journal.c.case_id == live.case_id))
            else:
                session.execute(
                    _snapshots.insert().values(case_id=live.case_id, state=state, journal_seq=live.journal_seq)
                )
            live.needs_snapshot = False
        else:
            delta = self.codec.dumps(self.codec.delta(wf, live.states, live.placeholders))
            live.journal_seq += 1
            fast_sql.execute(
                session, INSERT_JOURNAL, {"case_id": live.case_id, "seq": live.journal_seq, "delta": delta}
            )
        tasks = wf.tasks
        touched = list(live.states) + list(tasks.created) + list(tasks.touched)
        live.states = open_states(wf, touched)
        live.placeholders = placeholders(wf, live.states)
        live.sub_states = subprocess_states(wf)
        tasks.reset()

    def checkin(self, live: LiveWorkflow, lock_version: int) -> None:
        live.lock_version = lock_version
        with self._lock:
            self._cache[live.case_id] = live
            self._cache.move_to_end(live.case_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def discard(self, case_id: int) -> None:
        with self._lock:
            self._cache.pop(case_id, None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
