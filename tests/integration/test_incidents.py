"""Periodic work never stops for one case: a case whose due work raises becomes an incident, retried with backoff,
closed by a later success, retried or resolved by an administrator; the sweep's own failures still fail loudly."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine.bootstrap import Shenpi
from engine.config import Settings
from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import ENGINE
from engine.incidents import PeriodicJob
from engine.models import Incident, PendingTimer, TrailEntry
from web import cli

from ..helpers import add_people, heal_workflow, poison_workflow, publish_timer_flow, refused

BACKOFF = dt.timedelta(seconds=60)  # SHENPI_INCIDENT_BACKOFF's default


@pytest.fixture
def timer_engine(bare_engine):
    publish_timer_flow(bare_engine)
    add_people(bare_engine)
    return bare_engine


def start(engine, n):
    return [engine.runtime.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(n)]


def waiting_timers(engine):
    with engine.db.reading() as session:
        return set(session.scalars(sa.select(PendingTimer.case_id).distinct()))


def incidents(engine):
    with engine.db.reading() as session:
        return session.scalars(sa.select(Incident).order_by(Incident.id)).all()


def incident_events(engine):
    with engine.db.reading() as session:
        return [
            (row.event, row.element_id, row.actor)
            for row in session.scalars(
                sa.select(TrailEntry).where(TrailEntry.event.like("incident_%")).order_by(TrailEntry.seq)
            )
        ]


def sweep_command(engine, monkeypatch, *args):
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, ["sweep", *args])


def test_a_thousand_due_cases_one_poisoned_999_fire_one_incident_exit_0(timer_engine, clock, monkeypatch):
    cases = start(timer_engine, 1000)
    poisoned = cases[500]
    poison_workflow(timer_engine, poisoned)
    clock.advance(hours=2)
    began = time.perf_counter()
    result = sweep_command(timer_engine, monkeypatch)
    took = time.perf_counter() - began
    assert result.exit_code == 0, result.output
    assert "advanced 999 case(s)" in result.output and "1 incident(s) opened" in result.output
    assert waiting_timers(timer_engine) == {poisoned}  # every other case's timer fired
    (incident,) = incidents(timer_engine)
    assert (incident.kind, incident.subject, incident.case_id) == ("timers", str(poisoned), poisoned)
    assert incident.element_id == "Timer_Warning" and incident.state == "open" and incident.attempts == 1
    assert incident.reason and incident.message and "Traceback" in incident.traceback
    assert incident.first_at == incident.last_at == clock.now()
    assert timer_engine.incidents.open_count() == 1
    print(f"sweep of 1,000 due cases ({timer_engine.db.dialect}): {took:.2f} s")


def test_failed_attempts_back_off_and_a_later_success_closes_the_incident(timer_engine, clock):
    cases = start(timer_engine, 3)
    good = poison_workflow(timer_engine, cases[1])
    clock.advance(hours=2)
    first = timer_engine.sweep()
    assert first["timers"] == 2 and first["incidents"] == {"opened": 1, "failed": 1, "closed": 0, "held": 0}
    (incident,) = incidents(timer_engine)
    assert incident.next_attempt_at == clock.now() + BACKOFF
    # within the backoff the case is left alone
    assert timer_engine.sweep()["incidents"] == {"opened": 0, "failed": 0, "closed": 0, "held": 1}
    clock.advance(seconds=61)
    assert timer_engine.sweep()["incidents"] == {"opened": 0, "failed": 1, "closed": 0, "held": 0}
    (incident,) = incidents(timer_engine)
    assert incident.attempts == 2 and incident.next_attempt_at == clock.now() + 2 * BACKOFF  # doubled
    assert incident.first_at < incident.last_at == clock.now()
    clock.advance(seconds=119)
    assert timer_engine.sweep()["incidents"]["held"] == 1
    heal_workflow(timer_engine, cases[1], good)
    clock.advance(seconds=2)
    done = timer_engine.sweep()
    assert done["timers"] == 1 and done["incidents"] == {"opened": 0, "failed": 0, "closed": 1, "held": 0}
    (incident,) = incidents(timer_engine)
    assert incident.state == "resolved" and incident.resolved_by == "engine" and incident.next_attempt_at is None
    assert waiting_timers(timer_engine) == set()
    key = f"incident:{incident.id}"
    assert incident_events(timer_engine) == [("incident_opened", key, "engine"), ("incident_closed", key, "engine")]
    assert timer_engine.incidents.open_count() == 0
    assert timer_engine.history.verify().ok


def test_the_backoff_stops_growing_at_its_cap(bare_sqlite_engine, clock):
    work = bare_sqlite_engine.periodic
    work.backoff = (60.0, 300.0)
    job = PeriodicJob("always_broken", lambda _as_of, _limit: [7], lambda _id, _as_of: 1 / 0)
    waits = []
    for _ in range(6):
        clock.advance(hours=1)
        work.run(job)
        (incident,) = incidents(bare_sqlite_engine)
        waits.append((incident.next_attempt_at - clock.now()).total_seconds())
    assert waits == [60, 120, 240, 300, 300, 300]
    assert incident.reason == "unexpected_error" and "ZeroDivisionError" in incident.message
    assert incident.case_id is None and incident.attempts == 6


def test_an_administrator_retries_after_fixing_the_cause(timer_engine, clock):
    cases = start(timer_engine, 2)
    good = poison_workflow(timer_engine, cases[0])
    clock.advance(hours=2)
    timer_engine.sweep()
    (incident,) = incidents(timer_engine)
    admin, supervisor = timer_engine.identity.actor("admin"), timer_engine.identity.actor("supervisor")
    with refused(PermissionDenied, "incidents_admin_only"):
        timer_engine.incidents.retry(incident.id, supervisor)
    clock.advance(seconds=5)
    still_broken = timer_engine.incidents.retry(incident.id, admin)  # not fixed yet: one more failed attempt
    assert still_broken["state"] == "open" and still_broken["attempts"] == 2
    heal_workflow(timer_engine, cases[0], good)
    fixed = timer_engine.incidents.retry(incident.id, admin)
    assert fixed["state"] == "resolved" and fixed["resolved_by"] == "admin" and fixed["next_attempt_at"] is None
    assert waiting_timers(timer_engine) == set()
    with refused(InvalidState, "incident_not_open", incident=incident.id):
        timer_engine.incidents.retry(incident.id, admin)
    key = f"incident:{incident.id}"
    assert incident_events(timer_engine) == [
        ("incident_opened", key, "engine"),
        ("incident_retried", key, "admin"),
        ("incident_retried", key, "admin"),
    ]
    with timer_engine.db.reading() as session:
        details = session.scalars(
            sa.select(TrailEntry.detail).where(TrailEntry.event == "incident_retried").order_by(TrailEntry.seq)
        ).all()
    assert '"result": "failed"' in details[0] and '"result": "resolved"' in details[1]
    assert timer_engine.history.verify().ok


def test_an_administrator_resolves_with_a_note(timer_engine, clock):
    cases = start(timer_engine, 1)
    poison_workflow(timer_engine, cases[0])
    clock.advance(hours=2)
    timer_engine.sweep()
    (incident,) = incidents(timer_engine)
    admin = timer_engine.identity.actor("admin")
    with refused(InvalidInput, "required", field="note"):
        timer_engine.incidents.resolve(incident.id, admin, "  ")
    with refused(InvalidInput, "too_long", field="note"):
        timer_engine.incidents.resolve(incident.id, admin, "长" * 2001)
    with refused(PermissionDenied, "incidents_admin_only"):
        timer_engine.incidents.resolve(incident.id, timer_engine.identity.actor("clerk"), "好")
    with refused(NotFound, "incident_not_found"):
        timer_engine.incidents.resolve(incident.id + 1, admin, "好")
    done = timer_engine.incidents.resolve(incident.id, admin, "案件已由技术人员人工办结")
    assert done["state"] == "resolved" and done["note"] == "案件已由技术人员人工办结" and done["resolved_by"] == "admin"
    assert incident_events(timer_engine)[-1] == ("incident_resolved", f"incident:{incident.id}", "admin")
    with refused(InvalidState, "incident_not_open"):
        timer_engine.incidents.resolve(incident.id, admin, "再次")
    # the cause is still there: the next sweep finds it again, as a new incident
    assert timer_engine.sweep()["incidents"]["opened"] == 1
    assert [i.state for i in incidents(timer_engine)] == ["resolved", "open"]


def test_listing_filters_by_case_kind_and_state_within_the_readers_scope(timer_engine, clock):
    cases = start(timer_engine, 3)
    poison_workflow(timer_engine, cases[0])
    poison_workflow(timer_engine, cases[2])
    clock.advance(hours=2)
    timer_engine.sweep()
    timer_engine.periodic.run(PeriodicJob("always_broken", lambda _as_of, _limit: ["x"], _fail, key=str))
    admin = timer_engine.identity.actor("admin")
    service = timer_engine.incidents
    assert service.list(admin)["total"] == 3
    assert [i["case"] for i in service.list(admin, case_id=cases[2])["items"]] == [cases[2]]
    assert service.list(admin, kind="always_broken")["items"][0]["reason"] == "unexpected_error"
    first = service.list(admin, case_id=cases[0])["items"][0]
    service.resolve(first["id"], admin, "已处理")
    assert service.list(admin, state="open")["total"] == 2 and service.list(admin, state="resolved")["total"] == 1
    assert (
        service.list(admin, per_page=1, page=2)["items"][0]["id"] != service.list(admin, per_page=1)["items"][0]["id"]
    )
    assert "traceback" in first
    # a supervisor reads the incidents of cases in the units they oversee, without tracebacks; no system ones
    supervisor = timer_engine.identity.actor("supervisor")
    seen = service.list(supervisor)
    assert {i["case"] for i in seen["items"]} == {cases[0], cases[2]} and "traceback" not in seen["items"][0]
    assert service.list(supervisor, state="open")["total"] == 1 and service.open_count() == 2
    far = timer_engine.identity.actor("far_supervisor")
    assert service.list(far)["total"] == 0
    with refused(NotFound, "incident_not_found"):
        service.get(first["id"], far)
    with refused(PermissionDenied, "incidents_forbidden"):
        service.list(timer_engine.identity.actor("clerk"))
    with refused(InvalidInput, "incident_state_unknown"):
        service.list(admin, state="closed")


def _fail(_subject, _as_of):
    raise RuntimeError("a notice that cannot be built")


def test_one_failing_id_never_holds_up_the_others_and_a_broken_locator_is_tolerated(bare_engine, clock):
    done = []

    def run_one(subject, _as_of):
        if subject == 2:
            raise ValueError("stored state is broken")
        done.append(subject)
        return 1

    def locate(_subject):
        raise KeyError("gone")

    job = PeriodicJob("sample", lambda _as_of, _limit: [1, 2, 3], run_one, locate)
    run = bare_engine.periodic.run(job)
    assert done == [1, 3] and (run.changed, run.failed, run.opened) == (2, 1, 1)
    (incident,) = incidents(bare_engine)
    assert (incident.subject, incident.case_id, incident.element_id) == ("2", None, None)


def test_the_sweeps_own_failures_still_fail_loudly(bare_engine, clock, tmp_path, monkeypatch):
    def database_down(_subject, _as_of):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(sa.exc.OperationalError):
        bare_engine.periodic.run(PeriodicJob("sample", lambda _as_of, _limit: [1], database_down))
    assert incidents(bare_engine) == []
    unreachable = Shenpi(Settings(database_url=f"sqlite:///{tmp_path}/missing/folder/shenpi.db"), clock=clock)
    with pytest.raises(sa.exc.OperationalError):
        unreachable.sweep()
    monkeypatch.setattr(cli, "_engine", lambda: unreachable)
    assert CliRunner().invoke(cli.main, ["sweep"]).exit_code != 0


def test_ids_waiting_for_their_retry_never_crowd_out_the_others(bare_sqlite_engine):
    done = []

    def run_one(subject, _as_of):
        if subject in (1, 2):
            raise ValueError("stored state is broken")
        done.append(subject)
        return 1

    job = PeriodicJob("crowded", lambda _as_of, limit: [1, 2, 3, 4][:limit], run_one, limit=2)
    first = bare_sqlite_engine.periodic.run(job)  # the batch is the two broken ones
    assert (first.opened, first.changed) == (2, 0) and done == []
    second = bare_sqlite_engine.periodic.run(job)  # they wait for their retry: the next two get their turn
    assert (second.held, second.changed) == (2, 2) and done == [3, 4]
