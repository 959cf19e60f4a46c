"""The shape of the engine's wiring table: what runs on each event of a case, in order.

The table itself — which service's hook runs on which event, and in which order — is written once, in
``engine/bootstrap.py``; services only offer the hooks as public methods and never register themselves.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

    from ..errors import EngineError
    from .stepper import StepContext

# (ctx, transitions) before a step is written; may add trail rows (ctx.events) and case values (ctx.case_values)
StepHook = Callable[["StepContext", list], None]
# (ctx, outcome) when a step ends the case, inside its transaction
EndHook = Callable[["StepContext", str], None]
# (error, case id or None) after a step failed with an EngineError and was rolled back
FailureHandler = Callable[["EngineError", "int | None"], None]
# (connection, case, missing, earlier notices, actor, now) -> trail rows, when a case gets a later 补正 notice
SupplementHook = Callable[[Any, Any, list, list, Any, _dt.datetime], list]
# (connection, chained trail rows) in the transaction of every trail append to the engine's database
TrailObserver = Callable[["sa.Connection", list], None]


@dataclass(frozen=True)
class Wiring:
    step: tuple[StepHook, ...] = ()
    end: tuple[EndHook, ...] = ()
    failure: tuple[FailureHandler, ...] = ()
    supplement: tuple[SupplementHook, ...] = ()
    trail: tuple[TrailObserver, ...] = ()
