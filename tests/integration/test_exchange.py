"""Cases of ministry systems reported by data exchange: same trail, lights and rules; batches all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.identity.actors import ENGINE, EXCHANGE
from engine.models import Case, ExternalFact, Licence, Signal, User
from integrations.exchange.batch_files import read_batch
from web import create_app

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def ministry(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(User(id="ministry", name="市场监管专网", department_id="T01", posts=[], roles=[EXCHANGE]))
    return five_step_engine.identity.actor("ministry")


def fact(case, step, when, **more):
    return {"case": case, "step": step, "happened_at": when, **more}


def new_case(case="GS-1", when="2026-11-23T09:00:00+08:00"):
    return fact(case, "received", when, matter_code="TEST-0001", applicant={"name": "王五"})


def signals(engine):
    with engine.db.reading() as session:
        return sorted((s.rule, s.color) for s in session.scalars(sa.select(Signal)))


def test_a_reported_case_joins_the_trail_and_the_lights(five_step_engine, ministry, clock):
    result = five_step_engine.external_cases.record(
        ministry, [new_case(), fact("GS-1", "accepted", "2026-11-23T09:00:00+08:00")]
    )
    assert result["imported"] == 2 and result["cases_created"] == 1 and result["signals"] == 0
    with five_step_engine.db.reading() as session:
        case = session.scalars(sa.select(Case)).one()
    assert case.channel == "vertical" and case.accepted_at is not None and case.statutory_due_at is not None
    clock.set(dt.datetime(2026, 12, 22, 9, 0, tzinfo=BEIJING))  # past the 20 working days
    five_step_engine.sweep()
    assert five_step_engine.cases.get_case(case.id, ENGINE)["light"] == "red"
    events = [r["event"] for r in five_step_engine.history.case_trail(case.id, ENGINE)]
    assert events[:3] == ["case_started", "external_fact", "external_fact"] and "light_changed" in events
    assert five_step_engine.history.verify().ok
    with pytest.raises(InvalidState):  # no workflow here: nobody can act on it in this engine
        five_step_engine.cases.terminate(case.id, five_step_engine.identity.actor("admin"), "误报")


def test_a_late_decision_back_filling_and_off_system_handling_raise_signals(five_step_engine, ministry, clock):
    clock.set(dt.datetime(2027, 1, 5, 10, 0, tzinfo=BEIJING))
    five_step_engine.external_cases.record(
        ministry,
        [
            new_case("GS-2", "2026-11-23T09:00:00+08:00"),
            fact("GS-2", "accepted", "2026-11-23T09:30:00+08:00"),
            fact("GS-2", "decided", "2026-12-30T10:00:00+08:00", outcome="approved"),
            new_case("GS-3", "2027-01-05T09:00:00+08:00"),
            fact("GS-3", "decided", "2027-01-05T09:30:00+08:00", outcome="denied"),
            fact(
                "GS-4",
                "licence_issued",
                "2027-01-05T09:40:00+08:00",
                matter_code="TEST-0001",
                applicant={"name": "赵六"},
                licence_code="LIC-4",
            ),
        ],
    )
    found = signals(five_step_engine)
    assert ("decision_late", "yellow") in found  # GS-2: decided after its limit
    assert ("reported_late", "yellow") in found  # GS-2's facts arrive weeks later (事后补录)
    assert ("off_system", "red") in found  # GS-3 decided with no acceptance; GS-4 licence
    assert ("refusal_without_reasons", "yellow") in found  # GS-3 denied without reasons
    with five_step_engine.db.reading() as session:
        assert len(session.scalars(sa.select(Signal).where(Signal.rule == "off_system")).all()) == 2
        assert session.get(Licence, "LIC-4") is not None


def test_a_timely_complete_case_raises_nothing(five_step_engine, ministry, clock):
    clock.set(dt.datetime(2026, 11, 25, 9, 40, tzinfo=BEIJING))  # within 2 working days of every fact
    five_step_engine.external_cases.record(
        ministry,
        [
            new_case(when="2026-11-23T10:00:00+08:00"),
            fact("GS-1", "accepted", "2026-11-23T10:00:00+08:00"),
            fact("GS-1", "reviewed", "2026-11-24T10:00:00+08:00"),
            fact("GS-1", "decided", "2026-11-25T09:00:00+08:00", outcome="approved"),
            fact("GS-1", "licence_issued", "2026-11-25T09:30:00+08:00"),
        ],
    )
    assert signals(five_step_engine) == []


def test_a_malformed_batch_is_refused_line_by_line_and_nothing_is_kept(five_step_engine, ministry):
    with pytest.raises(InvalidInput) as refused:
        five_step_engine.external_cases.record(
            ministry,
            [
                new_case(),
                fact("GS-1", "approved", "2026-11-23T08:30:00+08:00"),
                fact("GS-1", "decided", "yesterday", outcome="approved"),
                fact("GS-9", "accepted", "2026-11-23T08:30:00+08:00"),
                fact("GS-1", "decided", "2026-11-23T08:30:00+08:00", outcome="maybe"),
                new_case("GS-5") | {"matter_code": "NOPE"},
                "not an object",
            ],
        )
    lines = [(e["line"], e["field"]) for e in refused.value.details["errors"]]
    assert lines == [(2, "step"), (3, "happened_at"), (4, "case"), (5, "outcome"), (6, "matter_code"), (7, "fact")]
    with five_step_engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(ExternalFact)) == 0


def test_sending_again_records_nothing_twice(five_step_engine, ministry):
    batch = [new_case(), fact("GS-1", "accepted", "2026-11-23T08:30:00+08:00")]
    first = five_step_engine.external_cases.record(ministry, batch)
    again = five_step_engine.external_cases.record(ministry, json.loads(json.dumps(batch)))
    assert first["imported"] == 2 and again == {**again, "imported": 0, "duplicate_batch": True}
    overlapping = five_step_engine.external_cases.record(
        ministry,
        [fact("GS-1", "accepted", "2026-11-23T08:30:00+08:00"), fact("GS-1", "reviewed", "2026-11-23T08:45:00+08:00")],
    )
    assert overlapping["imported"] == 1 and overlapping["duplicates"] == 1
    with five_step_engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ExternalFact)) == 3


def test_only_an_exchange_account_reports_and_only_its_departments_matters(five_step_engine, ministry):
    with pytest.raises(PermissionDenied):
        five_step_engine.external_cases.record(five_step_engine.identity.actor("clerk"), [new_case()])
    with five_step_engine.db.transaction() as session:
        session.add(User(id="police", name="公安专网", department_id="T02", posts=[], roles=[EXCHANGE]))
    with pytest.raises(InvalidInput) as refused:
        five_step_engine.external_cases.record(five_step_engine.identity.actor("police"), [new_case()])
    assert "not a matter of" in refused.value.details["errors"][0]["message"]


def test_csv_batches_and_their_errors():
    text = (
        "case,matter_code,step,happened_at,applicant_name,outcome\n"
        "GS-1,TEST-0001,received,2026-11-23T09:00:00+08:00,王五,\n"
        "\n"
        "GS-1,,decided,2026-11-24T09:00:00+08:00,,approved\n"
    )
    facts, digest = read_batch("batch.csv", text.encode("utf-8-sig"), 10_000)
    assert facts == [
        {
            "case": "GS-1",
            "matter_code": "TEST-0001",
            "step": "received",
            "happened_at": "2026-11-23T09:00:00+08:00",
            "applicant": {"name": "王五"},
            "_line": 2,
        },
        {
            "case": "GS-1",
            "step": "decided",
            "happened_at": "2026-11-24T09:00:00+08:00",
            "outcome": "approved",
            "_line": 4,
        },
    ]
    assert len(digest) == 64
    with pytest.raises(InvalidInput) as wrong:
        read_batch("batch.csv", b"case,stage,happened_at\n", 10_000)
    assert wrong.value.reason == "csv_header_wrong"
    assert {(e["message"].reason, e["message"].params["column"]) for e in wrong.value.details["errors"]} == {
        ("csv_column_unknown", "stage"),
        ("csv_column_missing", "step"),
    }
    with pytest.raises(InvalidInput):
        read_batch("batch.xml", b"<x/>", 10_000)
    with pytest.raises(InvalidInput):
        read_batch("batch.json", b"{not json", 10_000)


def test_the_api_takes_facts_and_files(five_step_engine, ministry):
    app = create_app(shenpi=five_step_engine, testing=True)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {five_step_engine.identity.create_token('ministry')}"}
    body = client.post("/api/v1/exchange/facts", headers=headers, json={"facts": [new_case()]}).get_json()
    assert body["imported"] == 1
    csv_file = (
        "case,matter_code,step,happened_at,applicant_name\nGS-7,TEST-0001,received,2026-11-23T08:00:00+08:00,钱七\n"
    ).encode()
    sent = client.post(
        "/api/v1/exchange/batches",
        headers=headers,
        data={"file": (io.BytesIO(csv_file), "gs.csv")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 200 and sent.get_json()["imported"] == 1
    again = client.post(
        "/api/v1/exchange/batches",
        headers=headers,
        data={"file": (io.BytesIO(csv_file), "gs.csv")},
        content_type="multipart/form-data",
    )
    assert again.get_json()["duplicate_batch"] is True
    bad = client.post("/api/v1/exchange/facts", headers=headers, json={"facts": [fact("GS-8", "decided", "x")]})
    error = bad.get_json()["error"]
    assert bad.status_code == 400 and error["code"] == "invalid_input" and len(error["errors"]) == 2
    clerk = {"Authorization": f"Bearer {five_step_engine.identity.create_token('clerk')}"}
    assert client.post("/api/v1/exchange/facts", headers=clerk, json={"facts": [new_case()]}).status_code == 403


def test_an_exchange_account_signing_in_lands_on_its_account_page(five_step_engine, ministry):
    from ..web.helpers import PageClient, set_passwords

    set_passwords(five_step_engine, "ministry")
    pages = PageClient(create_app(shenpi=five_step_engine, testing=True))
    assert pages.login("ministry").headers["Location"].endswith("/account")
