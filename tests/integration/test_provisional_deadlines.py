"""A calendar that never runs out: limits counted on provisional days of a year without the State Council's
arrangement are marked; the official import counts every open one again, with trail events and lights."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine.identity.actors import ENGINE, EXCHANGE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, Complaint, PendingTimer, Signal, SupervisionItem, TaskRecord, User
from engine.trail import chain as trail
from engine.violations.signals import raise_signal
from web import cli

from ..helpers import FIXTURES, complete, events, open_task, publish_five_step

# An official arrangement of 2027 as a State Council notice would give it (imagined for the tests: the real one is
# not published yet): 元旦 on Friday 1 January, 春节 5–11 February with Saturday 20 February worked (调休).
OFFICIAL_2027 = [
    ("2027-01-01", False, "元旦"),
    *((f"2027-02-{d:02d}", False, "春节") for d in range(5, 12)),
    ("2027-02-20", True, "春节调休上班"),
]
# ... and of 2028: 元旦 on Saturday with Monday 3 January off, 春节 25 January – 1 February, Saturday 5 February worked.
OFFICIAL_2028 = [
    ("2028-01-01", False, "元旦"),
    ("2028-01-03", False, "元旦补休"),
    *((f"2028-01-{d:02d}", False, "春节") for d in range(25, 32)),
    ("2028-02-01", False, "春节"),
    ("2028-02-05", True, "春节调休上班"),
]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(value) -> str:
    instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def official(engine, year: int, days) -> dict:
    rows = [{"day": dt.date.fromisoformat(day), "workday": workday, "name": name} for day, workday, name in days]
    return engine.calendars.import_arrangement(year, rows, f"国务院办公厅关于{year}年部分节假日安排的通知", "admin")


def accepted(engine, clock, when: str) -> int:
    clock.set(at(when))
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    return case["id"]


def clock_of(engine, case_id: int) -> dict:
    return engine.cases.get_case(case_id, ENGINE)["clock"]


def recounts(engine, case_id: int) -> list[tuple]:
    """The case's recount events: (what, from, to, still provisional), in local time."""
    return [
        (e["detail"]["deadline"], local(e["detail"]["from"]), local(e["detail"]["to"]), e["detail"]["provisional"])
        for e in engine.history.case_trail(case_id, ENGINE)
        if e["event"] == "deadline_recounted"
    ]


def lights(engine, case_id: int) -> list[tuple]:
    return [
        (e["from"], e["to"])
        for e in engine.history.case_trail(case_id, ENGINE)
        if e["event"] == "light_changed" and e["task_id"] is None
    ]


def api_clock(engine, case_id: int) -> dict:
    from web import create_app

    client = create_app(shenpi=engine, testing=True).test_client()
    headers = {"Authorization": f"Bearer {engine.identity.create_token('clerk')}"}
    response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def test_acceptance_at_the_year_end_counts_into_2027_provisionally(five_step_engine, clock):
    """Accepted on Monday 28 December 2026, the 20-working-day statutory limit runs into 2027, which
    chinesecalendar does not know: counted on the provisional calendar (元旦 off) and marked in the API."""
    within_2026 = accepted(five_step_engine, clock, "2026-11-23T10:00")
    assert clock_of(five_step_engine, within_2026)["provisional"] is False
    case_id = accepted(five_step_engine, clock, "2026-12-28T10:00")
    body = api_clock(five_step_engine, case_id)
    assert body["clock"]["provisional"] is True
    assert local(body["clock"]["promised_due_at"]) == "2027-01-12 17:30"
    assert local(body["clock"]["statutory_due_at"]) == "2027-01-26 17:30"
    trail_rows = five_step_engine.history.case_trail(case_id, ENGINE)
    accepted_row = next(e for e in trail_rows if e["event"] == "case_accepted")
    assert accepted_row["detail"]["provisional"] is True


