"""Running cases: the stepper (one state change of one case in one transaction), the workflow store and its
state codec, starting and reading cases, tasks and their operations (claim, transfer, return, withdraw, add
signer…), flow operations, each case's clock (limits from acceptance, paused while the applicant supplements,
driving the lights), steps' lights from their timers, pending timers, the escalation of overdue steps, counting
provisional limits again after an official calendar import, connector calls (service tasks, send tasks, message
throws) made by the worker, messages cases wait for, and moving running cases to another version of their process
(migration).
"""

from __future__ import annotations

from .case_clock import ACCEPTANCE_STEP, PAUSE_KINDS, CaseClockService
from .case_service import CaseService
from .connector_calls import ConnectorCalls
from .escalation import Escalator
from .flow_ops import FlowOperations, JointSignOff
from .messages import MessageService
from .migration import CaseMigration
from .recount import DeadlineRecount
from .step_lights import StepLights
from .stepper import CaseStepper, StepContext
from .task_ops import TaskOperations
from .task_permissions import allowed_operations
from .task_service import TaskService
from .workflow_store import WorkflowStore

__all__ = [
    "ACCEPTANCE_STEP",
    "CaseClockService",
    "CaseMigration",
    "CaseService",
    "CaseStepper",
    "ConnectorCalls",
    "DeadlineRecount",
    "Escalator",
    "FlowOperations",
    "JointSignOff",
    "MessageService",
    "PAUSE_KINDS",
    "StepContext",
    "StepLights",
    "TaskOperations",
    "TaskService",
    "WorkflowStore",
    "allowed_operations",
]
