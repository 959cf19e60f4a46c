"""SpiffWorkflow state as JSON, without the spec, saved incrementally.

The spec is never serialized: it is referenced by the case's process definition
and taken from the repository's cache. After the first save, each step stores
only the tasks it touched (a journal entry), so the cost of a step does not grow
with the length of the case's history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import DEFAULT_CONFIG, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from ..definitions.expressions import check_waiting_timer

FINISHED = TaskState.FINISHED_MASK
# tasks that only hold their place in the tree until the flow reaches them (FUTURE, LIKELY, MAYBE)
AHEAD = TaskState.PREDICTED_MASK | TaskState.FUTURE

# What a task ahead of the flow was at a save, when it held nothing but its place: the task itself, its state, when
# that was set, its children and whether it was triggered. A task still matching it (and still holding no data) would
# serialize as it did then, so the journal need not repeat it.
Placeholder = tuple[SpiffTask, int, float, tuple[UUID, ...], bool]


class TrackedTasks(dict[UUID, SpiffTask]):
    """``workflow.tasks`` that remembers which tasks were created or removed, and which may be unfinished."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.created: dict[UUID, None] = {}  # ordered sets: task ids in creation order
        self.removed: set[UUID] = set()
        self.touched: set[UUID] = set()
        self.unfinished: dict[UUID, None] = {tid: None for tid, task in self.items() if not task.state & FINISHED}

    def __setitem__(self, key: UUID, value: SpiffTask) -> None:
        if key not in self:
            self.created[key] = None
            self.unfinished[key] = None
        dict.__setitem__(self, key, value)

    def reopened(self, task: SpiffTask) -> None:
        """Call when a finished task is made unfinished again (e.g. a branch reset)."""
        self.unfinished[task.id] = None

    def iter_unfinished(self, task_filter: BpmnTaskFilter) -> Iterator[SpiffTask]:
        """Matching unfinished tasks in creation order, without walking the finished history."""
        found = []
        for tid in list(self.unfinished):
            task = dict.get(self, tid)
            if task is None or task.state & FINISHED:
                self.unfinished.pop(tid, None)
            elif task_filter.matches(task):
                found.append(task)
        return iter(found)

    def pop(self, key: UUID, *default: Any) -> Any:
        task = dict.get(self, key)
        if task is not None:
            self.unfinished.pop(key, None)
            if key in self.created:
                del self.created[key]
            else:
                self.removed.add(key)
            if task._parent is not None:
                self.touched.add(task._parent)
        return dict.pop(self, key, *default)

    def reset(self) -> None:
        self.created = {}
        self.removed = set()
        self.touched = set()


_FAST_FILTERS = {"state", "manual", "spec_name", "spec_class", "lane", "updated_ts"}


class IndexedWorkflow(BpmnWorkflow):
    """A BpmnWorkflow whose queries for unfinished tasks use an index instead of walking the whole tree.

    Walking the tree makes every step of a long-running case slower than the one before (and SpiffWorkflow's
    iterator stops at depth 1000); the index keeps a step's cost flat.
    """

    completed: bool

    def _indexed(self) -> bool:
        return isinstance(self.tasks, TrackedTasks) and not self.subprocesses

    def get_tasks_iterator(self, first_task: SpiffTask | None = None, **kwargs: Any) -> Iterator[SpiffTask]:
        state = kwargs.get("state")
        if (
            first_task is None
            and state is not None
            and not state & FINISHED
            and self._indexed()
            and kwargs.keys() <= _FAST_FILTERS
        ):
            return self.tasks.iter_unfinished(BpmnTaskFilter(**kwargs))
        return super().get_tasks_iterator(first_task, **kwargs)

    def update_waiting_tasks(self) -> None:
        """Timers and other waiting tasks looked at again; a cycle timer that would fire without end refuses the
        step (``expressions.check_waiting_timer``)."""
        if not self._indexed():
            for task in self.get_tasks(state=TaskState.WAITING):
                check_waiting_timer(task)
            return super().update_waiting_tasks()
        for task in self.tasks.iter_unfinished(BpmnTaskFilter(state=TaskState.WAITING)):
            check_waiting_timer(task)
            task.task_spec._update(task)

    def is_completed(self) -> bool:
        if not self.completed and self._indexed():
            if next(self.tasks.iter_unfinished(BpmnTaskFilter(state=TaskState.NOT_FINISHED_MASK)), None) is None:
                self.completed = True
            return self.completed
        return super().is_completed()