def test_the_official_import_recounts_limits_after_pauses_and_moves_the_light(five_step_engine, clock):
    engine = five_step_engine
    year_end = accepted(engine, clock, "2026-12-28T10:00")
    festival = accepted(engine, clock, "2027-01-25T10:00")
    clerk = engine.identity.actor("clerk")
    clock.set(at("2027-01-26T10:00"))
    engine.case_clock.pause(festival, "hearing", "组织听证", clerk)
    clock.set(at("2027-01-28T10:00"))
    engine.case_clock.resume(festival, clerk)
    before = clock_of(engine, festival)
    assert (local(before["promised_due_at"]), local(before["statutory_due_at"])) == (
        "2027-02-12 17:30",
        "2027-02-26 17:30",
    )  # 除夕 Friday 5 and 初三 Monday 8 February off, +2 days paused
    clock.set(at("2027-02-12T10:00"))
    engine.sweep()
    # the provisional due date is today: yellow (once "green", a light no more: issue 16 §3)
    assert lights(engine, festival)[-1] == ("none", "yellow")

    result = official(engine, 2027, OFFICIAL_2027)

    # 5: the four limits of the cases, and the 督办 item the year-end case opened by itself when it turned red
    # (seed 002 §1 二是; issue 16 §3), its investigation limit counted over provisional days too
    assert result["days"] == 9 and result["recount"] == {"cases": 2, "deadlines": 5, "failed": 0}
    assert recounts(engine, festival) == [
        ("promised_due_at", "2027-02-12 17:30", "2027-02-17 17:30", False),
        ("statutory_due_at", "2027-02-26 17:30", "2027-03-02 17:30", False),
    ]
    assert lights(engine, festival)[-1] == ("yellow", "none")  # the limit moved: yellow only later
    after = api_clock(engine, festival)["clock"]
    assert after["provisional"] is False and after["paused_working_days"] == 2.0 and after["light"] == "none"
    # 元旦 stayed on 1 January: the year-end case keeps its instants and loses its mark, which the trail records
    assert recounts(engine, year_end) == [
        ("promised_due_at", "2027-01-12 17:30", "2027-01-12 17:30", False),
        ("statutory_due_at", "2027-01-26 17:30", "2027-01-26 17:30", False),
        ("supervision_item", "2027-03-05 17:30", "2027-03-04 17:30", False),  # the 督办 item its red light opened
    ]
    assert clock_of(engine, year_end)["provisional"] is False
    assert official(engine, 2027, OFFICIAL_2027)["recount"] == {"cases": 0, "deadlines": 0, "failed": 0}
    assert engine.history.verify().ok


def test_2027_into_2028_likewise(five_step_engine, clock):
    engine = five_step_engine
    official(engine, 2027, OFFICIAL_2027)
    case_id = accepted(engine, clock, "2027-12-27T10:00")
    view = clock_of(engine, case_id)
    assert view["provisional"] is True
    assert (local(view["promised_due_at"]), local(view["statutory_due_at"])) == ("2028-01-10 17:30", "2028-01-24 17:30")
    clock.set(at("2028-01-10T10:00"))
    engine.sweep()
    assert lights(engine, case_id)[-1] == ("none", "yellow")  # the due date (once "green": issue 16 §3)

    result = official(engine, 2028, OFFICIAL_2028)

    assert result["recount"]["deadlines"] == 2
    assert recounts(engine, case_id) == [
        ("promised_due_at", "2028-01-10 17:30", "2028-01-11 17:30", False),
        ("statutory_due_at", "2028-01-24 17:30", "2028-02-02 17:30", False),
    ]
    assert lights(engine, case_id)[-1] == ("none", "yellow")  # one day later: still yellow, no change
    assert clock_of(engine, case_id)["provisional"] is False


@pytest.fixture
def timed_engine(bare_engine):
    """The five-step flow whose 承办 step has a warning timer working_days(2) and a limit timer working_days(5)."""
    return publish_five_step(bare_engine, (FIXTURES / "five_step_timed.bpmn").read_bytes())


def timers(engine, case_id: int) -> dict[str, tuple]:
    with engine.db.reading() as session:
        return {
            t.element_id: (local(t.due_at), t.provisional)
            for t in session.scalars(sa.select(PendingTimer).where(PendingTimer.case_id == case_id))
        }


def step(engine, case_id: int) -> tuple:
    with engine.db.reading() as session:
        record = session.scalars(
            sa.select(TaskRecord).where(TaskRecord.case_id == case_id, TaskRecord.state == "open")
        ).one()
        return local(record.due_at), record.due_provisional


def fired(engine, case_id: int) -> list[str]:
    return [
        e["element"]
        for e in engine.history.case_trail(case_id, ENGINE)
        if e["event"] == "task" and (e["element"] or "").startswith("Timer_") and e["to"] == "completed"
    ]


