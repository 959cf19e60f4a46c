"""Calendar data kept in the database: yearly imports, overrides, refusals, the provisional years."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from engine.errors import InvalidInput
from engine.kernel.clock import SHANGHAI
from web import cli

ARRANGEMENT_2027 = {
    "days": [
        {"date": "2027-01-01", "workday": False, "name": "元旦"},
        {"date": "2027-02-05", "workday": False, "name": "春节"},
        {"date": "2027-02-06", "workday": False, "name": "春节"},
        {"date": "2027-02-07", "workday": False, "name": "春节"},
        {"date": "2027-02-08", "workday": False, "name": "春节"},
        {"date": "2027-02-09", "workday": False, "name": "春节"},
        {"date": "2027-02-10", "workday": False, "name": "春节"},
        {"date": "2027-02-11", "workday": False, "name": "春节"},
        {"date": "2027-02-20", "workday": True, "name": "春节调休"},
    ]
}


def deadline(engine, start: str, days: int) -> str:
    instant = dt.datetime.fromisoformat(start).replace(tzinfo=SHANGHAI)
    return engine.calendars.calendar().add_working_days(instant, days).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_cli_import_makes_a_year_official(bare_engine, monkeypatch, tmp_path):
    assert deadline(bare_engine, "2026-12-30T10:00", 3) == "2027-01-05 17:30"  # provisional: 元旦 off
    assert deadline(bare_engine, "2027-02-04T10:00", 2) == "2027-02-10 17:30"  # provisional: 除夕 to 初三 off
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(ARRANGEMENT_2027, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(cli, "_engine", lambda: bare_engine)
    result = CliRunner().invoke(cli.main, ["calendar", "import", str(path)])
    assert result.exit_code == 0 and "imported 9 day(s) for 2027" in result.output
    assert "recounted 0 provisional deadline(s); 0 case(s) changed" in result.output
    assert deadline(bare_engine, "2026-12-30T10:00", 3) == "2027-01-05 17:30"
    assert deadline(bare_engine, "2027-02-04T10:00", 2) == "2027-02-15 17:30"  # Sat 20 Feb is the adjusted day later
    assert deadline(bare_engine, "2027-02-18T10:00", 2) == "2027-02-20 17:30"
    shown = CliRunner().invoke(cli.main, ["calendar", "show", "2027"])
    assert "2027-02-20 上班" in shown.output and "2027-01-01 休息" in shown.output
    events = [r for r in _system_events(bare_engine) if r == "calendar_imported"]
    assert events == ["calendar_imported"]


def _system_events(engine):
    import sqlalchemy as sa

    from engine.models import TrailEntry

    with engine.db.reading() as session:
        return list(session.scalars(sa.select(TrailEntry.event).where(TrailEntry.chain == 0).order_by(TrailEntry.seq)))


def test_bad_file_is_refused_line_by_line_and_nothing_is_imported(bare_engine, monkeypatch, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,workday,name\n2027-01-01,休息,元旦\n2027-13-01,休息,坏日期\n2027-02-20,maybe,调休\n", encoding="utf-8"
    )
    monkeypatch.setattr(cli, "_engine", lambda: bare_engine)
    result = CliRunner().invoke(cli.main, ["calendar", "import", str(path)])
    assert result.exit_code == 1 and "line 3" in result.output and "line 4" in result.output
    assert not bare_engine.calendars.is_official(2027)
    with pytest.raises(InvalidInput):
        bare_engine.calendars.import_arrangement(
            2027, [{"day": dt.date(2028, 1, 1), "workday": False, "name": None}], "x.csv", "admin"
        )


def test_override_of_a_covered_year(bare_engine):
    assert deadline(bare_engine, "2026-11-23T10:00", 1) == "2026-11-24 17:30"
    bare_engine.calendars.set_day(dt.date(2026, 11, 24), False, "临时休息日", "admin")
    assert deadline(bare_engine, "2026-11-23T10:00", 1) == "2026-11-25 17:30"
    assert "calendar_changed" in _system_events(bare_engine)
    assert bare_engine.history.verify().ok


def test_a_file_that_is_not_utf8_is_refused(bare_engine, monkeypatch, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes("date,workday,name\n2027-01-01,休息,元旦\n".encode("gbk"))
    monkeypatch.setattr(cli, "_engine", lambda: bare_engine)
    result = CliRunner().invoke(cli.main, ["calendar", "import", str(path)])
    assert result.exit_code == 1 and "not UTF-8" in result.output and "Traceback" not in result.output


def test_office_hours_are_configurable(tmp_path, clock):
    from engine.deadlines.calendar_service import parse_office_hours

    assert parse_office_hours("08:30-12:00,14:00-18:00")[1] == (dt.time(14), dt.time(18))
    for bad in ("9-12", "12:00-09:00", "09:00-12:00,11:00-13:00", ""):
        with pytest.raises(InvalidInput):
            parse_office_hours(bad)


def test_calendar_api(bare_engine):
    from web import create_app

    client = create_app(shenpi=bare_engine, testing=True).test_client()
    days = client.get("/api/v1/calendar/2026").get_json()["days"]
    assert {
        "date": "2026-10-10",
        "workday": True,
        "name": "National Day",
        "override": False,
        "provisional": False,
    } in days
    provisional = client.get("/api/v1/calendar/2027").get_json()  # no arrangement: the provisional days
    assert provisional["provisional"] is True
    assert {
        "date": "2027-02-05",
        "workday": False,
        "name": "春节",
        "override": False,
        "provisional": True,
    } in provisional["days"]
    from ..helpers import add_people

    add_people(bare_engine)
    admin = {"Authorization": f"Bearer {bare_engine.identity.create_token('admin')}"}
    clerk = {"Authorization": f"Bearer {bare_engine.identity.create_token('clerk')}"}
    assert client.put("/api/v1/calendar/days/2026-12-24", headers=clerk, json={"workday": False}).status_code == 403
    assert client.put("/api/v1/calendar/days/2026-12-24", headers=admin, json={"workday": "no"}).status_code == 400
    assert client.put("/api/v1/calendar/days/2026-13-01", headers=admin, json={"workday": False}).status_code == 400
    ok = client.put("/api/v1/calendar/days/2026-12-24", headers=admin, json={"workday": False, "name": "临时闭馆"})
    assert ok.status_code == 200
    days = client.get("/api/v1/calendar/2026").get_json()["days"]
    assert {"date": "2026-12-24", "workday": False, "name": "临时闭馆", "override": True, "provisional": False} in days
