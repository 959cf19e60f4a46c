from __future__ import annotations

from click.testing import CliRunner

from engine.identity.actors import ENGINE
from web import cli

from .conftest import FIXTURES


def run(engine, monkeypatch, *args):
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, list(args))


def test_init_db_and_deploy(sqlite_shenpi, monkeypatch, tmp_path):
    monkeypatch.setenv("SHENPI_DATABASE_URL", f"sqlite:///{tmp_path / 'init.db'}")   # not the instance database
    assert run(sqlite_shenpi, monkeypatch, "init-db").exit_code == 0
    result = run(sqlite_shenpi, monkeypatch, "deploy", str(FIXTURES / "five_step.bpmn"))
    assert result.exit_code == 0 and "five_step version 1" in result.output
    again = run(sqlite_shenpi, monkeypatch, "deploy", str(FIXTURES / "five_step.bpmn"))
    assert "already deployed" in again.output


def test_deploy_refusal_names_element(sqlite_shenpi, monkeypatch, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes((FIXTURES / "five_step.bpmn").read_bytes().replace(b"<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>", b""))
    result = run(sqlite_shenpi, monkeypatch, "deploy", str(bad))
    assert result.exit_code == 1 and "element=Task_Review" in result.output and "line=" in result.output


def test_token_create(five_step, monkeypatch):
    result = run(five_step, monkeypatch, "token", "create", "clerk")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("sp_")
    assert five_step.identity.authenticate(token).id == "clerk"
    assert run(five_step, monkeypatch, "token", "create", "nobody").exit_code == 1


def test_sweep_as_of_fires_due_timers(sqlite_shenpi, monkeypatch, clock):
    content = (FIXTURES / "timer_step.bpmn").read_bytes()
    sqlite_shenpi.repository.deploy(content, "timer_step.bpmn")
    from .conftest import FIVE_STEP_ENTRY

    sqlite_shenpi.catalogue.publish({**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step",
                                     "process_file": "timer_step.bpmn"}, "admin")
    case = sqlite_shenpi.runtime.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)
    assert [t["element"] for t in case["tasks"]] == ["Task_Review"]
    early = run(sqlite_shenpi, monkeypatch, "sweep", "--as-of", "2026-11-23T09:30:00+08:00")
    assert early.exit_code == 0 and "advanced 0" in early.output
    late = run(sqlite_shenpi, monkeypatch, "sweep", "--as-of", "2026-11-23T10:00:01+08:00")
    assert "advanced 1" in late.output
    after = sqlite_shenpi.runtime.get_case(case["id"], ENGINE)
    assert sorted(t["element"] for t in after["tasks"]) == ["Task_Escalated", "Task_Review"]
    assert run(sqlite_shenpi, monkeypatch, "sweep", "--as-of", "not-a-date").exit_code == 2


def test_demo_seeds_people_and_cases(sqlite_shenpi, monkeypatch):
    result = run(sqlite_shenpi, monkeypatch, "demo")
    assert result.exit_code == 0, result.output
    assert "demo cases started" in result.output and "58 from the last four weeks" in result.output
    cases = sqlite_shenpi.runtime.list_cases(ENGINE)
    assert {c["status"] for c in cases} == {"running", "ended"}
    items = sqlite_shenpi.supervision.list(ENGINE)
    overdue = sorted(i["status"] for i in items if i["kind"] == "overdue_step")   # seeded, and escalations in the history
    assert overdue.count("noticed") == 1 and len(overdue) > 2
    assert [i["status"] for i in items if i["kind"] == "complaint"] == ["open"]   # the forwarded demo complaint
    assert run(sqlite_shenpi, monkeypatch, "trail", "verify").exit_code == 0
    # The food licence backlog: an official and a supervisor each have several pages of work (20 rows a page).
    food = sqlite_shenpi.catalogue.get_matter("410104-XK-SP-001")["department"]
    official = next(u["id"] for u in sqlite_shenpi.accounts.list_users(role="official") if u["department"] == food)
    assert sqlite_shenpi.inbox.tasks(sqlite_shenpi.identity.actor(official))["pages"] >= 3
    supervisor = sqlite_shenpi.identity.actor("supervisor")
    assert sqlite_shenpi.supervision.page(supervisor, status="open")["pages"] >= 2
    assert sqlite_shenpi.case_search.search(supervisor)["pages"] >= 3
