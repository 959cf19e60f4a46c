"""Demo data: units, officials and a few cases in different states.

Seeding goes through the engine's services only, as the engine (``ENGINE``, an administrator) or as the demo's
own accounts, so every unit and account it creates has its trail row like any administrator's change."""

from __future__ import annotations

from engine.identity import ADMIN, APPLICANT, ENGINE, HEAD_POST, MONITOR, OFFICIAL, SUPERVISOR

PROVINCE, CITY, DISTRICT = "410000", "410100", "410104"
DISTRICT_PREFIX = "郑州市管城回族区"
DEMO_PASSWORD = "shenpi-demo-2026"  # every demo account's password; printed by `shenpi demo`
HIERARCHY = [
    (PROVINCE, "河南省人民政府", "province", None),
    (CITY, "郑州市人民政府", "city", PROVINCE),
    (DISTRICT, "郑州市管城回族区人民政府", "district", CITY),
    ("410104-001", "管城回族区北下街街道办事处", "town", DISTRICT),
    ("410104-001-01", "北下街街道书院街社区", "community", "410104-001"),
    ("410100-JC", "郑州市监察局", "city", CITY),
    ("410104-JC", "管城回族区监察局", "district", DISTRICT),
]
STAFF = [  # (user id, name, roles, unit): the accounts that are not a department's officials
    ("admin", "系统管理员", [ADMIN], DISTRICT),
    ("supervisor", "电子监察员", [SUPERVISOR], "410100-JC"),
    ("monitor", "系统监管员", [MONITOR], "410100-JC"),
    ("district_supervisor", "区电子监察员", [SUPERVISOR], "410104-JC"),
    ("applicant", "张三", [APPLICANT], None),
]


def seed_people(engine) -> list[str]:
    """The demo region's units; every unit the catalogue names, with two officials (``d01a``, ``d01b``, … in the
    order of the units' names: 甲 holds the unit's posts and the head post, 乙 the posts; each is the other's AB岗
    backup); and ``STAFF``. Only what is missing is created, every new account with the demo password; demo
    accounts an earlier build made without a password get it too. Returns the ids of the accounts created."""
    units = {unit["id"] for unit in engine.organisation.units()}
    for code, name, level, parent in HIERARCHY:
        if code not in units:
            engine.organisation.create(code, name, level, parent, ENGINE)
    existing = engine.organisation.units()
    unit_ids = {unit["name"]: unit["id"] for unit in existing}
    parents = {unit["id"]: unit["parent"] for unit in existing}
    accounts = {user["id"]: user for user in engine.accounts.list_users()}
    new, backups = [], []
    for index, (department, posts) in enumerate(engine.catalogue.posts_by_unit().items(), start=1):
        code = unit_ids.get(department)
        parent, level = _place(department)
        if code is None:
            code = f"{parent}-D{index:02d}"
            engine.organisation.create(code, department, level, parent, ENGINE)
        elif parent == DISTRICT and parents.get(code) == CITY:  # a district unit an earlier demo hung under the city
            engine.organisation.set_level(code, level, ENGINE)
            engine.organisation.move(code, DISTRICT, ENGINE)
        for suffix, person, extra, backup in (("a", "甲", [HEAD_POST], "b"), ("b", "乙", [], "a")):
            user_id, backup_id = f"d{index:02d}{suffix}", f"d{index:02d}{backup}"
            if user_id not in accounts:
                new.append(
                    {
                        "id": user_id,
                        "name": f"{department}工作人员{person}",
                        "department": code,
                        "posts": posts + extra,
                        "roles": [OFFICIAL],
                        "backup": backup_id,
                    }
                )
            elif accounts[user_id]["backup"] is None:
                backups.append((accounts[user_id], backup_id))
    for user_id, name, roles, department in STAFF:
        if user_id not in accounts:
            new.append({"id": user_id, "name": name, "department": department, "posts": [], "roles": roles})
    if new:
        engine.accounts.create_many(new, DEMO_PASSWORD, ENGINE)
    for user, backup_id in backups:  # officials an earlier build made without their AB岗
        engine.accounts.update(
            user["id"],
            {
                "name": user["name"],
                "department": user["department_id"],
                "posts": user["posts"],
                "roles": user["roles"],
                "phone": user["phone"],
                "email": user["email"],
                "backup": backup_id,
            },
            ENGINE,
        )
    engine.accounts.set_missing_passwords([u for u in accounts if _is_demo_account(u)], DEMO_PASSWORD, ENGINE)
    return [row["id"] for row in new]


def _place(department: str) -> tuple[str, str]:
    """(parent unit, level) of a unit the catalogue names: the district's bureaus (郑州市管城回族区…局, the city
    bureaus' 管城 branches), its sub-district offices and townships, and their village committees hang under the
    district's government, so the district supervisor oversees them; every other unit under the city's."""
    if department.endswith(("街道办事处", "乡人民政府", "镇人民政府")):
        return DISTRICT, "town"
    if department.endswith(("村民委员会", "居民委员会")):
        return DISTRICT, "community"
    if department.startswith(DISTRICT_PREFIX) or "管城" in department:
        return DISTRICT, "district"
    return CITY, "city"


