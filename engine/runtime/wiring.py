"""The shape of the engine's wiring table: what runs on each event of a case, in order.

The table itself — which service's hook runs on which event, and in which order — is written once, in
``engine/bootstrap.py``; services only offer the hooks as public methods and never register themselves.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..casefiles.documents import RevocationHook
from ..casefiles.pledges import PledgeHook
from ..deadlines.calendar_service import ImportHook
from ..incidents.runner import PeriodicJob
from ..trail.chain import TrailObserver
from ..trail.checkpoints import CheckpointObserver

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task as SpiffTask
    from sqlalchemy.orm import Session

    from ..deadlines.working_time import WorkingCalendar
    from ..errors import EngineError
    from ..identity.actors import Actor
    from ..models import Case
    from ..trail.chain import TrailRow
    from .stepper import StepContext

# A task whose state changed in a step, with its state before (None: the task is new)
Transition = tuple["SpiffTask", "int | None"]
# (ctx, transitions) before a step is written; may add trail rows (ctx.events) and case values (ctx.case_values)
StepHook = Callable[["StepContext", "list[Transition]"], None]
# (ctx, outcome) when a step ends the case, inside its transaction
EndHook = Callable[["StepContext", str], None]
# (error, case id or None) after a step failed with an EngineError and was rolled back
FailureHandler = Callable[["EngineError", "int | None"], None]
# (session, case, missing, earlier notices' missing lists, actor, now) -> trail rows, when a case gets a later
# 补正 notice
SupplementHook = Callable[["Session", "Case", "list[str]", "Sequence[Any]", "Actor", _dt.datetime], "list[TrailRow]"]
# RevocationHook (engine/casefiles/documents.py): (session, licence, actor id, now) -> trail rows, when a licence is
# revoked without a 撤销/注销 decision on its case
# PledgeHook (engine/casefiles/pledges.py): (session, pledge, case, actor id, now) -> trail rows, when a pledge is
# found false at its post-approval check
# ImportHook (engine/deadlines/calendar_service.py): (actor) -> counts, after an official calendar arrangement was
# imported (in transactions of its own)
# (session, calendar, now, actor) -> trail rows: limits outside cases' steps counted over provisional calendar days,
# counted again after an official import, all in one transaction
RecountHook = Callable[["Session", "WorkingCalendar", _dt.datetime, str], "list[TrailRow]"]
# PeriodicJob (engine/incidents/runner.py): a kind of periodic due work — select the due ids, do one id in its own
# transaction — run by the sweep, each failing id an incident
# TrailObserver (engine/trail/chain.py): (session or connection, chained trail rows) in the transaction of every
# trail append to the engine's database
# CheckpointObserver (engine/trail/checkpoints.py): (session, signed line) in the transaction that records each new
# line of the trail's checkpoint file
__all__ = [
    "CheckpointObserver",
    "EndHook",
    "FailureHandler",
    "ImportHook",
    "PeriodicJob",
    "PledgeHook",
    "RecountHook",
    "RevocationHook",
    "StepHook",
    "SupplementHook",
    "TrailObserver",
    "Transition",
    "Wiring",
]


@dataclass(frozen=True)
class Wiring:
    step: tuple[StepHook, ...] = ()
    end: tuple[EndHook, ...] = ()
    failure: tuple[FailureHandler, ...] = ()
    supplement: tuple[SupplementHook, ...] = ()
    revoked: tuple[RevocationHook, ...] = ()
    pledge_false: tuple[PledgeHook, ...] = ()
    trail: tuple[TrailObserver, ...] = ()
    imported: tuple[ImportHook, ...] = ()
    recount: tuple[RecountHook, ...] = ()
    checkpoint: tuple[CheckpointObserver, ...] = ()
    periodic: tuple[PeriodicJob[Any], ...] = ()
