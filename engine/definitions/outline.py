"""The outline of a flow as an applicant reads it: its steps in order, steps that run side by side together.

Built from the parsed definition, not from its drawing: the user steps reachable from the start event along the
sequence flows, each placed after the longest chain of steps before it (so a step that waits for two parallel ones
comes after both). Timers and other boundary events, gateways, events and lanes are left out; a flow that loops back
(a return for revision) keeps its first order. The portal draws it with the case's open and done steps marked.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec

# spec classes whose outputs are not the flow an applicant follows: the boundary events around a step (its timers)
_SKIPPED = {"BoundaryEvent", "BoundaryEventJoin"}


def _kind(spec: Any) -> str:
    return type(spec).__name__


def outline(spec: BpmnProcessSpec) -> list[list[dict[str, str]]]:
    """[[{element, name}, …], …]: the stages of the flow, first to last; a stage holds the steps that may run at the
    same point (parallel branches, or alternatives after a gateway), in the order the flow declares them."""
    depth: dict[str, int] = {}  # task spec name → user steps before it on the longest path found
    order: list[str] = []  # task spec names of user steps, as first reached
    on_path: set[str] = set()

    def visit(node: Any, steps_before: int) -> None:
        name = node.name
        if name in on_path or depth.get(name, -1) >= steps_before:
            return  # a loop back, or reached before with as many steps before it
        depth[name] = steps_before
        if getattr(node, "manual", False) and getattr(node, "bpmn_id", None) and name not in order:
            order.append(name)
        after = steps_before + (1 if getattr(node, "manual", False) else 0)
        on_path.add(name)
        for output in node.outputs:
            if _kind(output) not in _SKIPPED:
                visit(output, after)
        on_path.discard(name)

    visit(spec.start, 0)
    stages: dict[int, list[dict[str, str]]] = {}
    for name in order:
        task_spec = spec.task_specs[name]
        stages.setdefault(depth[name], []).append(
            {"element": task_spec.bpmn_id, "name": task_spec.bpmn_name or task_spec.bpmn_id}
        )
    return [stages[level] for level in sorted(stages)]


def outline_with_states(
    spec: BpmnProcessSpec, current: list[str], completed: list[str], ended: bool
) -> list[list[dict[str, str]]]:
    """The outline with each step's state for one case: ``current`` (open now), ``done``, or ``ahead`` — or
    ``passed`` for a step the case went by without it (a case that ended, or is further on)."""
    stages = outline(spec)
    open_now, done = set(current), set(completed)
    last_reached = max(
        (index for index, stage in enumerate(stages) if any(s["element"] in open_now | done for s in stage)),
        default=-1,
    )
    for index, stage in enumerate(stages):
        for step in stage:
            if step["element"] in open_now:
                step["state"] = "current"
            elif step["element"] in done:
                step["state"] = "done"
            elif ended or index < last_reached:
                step["state"] = "passed"
            else:
                step["state"] = "ahead"
    return stages