def _is_demo_account(user_id: str) -> bool:
    return user_id in {row[0] for row in STAFF} or (
        len(user_id) == 4 and user_id[0] == "d" and user_id[1:3].isdigit() and user_id[3] in "ab"
    )


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
        case = engine.cases.get_case(case_id, ENGINE)
        form = engine.repository.form(case["process"]["id"], task["element"])
        engine.tasks.complete(
            task["id"], ENGINE, answers(form, verdict, signers), "同意。" if verdict == "approve" else "不符合条件。"
        )
        done += 1
    return done


def seed_cases(engine) -> list[int]:
    """A case of every published matter, applied for online by ``applicant``: a quarter just submitted, a quarter
    one step on, a quarter approved and a quarter denied; then the 督办 items, complaints and a fee signal."""
    applicant = engine.identity.actor("applicant")
    matters = engine.catalogue.list_matters()
    started = []
    names = ["李明", "王芳", "赵强", "刘洋", "陈静", "杨帆", "黄磊", "周婷", "吴军", "郑华"]
    for index, matter in enumerate(matters):
        case = engine.cases.start_case(
            matter["code"],
            {
                "name": names[index % len(names)],
                "id_number": f"41010419800101{index:04d}",
                "phone": f"1380371{index:04d}",
            },
            {"channel": "online"},
            applicant,
        )
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
    if started:  # a fee charged on a free matter: a red correction signal (Art. 12) for the signal pages
        engine.violations.fees.record(started[0], "工本费", 10, ENGINE)
    seed_verifications(engine, started)
    seed_service_desk(engine, started)
    return started


def head_of(engine, department: str):
    """The actor of the department's head (its 甲 official, who holds the head post)."""
    head = next(
        user["id"]
        for user in engine.accounts.list_users(role=OFFICIAL)
        if user["department"] == department and HEAD_POST in user["posts"] and user["active"]
    )
    return engine.identity.actor(head)


def queue_verifications(engine) -> int:
    """Queue the Art. 9 facts not yet queued (what the sweep's ``verifications`` job does), now."""
    service, now = engine.violations.verifications, engine.clock.now()
    return sum(service.queue_fact(source, now) for source in service.due_facts(now))


def seed_verifications(engine, case_ids: list[int]) -> None:
    """The Art. 9 verification queue (深府〔2007〕32号 第九条: 不予批准、告知补正、行政复议…，监察机关可视情况进行核实):
    the demo's denials queued, a 行政复议 brought against one of them, and the oldest denial verified and found
    compliant — the others stay open for the supervisors."""
    supervisor = engine.identity.actor("supervisor")
    denied = [c for c in case_ids if engine.cases.get_case(c, ENGINE)["outcome"] == "denied"]
    if denied:
        engine.violations.verifications.record_appeal(
            denied[-1], supervisor, "reconsideration", "申请人对不予许可决定不服，已向区人民政府申请行政复议。"
        )
    queue_verifications(engine)
    found = engine.violations.verifications.list(supervisor, status="open", kind="denial")
    if len(found) > 1:
        engine.violations.verifications.close(
            found[0]["id"], supervisor, "经调阅申请材料及审查意见，不予许可理由充分，程序合法。", "compliant"
        )


TOBACCO = "410104-XK-YC-001"
PLEDGED = "经营场所产权证明或租赁协议"  # the tobacco licence's material a signed pledge may replace (告知承诺制)
FORM_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def seed_service_desk(engine, case_ids: list[int]) -> None:
    """What the service desk shows: the results of the decided cases published (结果公开), two enquiries recorded
    by the first official asked (首问负责, one referred), the tobacco licence's form template and sample filled form
    (表格下载), and two tobacco cases with a signed pledge in place of a material (告知承诺制), approved: one
    pledge checked, one waiting for its post-approval check."""
    for case_id in case_ids:
        case = engine.cases.get_case(case_id, ENGINE)
        if case["status"] == "ended" and case["outcome"] in ("approved", "denied"):
            engine.violations.fees.publish_result(case_id, ENGINE)
    matters = {m["code"]: m for m in engine.catalogue.list_matters()}
    if TOBACCO not in matters:
        return
    department = matters[TOBACCO]["department"]
    officials = [u for u in engine.accounts.list_users(role=OFFICIAL) if u["department"] == department]
    if officials:
        window = engine.identity.actor(officials[0]["id"])
        others = [d for d in engine.feedback.departments() if d != department]
        engine.enquiries.record(
            window,
            {
                "applicant": "王先生",
                "contact": "13803715566",
                "matter": TOBACCO,
                "question": "在小学附近开便利店能否申请烟草零售许可？",
                "answer": "中小学校周边禁止设点，具体距离以当地布局规划为准，可先到窗口核实经营地址。",
            },
        )
        engine.enquiries.record(
            window,
            {
                "applicant": "刘女士",
                "question": "同时想卖散装熟食，要办什么证？",
                "answer": "散装熟食需办理食品经营许可，已告知到对应部门窗口办理。",
                "referred_to": others[0] if others else None,
            },
        )
    admin = engine.identity.actor("admin")
    for kind, title, filename in (
        ("template", "烟草专卖零售许可证申请表", "烟草专卖零售许可证申请表.pdf"),
        ("sample", "烟草专卖零售许可证申请表（填写示范）", "申请表填写示范.pdf"),
    ):
        engine.form_files.upload(TOBACCO, kind, title, filename, FORM_PDF + title.encode(), admin)
    applicant = engine.identity.actor("applicant")
    pledged = []
    for name in ("马超", "林静"):
        case = engine.cases.start_case(
            TOBACCO,
            {"name": name, "id_number": "410104198805050055", "phone": "13803710188"},
            {"channel": "online"},
            applicant,
        )
        pledge = engine.pledges.sign(case["id"], [PLEDGED], applicant)[0]
        drive(engine, case["id"])
        pledged.append(pledge["id"])
    if officials:
        engine.pledges.record_check(
            pledged[0], engine.identity.actor(officials[0]["id"]), True, "现场核查：经营场所与租赁协议一致，承诺属实。"
        )


