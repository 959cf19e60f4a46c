from __future__ import annotations

from click.testing import CliRunner

from engine.identity.actors import ENGINE
from web import cli

from ..helpers import FIXTURES


def run(engine, monkeypatch, *args):
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, list(args))


def test_init_db_and_deploy(bare_sqlite_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("SHENPI_DATABASE_URL", f"sqlite:///{tmp_path / 'init.db'}")  # not the instance database
    assert run(bare_sqlite_engine, monkeypatch, "init-db").exit_code == 0
    result = run(bare_sqlite_engine, monkeypatch, "deploy", str(FIXTURES / "five_step.bpmn"))
    assert result.exit_code == 0 and "five_step version 1" in result.output
    again = run(bare_sqlite_engine, monkeypatch, "deploy", str(FIXTURES / "five_step.bpmn"))
    assert "already deployed" in again.output


def test_deploy_refusal_names_element(bare_sqlite_engine, monkeypatch, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes((FIXTURES / "five_step.bpmn").read_bytes().replace(b'review == "revise"', b"__import__('os')"))
    result = run(bare_sqlite_engine, monkeypatch, "deploy", str(bad))
    assert result.exit_code == 1 and "element=Flow_Revise" in result.output and "line=" in result.output, result.output


def test_token_create(five_step_engine, monkeypatch):
    result = run(five_step_engine, monkeypatch, "token", "create", "clerk")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("sp_")
    assert five_step_engine.identity.authenticate(token).id == "clerk"
    assert run(five_step_engine, monkeypatch, "token", "create", "nobody").exit_code == 1


def test_sweep_as_of_fires_due_timers(bare_sqlite_engine, monkeypatch, clock):
    content = (FIXTURES / "timer_step.bpmn").read_bytes()
    bare_sqlite_engine.repository.deploy(content, "timer_step.bpmn")
    from ..helpers import FIVE_STEP_ENTRY

    bare_sqlite_engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "admin"
    )
    case = bare_sqlite_engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)
    assert [t["element"] for t in case["tasks"]] == ["Task_Review"]
    early = run(bare_sqlite_engine, monkeypatch, "sweep", "--as-of", "2026-11-23T09:30:00+08:00")
    assert early.exit_code == 0 and "advanced 0" in early.output
    late = run(bare_sqlite_engine, monkeypatch, "sweep", "--as-of", "2026-11-23T10:00:01+08:00")
    assert "advanced 1" in late.output
    after = bare_sqlite_engine.cases.get_case(case["id"], ENGINE)
    assert sorted(t["element"] for t in after["tasks"]) == ["Task_Escalated", "Task_Review"]
    assert run(bare_sqlite_engine, monkeypatch, "sweep", "--as-of", "not-a-date").exit_code == 2


def test_demo_seeds_people_and_cases(bare_sqlite_engine, monkeypatch):
    result = run(bare_sqlite_engine, monkeypatch, "demo")
    assert result.exit_code == 0, result.output
    assert "demo cases started" in result.output and "58 from the last four weeks" in result.output
    cases = bare_sqlite_engine.cases.list_cases(ENGINE)
    assert {c["status"] for c in cases} == {"running", "ended"}
    items = bare_sqlite_engine.supervision.list(ENGINE)
    overdue = sorted(
        i["status"] for i in items if i["kind"] == "overdue_step"
    )  # seeded, and escalations in the history
    assert overdue.count("noticed") == 1 and len(overdue) > 2
    assert [i["status"] for i in items if i["kind"] == "complaint"] == ["open"]  # the forwarded demo complaint
    assert run(bare_sqlite_engine, monkeypatch, "trail", "verify").exit_code == 0
    # The food licence backlog: an official and a supervisor each have several pages of work (20 rows a page).
    food = bare_sqlite_engine.catalogue.get_matter("410104-XK-SP-001")["department"]
    official = next(u["id"] for u in bare_sqlite_engine.accounts.list_users(role="official") if u["department"] == food)
    assert bare_sqlite_engine.inbox.tasks(bare_sqlite_engine.identity.actor(official))["pages"] >= 3
    supervisor = bare_sqlite_engine.identity.actor("supervisor")
    assert bare_sqlite_engine.supervision.page(supervisor, status="open")["pages"] >= 2
    assert bare_sqlite_engine.case_search.search(supervisor)["pages"] >= 3
    assert bare_sqlite_engine.violations.verifications.list(supervisor, status="open")  # the Art. 9 queue
