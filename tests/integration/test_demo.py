"""The demo package: it seeds through the engine's public services only, and the service methods it needs."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

import engine
from demo import handlers as demo_handlers
from demo import seed as demo
from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity import ENGINE, HEAD_POST, OFFICIAL
from engine.models import TrailEntry

from ..helpers import refused

DEMO = Path(demo.__file__).parent
ENGINE_DIR = Path(engine.__file__).parent
FORBIDDEN = ("engine.models", "engine.kernel.db", "sqlalchemy")
ENGINE_MODULES = ("engine.bootstrap", "engine.config", "engine.errors")  # modules, not packages
DATABASE = {"transaction", "reading", "connect", "engine", "session_factory"}


def _imports(tree):
    """(module, name) for every import; name is None for ``import module``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield from ((node.module, alias.name) for alias in node.names)


def _exports(package: str) -> set[str]:
    tree = ast.parse((ENGINE_DIR / package.split(".")[1] / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def test_demo_imports_no_models_sessions_or_sql():
    problems = []
    for path in sorted(DEMO.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module, name in _imports(tree):
            full = f"{module}.{name}" if name else module
            if any(
                full == f or full.startswith(f + ".") or module == f or module.startswith(f + ".") for f in FORBIDDEN
            ) or full in ("engine.kernel.Database", "engine.kernel.Base"):
                problems.append(f"{path.name}: imports {full}")
            elif module.startswith("engine.") and module not in ENGINE_MODULES:
                package = ".".join(module.split(".")[:2])
                if module != package:
                    problems.append(f"{path.name}: imports {full} from inside {package}, not from its __init__")
                elif name and name not in _exports(package):
                    problems.append(f"{path.name}: {full} is not exported by {package}/__init__.py")
        for node in ast.walk(tree):  # engine.db.transaction(), .reading(), … : a session or SQL by another way
            if (
                isinstance(node, ast.Attribute)
                and node.attr in DATABASE
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "db"
            ):
                problems.append(f"{path.name}:{node.lineno}: uses the database directly (.db.{node.attr})")
    assert not problems, problems


def _events(shenpi, event: str) -> list[dict]:
    with shenpi.db.reading() as session:
        return [
            {
                "element": r.element_id,
                "actor": r.actor,
                "case": r.case_id,
                "detail": json.loads(r.detail) if r.detail else None,
            }
            for r in session.scalars(sa.select(TrailEntry).where(TrailEntry.event == event).order_by(TrailEntry.seq))
        ]


def test_demo_people_are_created_through_the_services_once(bare_engine):
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    created = demo.seed_people(bare_engine)
    units = bare_engine.catalogue.posts_by_unit()
    assert created == [f"d{i:02d}{s}" for i in range(1, len(units) + 1) for s in "ab"] + [
        "admin",
        "supervisor",
        "monitor",
        "district_supervisor",
        "applicant",
    ]
    first, second = bare_engine.accounts.get("d01a"), bare_engine.accounts.get("d01b")
    department = next(iter(units))
    assert (first["department"], first["department_id"]) == (department, "410104-D01")  # 北下街街道办事处
    assert first["posts"] == units[department] + [HEAD_POST] and second["posts"] == units[department]
    assert (first["backup"], second["backup"], first["roles"]) == ("d01b", "d01a", [OFFICIAL])
    for user_id in ("d01a", "admin", "applicant"):
        assert bare_engine.identity.login(user_id, demo.DEMO_PASSWORD).id == user_id
    assert [e["element"] for e in _events(bare_engine, "user_created")] == created
    assert len(_events(bare_engine, "department_created")) == len(demo.HIERARCHY) + len(units)
    assert {e["actor"] for e in _events(bare_engine, "user_created")} == {ENGINE.id}
    assert demo.seed_people(bare_engine) == [] and len(_events(bare_engine, "user_created")) == len(created)
    assert bare_engine.history.verify().ok


def _parents(engine) -> dict[str, tuple[str, str]]:
    return {unit["name"]: (unit["parent"], unit["level"]) for unit in engine.organisation.units()}


def test_the_district_bureaus_hang_under_the_district_so_its_supervisor_oversees_them(bare_engine):
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    demo.seed_people(bare_engine)
    parents = _parents(bare_engine)
    district = [name for name in bare_engine.catalogue.posts_by_unit() if name.startswith("郑州市管城回族区")]
    assert "郑州市管城回族区市场监督管理局" in district
    for name in district:
        assert parents[name][0] == demo.DISTRICT, name
    assert parents["北下街街道办事处"] == parents["郑州市管城回族区南曹乡人民政府"] == (demo.DISTRICT, "town")
    assert parents["郑州市管城回族区市场监督管理局"] == (demo.DISTRICT, "district")
    assert parents["南曹乡南曹村村民委员会"] == (demo.DISTRICT, "community")
    assert parents["郑州市政务服务中心"] == (demo.CITY, "city")
    watcher = bare_engine.identity.actor("district_supervisor")
    assert all(watcher.oversees(name) for name in district)
    assert not watcher.oversees("郑州市政务服务中心")


def test_the_readme_lists_who_handles_each_matters_steps(bare_engine):
    """The README's table of demo accounts by step is what the demo makes (README, "Two commands")."""
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    demo.seed_people(bare_engine)
    rows = demo_handlers.handlers(bare_engine)
    food = next(m for m in rows if m["code"] == "410104-XK-SP-001")
    assert [s["name"] for s in food["steps"]][:2] == ["受理", "材料审查"]
    assert food["steps"][0]["accounts"] == [
        u["id"] for u in bare_engine.accounts.list_users() if u["department"] == "郑州市管城回族区市场监督管理局"
    ]
    assert all(step["accounts"] for matter in rows for step in matter["steps"]), "a step no demo account can work"
    table = demo_handlers.markdown(rows)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert table in readme, f"README.md's table of demo accounts is out of date; it should read:\n{table}"


def test_the_demo_moves_a_district_bureau_an_earlier_demo_hung_under_the_city(bare_engine):
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    units = list(bare_engine.catalogue.posts_by_unit())
    name = "郑州市管城回族区市场监督管理局"
    code = f"{demo.CITY}-D{units.index(name) + 1:02d}"
    bare_engine.organisation.create(demo.PROVINCE, "河南省人民政府", "province", None, ENGINE)
    bare_engine.organisation.create(demo.CITY, "郑州市人民政府", "city", demo.PROVINCE, ENGINE)
    bare_engine.organisation.create(code, name, "city", demo.CITY, ENGINE)  # as the earlier demo did
    demo.seed_people(bare_engine)
    assert _parents(bare_engine)[name] == (demo.DISTRICT, "district")
    assert [e["element"] for e in _events(bare_engine, "department_moved")] == [code]
    assert bare_engine.history.verify().ok


def test_demo_gives_accounts_of_an_earlier_build_the_password_and_keeps_others(five_step_engine):
    """The five-step engine's admin and supervisor have no password, as an earlier build made them."""
    admin = five_step_engine.identity.actor("admin")
    five_step_engine.accounts.reset_password("clerk", "clerk-pass-1", admin)
    assert five_step_engine.accounts.set_missing_passwords(
        ["clerk", "supervisor", "admin", "nobody"], demo.DEMO_PASSWORD, admin
    ) == ["admin", "supervisor"]
    assert five_step_engine.identity.login("supervisor", demo.DEMO_PASSWORD).id == "supervisor"
    assert five_step_engine.identity.login("clerk", "clerk-pass-1").id == "clerk"
    assert five_step_engine.accounts.set_missing_passwords(["admin"], demo.DEMO_PASSWORD, admin) == []
    assert [e["element"] for e in _events(five_step_engine, "password_set")] == ["clerk", "admin", "supervisor"]
    with pytest.raises(PermissionDenied):
        five_step_engine.accounts.set_missing_passwords(
            ["citizen"], demo.DEMO_PASSWORD, five_step_engine.identity.actor("clerk")
        )
    with pytest.raises(InvalidInput):
        five_step_engine.accounts.set_missing_passwords(["citizen"], "short", admin)


def test_accounts_created_together_may_back_each_other_up_and_fail_together(five_step_engine):
    admin = five_step_engine.identity.actor("admin")
    rows = [
        {"id": "w1", "name": "窗口一", "department": "T02", "posts": ["受理窗口"], "roles": [OFFICIAL], "backup": "w2"},
        {"id": "w2", "name": "窗口二", "department": "T02", "posts": ["受理窗口"], "roles": [OFFICIAL], "backup": "w1"},
    ]
    made = five_step_engine.accounts.create_many(rows, "window-pass-1", admin)
    assert [(u["id"], u["backup"], u["department"]) for u in made] == [("w1", "w2", "其他局"), ("w2", "w1", "其他局")]
    assert five_step_engine.identity.login("w2", "window-pass-1").id == "w2"
    assert [(e["element"], e["detail"]["backup_user_id"]) for e in _events(five_step_engine, "user_created")] == [
        ("w1", "w2"),
        ("w2", "w1"),
    ]
    bad = [
        {"id": "w3", "name": "窗口三", "department": "T02", "roles": [OFFICIAL], "backup": "clerk"},
        {"id": "w1", "name": "重复", "department": "T02", "roles": [OFFICIAL]},
        {"id": "w4", "name": "窗口四", "department": "T02", "roles": [OFFICIAL]},
    ]
    with refused(InvalidInput, "accounts_invalid") as caught:
        five_step_engine.accounts.create_many(bad, "window-pass-1", admin)
    assert [(e["row"], e["field"], e["message"].reason) for e in caught.value.details["errors"]] == [
        (2, "id", "account_id_taken")
    ]
    bad[1]["id"] = "w5"
    with refused(InvalidInput, "accounts_invalid") as caught:  # the backups are checked once every row is valid
        five_step_engine.accounts.create_many(bad, "window-pass-1", admin)
    assert [(e["row"], e["id"], e["field"], e["message"].reason) for e in caught.value.details["errors"]] == [
        (1, "w3", "backup", "backup_other_unit")
    ]
    with pytest.raises(NotFound):
        five_step_engine.accounts.get("w4")
    with pytest.raises(PermissionDenied):
        five_step_engine.accounts.create_many(rows, "window-pass-1", five_step_engine.identity.actor("clerk"))


def test_posts_by_unit_names_the_units_of_other_departments_lanes(bare_sqlite_engine):
    bare_sqlite_engine.catalogue.import_directory(bare_sqlite_engine.settings.processes_dir)
    units = bare_sqlite_engine.catalogue.posts_by_unit()
    assert list(units) == sorted(units)
    assert units["郑州市生态环境局"] == ["环评审批科"]  # a lane "郑州市生态环境局/环评审批科" of another matter
    food = bare_sqlite_engine.catalogue.get_matter("410104-XK-SP-001")["department"]
    assert "承办人" in units[food] and units[food] == sorted(units[food])


def test_a_supervisor_opens_an_overdue_step_item_on_a_running_case(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    supervisor = five_step_engine.identity.actor("supervisor")
    for outsider in ("far_supervisor", "clerk"):
        with refused(PermissionDenied, "supervisor_only"):
            five_step_engine.supervision.open_overdue_step(
                case["id"], five_step_engine.identity.actor(outsider), "受理超期"
            )
    with pytest.raises(InvalidInput):
        five_step_engine.supervision.open_overdue_step(case["id"], supervisor, "  ")
    item = five_step_engine.supervision.open_overdue_step(case["id"], supervisor, "受理环节已超过环节时限")
    assert (item["kind"], item["status"], item["case_id"], item["department"]) == (
        "overdue_step",
        "open",
        case["id"],
        "测试局",
    )
    assert (
        item["due_at"]
        and five_step_engine.supervision.get(item["id"], supervisor)["timeline"][0]["event"] == "supervision_opened"
    )
    assert [e["case"] for e in _events(five_step_engine, "supervision_opened")] == [case["id"]]
    five_step_engine.cases.terminate(case["id"], ENGINE, "申请人撤回申请")
    with refused(InvalidState, "supervision_case_not_running", status="ended"):
        five_step_engine.supervision.open_overdue_step(case["id"], supervisor, "受理环节已超过环节时限")
    with refused(NotFound, "case_not_found", case=999):
        five_step_engine.supervision.open_overdue_step(999, supervisor, "受理环节已超过环节时限")
    assert five_step_engine.history.verify().ok


def test_the_demo_shows_intake_as_the_law_has_it(bare_engine):
    """Issue 16 §1's demo: a case with a 补正 before acceptance, its documents, and a licence with number and
    validity."""
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    demo.seed_people(bare_engine)
    case_id = demo.seed_intake_case(bare_engine)
    case = bare_engine.cases.get_case(case_id, ENGINE)
    assert case["outcome"] == "approved" and case["clock"]["paused_working_days"] == 0
    assert [d["kind"] for d in case["documents"]] == ["supplement_notice", "acceptance_notice", "approval_decision"]
    licence = bare_engine.documents.licence_of(case_id, ENGINE)
    assert licence["number"].startswith(f"{case['matter']}-2026-") and licence["scope"] == "热食类食品制售"
    assert licence["valid_until"] == "2031-11-22" and not licence["permanent"]  # five years from 2026-11-23
    mine = bare_engine.applicant_cases.case(case_id, bare_engine.identity.actor("applicant"))
    assert [m["kind"] for m in mine["materials"]] == ["supplement", "supplement"]
    assert bare_engine.history.verify().ok


def test_the_demo_shows_the_supervision_procedures_of_issue_16(bare_engine):
    """Issue 16's demo, beside intake: an open Art. 9 verification queue item (深府〔2007〕32号 第九条: "有下列情形之一
    的，监察机关可视情况进行核实…（二）行政机关作出不予批准决定或不予登记的；（三）行政机关告知申请人补正申请内容的；（四）因行政审批
    引起行政复议或行政诉讼的"), one already closed with a finding, and a complaint awaiting its department's first
    feedback (000 四(二): "健全申办人首次投诉举报后市直部门24小时反馈机制"), beside one the department's head answered."""
    bare_engine.catalogue.import_directory(bare_engine.settings.processes_dir)
    demo.seed_people(bare_engine)
    started = demo.seed_cases(bare_engine)
    intake = demo.seed_intake_case(bare_engine)
    supervisor = bare_engine.identity.actor("supervisor")
    queue = bare_engine.violations.verifications
    open_items = queue.list(supervisor, status="open")
    kinds = {item["kind"] for item in open_items}
    assert {"denial", "appeal", "supplement"} <= kinds, kinds
    denied = [c for c in started if bare_engine.cases.get_case(c, ENGINE)["outcome"] == "denied"]
    assert denied and all(
        any(i["kind"] == "denial" and i["case_id"] == c for i in queue.list(supervisor, status=None)) for c in denied
    )
    assert any(i["kind"] == "supplement" and i["case_id"] == intake for i in open_items)  # its 补正 before acceptance
    (closed,) = queue.list(supervisor, status="closed")
    assert (closed["kind"], closed["conclusion"], closed["closed_by"]) == ("denial", "compliant", "supervisor")
    assert demo.queue_verifications(bare_engine) == 0  # each fact once: the sweep finds nothing left to queue
    complaints = bare_engine.complaints.list(supervisor)
    waiting = [
        c for c in complaints if c["department"] and c["first_feedback_at"] is None and c["status"] == "submitted"
    ]
    assert waiting and all(not c["feedback_overdue_at"] for c in waiting)  # within its 24 hours
    answered = [c for c in complaints if c["first_feedback_at"] and c["decision"] is None]
    assert len(answered) == 1 and not answered[0]["feedback_on_behalf"]
    head = bare_engine.accounts.get(answered[0]["first_feedback_by"])
    assert head["department"] == answered[0]["department"] and HEAD_POST in head["posts"]
    assert bare_engine.history.verify().ok