# A tiny PDF standing for a scanned material
SCAN = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def seed_intake_case(engine) -> int | None:
    """Intake as the law has it, on a food business licence: the window asks for 补正 before accepting (its
    补正通知书), the applicant supplements, the window accepts (受理通知书 with the 查询码) and the case is approved
    (准予行政许可决定书 and an electronic licence with its number and a validity of five years)."""
    matter = next((m for m in engine.catalogue.list_matters() if m["key"] == "food_business_licence"), None)
    if matter is None:
        return None
    applicant = engine.identity.actor("applicant")
    case = engine.cases.start_case(
        matter["code"],
        {"name": "孙丽", "id_number": "410104199002020022", "phone": "13803710099"},
        {"channel": "online", "licence_scope": "热食类食品制售"},
        applicant,
    )
    missing = [m["name"] for m in engine.catalogue.get_matter(matter["code"])["materials"][1:3]]
    engine.case_clock.pause(case["id"], "supplement", "申请材料不齐全，一次性告知补正", ENGINE, missing=missing)
    engine.materials.add(
        case["id"], [(f"{name}.pdf", SCAN + name.encode(), name) for name in missing], applicant, kind="supplement"
    )
    drive(engine, case["id"])
    queue_verifications(engine)  # its 补正 notice joins the Art. 9 queue
    return case["id"]


def seed_supervision_items(engine, case_ids: list[int]) -> list[int]:
    """Two 督办 items on running cases: one waiting for a notice, one the department has been noticed about."""
    supervisor = engine.identity.actor("supervisor")
    running = []
    for case_id in sorted(case_ids):
        case = engine.cases.get_case(case_id, ENGINE)
        if case["status"] == "running":
            running.append(case)
            if len(running) == 2:
                break
    opened = [
        engine.supervision.open_overdue_step(case["id"], supervisor, f"办件 {case['number']} 的受理环节已超过环节时限")[
            "id"
        ]
        for case in running
    ]
    if opened:
        engine.supervision.send_notice(opened[-1], supervisor, "请于三个工作日内说明超期原因，并报送整改措施。")
    return opened


def seed_complaints(engine, case_ids: list[int]) -> None:
    """Three complaints for the complaint pages: just filed (anonymous), given first feedback, and forwarded."""
    applicant, supervisor = engine.identity.actor("applicant"), engine.identity.actor("supervisor")
    departments = engine.feedback.departments()
    engine.feedback.complain(
        None,
        "窗口排队时间过长",
        "上午排队两个小时仍未办理。",
        anonymous=True,
        department=departments[0] if departments else None,
    )
    if not case_ids:
        return
    ids = []
    for subject, content in (
        ("办理进度慢", "承诺时限将到，仍未收到任何通知。"),
        ("多次要求补充材料", "同一材料被要求提交了两次。"),
    ):
        filed = engine.feedback.complain(applicant, subject, content, anonymous=False, case_id=case_ids[0])
        ids.append(next(c["id"] for c in engine.complaints.list(supervisor) if c["number"] == filed["number"]))
    # The first feedback is the department's (000 四(二): 市直部门24小时反馈): its head gives it; the anonymous
    # complaint above still awaits its department's first feedback.
    concerned = engine.complaints.get(ids[0], supervisor)["department"]
    engine.complaints.give_feedback(ids[0], head_of(engine, concerned), "已收到您的投诉，正在核实。")
    engine.complaints.decide(ids[1], supervisor, accept=True)
    department = engine.complaints.get(ids[1], supervisor)["department"]
    engine.complaints.forward(ids[1], supervisor, department, note="请核实是否重复要求补正材料。")
