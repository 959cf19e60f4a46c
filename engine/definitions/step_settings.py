"""What the Shenpi BPMN extension says about steps and their timers, read once per deployed file.

- ``shenpi:timerRole`` on a boundary timer: ``warning`` (预警) or ``limit`` (时限: when it fires the step is
  escalated). Files without it name a limit timer by its id (``Timer_Limit…``).
- ``shenpi:escalation`` on a user task: the escalation actions of the step when its limit passes, separated by
  spaces (``none`` for no action). The matter's catalogue entry may still set them for the step (it wins).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..errors import ProcessValidationError
from .outcomes import SHENPI_NS

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TIMER_ROLE_ATTRIBUTE = f"{{{SHENPI_NS}}}timerRole"
ESCALATION_ATTRIBUTE = f"{{{SHENPI_NS}}}escalation"
TIMER_ROLES = ("warning", "limit")
LIMIT_TIMER_PREFIX = "Timer_Limit"
ESCALATION_ACTIONS = ("notify_assignee", "notify_head", "raise_to_head", "reassign_backup", "open_supervision_item")
NO_ESCALATION = "none"


@dataclass(frozen=True)
class StepSettings:
    limit_timers: frozenset[str] = frozenset()  # boundary timer ids that escalate
    escalation: dict[str, tuple[str, ...]] = field(default_factory=dict)  # user task id -> its actions


def read(process: etree._Element) -> tuple[StepSettings, list[ProcessValidationError]]:
    """The settings of a process (an lxml element of a safely parsed file) and every problem with them."""
    problems: list[ProcessValidationError] = []
    limits: set[str] = set()
    for event in process.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        role = (event.get(TIMER_ROLE_ATTRIBUTE) or "").strip()
        if role and role not in TIMER_ROLES:
            problems.append(
                _refuse("bpmn_timer_role_unknown", event, id=event.get("id"), allowed=list(TIMER_ROLES), value=role)
            )
        elif role == "limit" or (not role and (event.get("id") or "").startswith(LIMIT_TIMER_PREFIX)):
            limits.add(event.get("id") or "")
    escalation: dict[str, tuple[str, ...]] = {}
    for task, actions in _escalations(process):
        unknown = [a for a in actions if a not in ESCALATION_ACTIONS and a != NO_ESCALATION]
        if unknown:
            problems.append(
                _refuse(
                    "bpmn_escalation_unknown",
                    task,
                    id=task.get("id"),
                    unknown=unknown,
                    known=list(ESCALATION_ACTIONS),
                    none=NO_ESCALATION,
                )
            )
        else:
            escalation[task.get("id") or ""] = tuple(a for a in actions if a != NO_ESCALATION)
    return StepSettings(frozenset(limits), escalation), problems


def _escalations(process: etree._Element) -> Iterator[tuple[etree._Element, list[str]]]:
    for task in process.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}manualTask"):
        value = task.get(ESCALATION_ATTRIBUTE)
        if value is not None:
            yield task, value.split()


def _refuse(reason: str, element: etree._Element, **params: Any) -> ProcessValidationError:
    return ProcessValidationError(reason, element=element.get("id"), line=element.sourceline, **params)
