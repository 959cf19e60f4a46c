"""Moving running cases to another version of their process (as Camunda's migration API): applying the plan.

SpiffWorkflow has no migration of its own that keeps task ids, so a case's workflow is rebuilt: its stored state
is rewritten for the new version's spec (``migration_plan.Rebuild``: what maps where, what refuses the case) and
restored on that spec, then:

- an open step keeps its task id, so its projection row, claim and form data stay; its row follows its new element
  (name, lane, limit), and a claim is released when the step moved to another department;
- predicted tasks follow the new definition (predicted again from every open task);
- the open step's timers are counted again from the new definition: from when each started waiting (or, for a
  timer new in this version, from when the step opened), in working days where the expression says so, and moved
  by every pause of the case clock since; a paused case keeps its new timers suspended until it resumes. A timer
  that already fired stays fired; a timer the new version no longer has is dropped;
- a message wait or a pending connector call is carried over when the new version has the same element doing the
  same thing, else the case is refused; a case inside a call activity is refused (``migration_waits.py``).

Each case migrates in its own step (one transaction: workflow, projection and a ``case_migrated`` trail row with
the versions and the mapping used), so a refused case never stops the others. A dry run takes the same path and
rolls it back, reporting per case what would happen.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from ..errors import Conflict, EngineError, InvalidInput, InvalidState, NotFound, PermissionDenied, plain
from ..identity.actors import Actor, split_lane
from ..kernel import clock as clock_module
from ..models import Case, PendingTimer, ProcessDefinition, TaskRecord
from ..trail import chain as trail
from . import migration_waits
from .case_clock import set_timer_due
from .migration_plan import FINISHED, OPEN, PREDICTED, Rebuild, check_mapping_elements, checked_request, whole
from .recount import after_pauses, ended_pauses
from .task_timers import counts_working_time, step_due, step_timers, timer_due
from .workflow_state import IndexedWorkflow

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec

    from ..deadlines.calendar_service import CalendarService
    from ..definitions.repository import ParsedProcess
    from ..kernel import Clock, Database
    from .stepper import CaseStepper, StepContext

EVENT = "case_migrated"
MAX_CASES = 1000  # cases named in one request
_cases = Case.__table__
_records = TaskRecord.__table__
_timers = PendingTimer.__table__


class _DryRun(Exception):
    """Raised inside a dry run's step so that nothing of it is written."""


def predict_again(wf: BpmnWorkflow) -> None:
    """Predicted children follow the new spec: every open task's predicted branch is synced with its outputs."""
    for task in list(wf.get_tasks(state=OPEN)):
        if task.id not in wf.tasks:
            continue
        outputs = task.task_spec.outputs
        for child in list(task.children):
            if child.has_state(PREDICTED) and child.task_spec not in outputs and not child.triggered:
                wf._remove_task(child.id)
        present = {child.task_spec for child in task.children}
        for spec in outputs:
            if spec not in present:
                task._add_child(spec, TaskState.FUTURE if task.has_state(TaskState.DEFINITE_MASK) else task.state)
        for child in task.children:
            if child.has_state(PREDICTED):
                child.task_spec._predict(child, mask=PREDICTED)


