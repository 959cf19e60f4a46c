"""Planning a case's move to another version (``migration.py`` applies it): what maps where and what is refused.

An element keeps its id when the new version has it, else the administrator's mapping names its target
(``Rebuild.target``). ``Rebuild.state`` rewrites a case's stored workflow state (``workflow_state.WorkflowCodec``
snapshot: every task with its spec's name, parent, children, state and data) element by element for the new spec,
refusing the case — a reason naming the element — when it cannot move:

- an open step (and a joint sign-off with its instances, 会签) keeps its task id; a step whose element has no target,
  or a target of another kind, refuses the case;
- completed history whose element is gone is taken out of the tree (spliced when an open step lies below it,
  dropped with its finished side branch otherwise; the trail and the task projection keep what happened); waiting
  boundary events and joins without a target are dropped (``Rebuild.dropped``, for the timers to remove);
- a parallel gateway that has split the case, or a join waiting for its branches, must keep its branches in the new
  version (mapped), else the case is refused: the join would wait for a branch that never runs;
- a case inside a subprocess is refused.

``checked_request`` refuses a request before any case is read: the process, the versions and the mapping (its size,
its ids, and that each names an element of its version).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway, ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.util.task import TaskState

from ..errors import InvalidInput, InvalidState

if TYPE_CHECKING:
    from SpiffWorkflow.specs.base import TaskSpec

    from ..definitions.repository import ParsedProcess

MAX_MAPPING = 500  # mapping entries
MAX_ID = 255  # characters of an element id
SUFFIXES = (".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")
OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK  # not reached yet (SpiffWorkflow counts FUTURE definite)
FINISHED = TaskState.FINISHED_MASK


def _split_name(name: str) -> tuple[str, str]:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def whole(value: object) -> bool:
    """A positive whole number that fits the database's integer columns (a version, a case id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _element(spec: TaskSpec) -> str:
    return spec.bpmn_id or _split_name(spec.name)[0]