def test_working_day_timers_across_the_year_end_are_marked_and_recounted_in_the_workflow(timed_engine, clock):
    engine = timed_engine
    year_end = accepted(engine, clock, "2026-12-28T10:00")
    assert timers(engine, year_end) == {
        "Timer_Warning_Handle": ("2026-12-30 17:30", False),
        "Timer_Limit_Handle": ("2027-01-05 17:30", True),
    }
    assert step(engine, year_end) == ("2027-01-05 17:30", True)
    assert open_task(engine, year_end)["due_provisional"] is True
    festival = accepted(engine, clock, "2027-02-03T10:00")
    assert timers(engine, festival) == {
        "Timer_Warning_Handle": ("2027-02-09 17:30", True),
        "Timer_Limit_Handle": ("2027-02-12 17:30", True),
    }

    result = official(engine, 2027, OFFICIAL_2027)

    assert result["recount"]["cases"] == 2
    assert timers(engine, year_end)["Timer_Limit_Handle"] == ("2027-01-05 17:30", False)
    assert step(engine, year_end) == ("2027-01-05 17:30", False)
    assert timers(engine, festival) == {
        "Timer_Warning_Handle": ("2027-02-12 17:30", False),
        "Timer_Limit_Handle": ("2027-02-17 17:30", False),
    }
    assert step(engine, festival) == ("2027-02-17 17:30", False)
    assert sorted(r for r in recounts(engine, festival) if r[0] in ("step", "timer")) == [
        ("step", "2027-02-12 17:30", "2027-02-17 17:30", False),
        ("timer", "2027-02-09 17:30", "2027-02-12 17:30", False),
        ("timer", "2027-02-12 17:30", "2027-02-17 17:30", False),
    ]
    # the workflow's own timers moved with the projection: rebuilt from the database, they fire at the new instants
    engine.store.clear()
    engine.sweep(at("2027-02-12T18:00"))
    assert fired(engine, festival) == ["Timer_Warning_Handle"]
    engine.sweep(at("2027-02-17T18:00"))
    assert fired(engine, festival) == ["Timer_Warning_Handle", "Timer_Limit_Handle"]
    assert any(e["event"] == "task_escalated" for e in engine.history.case_trail(festival, ENGINE))


def test_a_pause_that_ends_in_2027_marks_what_it_moves_and_the_recount_replays_it(timed_engine, clock):
    """A case accepted in 2026 (limits within 2026) paused until January 2027: resuming moves its limits, steps and
    timers across 元旦, so they become provisional; the official import counts them again from acceptance and from
    when each timer started, moved by the pause — on an unchanged 1 January, to the same instants."""
    engine = timed_engine
    case_id = accepted(engine, clock, "2026-12-01T10:00")
    assert clock_of(engine, case_id)["provisional"] is False and step(engine, case_id)[1] is False
    clerk = engine.identity.actor("clerk")
    clock.set(at("2026-12-02T10:00"))
    engine.case_clock.pause(case_id, "expert_review", "专家评审", clerk)
    clock.set(at("2027-01-06T10:00"))
    engine.case_clock.resume(case_id, clerk)
    view, moved, due = clock_of(engine, case_id), timers(engine, case_id), step(engine, case_id)
    assert view["provisional"] is True and due[1] is True
    assert all(provisional for _due, provisional in moved.values())

    official(engine, 2027, OFFICIAL_2027)

    after = clock_of(engine, case_id)
    assert (after["promised_due_at"], after["statutory_due_at"]) == (view["promised_due_at"], view["statutory_due_at"])
    assert after["provisional"] is False and after["paused_working_days"] == view["paused_working_days"]
    assert timers(engine, case_id) == {name: (instant, False) for name, (instant, _p) in moved.items()}
    assert step(engine, case_id) == (due[0], False)
    assert {(before, after) for _what, before, after, _p in recounts(engine, case_id)} == {
        (instant, instant)
        for instant in {
            local(view["promised_due_at"]),
            local(view["statutory_due_at"]),
            due[0],
            *(instant for instant, _p in moved.values()),
        }
    }


def test_a_sweep_far_ahead_no_longer_fails_for_want_of_data(timed_engine, monkeypatch):
    """The issue: `shenpi sweep --as-of <400 days ahead>` exited 1 from supervision_items.open_item."""
    case_id = timed_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)["id"]
    complete(timed_engine, case_id, {"accept": "accept"})
    monkeypatch.setattr(cli, "_engine", lambda: timed_engine)
    result = CliRunner().invoke(cli.main, ["sweep", "--as-of", "2027-12-28T10:00"])
    assert result.exit_code == 0, result.output
    assert sorted(fired(timed_engine, case_id)) == ["Timer_Limit_Handle", "Timer_Warning_Handle"]
    with timed_engine.db.reading() as session:
        items = session.scalars(sa.select(SupervisionItem).where(SupervisionItem.case_id == case_id)).all()
    # the step's escalation opened one, and the case turning red another (seed 002 §1 二是, issue 16 §3)
    assert sorted(i.kind for i in items) == ["overdue_case", "overdue_step"]
    for item in items:
        assert local(item.due_at) == "2028-01-18 17:30" and item.due_provisional  # 15 working days, 元旦 2028 off
    assert clock_of(timed_engine, case_id)["light"] == "red"