class CaseMigration:
    """``POST /api/v1/migrations`` and the process administration's migration page."""

    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, stepper: CaseStepper) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.stepper = stepper

    # --- the request ----------------------------------------------------------------------------------------
    def migrate(
        self,
        actor: Actor,
        process: str,
        from_version: int,
        to_version: int,
        cases: Iterable[int] | None = None,
        all_cases: bool = False,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Move the named cases (or ``all_cases`` running on ``from_version``) to ``to_version``; each case in its
        own step. Returns per case what happened (or, ``dry_run``, what would happen) and the counts."""
        if not actor.is_admin:
            raise PermissionDenied("migration_admin_only")
        mapping = checked_request(process, from_version, to_version, mapping)
        source = self._definition(process, from_version, "from_version")
        target = self._definition(process, to_version, "to_version")
        repository = self.stepper.store.repository
        old, new = repository.parsed(source.id), repository.parsed(target.id)
        check_mapping_elements(mapping, old, new)
        ids = self._case_ids(source.id, cases, all_cases)
        results = [self._one(case_id, actor, source, target, old, new, mapping, dry_run) for case_id in ids]
        return {
            "process": process,
            "from_version": from_version,
            "to_version": to_version,
            "dry_run": dry_run,
            "mapping": dict(mapping),
            "cases": results,
            "migrated": sum(1 for r in results if r["status"] in ("migrated", "would_migrate")),
            "refused": sum(1 for r in results if r["status"] == "refused"),
        }

    def _definition(self, key: str, version: int, field: str) -> ProcessDefinition:
        with self.db.reading() as session:
            found = session.scalar(
                sa.select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
            )
            if found is None:
                raise NotFound("process_version_not_found", field=field, key=key, version=version)
            session.expunge(found)
            return found

    def _case_ids(self, definition_id: int, cases: Iterable[int] | None, all_cases: bool) -> list[int]:
        if all_cases:
            with self.db.reading() as session:
                return list(
                    session.scalars(
                        sa.select(Case.id)
                        .where(Case.definition_id == definition_id, Case.status == "running")
                        .order_by(Case.id)
                    )
                )
        named = list(cases or [])
        if not named:
            raise InvalidInput("migration_cases_required", field="cases")
        if len(named) > MAX_CASES:
            raise InvalidInput("migration_too_many_cases", field="cases", limit=MAX_CASES)
        if not all(whole(c) for c in named):
            raise InvalidInput("migration_cases_required", field="cases")
        return list(dict.fromkeys(named))

    # --- one case -------------------------------------------------------------------------------------------
    def _one(
        self,
        case_id: int,
        actor: Actor,
        source: ProcessDefinition,
        target: ProcessDefinition,
        old: ParsedProcess,
        new: ParsedProcess,
        mapping: Mapping[str, str],
        dry_run: bool,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"case": case_id, "number": None}
        try:
            with self.stepper.step(case_id, actor.id) as ctx:
                result["number"] = ctx.case.number
                if ctx.case.definition_id != source.id:
                    raise InvalidState("migration_case_not_on_version", number=ctx.case.number, version=source.version)
                report = self.migrate_in(ctx, source, target, old, new, mapping)
                result.update(report)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            result["status"] = "would_migrate"
            return result
        except EngineError as refusal:
            result.update(
                status="refused",
                reason=refusal.reason,
                params={k: plain(v) for k, v in refusal.params.items()},
                message=refusal.message,  # a Message: English here, worded by the web layer
            )
            return result
        result["status"] = "migrated"
        return result

    def migrate_in(
        self,
        ctx: StepContext,
        source: ProcessDefinition,
        target: ProcessDefinition,
        old: ParsedProcess,
        new: ParsedProcess,
        mapping: Mapping[str, str],
    ) -> dict[str, Any]:
        """Within a step on the case: rebuild its workflow on ``new`` and project what moved."""
        live = ctx.live
        store = self.stepper.store
        rebuild = Rebuild(old, new, mapping, target.version)
        migration_waits.refuse_inside_call_activity(live.wf, ctx.case.number)
        snapshot = copy.deepcopy(store.codec.snapshot(live.wf))
        state = rebuild.state(snapshot)
        wf = store.codec.restore(state, new.spec, new.subprocess_specs, store.script_engine)
        assert isinstance(wf, IndexedWorkflow)
        predict_again(wf)
        carried = migration_waits.carry_over(ctx.connection, ctx.case.id, ctx.case.number, wf, new, target.version)
        case_row = ctx.connection.execute(sa.select(_cases).where(_cases.c.id == ctx.case.id)).one()
        records = {
            row.id: row
            for row in ctx.connection.execute(
                sa.select(_records).where(_records.c.case_id == ctx.case.id, _records.c.state == "open")
            ).all()
        }
        timer_rows = {
            row.task_id: row
            for row in ctx.connection.execute(sa.select(_timers).where(_timers.c.case_id == ctx.case.id)).all()
        }
        timers = self._timers(ctx, wf, rebuild, records, timer_rows)
        steps, released = self._steps(ctx, wf, records, paused=case_row.paused_since is not None)
        gone = [tid for tid in rebuild.dropped if tid in timer_rows]
        if gone:
            ctx.connection.execute(_timers.delete().where(_timers.c.task_id.in_(gone)))
        live.wf = wf
        live.definition_id = target.id
        live.needs_snapshot = True
        live.states = {tid: s for tid, s in live.states.items() if str(tid) not in rebuild.dropped}
        ctx.case = dataclasses.replace(ctx.case, definition_id=target.id)
        ctx.case_values["definition_id"] = target.id
        used = {**mapping, **rebuild.used}
        report = {
            "steps": steps,
            "timers": timers,
            "claims_released": released,
            "waits_carried_over": carried,
            "mapping_used": dict(sorted(used.items())),
        }
        ctx.events.append(
            trail.event(
                EVENT,
                ctx.now,
                case_id=ctx.case.id,
                actor=ctx.actor_id,
                from_state=f"v{source.version}",
                to_state=f"v{target.version}",
                detail={
                    "process": source.key,
                    "from_version": source.version,
                    "to_version": target.version,
                    "from_definition": source.id,
                    "to_definition": target.id,
                    **report,
                },
            )
        )
        return report

    def _timers(
        self,
        ctx: StepContext,
        wf: BpmnWorkflow,
        rebuild: Rebuild,
        records: dict[str, Any],
        timer_rows: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """The open steps' boundary events as the new version has them; timers counted again. Returns the report."""
        calendar = self.calendars.calendar()
        pauses = ended_pauses(ctx.connection, ctx.case.id)
        report: list[dict[str, Any]] = []
        for tid, state in rebuild.dropped.items():
            row = timer_rows.get(tid)
            if row is not None and state == TaskState.WAITING:
                report.append({"element": row.element_id, "from": row.due_at, "to": None, "change": "removed"})
        for orphan in self._orphan_events(wf):
            row = timer_rows.get(str(orphan.id))
            if row is not None:
                report.append({"element": row.element_id, "from": row.due_at, "to": None, "change": "removed"})
            wf._remove_task(orphan.id)  # the stepper drops its pending timer with it
        for anchor in self._anchors(wf):
            split_spec = wf.spec.task_specs.get(f"{anchor.task_spec.name}.BoundaryEventSplit")
            split = anchor.parent
            if not isinstance(split_spec, BoundaryEventSplit):
                continue
            if split is None or split.task_spec is not split_spec:
                split = self._insert_split(wf, anchor, split_spec)
            record = records.get(str(anchor.id)) or next(
                (records[str(c.id)] for c in anchor.children if str(c.id) in records), None
            )
            opened = record.created_at if record is not None else ctx.now
            children = {child.task_spec: child for child in split.children}
            for spec in split_spec.outputs:
                if not isinstance(spec, BoundaryEvent):
                    continue
                child = children.get(spec)
                if child is not None and child.state & FINISHED:
                    continue  # fired already: history
                created = child is None or child.has_state(PREDICTED)
                if child is None:
                    child = split._add_child(spec, TaskState.WAITING)
                    child._inherit_data()
                elif child.has_state(PREDICTED):
                    child._set_state(TaskState.WAITING)
                if not isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
                    wf.event_manager.add_task(child)
                    spec._predict(child, mask=PREDICTED | TaskState.WAITING)
                    continue
                row = timer_rows.get(str(child.id))
                counted_from = row.counted_from if row is not None and row.counted_from is not None else opened
                before = timer_due(child) if not created else None
                if isinstance(spec.event_definition, CycleTimerEventDefinition) and not created:
                    report.append({"element": spec.bpmn_id, "from": before, "to": before, "change": "kept"})
                    continue  # a cycle keeps its count: only a new one starts from now
                due = self._count(child, counted_from, calendar, pauses, ctx.now)
                provisional = counts_working_time(child) and calendar.provisional_between(counted_from, due)
                wf.event_manager.add_task(child)
                if created:
                    spec._predict(child, mask=PREDICTED | TaskState.WAITING)
                    ctx.timer_origins[str(child.id)] = counted_from
                    report.append({"element": spec.bpmn_id, "from": None, "to": due, "change": "added"})
                    continue
                if row is not None:
                    ctx.connection.execute(
                        _timers.update()
                        .where(_timers.c.task_id == str(child.id))
                        .values(element_id=spec.bpmn_id, due_at=due, provisional=provisional)
                    )
                    if not row.suspended and due != before:
                        ctx.timers.append(due)
                report.append(
                    {
                        "element": spec.bpmn_id,
                        "from": before,
                        "to": due,
                        "change": "recounted" if due != before else "kept",
                    }
                )
        for task in wf.get_tasks(state=TaskState.WAITING):  # a case waiting at a timer of the flow itself
            definition = getattr(task.task_spec, "event_definition", None)
            row = timer_rows.get(str(task.id))
            if isinstance(task.task_spec, BoundaryEvent) or not isinstance(definition, TimerEventDefinition):
                continue
            if isinstance(definition, CycleTimerEventDefinition):
                continue
            if row is None or row.counted_from is None:
                continue
            before = timer_due(task)
            due = self._count(task, row.counted_from, calendar, pauses, ctx.now)
            provisional = counts_working_time(task) and calendar.provisional_between(row.counted_from, due)
            ctx.connection.execute(
                _timers.update()
                .where(_timers.c.task_id == str(task.id))
                .values(element_id=task.task_spec.bpmn_id, due_at=due, provisional=provisional)
            )
            if not row.suspended and due != before:
                ctx.timers.append(due)
            change = "recounted" if due != before else "kept"
            report.append({"element": task.task_spec.bpmn_id, "from": before, "to": due, "change": change})
        for item in report:
            for key in ("from", "to"):
                if isinstance(item[key], _dt.datetime):
                    item[key] = item[key].isoformat()
        return report

    @staticmethod
    def _orphan_events(wf: BpmnWorkflow) -> list[SpiffTask]:
        """Waiting boundary events no longer attached to an open step of theirs (the step moved to an element
        without them): they would fire for a step that is not there."""
        orphans = []
        for task in wf.get_tasks(state=TaskState.WAITING):
            if not isinstance(task.task_spec, BoundaryEvent):
                continue
            split = task.parent
            attached = split is not None and isinstance(split.task_spec, BoundaryEventSplit)
            if attached and split is not None and task.task_spec in split.task_spec.outputs:
                attached = any(
                    not isinstance(sibling.task_spec, BoundaryEvent)
                    and sibling.task_spec in split.task_spec.outputs
                    and not sibling.state & FINISHED
                    for sibling in split.children
                )
            if not attached:
                orphans.append(task)
        return orphans

    @staticmethod
    def _anchors(wf: BpmnWorkflow) -> list[SpiffTask]:
        """The open steps: ready user tasks (not a joint sign-off's instances) and running joint sign-offs."""
        anchors = []
        for task in wf.get_tasks(state=TaskState.READY | TaskState.STARTED):
            parent_spec = task.parent.task_spec if task.parent is not None else None
            if task.task_spec.manual and not isinstance(parent_spec, LoopTask) or isinstance(task.task_spec, LoopTask):
                anchors.append(task)
        return anchors

    @staticmethod
    def _insert_split(wf: BpmnWorkflow, anchor: SpiffTask, split_spec: TaskSpec) -> SpiffTask:
        """A step that had no boundary events gets the split the new version puts before it."""
        parent = anchor.parent
        assert parent is not None  # an open step always has a parent
        split = SpiffTask(wf, split_spec, parent=parent, state=TaskState.COMPLETED)
        parent._children.pop()  # Task() appended it; it takes the step's place instead
        parent._children[parent._children.index(anchor.id)] = split.id
        split._children = [anchor.id]
        anchor._parent = split.id
        split.data = copy.deepcopy(parent.data)
        wf.tasks.touched.add(parent.id)
        return split

    @staticmethod
    def _count(
        task: SpiffTask,
        counted_from: _dt.datetime,
        calendar: Any,
        pauses: list[tuple[_dt.datetime, _dt.datetime]],
        now: _dt.datetime,
    ) -> _dt.datetime:
        """The timer's instant by the new definition, counted from ``counted_from`` and moved by the pauses."""
        definition = task.task_spec.event_definition
        task.internal_data.pop("event_value", None)
        task.internal_data.pop("event_fired", None)
        if isinstance(definition, CycleTimerEventDefinition):
            with clock_module.running_on(clock_module.FixedClock(now)):
                definition.cycle_complete(task)
            due = timer_due(task)
            assert due is not None
            return due
        with clock_module.running_on(clock_module.FixedClock(counted_from)):
            definition.has_fired(task)
        task.internal_data.pop("event_fired", None)
        counted = timer_due(task)
        assert counted is not None
        due = after_pauses(calendar, counted, pauses, counted_from)
        set_timer_due(task, due)
        return due

    def _steps(
        self, ctx: StepContext, wf: BpmnWorkflow, records: dict[str, Any], paused: bool
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Every open step's projection row follows its new element: name, lane and limit (its light stays); a claim stays
        unless the step moved to another department."""
        calendar = self.calendars.calendar()
        steps: list[dict[str, Any]] = []
        released: list[dict[str, Any]] = []
        for tid, record in records.items():
            task = wf.get_task_from_id(UUID(tid))
            if task is None:  # cannot happen: an open step without a target refuses the case
                raise Conflict("case_changed_concurrently", number=ctx.case.number)
            spec = task.task_spec
            lane = getattr(spec, "lane", None)
            department, post = split_lane(lane, ctx.case.department)
            due = step_due(task)
            provisional = False
            for timer in step_timers(task):
                timer_at = timer_due(timer)
                if timer.state == TaskState.WAITING and timer_at is not None and counts_working_time(timer):
                    start = ctx.timer_origins.get(str(timer.id), record.created_at)
                    provisional = provisional or calendar.provisional_between(start, timer_at)
            values: dict[str, Any] = {
                "element_id": spec.bpmn_id,
                "name": spec.bpmn_name or spec.bpmn_id,
                "lane": lane,
                "department": department,
                "post": post,
                "due_at": due,
                "due_provisional": provisional,
            }
            if department != record.department and record.assignee is not None:
                values["assignee"] = None
                released.append({"task": tid, "assignee": record.assignee, "department": department})
            # the step keeps its light: the timers that lit it fired; those of the new element light it again
            ctx.connection.execute(_records.update().where(_records.c.id == tid).values(**values))
            steps.append(
                {
                    "task": tid,
                    "from": record.element_id,
                    "from_name": record.name,
                    "to": spec.bpmn_id,
                    "name": spec.bpmn_name or spec.bpmn_id,
                    "department": department,
                    "due_from": record.due_at.isoformat() if record.due_at else None,
                    "due_to": due.isoformat() if due else None,
                }
            )
        return steps, released
