"""The one runner of periodic work: select the ids that are due, then do each in its own transaction; an id whose
work raises becomes an incident and never holds up the others.

A :class:`PeriodicJob` is a kind of due work given as two functions — ``select(as_of, limit)``, the ids due by
``as_of``, and ``run_one(id, as_of)``, which does one id's work in a transaction of its own and returns how many
changes it made — and optionally ``locate(id)``, the (case, element) an incident names. The jobs are a row of the
wiring table (``engine/bootstrap.py``); :class:`PeriodicWork` runs them:

- an id with an open incident waits until its ``next_attempt_at`` (backoff: ``SHENPI_INCIDENT_BACKOFF`` seconds,
  doubling with each failed attempt, at most ``SHENPI_INCIDENT_BACKOFF_CAP``), then is tried again by the sweep;
- a failure opens an incident (or counts one more attempt of the open one) in a short transaction of its own;
- a success on an id with an open incident closes it (``incident_closed``, actor ``engine``).

The sweep's own failures still fail loudly: a database that cannot be reached (SQLAlchemy's operational,
interface, disconnection and pool timeout errors) or an incident that cannot be written raises out of the run.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from ..errors import NotFound
from ..models import Incident
from ..trail import chain as trail
from . import records

if TYPE_CHECKING:
    from ..kernel import Clock, Database

log = logging.getLogger(__name__)

K = TypeVar("K")  # the ids a job selects: a case, an item, a delivery (int), a step (str)
Place = tuple[int | None, str | None]  # (case, element) an incident names

# Failures of the sweep itself (the database is down, the pool is exhausted), never one case's incident.
SWEEP_FAILURES: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


def _nowhere(_subject: Any) -> Place:
    return None, None


@dataclass(frozen=True)
class PeriodicJob(Generic[K]):
    """A kind of periodic due work (``kind``: its stable name, the incident's ``kind``): ``select(as_of, limit)``
    the ids due by ``as_of``; ``run_one(id, as_of)`` one id's work in a transaction of its own, returning the
    changes it made; ``locate(id)`` the (case, element) an incident about it names."""

    kind: str
    select: Callable[[_dt.datetime, int], Sequence[K]]
    run_one: Callable[[K, _dt.datetime], int]
    locate: Callable[[K], Place] = _nowhere
    key: Callable[[str], Any] = int  # an incident's subject (text) back to the id run_one takes
    limit: int = 1000  # ids selected per run


@dataclass
class RunCount:
    """What one run of a job did."""

    changed: int = 0  # changes the ids' work made (fired cases, lights changed, …)
    failed: int = 0  # ids that raised (each an incident, new or open)
    opened: int = 0  # incidents opened by this run
    closed: int = 0  # open incidents closed because their id succeeded
    held: int = 0  # ids skipped: their incident waits for its next attempt


def sweep_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the sweep's own failure rather than one id's."""
    return isinstance(exc, SWEEP_FAILURES) or (isinstance(exc, sa_exc.DBAPIError) and bool(exc.connection_invalidated))


class PeriodicWork:
    """Runs the periodic jobs id by id, recording incidents. ``jobs`` is installed by ``Shenpi.wire`` from the
    wiring table's ``periodic`` row."""

    def __init__(self, db: Database, clock: Clock, backoff: float, backoff_cap: float) -> None:
        self.db = db
        self.clock = clock
        self.backoff = (backoff, backoff_cap)
        self.jobs: tuple[PeriodicJob[Any], ...] = ()

    def job(self, kind: str) -> PeriodicJob[Any]:
        for job in self.jobs:
            if job.kind == kind:
                return job
        raise NotFound("periodic_work_unknown", kind=kind)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(job.kind for job in self.jobs)

    def run_all(self, as_of: _dt.datetime | None = None) -> dict[str, RunCount]:
        """Every job once, in the wiring table's order."""
        as_of = as_of or self.clock.now()
        return {job.kind: self.run(job, as_of) for job in self.jobs}

    def run(self, job: PeriodicJob[Any] | str, as_of: _dt.datetime | None = None, limit: int | None = None) -> RunCount:
        """Select ``job``'s due ids and do each in its own transaction (see the module's description)."""
        job = self.job(job) if isinstance(job, str) else job
        as_of = as_of or self.clock.now()
        count = RunCount()
        with self.db.reading() as session:
            waiting = records.open_incidents(session, job.kind)
        held = sum(1 for _id, next_at in waiting.values() if next_at is not None and next_at > as_of)
        # the ids waiting for their retry are selected on top of the batch, so they never crowd the others out
        for subject in job.select(as_of, (limit or job.limit) + held):
            self._attempt(job, subject, waiting.get(str(subject)), as_of, count)
        return count

    def run_subject(self, job: PeriodicJob[Any] | str, subject: Any, as_of: _dt.datetime | None = None) -> RunCount:
        """One id of ``job`` now, as the sweep would do it (a worker's task for work that should not wait for the
        next sweep): held while its incident waits for its next attempt, a failure an incident."""
        job = self.job(job) if isinstance(job, str) else job
        as_of = as_of or self.clock.now()
        count = RunCount()
        with self.db.reading() as session:
            known = records.open_incidents(session, job.kind).get(str(subject))
        self._attempt(job, subject, known, as_of, count)
        return count

    def _attempt(
        self,
        job: PeriodicJob[Any],
        subject: Any,
        known: tuple[int, _dt.datetime | None] | None,
        as_of: _dt.datetime,
        count: RunCount,
    ) -> None:
        if known is not None and known[1] is not None and known[1] > as_of:
            count.held += 1
            return
        try:
            count.changed += job.run_one(subject, as_of)
        except Exception as exc:
            if sweep_failure(exc):
                raise
            count.failed += 1
            count.opened += self.record_failure(job, subject, exc, as_of)
        else:
            if known is not None:
                count.closed += self.close_after_success(known[0], as_of)

    def record_failure(self, job: PeriodicJob[Any], subject: Any, exc: BaseException, at: _dt.datetime) -> bool:
        """Open (or count another attempt of) the incident of ``subject``; whether one was opened. A failure to
        write it is the sweep's own: it raises, chained to the work's error."""
        log.warning("periodic work %s failed for %s: %s", job.kind, subject, exc, exc_info=exc)
        try:
            where = job.locate(subject)
        except Exception as located:  # the subject's own state may be what is broken
            if sweep_failure(located):
                raise
            where = (None, None)
        for attempt in range(2):
            try:
                with self.db.transaction() as session:
                    _incident, opened = records.record_failure(
                        session, job.kind, str(subject), where, exc, at, self.backoff
                    )
                return opened
            except sa_exc.IntegrityError:
                if attempt:  # another worker opened it at the same time: counted on its row the second time
                    raise
        return False  # pragma: no cover  (the loop returns or raises)

    def close_after_success(self, incident_id: int, at: _dt.datetime) -> int:
        """The id of an open incident succeeded: close it (``incident_closed``); 1 when this closed it."""
        with self.db.transaction() as session:
            incident = session.scalar(
                sa.select(Incident).where(Incident.id == incident_id, Incident.state == records.OPEN).with_for_update()
            )
            if incident is None:
                return 0
            records.close(session, incident, at, "engine", None)
            trail.append_outside_step(session, [records.event("incident_closed", incident, at, "engine")])
        return 1
