"""Demo data: departments, officials and a few cases in different states."""
from __future__ import annotations

import sqlalchemy as sa

from engine.identity import passwords
from engine.identity.actors import ADMIN, APPLICANT, ENGINE, HEAD_POST, MONITOR, OFFICIAL, SUPERVISOR, split_lane
from engine.models import Department, Matter, User

PROVINCE, CITY, DISTRICT = "410000", "410100", "410104"
DEMO_PASSWORD = "shenpi-demo-2026"   # every demo account's password; printed by `shenpi demo`
HIERARCHY = [
    (PROVINCE, "河南省人民政府", "province", None),
    (CITY, "郑州市人民政府", "city", PROVINCE),
    (DISTRICT, "郑州市管城回族区人民政府", "district", CITY),
    ("410104-001", "管城回族区北下街街道办事处", "town", DISTRICT),
    ("410104-001-01", "北下街街道书院街社区", "community", "410104-001"),
    ("410100-JC", "郑州市监察局", "city", CITY),
    ("410104-JC", "管城回族区监察局", "district", DISTRICT),
]


def department_posts(engine) -> dict[str, set[str]]:
    """Every department named by a matter or a lane, with the posts its lanes name."""
    posts: dict[str, set[str]] = {}
    with engine.db.reading() as session:
        matters = session.execute(sa.select(Matter.department, Matter.process_key)).all()
    for department, key in matters:
        posts.setdefault(department, set())
        with engine.db.reading() as session:
            definition_id = engine.repository.latest(session, key).id
        for lane in engine.repository.parsed(definition_id).lanes:
            lane_department, post = split_lane(lane, department)
            posts.setdefault(lane_department, set()).add(post)
    return posts


def seed_people(engine) -> list[str]:
    """Departments and two officials per department; returns the created user ids."""
    created = []
    posts = department_posts(engine)
    with engine.db.transaction() as session:
        for code, name, level, parent in HIERARCHY:
            if session.get(Department, code) is None:
                session.add(Department(id=code, name=name, level=level, parent_id=parent))
        session.flush()
        for index, (department, department_posts_) in enumerate(sorted(posts.items()), start=1):
            code = f"{CITY}-D{index:02d}"
            existing = session.scalar(sa.select(Department).where(Department.name == department))
            if existing is None:
                session.add(Department(id=code, name=department, level="city", parent_id=CITY))
            else:
                code = existing.id
            posts_here = sorted(p for p in department_posts_ if p)
            for suffix, person, extra, backup in (("a", "甲", [HEAD_POST], "b"), ("b", "乙", [], "a")):
                user_id = f"d{index:02d}{suffix}"
                if session.get(User, user_id) is None:
                    session.add(User(id=user_id, name=f"{department}工作人员{person}", department_id=code,
                                     posts=posts_here + extra, roles=[OFFICIAL]))
                    created.append(user_id)
            session.flush()
            for suffix, backup in (("a", "b"), ("b", "a")):
                user = session.get(User, f"d{index:02d}{suffix}")
                if user.backup_user_id is None:
                    user.backup_user_id = f"d{index:02d}{backup}"
        for user_id, name, roles, department in (
            ("admin", "系统管理员", [ADMIN], DISTRICT), ("supervisor", "电子监察员", [SUPERVISOR], "410100-JC"),
            ("monitor", "系统监管员", [MONITOR], "410100-JC"),
            ("district_supervisor", "区电子监察员", [SUPERVISOR], "410104-JC"),
            ("applicant", "张三", [APPLICANT], None),
        ):
            if session.get(User, user_id) is None:
                session.add(User(id=user_id, name=name, department_id=department, posts=[], roles=roles))
                created.append(user_id)
        session.flush()
        demo_hash = passwords.hash_password(DEMO_PASSWORD)
        # New demo accounts, and those an earlier build created without a password, get the demo password.
        demo_ids = [u for u in session.scalars(sa.select(User.id)) if u in created or _is_demo_account(u)]
        for user in session.scalars(sa.select(User).where(User.id.in_(demo_ids), User.password_hash.is_(None))):
            user.password_hash = demo_hash
    return created


def _is_demo_account(user_id: str) -> bool:
    return user_id in {"admin", "supervisor", "monitor", "district_supervisor", "applicant"} or (
        len(user_id) == 4 and user_id[0] == "d" and user_id[1:3].isdigit() and user_id[3] in "ab")


def seed_calendar(engine) -> list[int]:
    """Import the calendar files shipped in processes/calendar for years not imported yet."""
    from engine.deadlines.calendar_service import parse_arrangement
    from engine.models import CalendarYear

    imported = []
    for path in sorted((engine.settings.processes_dir / "calendar").glob("*.json")):
        rows = parse_arrangement(path.read_bytes(), path.name)
        year = rows[0]["day"].year
        with engine.db.reading() as session:
            if session.get(CalendarYear, year) is not None:
                continue
        engine.calendar.import_arrangement(year, rows, f"processes/calendar/{path.name}", "admin")
        imported.append(year)
    return imported