class WorkflowCodec:
    def __init__(self) -> None:
        self.registry = BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)
        self.registry._encoder_mode = True
        self._workflow_converter = BpmnWorkflowConverter(BpmnWorkflow, self.registry)
        self._encoder = create_encoder(self.registry)

    def dumps(self, value: object) -> str:
        return json.dumps(value, cls=self._encoder, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def loads(text: str) -> dict[str, Any]:
        return json.loads(text)

    def _meta(self, wf: BpmnWorkflow) -> dict[str, Any]:
        return {
            "root": str(wf.task_tree.id),
            "data": self.registry.clean(wf.data),
            "last_task": str(wf.last_task.id) if wf.last_task is not None else None,
            "success": wf.success,
            "completed": wf.completed,
            "correlations": wf.correlations,
            "bpmn_events": self.registry.convert(wf.bpmn_events),
        }

    def snapshot(self, wf: BpmnWorkflow) -> dict[str, Any]:
        convert = self.registry.convert
        return {
            "tasks": {str(task_id): convert(task) for task_id, task in wf.tasks.items()},
            "removed": [],
            "meta": self._meta(wf),
            "subprocesses": self._workflow_converter.mapping_to_dict(wf.subprocesses),
        }

    def delta(
        self, wf: BpmnWorkflow, open_ids: dict[UUID, int], placeholders: dict[UUID, Placeholder] | None = None
    ) -> dict[str, Any]:
        """Tasks that may have changed since the last save: open ones (but those ahead of the flow that are still
        the ``placeholders`` they were at the last save), new ones and parents of changes."""
        tasks: TrackedTasks = wf.tasks
        convert = self.registry.convert
        marks = placeholders or {}
        dirty = [
            tid
            for tid in open_ids
            if tid in tasks
            and tid not in tasks.created
            and (tid in tasks.touched or not _still_placeholder(tasks[tid], marks.get(tid)))
        ]
        dirty += [tid for tid in tasks.touched if tid in tasks and tid not in tasks.created and tid not in open_ids]
        dirty += list(tasks.created)
        entry = {
            "tasks": {str(tid): convert(tasks[tid]) for tid in dirty},
            "removed": [str(tid) for tid in tasks.removed],
            "meta": self._meta(wf),
        }
        if wf.subprocesses:
            entry["subprocesses"] = self._workflow_converter.mapping_to_dict(wf.subprocesses)
        return entry

    @staticmethod
    def merge(state: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
        state["tasks"].update(entry["tasks"])
        for tid in entry["removed"]:
            state["tasks"].pop(tid, None)
        state["meta"] = entry["meta"]
        if "subprocesses" in entry:
            state["subprocesses"] = entry["subprocesses"]
        return state

    def restore(
        self,
        state: dict[str, Any],
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: PythonScriptEngine,
    ) -> BpmnWorkflow:
        converter = self._workflow_converter
        wf = IndexedWorkflow(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        wf.tasks = converter.mapping_from_dict(state["tasks"], UUID, workflow=wf)
        meta = dict(state["meta"])
        wf.task_tree = wf.tasks.get(UUID(meta["root"]))
        converter.set_default_attributes(wf, meta)
        converter.subprocesses_from_dict(dict(state.get("subprocesses", {})), wf)
        wf.bpmn_events = self.registry.restore(meta.get("bpmn_events", []))
        track(wf)
        return wf


def task_by_id(wf: BpmnWorkflow, task_id: UUID) -> SpiffTask | None:
    """The workflow's task of that id, or None when it has none (a step withdrawn by a return or a jump is
    removed from the tree; SpiffWorkflow raises for it)."""
    try:
        return wf.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def track(wf: BpmnWorkflow, new: bool = False) -> BpmnWorkflow:
    """Make ``wf.tasks`` tracked; a ``new`` workflow counts all its tasks as created."""
    if not isinstance(wf.tasks, TrackedTasks):
        wf.tasks = TrackedTasks(wf.tasks)
    if new:
        wf.tasks.created = dict.fromkeys(wf.tasks)
    return wf


def placeholders(wf: BpmnWorkflow, ids: Iterable[UUID]) -> dict[UUID, Placeholder]:
    """The tasks among ``ids`` ahead of the flow that hold nothing but their place, as they are now."""
    tasks = wf.tasks
    marks: dict[UUID, Placeholder] = {}
    for tid in ids:
        task = tasks.get(tid)
        if task is not None and task.state & AHEAD and not task.data and not task.internal_data:
            marks[tid] = (task, task.state, task.last_state_change, tuple(task._children), task.triggered)
    return marks


def _still_placeholder(task: SpiffTask, mark: Placeholder | None) -> bool:
    return (
        mark is not None
        and mark[0] is task
        and mark[1] == task.state
        and mark[2] == task.last_state_change
        and mark[3] == tuple(task._children)
        and mark[4] == task.triggered
        and not task.data
        and not task.internal_data
    )


def open_states(wf: BpmnWorkflow, ids: Iterable[UUID] | None = None) -> dict[UUID, int]:
    """Task id -> state for the tasks that can still change."""
    tasks = wf.tasks
    if ids is None:
        ids = tasks.keys()
    return {tid: tasks[tid].state for tid in ids if tid in tasks and not tasks[tid].state & FINISHED}


def reset_to(wf: BpmnWorkflow, task: SpiffTask) -> dict[UUID, int]:
    """Reset the workflow to ``task`` (SpiffWorkflow's reset_from_task_id) and keep the indexes right.

    Returns task id -> previous state for the tasks the reset made unfinished again."""
    top = task.parent if type(task.parent.task_spec).__name__ == "BoundaryEventSplit" else task
    previous = {t.id: t.state for t in [top, *top.children]}
    wf.reset_from_task_id(task.id)
    manager = wf.event_manager  # SpiffWorkflow leaves removed catching events registered there
    for task_id in [tid for tid, waiting in manager.tasks.items() if waiting.workflow.tasks.get(tid) is not waiting]:
        del manager.tasks[task_id]
    reopened = {}
    for candidate in [top, *top.children]:
        if candidate.id in wf.tasks and not candidate.state & FINISHED:
            wf.tasks.reopened(candidate)
            if previous.get(candidate.id, 0) & FINISHED:
                reopened[candidate.id] = previous[candidate.id]
    wf.completed = False
    return reopened
