"""Incidents: periodic work never stops for one case.

Every piece of periodic due work — due timers, case and step lights, 督办 items, complaints, yellow signals, the
time-based violation rules, notice deliveries — is a :class:`PeriodicJob` (select the due ids; do one id in its
own transaction) run by :class:`PeriodicWork`. An id whose work raises becomes an **incident** (case, element,
kind, error as code + reason + English message, the traceback for administrators, first and last occurrence,
attempts, state open/resolved), is tried again by later sweeps with backoff, and never holds up the others; a
later success closes it (trail ``incident_closed``). :class:`IncidentService` is what administrators use: list and
read, retry after fixing the cause, resolve with a note (trail ``incident_retried``, ``incident_resolved``), and
``open_count()``. The jobs themselves are the wiring table's ``periodic`` row (``engine/bootstrap.py``).
"""

from .records import OPEN, RESOLVED, STATES, delay, error_of
from .runner import PeriodicJob, PeriodicWork, RunCount, sweep_failure
from .service import IncidentService

__all__ = [
    "OPEN",
    "RESOLVED",
    "STATES",
    "IncidentService",
    "PeriodicJob",
    "PeriodicWork",
    "RunCount",
    "delay",
    "error_of",
    "sweep_failure",
]