def answers(form, verdict: str = "approve", signers=None) -> dict:
    """Form data for a step that takes every decision the same way: ``verdict`` where the field offers it
    (approve, deny, refuse), otherwise acceptance; account lists get ``signers``."""
    data = {}
    for field in form.fields if form is not None else ():
        values = [value for value, _label in field.options]
        if field.type == "enum":
            data[field.id] = verdict if verdict in values else ("accept" if "accept" in values else values[0])
        elif field.type == "users" and signers:
            data[field.id] = list(signers)
    return data


def drive(engine, case_id: int, steps: int | None = None, verdict: str = "approve", signers=None) -> int:
    """Complete up to ``steps`` open tasks of a case, as each task's own department would."""
    done = 0
    while steps is None or done < steps:
        tasks = engine.tasks.list_tasks(ENGINE, case=case_id)
        if not tasks:
            break
        task = tasks[0]
        case = engine.runtime.get_case(case_id, ENGINE)
        form = engine.repository.form(case["process"]["id"], task["element"])
        engine.tasks.complete(task["id"], ENGINE, answers(form, verdict, signers),
                              "同意。" if verdict == "approve" else "不符合条件。")
        done += 1
    return done


def seed_cases(engine) -> list[int]:
    applicant = engine.identity.actor("applicant")
    with engine.db.reading() as session:
        matters = session.scalars(sa.select(Matter).order_by(Matter.code)).all()
    started = []
    names = ["李明", "王芳", "赵强", "刘洋", "陈静", "杨帆", "黄磊", "周婷", "吴军", "郑华"]
    for index, matter in enumerate(matters):
        case = engine.runtime.start_case(
            matter.code, {"name": names[index % len(names)], "id_number": f"41010419800101{index:04d}",
                          "phone": f"1380371{index:04d}"}, {"channel": "online"}, applicant)
        started.append(case["id"])
        plan = index % 4
        if plan == 1:
            drive(engine, case["id"], steps=1, signers=["d01a", "d01b", "d02a"])
        elif plan == 2:
            drive(engine, case["id"], signers=["d01a", "d01b", "d02a"])
        elif plan == 3:
            drive(engine, case["id"], verdict="deny", signers=["d01a", "d01b", "d02a"])
    seed_supervision_items(engine, started)
    seed_complaints(engine, started)
    if started:     # a fee charged on a free matter: a red correction signal (Art. 12) for the signal pages
        engine.violations.fees.record(started[0], "工本费", 10, ENGINE)
    return started


def seed_supervision_items(engine, case_ids: list[int]) -> list[int]:
    """Two 督办 items on running cases: one waiting for a notice, one the department has been noticed about."""
    from engine.models import Case
    from engine.supervision.items import open_item

    with engine.db.reading() as session:
        cases = session.scalars(sa.select(Case).where(Case.id.in_(case_ids), Case.status == "running")
                                .order_by(Case.id).limit(2)).all()
        cases = [(c.id, c.number, c.department) for c in cases]
    opened = []
    for case_id, number, department in cases:
        with engine.db.transaction() as session:
            opened.append(open_item(session, engine.calendar.calendar(), engine.clock.now(), kind="overdue_step",
                                    department=department, case_id=case_id,
                                    summary=f"办件 {number} 的受理环节已超过环节时限"))
    if opened:
        supervisor = engine.identity.actor("supervisor")
        engine.supervision.send_notice(opened[-1], supervisor, "请于三个工作日内说明超期原因，并报送整改措施。")
    return opened


def seed_complaints(engine, case_ids: list[int]) -> None:
    """Three complaints for the complaint pages: just filed (anonymous), given first feedback, and forwarded."""
    applicant, supervisor = engine.identity.actor("applicant"), engine.identity.actor("supervisor")
    departments = engine.feedback.departments()
    engine.feedback.complain(None, "窗口排队时间过长", "上午排队两个小时仍未办理。", anonymous=True,
                             department=departments[0] if departments else None)
    if not case_ids:
        return
    ids = []
    for subject, content in (("办理进度慢", "承诺时限将到，仍未收到任何通知。"),
                             ("多次要求补充材料", "同一材料被要求提交了两次。")):
        filed = engine.feedback.complain(applicant, subject, content, anonymous=False, case_id=case_ids[0])
        ids.append(next(c["id"] for c in engine.complaints.list(supervisor) if c["number"] == filed["number"]))
    engine.complaints.give_feedback(ids[0], supervisor, "已收到您的投诉，正在核实。")
    engine.complaints.decide(ids[1], supervisor, accept=True)
    department = engine.complaints.get(ids[1], supervisor)["department"]
    engine.complaints.forward(ids[1], supervisor, department, note="请核实是否重复要求补正材料。")