class Rebuild:
    """One case's workflow rebuilt on another version; what changed is kept for the report and the projection."""

    def __init__(self, old: ParsedProcess, new: ParsedProcess, mapping: Mapping[str, str], to_version: int) -> None:
        self.old = old
        self.new = new
        self.mapping = mapping
        self.to_version = to_version
        self.dropped: dict[str, int] = {}  # task id -> state, of tasks left out that could still change
        self.used: dict[str, str] = {}  # old element id -> new element id, for the open elements moved

    # --- names ----------------------------------------------------------------------------------------------
    def target(self, name: str, parent_target: str | None = None) -> str | None:
        """The new spec's name for a task of the old spec named ``name`` (None: no target)."""
        specs = self.new.spec.task_specs
        old_spec = self.old.spec.task_specs.get(name)
        if parent_target is not None and _split_name(name)[1] == " [child]":
            parent_spec = specs.get(parent_target)
            return getattr(parent_spec, "task_spec", None) if isinstance(parent_spec, LoopTask) else None
        base, suffix = _split_name(name)
        if old_spec is not None and old_spec.bpmn_id is None and not suffix:
            if name.endswith(".EndJoin"):
                return f"{self.new.spec.name}.EndJoin" if f"{self.new.spec.name}.EndJoin" in specs else None
            return name if name in specs else None
        mapped = self.mapping.get(base, base)
        candidate = mapped + suffix
        return candidate if candidate in specs else None

    # --- the rebuild ----------------------------------------------------------------------------------------
    def state(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The snapshot rewritten for the new spec; raises the refusal when the case cannot move."""
        if snapshot.get("subprocesses"):
            raise InvalidState("migration_in_subprocess")
        tasks: dict[str, dict[str, Any]] = snapshot["tasks"]
        root = snapshot["meta"]["root"]
        order = self._preorder(tasks, root)
        targets: dict[str, str | None] = {}
        for tid in order:
            parent = tasks[tid]["parent"]
            targets[tid] = self.target(tasks[tid]["task_spec"], targets.get(parent) if parent else None)
        drop: set[str] = set()
        for tid in order:
            self._check(tasks, tid, targets, drop)
        self._check_parallel(tasks, order, targets)
        # post-order: decide which tasks stay, which are spliced out, which are dropped with their subtree. Live
        # work is an open task other than a join a finished side branch left waiting (the residue of a fired
        # non-interrupting timer): history without a target is spliced out only above live work.
        active: dict[str, bool] = {}
        for tid in reversed(order):
            task = tasks[tid]
            below = any(active.get(child, False) for child in task["children"] if child in tasks)
            active[tid] = (self._live(task) and tid not in drop) or below
        replacement: dict[str, list[str]] = {}
        for tid in reversed(order):
            task = tasks[tid]
            kept = [c for child in task["children"] for c in replacement.get(child, [])]
            name = targets[tid]
            if tid in drop or (name is None and not (task["state"] & FINISHED and active[tid])):
                replacement[tid] = []
                self._forget(tasks, tid, kept)
            elif name is None:  # finished history above an open step: spliced out
                replacement[tid] = kept
                for child in kept:
                    tasks[child]["parent"] = task["parent"]
                del tasks[tid]
            else:
                task["task_spec"] = name
                task["children"] = kept
                for child in kept:
                    tasks[child]["parent"] = tid
                replacement[tid] = [tid]
        meta = snapshot["meta"]
        if meta.get("last_task") not in tasks:
            meta["last_task"] = None
        return snapshot

    @staticmethod
    def _preorder(tasks: dict[str, dict[str, Any]], root: str) -> list[str]:
        order, stack = [], [root]
        while stack:
            tid = stack.pop()
            if tid not in tasks:
                continue
            order.append(tid)
            stack.extend(reversed(tasks[tid]["children"]))
        return order

    def _forget(self, tasks: dict[str, dict[str, Any]], tid: str, kept: list[str]) -> None:
        stack = [tid, *kept]
        while stack:
            current = stack.pop()
            task = tasks.pop(current, None)
            if task is None:
                continue
            if task["state"] & (TaskState.READY | TaskState.WAITING):
                self.dropped[current] = task["state"]
            stack.extend(task["children"])

    def _check(
        self, tasks: dict[str, dict[str, Any]], tid: str, targets: dict[str, str | None], drop: set[str]
    ) -> None:
        """An open task must have a target of its kind; a waiting boundary event or join without one is dropped."""
        task = tasks[tid]
        if not task["state"] & OPEN:
            return
        old_spec = self.old.spec.task_specs[task["task_spec"]]
        name = targets[tid]
        if name is None:
            if isinstance(old_spec, (BoundaryEvent, BoundaryEventJoin, _EndJoin)):
                drop.add(tid)
                return
            raise InvalidState(
                "migration_no_target", element=_element(old_spec), name=old_spec.bpmn_name, version=self.to_version
            )
        new_spec = self.new.spec.task_specs[name]
        if type(new_spec).__name__ != type(old_spec).__name__:
            raise InvalidState(
                "migration_target_kind",
                element=_element(old_spec),
                target=_element(new_spec),
                kind=type(old_spec).__name__,
                target_kind=type(new_spec).__name__,
            )
        if old_spec.manual or isinstance(old_spec, LoopTask):
            self.used[_element(old_spec)] = _element(new_spec)

    def _check_parallel(
        self, tasks: dict[str, dict[str, Any]], order: list[str], targets: dict[str, str | None]
    ) -> None:
        """A parallel (or inclusive) gateway whose branches are still running, or a join waiting for them, keeps
        its branches in the new version (mapped): else the join would wait for a branch that never comes, or
        never for one that does. A split whose branches have all been joined again is history."""
        live = {tid for tid in order if self._live(tasks[tid])}
        for tid in order:
            task = tasks[tid]
            old_spec = self.old.spec.task_specs[task["task_spec"]]
            if not isinstance(old_spec, (ParallelGateway, InclusiveGateway)):
                continue
            name = targets[tid]
            new_spec = self.new.spec.task_specs.get(name) if name else None
            if task["state"] & FINISHED and len(old_spec.outputs) > 1:
                if not self._branches_running(tasks, tid, live):
                    continue
                before = sorted(self.target(s.name) or f"?{s.name}" for s in old_spec.outputs)
                after = sorted(s.name for s in new_spec.outputs) if new_spec is not None else []
            elif task["state"] & TaskState.WAITING:
                before = sorted(self.target(s.name) or f"?{s.name}" for s in old_spec.inputs)
                after = sorted(s.name for s in new_spec.inputs) if new_spec is not None else []
            else:
                continue
            if before != after:
                raise InvalidState("migration_parallel_changed", element=_element(old_spec), version=self.to_version)

    def _live(self, task: dict[str, Any]) -> bool:
        """Open work: an open task other than a join a finished side branch left waiting."""
        spec = self.old.spec.task_specs[task["task_spec"]]
        return bool(task["state"] & OPEN) and not isinstance(spec, (BoundaryEventJoin, _EndJoin))

    def _branches_running(self, tasks: dict[str, dict[str, Any]], tid: str, live: set[str]) -> bool:
        """Whether open work lies below the split ``tid`` before its branches meet at a completed join."""
        stack = list(tasks[tid]["children"])
        while stack:
            current = stack.pop()
            task = tasks.get(current)
            if task is None:
                continue
            if current in live:
                return True
            spec = self.old.spec.task_specs[task["task_spec"]]
            joined = isinstance(spec, (ParallelGateway, InclusiveGateway)) and len(spec.inputs) > 1
            if joined and task["state"] & FINISHED:
                continue
            stack.extend(task["children"])
        return False


def checked_request(
    process: object, from_version: object, to_version: object, mapping: Mapping[str, str] | None
) -> dict[str, str]:
    """The request's mapping, stripped, once the mapping, the process and both versions are well formed."""
    checked = _checked_mapping(mapping)
    if not isinstance(process, str) or not process.strip() or len(process) > MAX_ID:
        raise InvalidInput("short_text_required", field="process")
    for field, version in (("from_version", from_version), ("to_version", to_version)):
        if not whole(version):
            raise InvalidInput("version_not_a_number", field=field)
    if from_version == to_version:
        raise InvalidInput("migration_same_version", field="to_version", version=to_version)
    return checked


def _checked_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping) or len(mapping) > MAX_MAPPING:
        raise InvalidInput("migration_mapping_invalid", field="mapping", limit=MAX_MAPPING)
    checked = {}
    for key, value in mapping.items():
        if not (isinstance(key, str) and isinstance(value, str)) or not key.strip() or not value.strip():
            raise InvalidInput("migration_mapping_invalid", field="mapping", limit=MAX_MAPPING)
        if len(key) > MAX_ID or len(value) > MAX_ID:
            raise InvalidInput("migration_mapping_invalid", field="mapping", limit=MAX_MAPPING)
        checked[key.strip()] = value.strip()
    return checked


def check_mapping_elements(mapping: Mapping[str, str], old: ParsedProcess, new: ParsedProcess) -> None:
    """Every mapping entry names an element of the old version and one of the new."""
    old_ids = {ts.bpmn_id for ts in old.spec.task_specs.values() if ts.bpmn_id}
    new_ids = {ts.bpmn_id for ts in new.spec.task_specs.values() if ts.bpmn_id}
    for source, target in mapping.items():
        if source not in old_ids:
            raise InvalidInput("migration_source_unknown", field="mapping", element=source)
        if target not in new_ids:
            raise InvalidInput("migration_target_unknown", field="mapping", element=target)
