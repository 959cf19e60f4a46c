"""A case's flow as the case page shows it: the deployed BPMN, its current and completed steps, the steps a
case may be returned or jumped to, and the decisions a step's gateways read (for steps without a form)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from ..errors import NotFound
from ..identity.access import require_case_view
from ..identity.actors import Actor
from ..models import Case, ProcessDefinition, TaskRecord

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..kernel import Database


def step_markers(rows: Iterable[Any]) -> tuple[list[str], list[str]]:
    """From (element id, state) of a case's task records: the steps open now, and those done (completed or
    skipped) that are not open again, as the diagram marks them."""
    records: list[tuple[str, str]] = list(rows)
    current = sorted({element for element, state in records if state == "open"})
    completed = sorted({element for element, state in records if state in ("completed", "skipped")} - set(current))
    return current, completed


class CaseFlow:
    def __init__(self, db: Database, repository: RepositoryService) -> None:
        self.db = db
        self.repository = repository

    def diagram(self, case_id: int, actor: Actor) -> dict[str, Any]:
        """The case's deployed BPMN XML with the element ids of its open and completed steps."""
        with self.db.reading() as session:
            case = require_case_view(session, actor, case_id)
            xml = session.scalar(sa.select(ProcessDefinition.xml).where(ProcessDefinition.id == case.definition_id))
            rows = session.execute(
                sa.select(TaskRecord.element_id, TaskRecord.state).where(TaskRecord.case_id == case_id)
            ).all()
        current, completed = step_markers(rows)
        return {"xml": xml, "current": current, "completed": completed}

    def steps(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        """Every user step of the case's flow, in the order the flow declares them."""
        with self.db.reading() as session:
            case = require_case_view(session, actor, case_id)
            definition_id = case.definition_id
        spec = self.repository.parsed(definition_id).spec
        return [
            {"element": ts.bpmn_id, "name": ts.bpmn_name or ts.bpmn_id}
            for ts in spec.task_specs.values()
            if getattr(ts, "manual", False) and ts.bpmn_id
        ]

    def completed_steps(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        """Steps of the case completed so far (earliest first, each once): where a return may go."""
        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            rows = session.execute(
                sa.select(TaskRecord.element_id, TaskRecord.name)
                .where(TaskRecord.case_id == case_id, TaskRecord.state == "completed")
                .order_by(TaskRecord.completed_at)
            ).all()
        return [{"element": e, "name": n} for e, n in dict(rows).items()]

    def is_joint(self, case_id: int, element_id: str) -> bool:
        """Whether the step is a joint sign-off (a multi-instance step whose signers may change)."""
        spec = self._spec(case_id)
        return any(isinstance(ts, MultiInstanceTask) and ts.bpmn_id == element_id for ts in spec.task_specs.values())

    def decisions(self, case_id: int, element_id: str) -> list[dict[str, Any]]:
        """The variables the gateways after a step compare with strings, and the values they name.
        A step without a form asks for these, so that the flow can take its decision."""
        spec = self._spec(case_id)
        start = next((ts for ts in spec.task_specs.values() if ts.bpmn_id == element_id), None)
        if start is None:
            return []
        found: dict[str, list[str]] = {}
        seen: set[str] = set()
        frontier = list(start.outputs)
        while frontier:
            ts = frontier.pop()
            if ts.name in seen or getattr(ts, "manual", False):
                continue
            seen.add(ts.name)
            for condition, _target in getattr(ts, "cond_task_specs", None) or []:
                args = getattr(condition, "args", None)
                if args and isinstance(args[0], str):
                    for name, value in _comparisons(args[0]):
                        found.setdefault(name, [])
                        if value not in found[name]:
                            found[name].append(value)
            frontier.extend(ts.outputs)
        return [{"id": name, "values": values} for name, values in found.items()]

    def _spec(self, case_id: int) -> BpmnProcessSpec:
        with self.db.reading() as session:
            definition_id = session.scalar(sa.select(Case.definition_id).where(Case.id == case_id))
        if definition_id is None:
            raise NotFound("case_not_found", case=case_id)
        return self.repository.parsed(definition_id).spec


def _comparisons(expression: str) -> Iterator[tuple[str, str]]:
    """(variable, string) pairs of ``variable == "value"`` and ``"value" in (a, b)`` in a condition."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        values = [o.value for o in operands if isinstance(o, ast.Constant) and isinstance(o.value, str)]
        for operand in operands:
            names = (
                [operand]
                if isinstance(operand, ast.Name)
                else (
                    [e for e in operand.elts if isinstance(e, ast.Name)]
                    if isinstance(operand, (ast.Tuple, ast.List))
                    else []
                )
            )
            for name in names:
                for value in values:
                    yield name.id, value
