"""Access exactly as the roles say (issue 15 §3): a matrix of role × endpoint × unit, generated from the Flask route
table, on SQLite and PostgreSQL. Every route of the application is in ``REFUSED`` with the roles it must refuse
(a route missing from it fails the test, so a new route joins the matrix when it is written); each refused role's
request is sent and must be refused — the API with 401/403/404, a page with the sign-in redirect, 403 or 404 — and
change nothing. The objects all belong to 测试局 (unit T01): ``clerk`` works there, ``outsider`` in another unit
of the city, ``supervisor`` oversees the city, ``far_supervisor`` another district, ``citizen`` applied for the
case and ``stranger`` is another applicant.

The applicant's public view of the API and the other refusals that answer with data are in the tests below."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from engine.identity import APPLICANT, ENGINE
from engine.models import Complaint, IssuedDocument, TrailEntry, User, Verification

from ..helpers import FIVE_STEP_ENTRY, add_signal, applied_case, complete, open_task
from .helpers import PageClient, auth, set_passwords, signed_in, text

ROLES = ("anonymous", "citizen", "stranger", "outsider", "clerk", "far_supervisor", "supervisor", "admin")
ANONYMOUS = {"anonymous"}
APPLICANTS = {"citizen", "stranger"}
NOT_STAFF = ANONYMOUS | APPLICANTS  # the system is for officials, supervisors and administrators
NOT_OF_THE_UNIT = NOT_STAFF | {"outsider", "far_supervisor"}  # the unit's officials, its supervisors, administrators
NOT_THE_OWNER = ANONYMOUS | {"stranger", "outsider", "far_supervisor"}  # the case's applicant besides its unit
NOT_SUPERVISION = NOT_STAFF | {"outsider", "clerk"}  # supervisors and administrators
NOT_CITY = NOT_SUPERVISION | {"far_supervisor"}  # the city bureau's supervisors and administrators
NOT_ADMIN = set(ROLES) - {"admin"}
NOT_APPLICANT = ANONYMOUS | {"outsider", "clerk", "far_supervisor", "supervisor", "admin"}  # the portal's own pages
NOT_OWN_CASE = NOT_APPLICANT | {"stranger"}  # the applicant's own case in the portal
SIGNED_IN = ANONYMOUS
PUBLIC: set[str] = set()

# "METHOD rule" → the roles that must be refused.
REFUSED: dict[str, set[str]] = {
    # --- the API --------------------------------------------------------------------------------------------
    "GET /api/v1/health": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/matters": PUBLIC,
    "GET /api/v1/matters/<code>": PUBLIC,
    "GET /api/v1/licences/<code>": PUBLIC,
    "POST /api/v1/sms/inbound": PUBLIC,  # its own shared secret (503 while off)
    "GET /api/v1/process-definitions": SIGNED_IN,
    "POST /api/v1/process-definitions": NOT_ADMIN,
    "GET /api/v1/catalogue/export": NOT_SUPERVISION,
    "POST /api/v1/catalogue/import": NOT_ADMIN,
    "GET /api/v1/calendar/<int:year>": PUBLIC,  # working days are public
    "PUT /api/v1/calendar/days/<day>": NOT_ADMIN,
    "POST /api/v1/cases": SIGNED_IN,
    "GET /api/v1/cases": SIGNED_IN,  # each sees the cases they may
    "GET /api/v1/cases/<int:case_id>": NOT_THE_OWNER,
    "GET /api/v1/cases/<int:case_id>/trail": NOT_THE_OWNER,
    "GET /api/v1/cases/<int:case_id>/materials": NOT_THE_OWNER,
    "POST /api/v1/cases/<int:case_id>/materials": NOT_THE_OWNER,
    "GET /api/v1/cases/<int:case_id>/licence": NOT_THE_OWNER,
    "GET /api/v1/cases/<int:case_id>/licence/pdf": NOT_THE_OWNER,
    "GET /api/v1/results": PUBLIC,  # 结果公开: masked
    "GET /api/v1/enquiries": NOT_STAFF,  # 首问负责: each reads their units'
    "POST /api/v1/enquiries": NOT_STAFF | {"far_supervisor", "supervisor", "admin"},  # window officials record
    "GET /api/v1/cases/<int:case_id>/pledges": NOT_THE_OWNER,
    "POST /api/v1/cases/<int:case_id>/pledges": NOT_THE_OWNER | {"supervisor", "admin"},  # applicant or window
    "GET /api/v1/pledge-checks": NOT_STAFF,
    "POST /api/v1/pledges/<int:pledge_id>/check": NOT_STAFF,
    "GET /api/v1/matters/<code>/forms": PUBLIC,
    "GET /api/v1/matters/<code>/forms/<int:file_id>": PUBLIC,
    "POST /api/v1/matters/<code>/forms": NOT_ADMIN,
    "GET /api/v1/progress": PUBLIC,  # tracking by number and 查询码, without an account
    "POST /api/v1/cases/<int:case_id>/documents": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/cases/<int:case_id>/fees": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/cases/<int:case_id>/pause": NOT_OF_THE_UNIT | {"supervisor"},
    "GET /api/v1/cases/<int:case_id>/visits": NOT_OF_THE_UNIT,
    "POST /api/v1/cases/<int:case_id>/visits": NOT_OF_THE_UNIT | {"supervisor"},  # the window records them
    "GET /api/v1/cases/<int:case_id>/inspections": NOT_OF_THE_UNIT,
    "POST /api/v1/cases/<int:case_id>/inspections": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/cases/<int:case_id>/resume": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/cases/<int:case_id>/terminate": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/cases/<int:case_id>/result-publication": NOT_OF_THE_UNIT | {"supervisor"},
    "GET /api/v1/documents/<int:document_id>/pdf": NOT_THE_OWNER,
    "GET /api/v1/materials/<int:material_id>/content": NOT_THE_OWNER,
    "POST /api/v1/licences/<code>/revoke": NOT_OF_THE_UNIT | {"supervisor"},
    "GET /api/v1/tasks": SIGNED_IN,
    "GET /api/v1/tasks/<task_id>": NOT_OF_THE_UNIT,
    "POST /api/v1/tasks/<task_id>/claim": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/complete": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/unclaim": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/assign": NOT_OF_THE_UNIT | {"supervisor", "clerk"},
    "POST /api/v1/tasks/<task_id>/transfer": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/delegate": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/give-back": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/urge": NOT_THE_OWNER,
    "POST /api/v1/tasks/<task_id>/copy": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/withdraw": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/return": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /api/v1/tasks/<task_id>/jump": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/tasks/<task_id>/add-signer": NOT_OF_THE_UNIT | {"supervisor", "clerk"},
    "POST /api/v1/tasks/<task_id>/remove-signer": NOT_OF_THE_UNIT | {"supervisor", "clerk"},
    "GET /api/v1/cockpit": NOT_SUPERVISION,
    "GET /api/v1/cockpit/trends": NOT_SUPERVISION,
    "GET /api/v1/complaints": NOT_STAFF,
    "GET /api/v1/complaints/<int:complaint_id>": NOT_OF_THE_UNIT,
    "POST /api/v1/complaints/<int:complaint_id>/decision": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/complaints/<int:complaint_id>/forwarding": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/complaints/<int:complaint_id>/feedback": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/complaints/<int:complaint_id>/result": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/complaints/<int:complaint_id>/closure": NOT_OF_THE_UNIT | {"clerk"},
    "GET /api/v1/signals": NOT_STAFF,
    "GET /api/v1/signals/<int:signal_id>": NOT_OF_THE_UNIT,
    "POST /api/v1/signals/<int:signal_id>/correction": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/signals": NOT_SUPERVISION | {"far_supervisor", "admin"},  # supervisors of the case's units
    "GET /api/v1/violation-rules": NOT_STAFF,
    "PUT /api/v1/violation-rules": NOT_STAFF | {"outsider", "clerk"},
    "GET /api/v1/supervision-items": SIGNED_IN,  # each the items of their units: others none
    "GET /api/v1/supervision-items/<int:item_id>": NOT_OF_THE_UNIT,
    "POST /api/v1/supervision-items/<int:item_id>/notice": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/cases/<int:case_id>/supervision-notice": NOT_SUPERVISION | {"far_supervisor", "admin"},
    "POST /api/v1/supervision-items/<int:item_id>/response": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/supervision-items/<int:item_id>/extension": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/supervision-items/<int:item_id>/finding": NOT_OF_THE_UNIT | {"clerk"},
    "GET /api/v1/verifications": NOT_SUPERVISION,  # a supervisor of other units reads an empty queue
    "GET /api/v1/verifications/<int:verification_id>": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/verifications/<int:verification_id>/finding": NOT_OF_THE_UNIT | {"clerk"},
    "POST /api/v1/cases/<int:case_id>/appeals": NOT_OF_THE_UNIT,
    "GET /api/v1/evaluations/<month>": NOT_SUPERVISION,
    "POST /api/v1/evaluations/<month>/archive": NOT_CITY,
    "GET /api/v1/evaluation-periods/<period>": NOT_SUPERVISION,
    "GET /api/v1/scoring-standard/versions": NOT_SUPERVISION,
    "GET /api/v1/me/score": NOT_STAFF,  # every official their own
    "POST /api/v1/manual-points": NOT_SUPERVISION | {"far_supervisor"},  # the supervisors over the official
    "POST /api/v1/exchange/facts": NOT_ADMIN,
    "POST /api/v1/exchange/batches": NOT_ADMIN,
    "POST /api/v1/messages": NOT_ADMIN,  # integration accounts and administrators
    "GET /api/v1/upward/status": NOT_SUPERVISION,
    "POST /api/v1/upward/retry": NOT_ADMIN,
    "GET /api/v1/me/notification-channels": SIGNED_IN,
    "PUT /api/v1/me/notification-channels": SIGNED_IN,
    "PUT /api/v1/users/<user_id>/absence": NOT_ADMIN - {"clerk"},  # one's own, or an administrator
    "GET /api/docs": PUBLIC,
    "GET /health/live": PUBLIC,
    "GET /health/ready": PUBLIC,
    "GET /metrics": PUBLIC,  # its own token, or a loopback address (as the test client's is)
    "POST /api/v1/migrations": NOT_ADMIN,
    "GET /admin/processes/<key>/migrate": NOT_ADMIN,
    "POST /admin/processes/<key>/migrate": NOT_ADMIN,
    "GET /api/v1/incidents": NOT_SUPERVISION,
    "GET /api/v1/incidents/<int:incident_id>": NOT_SUPERVISION,
    "POST /api/v1/incidents/<int:incident_id>/retry": NOT_ADMIN,
    "POST /api/v1/incidents/<int:incident_id>/resolve": NOT_ADMIN,
    "GET /admin/incidents": NOT_ADMIN,
    "POST /admin/incidents/<int:incident_id>/retry": NOT_ADMIN,
    "POST /admin/incidents/<int:incident_id>/resolve": NOT_ADMIN,
    # --- pages ----------------------------------------------------------------------------------------------
    "GET /": PUBLIC,  # sends each to their start page
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": PUBLIC,
    "GET /register": PUBLIC,
    "POST /register": PUBLIC,
    "GET /account": SIGNED_IN,
    "POST /account": SIGNED_IN,
    "POST /language": PUBLIC,
    "GET /verify": PUBLIC,
    "GET /verify/<code>": PUBLIC,
    "GET /hall": PUBLIC,
    "GET /hall/rows": PUBLIC,
    "GET /results": PUBLIC,
    "GET /portal": PUBLIC,
    "GET /portal/matters/<code>": PUBLIC,
    "GET /portal/matters/<code>/diagram.bpmn": PUBLIC,
    "GET /portal/complaints": PUBLIC,
    "GET /portal/complaints/new": PUBLIC,
    "POST /portal/complaints/new": PUBLIC,  # anonymous complaints are allowed
    "GET /portal/complaints/mine": SIGNED_IN,
    "GET /portal/matters/<code>/apply": NOT_APPLICANT,
    "POST /portal/matters/<code>/apply": NOT_APPLICANT,
    "GET /portal/my": NOT_APPLICANT,
    "GET /portal/my/cases/<int:case_id>": NOT_OWN_CASE,
    "GET /portal/my/cases/<int:case_id>/diagram.bpmn": NOT_OWN_CASE,
    "POST /portal/my/cases/<int:case_id>/supplement": NOT_OWN_CASE,
    "POST /portal/my/cases/<int:case_id>/rating": NOT_OWN_CASE,
    "GET /portal/my/documents/<int:document_id>.pdf": NOT_OWN_CASE,
    "GET /portal/my/materials/<int:material_id>": NOT_OWN_CASE,
    "GET /portal/my/cases/<int:case_id>/licence.pdf": NOT_OWN_CASE,
    "GET /portal/track": PUBLIC,
    "GET /portal/results": PUBLIC,
    "GET /portal/matters/<code>/forms/<int:file_id>": PUBLIC,
    "GET /desk/enquiries": NOT_STAFF,
    "POST /desk/enquiries": NOT_STAFF | {"far_supervisor", "supervisor", "admin"},
    "GET /desk/pledges": NOT_STAFF,
    "POST /desk/pledges/<int:pledge_id>/check": NOT_STAFF,
    "GET /admin/matters/<code>/forms": NOT_ADMIN,
    "POST /admin/matters/<code>/forms": NOT_ADMIN,
    "POST /admin/matters/<code>/forms/<int:file_id>/delete": NOT_ADMIN,
    "GET /cases/<int:case_id>/licence.pdf": NOT_OF_THE_UNIT,
    "GET /account/notifications": SIGNED_IN,
    "POST /account/notifications": SIGNED_IN,
    "GET /inbox": NOT_STAFF | {"far_supervisor", "supervisor", "admin"},  # officials' own work
    "GET /inbox/cases": NOT_STAFF,
    "GET /cases/<int:case_id>": NOT_OF_THE_UNIT,
    "GET /cases/<int:case_id>/diagram": NOT_OF_THE_UNIT,
    "POST /cases/<int:case_id>/do/<operation>": NOT_OF_THE_UNIT | {"supervisor"},
    "GET /documents/<int:document_id>/pdf": NOT_OF_THE_UNIT,
    "GET /materials/<int:material_id>": NOT_OF_THE_UNIT,
    "GET /tasks/<task_id>": NOT_OF_THE_UNIT,
    "POST /tasks/<task_id>/complete": NOT_OF_THE_UNIT | {"supervisor"},
    "POST /tasks/<task_id>/do/<operation>": NOT_OF_THE_UNIT | {"supervisor"},
    "GET /signals/": NOT_STAFF,
    "GET /signals/<int:signal_id>/correct": NOT_OF_THE_UNIT,
    "POST /signals/<int:signal_id>/correct": NOT_OF_THE_UNIT | {"clerk"},
    "GET /signals/rules": NOT_STAFF,
    "POST /signals/rules": NOT_STAFF,  # each at their own level: the form says which
    "GET /supervision/": NOT_SUPERVISION,
    "GET /supervision/department": NOT_SUPERVISION | {"far_supervisor", "supervisor", "admin"},  # a unit's head
    "GET /supervision/items/<int:item_id>": NOT_OF_THE_UNIT | {"clerk"},
    "POST /supervision/items/<int:item_id>/<step>": NOT_OF_THE_UNIT | {"clerk"},
    "POST /supervision/cases/<int:case_id>/<action>": NOT_SUPERVISION | {"far_supervisor", "admin"},
    "GET /supervision/verifications": NOT_SUPERVISION,
    "POST /supervision/verifications/<int:verification_id>/finding": NOT_OF_THE_UNIT | {"clerk"},
    "GET /complaints/": NOT_STAFF,
    "GET /complaints/<int:complaint_id>": NOT_OF_THE_UNIT | {"clerk"},
    "POST /complaints/<int:complaint_id>/<operation>": NOT_OF_THE_UNIT | {"clerk"},
    "GET /cockpit/": NOT_SUPERVISION | {"admin"},
    "GET /cockpit/data.json": NOT_SUPERVISION | {"admin"},
    "GET /reports": NOT_SUPERVISION,
    "GET /reports/<month>.<any(pdf, xlsx):kind>": NOT_SUPERVISION,
    "POST /reports/<month>/archive": NOT_CITY,
    "GET /reports/settings": NOT_SUPERVISION,
    "POST /reports/settings": NOT_CITY,
    "GET /reports/log": NOT_SUPERVISION,
    "GET /reports/period": NOT_SUPERVISION,
    "GET /me/score": NOT_STAFF,
    "POST /me/score/points": NOT_SUPERVISION | {"far_supervisor"},
    "GET /integrations/upward": NOT_SUPERVISION,
    "POST /integrations/upward/retry": NOT_ADMIN,
    "POST /integrations/upward/send": NOT_ADMIN,
    "GET /admin": NOT_ADMIN,
    "GET /admin/modeler": NOT_ADMIN,
    "GET /admin/modeler/new.bpmn": NOT_ADMIN,
    "GET /admin/conformance": NOT_ADMIN,
    "GET /admin/conformance/<path:name>": NOT_ADMIN,
    "GET /admin/modeler/units.json": NOT_ADMIN,
    "GET /admin/processes": NOT_ADMIN,
    "GET /admin/processes/<key>/versions": NOT_ADMIN,
    "GET /admin/processes/<key>/xml": NOT_ADMIN,
    "GET /admin/processes/<key>/diff": NOT_ADMIN,
    "GET /admin/calendar": NOT_ADMIN,
    "GET /admin/departments": NOT_ADMIN,
    "GET /admin/matters/export": NOT_ADMIN,
    "GET /admin/matters/import": NOT_ADMIN,
    "GET /admin/matters": NOT_ADMIN,
    "GET /admin/matters/new": NOT_ADMIN,
    "GET /admin/matters/<code>": NOT_ADMIN,
    "GET /admin/matters/rows/material": NOT_ADMIN,
    "GET /admin/matters/rows/fee": NOT_ADMIN,
    "GET /admin/matters/rows/removed": NOT_ADMIN,
    "GET /admin/users": NOT_ADMIN,
    "GET /admin/users/new": NOT_ADMIN,
    "GET /admin/users/<user_id>": NOT_ADMIN,
    "GET /admin/users/posts": NOT_ADMIN,
    "GET /admin/users/post-input": NOT_ADMIN,
    "POST /admin/modeler/upload": NOT_ADMIN,
    "POST /admin/modeler/validate": NOT_ADMIN,
    "POST /admin/modeler/deploy": NOT_ADMIN,
    "POST /admin/modeler/check-expression": NOT_ADMIN,
    "POST /admin/calendar/day": NOT_ADMIN,
    "POST /admin/calendar/import": NOT_ADMIN,
    "POST /admin/departments": NOT_ADMIN,
    "POST /admin/departments/<unit_id>/<change>": NOT_ADMIN,
    "POST /admin/matters/import": NOT_ADMIN,
    "POST /admin/matters/new": NOT_ADMIN,
    "POST /admin/matters/<code>": NOT_ADMIN,
    "POST /admin/matters/<code>/withdraw": NOT_ADMIN,
    "POST /admin/users/new": NOT_ADMIN,
    "POST /admin/users/<user_id>": NOT_ADMIN,
    "POST /admin/users/<user_id>/password": NOT_ADMIN,
    "POST /admin/users/<user_id>/active": NOT_ADMIN,
    "POST /admin/users/<user_id>/absence": NOT_ADMIN,
}

PARAMS = {
    "code": "TEST-0001",
    "user_id": "clerk",
    "month": "2026-10",
    "day": "2026-12-24",
    "year": "2026",
    "key": "five_step",
    "name": "none.bpmn",
    "unit_id": "T01",
    "change": "rename",
    "kind": "pdf",
    "step": "notice",
    "action": "case_signal",
    "incident_id": "1",
    "period": "2026-Q4",
}
OPERATIONS = {"inbox.case_operation": "terminate", "inbox.task_operation": "unclaim", "complaints.operate": "decide"}
# Bodies the models accept, so that a refusal is the access check's and not the body's.
BODIES = {
    "api.set_calendar_day": {"workday": False, "name": "测试"},
    "api.start_case": {"matter": "TEST-0001", "applicant": {"name": "李四"}},
    "api.issue_document": {"kind": "acceptance_notice"},
    "api.record_fee": {"item": "工本费", "amount": "10.00"},
    "api.pause_clock": {"kind": "hearing", "reason": "听证"},
    "api.resume_clock": {"note": "恢复"},
    "api.terminate_case": {"reason": "终止"},
    "api.publish_result": {},
    "api.revoke_licence": {"reason": "撤销"},
    "api.complaint_decision": {"accept": True},
    "api.complaint_forwarding": {"department": "测试局"},
    "api.complaint_feedback": {"text": "回复"},
    "api.complaint_result": {"result": "结果", "upheld": True},
    "api.complaint_closure": {"note": "结案"},
    "api.report_facts": {"facts": [{"system": "x", "case": "1"}]},
    "api.deliver_message": {"name": "检测结果", "case": "1"},
    "api.set_my_channels": {},
    "api.correct_signal": {"correction": "已改正"},
    "api.sms_inbound": {"phone": "13800000000", "text": "1"},
    "api.send_supervision_notice": {"text": "督办"},
    "api.notice_case": {"text": "督办"},
    "api.raise_signal": lambda world: {"case": world["case_id"], "article": "11", "reason": "理由"},
    "api.respond_to_supervision_item": {"text": "答复"},
    "api.extend_supervision_item": {"reason": "延期"},
    "api.record_supervision_finding": {"text": "结论", "conclusion": "substantiated"},
    "api.add_signer": {"signer": "clerk2", "reason": "加签"},
    "api.assign_task": {"to": "clerk2", "reason": "分派"},
    "api.transfer_task": {"to": "clerk2", "reason": "转办"},
    "api.delegate_task": {"to": "clerk2", "reason": "委派"},
    "api.complete_task": {"data": {"accept": "accept"}, "opinion": "同意"},
    "api.copy_task": {"recipients": ["clerk2"], "note": "抄送"},
    "api.give_back_task": {"opinion": "退还"},
    "api.jump_task": {"reason": "跳转"},
    "api.remove_signer": {"reason": "减签"},
    "api.return_task": {"reason": "退回"},
    "api.urge_task": {"message": "催办"},
    "api.withdraw_task": {"reason": "撤回"},
    "api.set_absence": {},
    "api.set_rule": {"rule": "Y01", "level": "common", "enabled": True},
    "api.resolve_incident": {"note": "已处理"},
    "api.close_verification": {"finding": "核实", "conclusion": "compliant"},
    "api.record_appeal": {"appeal": "reconsideration", "note": "申请复议"},
    "api.record_enquiry": {"applicant": "王五", "question": "问", "answer": "答"},
    "api.sign_pledges": {"materials": ["经营场所证明"]},
    "api.check_pledge": {"held": True, "finding": "属实"},
    "api.record_visit": {"purpose": "递交材料"},
    "api.record_inspection": {"compliant": True, "finding": "检查"},
    "api.record_manual_points": {"official": "clerk", "day": "2026-11-20", "points": 1, "reason": "表扬"},
    "api.migrate_cases": {"process": "five_step", "from_version": 1, "to_version": 1, "all": True, "dry_run": True},
}
FILE_FIELDS = {
    "api.add_materials": "files",
    "api.deploy_definition": "file",
    "api.catalogue_import": "file",
    "api.import_batch": "file",
    "api.upload_form_file": "file",
}
PAGE_FORMS = {  # valid forms
    "portal.rate": {"overall": "5"},
    "signals.correct": {"correction": "已改正"},
    "supervision.verification_finding": {"finding": "核实", "conclusion": "compliant"},
    "me.record_points": {"official": "clerk", "day": "2026-11-20", "points": "1", "reason": "表扬"},
}
NOT_IN_THE_MATRIX = {"static"}  # the built scripts and styles


@pytest.fixture
def world(engine, clock):
    """A case of 测试局 applied for by the citizen, with its open task, a material, an acceptance notice, a signal,
    a complaint and a 督办 item; and a second applicant."""
    with engine.db.transaction() as session:
        session.add(User(id="stranger", name="李四", department_id=None, posts=[], roles=[APPLICANT]))
    citizen = engine.identity.actor("citizen")
    case = applied_case(engine)
    material = engine.materials.add(case["id"], [("申请书.txt", "申请书".encode(), None)], citizen)
    engine.tasks.claim(open_task(engine, case["id"])["id"], engine.identity.actor("clerk2"))
    other = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, citizen)
    complete(engine, other["id"], {"accept": "accept"})
    with engine.db.reading() as session:  # acceptance issued the 受理通知书
        document = session.scalar(sa.select(IssuedDocument.id).where(IssuedDocument.case_id == other["id"]))
    signal = add_signal(engine, "测试局", case_id=case["id"])
    complaint = engine.feedback.complain(
        citizen, "态度", "窗口态度不好", False, case_id=case["id"], department="测试局"
    )
    with engine.db.reading() as session:
        complaint_id = session.scalar(sa.select(Complaint.id).where(Complaint.number == complaint["number"]))
    item = engine.supervision.open_overdue_step(other["id"], engine.identity.actor("supervisor"), "请尽快办理")
    with engine.db.transaction() as session:  # an act of 测试局 to verify (Art. 9)
        verification = Verification(
            source=f"supplement:{case['id']}",
            kind="supplement",
            case_id=case["id"],
            department="测试局",
            summary="补正告知",
            occurred_at=clock.now(),
            queued_at=clock.now(),
            queued_by="engine",
            status="open",
        )
        session.add(verification)
        session.flush()
        verification_id = verification.id
    pledgeable = {"name": "经营场所证明", "form": "原件", "required": True, "copies": 1, "pledge": True}
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": [pledgeable]}, "admin")
    pledge = engine.pledges.sign(case["id"], ["经营场所证明"], citizen)[0]
    form = engine.form_files.upload(
        "TEST-0001", "template", "申请表", "申请表.pdf", b"%PDF-1.4\n%%EOF\n", engine.identity.actor("admin")
    )
    return {
        "verification_id": verification_id,
        "pledge_id": pledge["id"],
        "file_id": form["id"],
        "case_id": case["id"],
        "task_id": open_task(engine, case["id"])["id"],
        "material_id": material[0]["id"],
        "document_id": document,
        "signal_id": signal,
        "complaint_id": complaint_id,
        "item_id": item["id"],
    }


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_IN_THE_MATRIX:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield f"{method} {rule.rule}", method, rule


def _url(rule, world) -> str:
    values = {}
    for name in rule.arguments:
        if name == "operation":
            values[name] = OPERATIONS[rule.endpoint]
        elif name in world:
            values[name] = world[name]
        else:
            values[name] = PARAMS[name]
    return rule.build(values, append_unknown=False)[1]


def test_every_route_is_in_the_matrix(app):
    missing = [label for label, _, _ in _rules(app) if label not in REFUSED]
    assert not missing, f"say which roles each new route refuses, in REFUSED: {missing}"
    stale = set(REFUSED) - {label for label, _, _ in _rules(app)}
    assert not stale, f"routes no longer served: {sorted(stale)}"


def _clients(app, engine):
    set_passwords(engine, "stranger")
    pages = {role: (PageClient(app) if role == "anonymous" else signed_in(app, role)) for role in ROLES}
    tokens = {role: engine.identity.create_token(role) for role in ROLES if role != "anonymous"}
    return pages, tokens


def _refused(response, api: bool) -> bool:
    if api:
        return response.status_code in (401, 403, 404)
    if response.status_code in (302, 303):
        return "/login" in response.headers.get("Location", "")
    return response.status_code in (403, 404)


def test_every_role_the_matrix_refuses_is_refused(app, engine, world):
    pages, tokens = _clients(app, engine)
    forms = {
        **PAGE_FORMS,
        "reports.settings": {key: str(value) for key, value in engine.performance.settings().items()},
    }
    with engine.db.reading() as session:
        trail_before = session.scalar(sa.select(sa.func.count()).select_from(TrailEntry))
    leaks = []
    for label, method, rule in _rules(app):
        url = _url(rule, world)
        api = rule.rule.startswith("/api/v1/")
        for role in sorted(REFUSED.get(label, ())):
            if api:
                headers = {"Authorization": f"Bearer {tokens[role]}"} if role != "anonymous" else {}
                client = pages["anonymous"].client
                if rule.endpoint in FILE_FIELDS:
                    data = {FILE_FIELDS[rule.endpoint]: (io.BytesIO(b"[]"), "x.json")}
                    response = client.open(url, method=method, headers=headers, data=data)
                else:
                    body = BODIES.get(rule.endpoint, {})
                    body = body(world) if callable(body) else body
                    response = client.open(url, method=method, headers=headers, json=body)
            elif method == "GET":
                response = pages[role].get(url)
            else:
                response = pages[role].post(url, data=forms.get(rule.endpoint, {"reason": "理由"}))
            if not _refused(response, api):
                leaks.append(f"{label} as {role}: {response.status_code} {text(response)[:120]!r}")
    assert not leaks, "\n".join(leaks)
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(TrailEntry)) == trail_before


# --- refusals that answer with data ----------------------------------------------------------------------------


def test_an_applicant_reads_the_public_view_of_their_case(api, engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))
    engine.materials.add(case["id"], [("申请书.txt", "申请书".encode(), None)], engine.identity.actor("citizen"))
    task = open_task(engine, case["id"])["id"]
    engine.tasks.claim(task, engine.identity.actor("clerk"))
    engine.tasks.complete(
        task,
        engine.identity.actor("clerk"),
        {"accept": "accept"},
        "内部意见：材料齐全",
        [("审查记录.txt", b"internal", None)],
    )
    add_signal(engine, "测试局", case_id=case["id"])
    mine = api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "citizen")).get_json()
    staff = api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "clerk")).get_json()
    assert staff["history"][0]["opinion"] == "内部意见：材料齐全" and staff["history"][0]["completed_by"] == "clerk"
    for task in mine["tasks"] + mine["history"]:
        assert task["opinion"] is None and task["completed_by"] is None and task["assignee"] is None
    assert "clerk" not in str(mine) and "内部意见" not in str(mine)
    trail = api.get(f"/api/v1/cases/{case['id']}/trail", headers=auth(api, "citizen")).get_json()
    staff_trail = api.get(f"/api/v1/cases/{case['id']}/trail", headers=auth(api, "clerk")).get_json()
    assert {e["event"] for e in trail} <= {"case_started", "case_accepted", "document_issued", "case_ended"}
    assert "case_accepted" in {e["event"] for e in trail}
    assert "clerk" not in str(trail) and "内部意见" not in str(trail)
    assert any("signal" in e["event"] for e in staff_trail) or len(staff_trail) > len(trail)
    assert not any("signal" in e["event"] or "complaint" in e["event"] for e in trail)
    materials = api.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(api, "citizen")).get_json()
    staff_materials = api.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(api, "clerk")).get_json()
    assert [m["filename"] for m in materials["materials"]] == ["申请书.txt"]
    assert {m["filename"] for m in staff_materials["materials"]} == {"申请书.txt", "审查记录.txt"}
    attachment = next(m["id"] for m in staff_materials["materials"] if m["kind"] == "attachment")
    assert api.get(f"/api/v1/materials/{attachment}/content", headers=auth(api, "citizen")).status_code == 404
    assert api.get(f"/api/v1/materials/{attachment}/content", headers=auth(api, "clerk")).status_code == 200


def test_an_outsider_learns_nothing_of_a_task_state(api, engine):
    case = applied_case(engine)
    task = open_task(engine, case["id"])["id"]
    for path in ("unclaim", "claim", "withdraw", "give-back"):
        response = api.post(f"/api/v1/tasks/{task}/{path}", json={"reason": "x"}, headers=auth(api, "outsider"))
        assert response.status_code in (403, 404), (path, response.get_json())
    assert api.post(f"/api/v1/tasks/{task}/unclaim", headers=auth(api, "clerk")).status_code == 409


def test_only_the_city_bureau_archives_the_city(api, engine, clock):
    clock.advance(days=40)
    refused = api.post("/api/v1/evaluations/2026-11/archive", headers=auth(api, "far_supervisor"))
    assert refused.status_code == 403 and refused.get_json()["error"]["reason"] == "performance_archive_city_only"
    assert engine.performance.archived_months() == []
    assert api.post("/api/v1/evaluations/2026-11/archive", headers=auth(api, "supervisor")).status_code == 201


def test_scoring_settings_and_the_access_log_are_the_city_bureau_s(app, engine):
    with pytest.raises(Exception) as refused:
        engine.performance.update_settings({}, engine.identity.actor("far_supervisor"))
    assert getattr(refused.value, "reason", None) == "performance_settings_city_only"
    engine.performance.evaluation("2026-10", engine.identity.actor("supervisor"))
    far = engine.performance.access_log(engine.identity.actor("far_supervisor"))
    city = engine.performance.access_log(engine.identity.actor("supervisor"))
    assert [e["actor"] for e in city["items"]] == ["supervisor"] and far["items"] == []
    values = {key: str(value) for key, value in engine.performance.settings().items()}
    page = signed_in(app, "far_supervisor").post("/reports/settings", data=values)
    assert page.status_code == 403 and "市级" in text(page)


def test_applicants_do_not_read_the_violation_rules(api):
    assert api.get("/api/v1/violation-rules", headers=auth(api, "citizen")).status_code == 403
    assert api.get("/api/v1/violation-rules", headers=auth(api, "clerk")).status_code == 200


_ = ENGINE
