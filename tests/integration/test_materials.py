"""Case materials: types read from content, one stored copy per content, limits, access, 补正 resuming the clock,
trail rows, the REST API, and applying with materials in one transaction."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from engine.casefiles.uploads import safe_filename
from engine.errors import InvalidInput, InvalidState, PermissionDenied, TooLarge
from engine.identity.actors import APPLICANT, ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, CasePause, Material, User
from web import create_app

from ..helpers import EXE, FIVE_STEP_ENTRY, GUIDE, PDF, complete, open_task
from ..web.helpers import api_client, auth

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 16 + b"\xff\xd9"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
TEXT = "申请说明：经营场所位于郑州市。\n".encode()


def ooxml(main: str, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/x" '
            f'ContentType="application/vnd.openxmlformats-officedocument.{main}.main+xml"/></Types>',
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zipped(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = ooxml("wordprocessingml.document", {"word/document.xml": "<w:document/>"})
XLSX = ooxml("spreadsheetml.sheet", {"xl/workbook.xml": "<workbook/>"})
OFD = zipped({"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<ofd:Document/>"})


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def guided(five_step_engine):
    """TEST-0001 with a service guide listing materials, and a second applicant."""
    five_step_engine.catalogue.publish({**FIVE_STEP_ENTRY, "materials": GUIDE}, "admin")
    with five_step_engine.db.transaction() as session:
        session.add(User(id="citizen2", name="李四", department_id=None, posts=[], roles=[APPLICANT]))
    return five_step_engine


def who(engine, user):
    return engine.identity.actor(user)


def apply(engine, materials=None, user="citizen"):
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, who(engine, user), materials=materials)


def stored_files(engine):
    return sorted(p for p in engine.materials.store.root.rglob("*") if p.is_file())


def material_rows(engine):
    with engine.db.reading() as session:
        return session.scalars(sa.select(Material).order_by(Material.id)).all()


# --- types by content ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, media_type",
    [
        ("申请书.pdf", PDF, "application/pdf"),
        ("照片.JPG", JPEG, "image/jpeg"),
        ("照片.jpeg", JPEG, "image/jpeg"),
        ("照片.png", PNG, "image/png"),
        ("执照.ofd", OFD, "application/ofd"),
        ("说明.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("清单.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("说明.txt", TEXT, "text/plain; charset=utf-8"),
    ],
)
def test_allowed_types_are_recognised_by_content(guided, name, content, media_type):
    case = apply(guided)
    [material] = guided.materials.add(case["id"], [(name, content)], who(guided, "citizen"))
    assert material["media_type"] == media_type and material["filename"] == name


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("营业执照.pdf", ELF, "file_type_elf"),  # an executable with a PDF's name
        ("申请书.docx", EXE, "file_type_windows_pe"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "file_type_script"),
        ("宏.docx", ooxml("wordprocessingml.document", {"word/vbaProject.bin": b"\x00"}), "file_type_office_macros"),
        ("宏.docm", ooxml("word.document.macroEnabled"), "file_type_other_zip"),
        ("材料.zip", zipped({"a.pdf": PDF}), "file_type_zip"),
        ("坏.pdf", b"PK\x03\x04not really a zip", "file_type_broken_zip"),
        ("data.bin", b"\x00\x01\x02\x03\xfe", "file_type_unknown_binary"),
    ],
)
def test_refused_content_names_the_file_and_what_it_is(guided, name, content, said):
    case = apply(guided)
    with pytest.raises(InvalidInput) as refused:
        guided.materials.add(case["id"], [(name, content)], who(guided, "citizen"))
    assert refused.value.reason == "file_type_refused" and refused.value.params["seen"].reason == said
    assert refused.value.params["name"] == name and name in refused.value.message
    assert material_rows(guided) == [] and stored_files(guided) == []


def test_content_and_extension_must_agree(guided):
    """A PNG named .txt is refused (not silently re-typed): what an official downloads opens as what it claims."""
    case = apply(guided)
    for name, content in (("照片.txt", PNG), ("申请书.png", PDF), ("说明", TEXT), ("说明.pdf", TEXT)):
        with pytest.raises(InvalidInput) as refused:
            guided.materials.add(case["id"], [(name, content)], who(guided, "citizen"))
        assert refused.value.reason == "file_extension_mismatch" and refused.value.params["name"] == name
        assert name in refused.value.message and "extension" in refused.value.message
    with pytest.raises(InvalidInput) as empty:
        guided.materials.add(case["id"], [("空.txt", b"")], who(guided, "citizen"))
    assert (empty.value.reason, empty.value.params) == ("file_empty", {"field": "files", "name": "空.txt"})


# --- storage, names, limits ------------------------------------------------------------------------


def test_identical_content_is_stored_once(guided):
    case = apply(guided)
    citizen = who(guided, "citizen")
    first = guided.materials.add(case["id"], [("申请书.pdf", PDF), ("副本.pdf", PDF)], citizen)
    second = guided.materials.add(case["id"], [("照片.png", PNG)], citizen)
    assert len({m["id"] for m in first + second}) == 3 and first[0]["sha256"] == first[1]["sha256"]
    files = stored_files(guided)
    assert len(files) == 2
    digest = first[0]["sha256"]
    assert guided.materials.store.path(digest) in files
    assert guided.materials.store.path(digest).relative_to(guided.materials.store.root).parts[:2] == (
        digest[:2],
        digest[2:4],
    )
    assert guided.materials.open(first[1]["id"], citizen)[1] == PDF


def test_filenames_are_sanitised():
    assert safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert safe_filename("..\\..\\windows\\system32\\申请书.pdf") == "申请书.pdf"
    assert safe_filename("  报告\x00\x1b[31m.pdf. ") == "报告[31m.pdf"
    assert safe_filename("e\u0301.pdf") == "\u00e9.pdf"  # NFC
    long = safe_filename("很" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")
    for bad in ("../..", "/", " . ", None):
        with pytest.raises(InvalidInput):
            safe_filename(bad)


def test_a_path_in_the_name_never_leaves_the_store(guided):
    case = apply(guided)
    [material] = guided.materials.add(case["id"], [("../../etc/passwd.txt", TEXT)], who(guided, "citizen"))
    assert material["filename"] == "passwd.txt"
    root = guided.materials.store.root.resolve()
    assert all(root in p.resolve().parents for p in stored_files(guided))


def test_size_and_count_limits(guided):
    case = apply(guided)
    citizen = who(guided, "citizen")
    guided.materials.max_file_bytes = len(PDF)
    with pytest.raises(TooLarge) as too_big:
        guided.materials.add(case["id"], [("a.txt", b"x" * (len(PDF) + 1))], citizen)
    assert too_big.value.reason == "file_too_large" and too_big.value.params["name"] == "a.txt"
    assert "a.txt" in too_big.value.message and too_big.value.status == 413
    guided.materials.max_case_files = 3
    guided.materials.add(case["id"], [("1.pdf", PDF), ("2.png", PNG)], citizen)
    with pytest.raises(InvalidInput) as too_many:
        guided.materials.add(case["id"], [("3.jpg", JPEG), ("4.txt", TEXT)], citizen)
    assert too_many.value.reason == "too_many_case_files"
    assert too_many.value.params == {"field": "files", "limit": 3, "count": 2, "adding": 2}
    assert len(material_rows(guided)) == 2  # nothing of the refused batch
    guided.materials.max_case_bytes = len(PDF) + len(PNG) + 10
    with pytest.raises(TooLarge):
        guided.materials.add(case["id"], [("3.jpg", JPEG)], citizen)
    guided.materials.add(case["id"], [("3.txt", b"ok")], citizen)
    assert len(material_rows(guided)) == 3


def test_slots_must_be_listed_in_the_guide(guided):
    case = apply(guided)
    with pytest.raises(InvalidInput) as unlisted:
        guided.materials.add(case["id"], [("a.pdf", PDF)], who(guided, "citizen"), slot="房产证")
    assert (unlisted.value.reason, unlisted.value.params["materials"]) == ("materials_not_in_guide", ["房产证"])


# --- access ----------------------------------------------------------------------------------------


def test_who_may_see_and_add_materials(guided):
    case = apply(guided, [("申请书.pdf", PDF, "申请书")])
    material_id = guided.materials.list(case["id"], who(guided, "citizen"))["materials"][0]["id"]
    for user in ("citizen", "clerk", "supervisor", "admin"):
        assert guided.materials.open(material_id, who(guided, user))[1] == PDF
        assert len(guided.materials.list(case["id"], who(guided, user))["materials"]) == 1
    for user in ("outsider", "citizen2", "far_supervisor"):
        with pytest.raises(PermissionDenied):
            guided.materials.open(material_id, who(guided, user))
        with pytest.raises(PermissionDenied):
            guided.materials.list(case["id"], who(guided, user))
    for user in ("outsider", "citizen2", "supervisor"):
        with pytest.raises(PermissionDenied):
            guided.materials.add(case["id"], [("x.pdf", PDF)], who(guided, user))
    guided.materials.add(case["id"], [("窗口扫描.pdf", PDF)], who(guided, "clerk"))  # scanned at the window
    complete(guided, case["id"], {"accept": "accept"})
    with pytest.raises(InvalidState) as late:
        guided.materials.add(case["id"], [("late.pdf", PDF)], who(guided, "citizen"))
    assert late.value.reason == "application_already_accepted"


def test_checklist_shows_what_each_listed_material_received(guided):
    case = apply(
        guided,
        [
            ("申请书.pdf", PDF, "申请书"),
            ("照片1.jpg", JPEG, "近期照片"),
            ("照片2.png", PNG, "近期照片"),
            ("说明.txt", TEXT),
        ],
    )
    listing = guided.materials.list(case["id"], who(guided, "clerk"))
    assert [(c["name"], c["required"], c["provided"]) for c in listing["checklist"]] == [
        ("申请书", True, 1),
        ("营业执照复印件", True, 0),
        ("近期照片", False, 2),
    ]
    assert listing["missing_required"] == ["营业执照复印件"]
    assert listing["supplement"] == {"pending": False, "missing": []}
    assert [m["slot"] for m in listing["materials"]] == ["申请书", "近期照片", "近期照片", None]


# --- applying, supplementing, attaching --------------------------------------------------------------


def test_a_refused_file_leaves_no_case_behind(guided):
    with pytest.raises(InvalidInput) as refused:
        apply(guided, [("申请书.pdf", PDF, "申请书"), ("营业执照.pdf", ELF, "营业执照复印件")])
    assert refused.value.reason == "file_type_refused" and refused.value.params["name"] == "营业执照.pdf"
    with guided.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    assert material_rows(guided) == []
    case = apply(guided, [("申请书.pdf", PDF, "申请书")])
    assert [(m.case_id, m.kind, m.uploaded_by) for m in material_rows(guided)] == [
        (case["id"], "application", "citizen")
    ]
    assert guided.history.verify().ok


def test_each_upload_is_a_trail_row_with_the_files_digest(guided):
    case = apply(guided, [("申请书.pdf", PDF, "申请书")])
    guided.materials.add(case["id"], [("照片.png", PNG)], who(guided, "citizen"))
    rows = [r for r in guided.history.case_trail(case["id"], ENGINE) if r["event"] == "material_added"]
    materials = guided.materials.list(case["id"], ENGINE)["materials"]
    assert [(r["data_digest"], r["detail"]["sha256"], r["detail"]["material"], r["to"], r["actor"]) for r in rows] == [
        (m["sha256"], m["sha256"], m["id"], "application", "citizen") for m in materials
    ]
    assert rows[0]["detail"]["filename"] == "申请书.pdf" and rows[0]["detail"]["slot"] == "申请书"
    assert guided.history.verify().ok


def test_supplement_records_the_materials_and_resumes_the_clock(guided, clock):
    case = apply(guided, [("申请书.pdf", PDF, "申请书")])
    citizen = who(guided, "citizen")
    complete(guided, case["id"], {"accept": "accept"})
    with pytest.raises(InvalidState) as no_notice:
        guided.materials.add(case["id"], [("执照.pdf", PDF)], citizen, kind="supplement")
    assert no_notice.value.reason == "no_supplement_pending"
    clock.set(at("2026-11-24T09:00"))
    guided.case_clock.pause(
        case["id"], "supplement", "一次性告知：缺少营业执照复印件", who(guided, "clerk"), missing=["营业执照复印件"]
    )
    listing = guided.materials.list(case["id"], citizen)
    assert listing["supplement"] == {"pending": True, "missing": ["营业执照复印件"]}
    clock.set(at("2026-11-26T09:00"))
    for user in ("citizen2", "clerk"):
        with pytest.raises(PermissionDenied):
            guided.materials.add(case["id"], [("执照.pdf", PDF)], who(guided, user), kind="supplement")
    with pytest.raises(InvalidInput):  # a refused file: nothing recorded, the clock stays paused
        guided.materials.add(case["id"], [("执照.pdf", ELF)], citizen, kind="supplement", slot="营业执照复印件")
    assert guided.case_clock.clock_view(case["id"])["paused"] is True

    [added] = guided.materials.add(case["id"], [("执照.pdf", PDF)], citizen, kind="supplement", slot="营业执照复印件")
    assert added["kind"] == "supplement" and added["slot"] == "营业执照复印件"
    view = guided.case_clock.clock_view(case["id"])
    assert view["paused"] is False and view["paused_working_days"] == 2.0
    assert view["promised_due_at"].startswith("2026-12-09T09:30")  # 17:30 in Shanghai, moved 2 days
    with guided.db.reading() as session:
        pause = session.scalars(sa.select(CasePause)).one()
    assert pause.ended_by == "citizen" and pause.ended_at == at("2026-11-26T09:00")
    events = [(r["event"], r["actor"]) for r in guided.history.case_trail(case["id"], ENGINE)]
    assert events[-2:] == [("material_added", "citizen"), ("clock_resumed", "citizen")]
    listing = guided.materials.list(case["id"], citizen)
    assert listing["missing_required"] == [] and listing["supplement"] == {"pending": False, "missing": []}
    with pytest.raises(InvalidState):
        guided.materials.add(case["id"], [("again.pdf", PDF)], citizen, kind="supplement")
    assert guided.history.verify().ok


def test_attachments_are_recorded_with_the_step_they_complete(guided):
    case = apply(guided)
    task = open_task(guided, case["id"])
    clerk = who(guided, "clerk")
    with pytest.raises(InvalidInput):
        guided.tasks.complete(task["id"], clerk, {"accept": "accept"}, "受理", attachments=[("核验记录.pdf", ELF)])
    assert open_task(guided, case["id"])["id"] == task["id"]  # the step did not complete
    guided.tasks.complete(task["id"], clerk, {"accept": "accept"}, "受理", attachments=[("核验记录.pdf", PDF)])
    [material] = material_rows(guided)
    assert (material.kind, material.task_id, material.uploaded_by) == ("attachment", task["id"], "clerk")
    trail = guided.history.case_trail(case["id"], ENGINE)
    assert any(r["event"] == "material_added" and r["task_id"] == task["id"] for r in trail)
    handle = open_task(guided, case["id"])
    with pytest.raises(PermissionDenied):
        guided.materials.add(
            case["id"], [("x.pdf", PDF)], who(guided, "outsider"), kind="attachment", task_id=handle["id"]
        )
    with pytest.raises(InvalidInput):
        guided.materials.add(case["id"], [("x.pdf", PDF)], clerk, kind="attachment", task_id=task["id"] + "x")
    with pytest.raises(InvalidState):
        guided.materials.add(case["id"], [("x.pdf", PDF)], clerk, kind="attachment", task_id=task["id"])
    [added] = guided.materials.add(case["id"], [("意见.docx", DOCX)], clerk, kind="attachment", task_id=handle["id"])
    assert added["task"] == handle["id"]


# --- REST API --------------------------------------------------------------------------------------


@pytest.fixture
def client(guided):
    return api_client(create_app(shenpi=guided, testing=True))


def error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"]
    return body


def test_api_upload_list_and_download(client, guided):
    case = apply(guided)
    response = client.post(
        f"/api/v1/cases/{case['id']}/materials",
        headers=auth(client, "citizen"),
        data={
            "files": [(io.BytesIO(PDF), "营业执照 副本.pdf"), (io.BytesIO(PNG), "photo.png")],
            "slot": "营业执照复印件",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    added = response.get_json()["materials"]
    assert [(m["filename"], m["slot"]) for m in added] == [
        ("营业执照 副本.pdf", "营业执照复印件"),
        ("photo.png", "营业执照复印件"),
    ]
    listing = client.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(client, "clerk")).get_json()
    assert listing["missing_required"] == ["申请书"] and len(listing["materials"]) == 2

    download = client.get(f"/api/v1/materials/{added[0]['id']}/content", headers=auth(client, "supervisor"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ") and f"filename*=UTF-8''{quote('营业执照 副本.pdf')}" in disposition
    assert 'filename=".pdf"' not in disposition and disposition.isascii()
    text = client.get(f"/api/v1/materials/{added[1]['id']}/content", headers=auth(client, "citizen"))
    assert (
        text.headers["Content-Type"] == "image/png"
        and "filename*=UTF-8''photo.png" in text.headers["Content-Disposition"]
    )
    for user in ("outsider", "citizen2"):
        error(client.get(f"/api/v1/materials/{added[0]['id']}/content", headers=auth(client, user)), 403, "forbidden")
        error(client.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(client, user)), 403, "forbidden")
    error(client.get("/api/v1/materials/999999/content", headers=auth(client, "citizen")), 404, "not_found")


def test_api_refusals(client, guided):
    case = apply(guided)
    url = f"/api/v1/cases/{case['id']}/materials"
    body = error(
        client.post(url, headers=auth(client, "citizen"), data={"files": [(io.BytesIO(ELF), "a.pdf")]}),
        400,
        "invalid_input",
    )
    assert "a.pdf" in body["message"]
    error(client.post(url, headers=auth(client, "citizen"), json={"files": []}), 400, "invalid_input")
    error(client.post(url, headers=auth(client, "citizen"), data={"kind": "application"}), 400, "invalid_input")
    error(
        client.post(
            url, headers=auth(client, "citizen"), data={"files": [(io.BytesIO(PDF), "a.pdf")], "kind": "other"}
        ),
        400,
        "invalid_input",
    )
    error(
        client.post(
            url,
            headers=auth(client, "citizen"),
            data={
                "files": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PDF), "b.pdf")],
                "slot": ["申请书", "申请书", "申请书"],
            },
        ),
        400,
        "invalid_input",
    )
    guided.materials.max_file_bytes = 1000
    error(
        client.post(url, headers=auth(client, "citizen"), data={"files": [(io.BytesIO(b"x" * 1001), "a.txt")]}),
        413,
        "payload_too_large",
    )
    guided.materials.max_case_bytes = 2000  # the request itself is cut off beyond a case's whole allowance
    error(
        client.post(
            url, headers=auth(client, "citizen"), data={"files": [(io.BytesIO(b"x" * (2 * 1024 * 1024)), "a.txt")]}
        ),
        413,
        "payload_too_large",
    )
    assert material_rows(guided) == []


def test_api_applies_with_materials_in_one_request(client, guided):
    def start(files):
        return client.post(
            "/api/v1/cases",
            headers=auth(client, "citizen"),
            data={
                "matter": "TEST-0001",
                "applicant": '{"name": "张三"}',
                "data": '{"shop": "便民超市"}',
                "files": files,
                "slot": ["申请书", "营业执照复印件"],
            },
        )

    error(start([(io.BytesIO(PDF), "申请书.pdf"), (io.BytesIO(ELF), "执照.pdf")]), 400, "invalid_input")
    assert client.get("/api/v1/cases", headers=auth(client, "citizen")).get_json() == []
    response = start([(io.BytesIO(PDF), "申请书.pdf"), (io.BytesIO(JPEG), "执照.jpg")])
    assert response.status_code == 201, response.get_data(as_text=True)
    case = response.get_json()
    listing = client.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(client, "citizen")).get_json()
    assert listing["missing_required"] == [] and [m["kind"] for m in listing["materials"]] == ["application"] * 2
    plain = client.post(
        "/api/v1/cases",
        headers=auth(client, "citizen"),
        data={"matter": "TEST-0001", "applicant": '{"name": "张三"}'},
        content_type="multipart/form-data",
    )
    assert plain.status_code == 201, plain.get_data(as_text=True)
    error(
        client.post(
            "/api/v1/cases",
            headers=auth(client, "citizen"),
            data={"matter": "TEST-0001", "applicant": "{not json"},
            content_type="multipart/form-data",
        ),
        400,
        "invalid_input",
    )


def test_api_supplement_and_completion_with_attachments(client, guided, clock):
    case = apply(guided)
    task = open_task(guided, case["id"])
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=auth(client, "clerk"),
        data={"data": '{"accept": "accept"}', "opinion": "受理", "files": [(io.BytesIO(PDF), "受理核验单.pdf")]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    guided.case_clock.pause(case["id"], "supplement", "缺少申请书", who(guided, "clerk"), missing=["申请书"])
    clock.advance(days=1)
    response = client.post(
        f"/api/v1/cases/{case['id']}/materials",
        headers=auth(client, "citizen"),
        data={"files": [(io.BytesIO(PDF), "申请书.pdf")], "slot": "申请书", "kind": "supplement"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    view = client.get(f"/api/v1/cases/{case['id']}", headers=auth(client, "citizen")).get_json()
    assert view["clock"]["paused"] is False and view["clock"]["paused_working_days"] == 1.0
    kinds = [
        m["kind"]
        for m in client.get(f"/api/v1/cases/{case['id']}/materials", headers=auth(client, "clerk")).get_json()[
            "materials"
        ]
    ]
    assert kinds == ["attachment", "supplement"]
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/cases/{case_id}/materials", "/materials/{material_id}/content"} <= spec.keys()