def test_supervision_complaint_and_signal_limits_are_recounted_together(five_step_engine, clock):
    engine = five_step_engine
    clock.set(at("2027-02-03T10:00"))
    number = engine.feedback.complain(
        engine.identity.actor("citizen"), "窗口态度差", "工作人员不耐烦", anonymous=False, department="测试局"
    )["number"]
    clock.set(at("2027-02-04T10:00"))
    with engine.db.transaction() as session:
        trail.append_outside_step(
            session,
            [
                raise_signal(
                    session,
                    engine.calendars.calendar(),
                    clock.now(),
                    "decision_late",
                    "common",
                    subject="test:1",
                    department="测试局",
                    summary="超期作出决定",
                )
            ],
        )

    def limits():
        with engine.db.reading() as session:
            complaint = session.scalars(sa.select(Complaint).where(Complaint.number == number)).one()
            signal = session.scalars(sa.select(Signal)).one()
            item = session.scalars(sa.select(SupervisionItem).where(SupervisionItem.signal_id == signal.id)).one()
            return {
                "complaint": (local(complaint.accept_due_at), complaint.limits_provisional),
                "signal": (local(signal.correct_by), signal.correct_by_provisional),
                "item": (local(item.due_at), item.due_provisional),
            }

    assert limits() == {
        "complaint": ("2027-02-12 17:30", True),
        "signal": ("2027-02-09 17:30", True),
        "item": ("2027-03-01 17:30", True),
    }

    result = official(engine, 2027, OFFICIAL_2027)

    assert limits() == {
        "complaint": ("2027-02-17 17:30", False),
        "signal": ("2027-02-12 17:30", False),
        "item": ("2027-03-03 17:30", False),
    }
    assert result["recount"] == {"cases": 0, "deadlines": 3, "failed": 0}
    moved = {
        e["detail"]["deadline"]: (local(e["detail"]["from"]), local(e["detail"]["to"]))
        for e in events(engine, "deadline_recounted")
    }
    assert moved == {
        "complaint_accept": ("2027-02-12 17:30", "2027-02-17 17:30"),
        "signal_correction": ("2027-02-09 17:30", "2027-02-12 17:30"),
        "supervision_item": ("2027-03-01 17:30", "2027-03-03 17:30"),
    }
    assert engine.history.verify().ok


def test_a_case_reported_by_data_exchange_is_recounted_without_a_workflow(five_step_engine, clock):
    """A ministry system's case (channel vertical) has limits but no workflow here: recounted in a transaction."""
    engine = five_step_engine
    with engine.db.transaction() as session:
        session.add(User(id="ministry", name="市场监管专网", department_id="T01", posts=[], roles=[EXCHANGE]))
    clock.set(at("2027-01-26T10:00"))
    engine.external_cases.record(
        engine.identity.actor("ministry"),
        [
            {
                "case": "GS-1",
                "step": "received",
                "happened_at": "2027-01-25T09:00:00+08:00",
                "matter_code": "TEST-0001",
                "applicant": {"name": "王五"},
            },
            {"case": "GS-1", "step": "accepted", "happened_at": "2027-01-25T10:00:00+08:00"},
        ],
    )
    with engine.db.reading() as session:
        case_id = session.scalar(sa.select(Case.id).where(Case.channel == "vertical"))
    assert clock_of(engine, case_id)["provisional"] is True
    assert official(engine, 2027, OFFICIAL_2027)["recount"] == {"cases": 1, "deadlines": 2, "failed": 0}
    assert recounts(engine, case_id) == [
        ("promised_due_at", "2027-02-10 17:30", "2027-02-15 17:30", False),
        ("statutory_due_at", "2027-02-24 17:30", "2027-02-26 17:30", False),
    ]
    assert engine.history.verify().ok


def test_next_years_missing_arrangement_is_warned_from_1_november(bare_engine, clock):
    calendar = bare_engine.calendars
    clock.set(at("2026-10-31T23:00"))
    assert calendar.missing_arrangements() == []
    clock.set(at("2026-11-01T00:30"))
    assert calendar.missing_arrangements() == [2027]
    clock.set(at("2027-03-01T10:00"))
    assert calendar.missing_arrangements() == [2027]  # the year itself, all year long
    official(bare_engine, 2027, OFFICIAL_2027)
    assert calendar.missing_arrangements() == []
    clock.set(at("2027-11-01T09:00"))
    assert calendar.missing_arrangements() == [2028]


def test_recount_from_the_command_line(five_step_engine, clock, monkeypatch):
    accepted(five_step_engine, clock, "2026-12-28T10:00")
    monkeypatch.setattr(five_step_engine.calendars, "after_import", ())  # as an import whose recount was cut off
    assert official(five_step_engine, 2027, OFFICIAL_2027)["recount"] == {}
    monkeypatch.setattr(cli, "_engine", lambda: five_step_engine)
    result = CliRunner().invoke(cli.main, ["calendar", "recount"])
    assert result.exit_code == 0 and "recounted 2 provisional deadline(s); 1 case(s) changed" in result.output
