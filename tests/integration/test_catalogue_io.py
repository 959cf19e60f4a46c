"""The catalogue to and from JSON and Excel: round trips, new versions with their trail rows, every error with
its place and nothing imported, safe reading; the admin page and the API."""

from __future__ import annotations

import copy
import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from engine.errors import InvalidCatalogue, NotFound, PermissionDenied, TooLarge
from engine.models import Department, MatterVersion
from integrations.catalogue_io import export_catalogue, import_catalogue

from ..helpers import FIVE_STEP_ENTRY, PROCESSES, events

FEE = {"item": "工本费", "standard": "10元/本", "basis": "《某收费办法》第三条"}
MATERIALS = [
    {"name": "申请书", "form": "原件", "copies": 1, "required": True},
    {"name": "身份证", "form": "复印件", "copies": 2, "required": False, "note": "核验原件"},
]


@pytest.fixture
def admin(five_step_engine):
    return five_step_engine.identity.actor("admin")


@pytest.fixture
def catalogue(five_step_engine, admin):
    """TEST-0001 with materials and a fee, and the ten matters of processes/ with their departments."""
    from ..helpers import FIVE_STEP_ENTRY

    five_step_engine.catalogue.save({**FIVE_STEP_ENTRY, "materials": MATERIALS, "fees": [FEE]}, admin, "加材料")
    five_step_engine.catalogue.import_directory(PROCESSES)
    names = {m["department"] for m in five_step_engine.catalogue.list_matters()} - {"测试局"}
    with five_step_engine.db.transaction() as session:
        for index, name in enumerate(sorted(names)):
            session.add(Department(id=f"P{index:02d}", name=name, level="city", parent_id="T00"))
    return five_step_engine


def versions(engine) -> int:
    with engine.db.reading() as session:
        return session.query(MatterVersion).count()


def as_json(content: bytes) -> dict:
    return json.loads(content)


def to_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_round_trip_creates_no_version(catalogue, admin, fmt):
    content, filename, _media = export_catalogue(catalogue, admin, fmt)
    before = versions(catalogue)
    result = import_catalogue(catalogue, admin, content, filename)
    assert (result["new"], result["changed"], result["unchanged"]) == (0, 0, 11), result
    assert versions(catalogue) == before and not events(catalogue, "catalogue_imported")


def test_json_export_has_every_editable_field(catalogue, admin):
    document = as_json(export_catalogue(catalogue, admin, "json")[0])
    assert document["format"] == "shenpi-catalogue" and document["version"] == 1
    test = next(m for m in document["matters"] if m["code"] == "TEST-0001")
    assert test["fees"] == [FEE] and test["free"] is False and test["materials"] == MATERIALS
    assert test["process_file"] == "five_step.bpmn" and test["statutory_limit_days"] == 20
    food = next(m for m in document["matters"] if m["key"] == "food_business_licence")
    assert food["online_depth"] == 3 and food["free"] is True and food["summary"]
    only = as_json(export_catalogue(catalogue, admin, "json", department="测试局")[0])
    assert [m["code"] for m in only["matters"]] == ["TEST-0001"] and only["department"] == "测试局"


def test_a_changed_limit_is_a_new_version_with_its_trail_rows(catalogue, admin):
    document = as_json(export_catalogue(catalogue, admin, "json")[0])
    test = next(m for m in document["matters"] if m["code"] == "TEST-0001")
    test["promised_limit_days"] = 7
    content = to_bytes(document)
    result = import_catalogue(catalogue, admin, content, "目录.json")
    assert (result["new"], result["changed"], result["unchanged"]) == (0, 1, 10)
    entry = catalogue.catalogue.entry("TEST-0001")
    assert entry["promised_limit_days"] == 7 and entry["version"] == 3 and entry["fees"] == [FEE]
    assert entry["history"][0]["note"] == "批量导入：目录.json"
    published = events(catalogue, "matter_published")[-1]
    assert published["detail"]["version"] == 3
    imported = events(catalogue, "catalogue_imported")
    assert len(imported) == 1 and imported[0]["detail"]["changed"] == 1
    assert imported[0]["detail"]["versions"] == {"TEST-0001": 3} and imported[0]["actor"] == "admin"
    again = import_catalogue(catalogue, admin, content, "目录.json")
    assert again["changed"] == 0 and len(events(catalogue, "catalogue_imported")) == 1


def test_a_new_matter_and_removed_fees_through_excel(catalogue, admin):
    book = load_workbook(io.BytesIO(export_catalogue(catalogue, admin, "xlsx")[0]))
    matters, fees = book["事项"], book["收费项目"]
    header = [c.value for c in matters[1]]
    assert header[:3] == ["事项编码", "流程标识", "事项名称"]
    fees.delete_rows(2, fees.max_row)
    test_row = next(r for r in matters.iter_rows(min_row=2) if r[0].value == "TEST-0001")
    test_row[header.index("是否免费")].value = "是"
    out = io.BytesIO()
    book.save(out)
    result = import_catalogue(catalogue, admin, out.getvalue(), "catalogue.xlsx")
    assert result["changed"] == 1 and result["format"] == "xlsx"
    entry = catalogue.catalogue.entry("TEST-0001")
    assert "fees" not in entry and entry["free"] is True and entry["materials"] == MATERIALS


def test_the_post_approval_duties_travel_through_json_and_excel(catalogue, admin):
    """002 Art. 17 "(四)对审批事项履行监督检查职责的情况": a matter's inspection period (``inspection_days``) and pledge
    check period (``pledge_check_days``) go out and come back in both files like its other settings; a JSON null
    empties them, an out-of-range value is an error on its field with its label, and nothing is imported then."""
    catalogue.catalogue.save(
        {**FIVE_STEP_ENTRY, "materials": MATERIALS, "fees": [FEE], "inspection_days": 90}, admin, "设批后检查"
    )
    document = as_json(export_catalogue(catalogue, admin, "json")[0])
    test = next(m for m in document["matters"] if m["code"] == "TEST-0001")
    assert (test["inspection_days"], test["pledge_check_days"]) == (90, None)
    book = load_workbook(io.BytesIO(export_catalogue(catalogue, admin, "xlsx")[0]))
    header = [c.value for c in book["事项"][1]]
    row = next(r for r in book["事项"].iter_rows(min_row=2) if r[0].value == "TEST-0001")
    assert row[header.index("批后监督检查期限（自然日）")].value == 90
    assert row[header.index("承诺核查期限（工作日）")].value is None

    row[header.index("承诺核查期限（工作日）")].value = 10
    out = io.BytesIO()
    book.save(out)
    assert import_catalogue(catalogue, admin, out.getvalue(), "catalogue.xlsx")["changed"] == 1
    entry = catalogue.catalogue.entry("TEST-0001")
    assert (entry["inspection_days"], entry["pledge_check_days"]) == (90, 10)

    test.update(inspection_days=None, pledge_check_days=10)
    assert import_catalogue(catalogue, admin, to_bytes(document), "目录.json")["changed"] == 1
    entry = catalogue.catalogue.entry("TEST-0001")
    assert "inspection_days" not in entry and entry["pledge_check_days"] == 10

    before = versions(catalogue)
    test.update(inspection_days=400, pledge_check_days="十")
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, to_bytes(document), "bad.json")
    messages = {(e["location"], e["field"]): e for e in refused.value.details["errors"]}
    index = document["matters"].index(test)
    inspection = messages[(f"matters[{index}]", "inspection_days")]
    assert inspection["message"].reason == "inspection_days_range"
    assert inspection["label"].reason == "matter_field_inspection_days"
    assert messages[(f"matters[{index}]", "pledge_check_days")]["message"].reason == "pledge_check_days_range"
    assert versions(catalogue) == before


def test_json_errors_each_with_its_path_and_nothing_imported(catalogue, admin):
    document = as_json(export_catalogue(catalogue, admin, "json")[0])
    first, second, third = document["matters"][:3]
    first["department"] = "不存在的局"
    first["statutory_limit_days"] = None
    del second["promised_limit_days"]
    second["fees"] = [{"item": "证书费", "standard": "5元"}]
    second["free"] = False
    third["star_level"] = "五"
    third["key"] = "no_such_process"
    third["colour"] = "red"
    duplicate = copy.deepcopy(first)
    document["matters"].append(duplicate)
    document["matters"][1]["materials"][0]["copies"] = 0
    before = versions(catalogue)
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, to_bytes(document), "bad.json")
    errors = refused.value.details["errors"]
    found = {(e["location"], e["field"]) for e in errors}
    assert ("matters[0]", "department") in found and ("matters[0]", "statutory_limit_days") in found
    assert ("matters[1]", "promised_limit_days") in found
    assert ("matters[1].fees[0]", "fees") in found and ("matters[1].materials[0]", "materials") in found
    assert {("matters[2]", "star_level"), ("matters[2]", "key"), ("matters[2]", "colour")} <= found
    assert (f"matters[{len(document['matters']) - 1}]", "code") in found
    messages = {(e["location"], e["field"]): e["message"] for e in errors}
    assert messages[("matters[0]", "department")].reason == "department_inactive"
    missing = messages[("matters[1]", "promised_limit_days")]
    assert (
        missing.reason == "matter_field_missing"
        and missing.params["label"].reason == "matter_field_promised_limit_days"
    )
    assert missing == "promised limit is missing"
    assert messages[("matters[1].fees[0]", "fees")].reason == "fee_basis_missing"
    assert messages[("matters[2]", "key")].reason == "process_not_deployed"
    assert messages[(f"matters[{len(document['matters']) - 1}]", "code")].reason == "matter_code_repeated"
    assert refused.value.status == 422 and refused.value.reason == "catalogue_file_has_errors"
    assert refused.value.params["count"] == len(errors) == refused.value.details["error_count"]
    assert versions(catalogue) == before and not events(catalogue, "catalogue_imported")


def _sheet_book(matter_rows, material_rows, fee_rows=(), matter_header=None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    from integrations.catalogue_io.columns import FEE_COLUMNS, MATERIAL_COLUMNS, MATTER_COLUMNS

    for title, columns, rows in (
        ("事项", MATTER_COLUMNS, matter_rows),
        ("申请材料", MATERIAL_COLUMNS, material_rows),
        ("收费项目", FEE_COLUMNS, fee_rows),
    ):
        sheet = book.create_sheet(title)
        sheet.append(matter_header if title == "事项" and matter_header else [c.header for c in columns])
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MATTER_ROW = [
    "TEST-0002",
    "five_step",
    "新事项",
    "测试局",
    "行政许可",
    "",
    "《某法》第一条",
    "条件一",
    10,
    5,
    "承诺件",
    3,
    2,
    "是",
    "",
]


def test_excel_errors_name_sheet_row_and_column(catalogue, admin):
    bad = list(MATTER_ROW)
    bad[3], bad[8], bad[9] = "不存在的局", "十", "=1+2"
    content = _sheet_book(
        [bad],
        [["TEST-0002", "申请书", "原件", "两", "是", ""], ["NOPE-0001", "申请书", "原件", 1, "是", ""]],
        [["TEST-0002", "证书费", "5元", ""]],
    )
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, content, "bad.xlsx")
    errors = refused.value.details["errors"]
    by_place = {(e.get("sheet"), e.get("row"), e["field"]): e["message"] for e in errors}

    def cell(place):
        message = by_place[place]
        assert message.reason == "cell_in_column"
        return message.params["detail"].reason, message.params["detail"].params

    assert cell(("事项", 2, "statutory_limit_days")) == ("cell_not_whole_number_value", {"value": "十"})
    assert cell(("事项", 2, "promised_limit_days")) == ("cell_formula", {})
    assert by_place[("事项", 2, "department")].reason == "department_inactive"
    assert cell(("申请材料", 2, "copies")) == ("cell_not_whole_number_value", {"value": "两"})
    assert by_place[("申请材料", 3, "code")].reason == "code_not_in_sheet"
    assert by_place[("收费项目", 2, "fees")].reason == "fee_basis_missing"
    assert errors[0]["location"].reason == "location_sheet_row"
    assert all("location" in e and e["message"] for e in errors)
    with pytest.raises(NotFound):
        catalogue.catalogue.entry("TEST-0002")


def test_a_valid_excel_sheet_publishes_a_new_matter(bare_sqlite_engine):
    from ..helpers import FIXTURES, add_people

    bare_sqlite_engine.repository.deploy((FIXTURES / "five_step.bpmn").read_bytes(), "five_step.bpmn", actor="admin")
    add_people(bare_sqlite_engine)
    admin = bare_sqlite_engine.identity.actor("admin")
    content = _sheet_book([MATTER_ROW], [["TEST-0002", "申请书", "原件", 1, "是", None]])
    result = import_catalogue(bare_sqlite_engine, admin, content, "new.xlsx")
    assert result["new"] == 1 and result["matters"]["new"][0]["version"] == 1
    entry = bare_sqlite_engine.catalogue.get_matter("TEST-0002")
    assert entry["legal_basis"] == ["《某法》第一条"] and entry["online_depth"] == 2 and entry["free"] is True
    assert entry["materials"] == [{"name": "申请书", "form": "原件", "copies": 1, "required": True}]
    assert events(bare_sqlite_engine, "catalogue_imported")[0]["detail"]["new"] == 1


def test_missing_columns_and_sheets_are_reported(catalogue, admin):
    content = _sheet_book(
        [MATTER_ROW[:8]],
        [],
        matter_header=["事项编码", "流程标识", "事项名称", "实施单位", "事项类型", "事项概述", "设定依据", "颜色"],
    )
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, content)
    found = {e["message"].reason: e["message"].params for e in refused.value.details["errors"]}
    assert found["column_unknown"] == {"column": "颜色"}
    assert {"法定时限（工作日）", "受理条件（每行一条）"} <= set(found["columns_missing"]["columns"])


def test_unreadable_oversized_and_unauthorised_files(catalogue, admin):
    for content in (b"{not json", b"PK\x03\x04broken", b"[]"):
        with pytest.raises(InvalidCatalogue):
            import_catalogue(catalogue, admin, content)
    with pytest.raises(TooLarge):
        import_catalogue(catalogue, admin, b" " * (catalogue.settings.max_upload_bytes + 1))
    content = export_catalogue(catalogue, admin, "json")[0]
    with pytest.raises(PermissionDenied):
        import_catalogue(catalogue, catalogue.identity.actor("supervisor"), content)
    with pytest.raises(PermissionDenied):
        export_catalogue(catalogue, catalogue.identity.actor("clerk"), "json")
    assert export_catalogue(catalogue, catalogue.identity.actor("supervisor"), "json")[0] == content


def test_text_that_looks_like_a_formula_is_exported_as_text(catalogue, admin):
    from ..helpers import FIVE_STEP_ENTRY

    catalogue.catalogue.save(
        {**FIVE_STEP_ENTRY, "materials": MATERIALS, "fees": [FEE], "conditions": ['=HYPERLINK("http://x")']}, admin
    )
    content = export_catalogue(catalogue, admin, "xlsx")[0]
    sheet = load_workbook(io.BytesIO(content))["事项"]
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "TEST-0001")[7]
    assert cell.data_type == "s"
    assert import_catalogue(catalogue, admin, content)["changed"] == 0


# --- the page and the API -----------------------------------------------------------------------------------
@pytest.fixture
def app(catalogue):
    from engine.identity.actors import MONITOR
    from engine.models import User
    from web import create_app

    from ..web.helpers import set_passwords

    with catalogue.db.transaction() as session:
        session.add(User(id="monitor", name="监管员", department_id="TJC", posts=[], roles=[MONITOR]))
    set_passwords(catalogue, "admin", "clerk", "supervisor", "monitor")
    return create_app(shenpi=catalogue, testing=True)


def _pages(app, user):
    from ..web.helpers import PageClient

    pages = PageClient(app)
    pages.login(user)
    return pages


def _upload(content: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(content), name)}


def test_page_exports_and_imports_with_readable_errors(app, catalogue, admin):
    pages = _pages(app, "admin")
    listing = pages.get("/admin/matters").get_data(as_text=True)
    assert "/admin/matters/export?format=xlsx" in listing and "/admin/matters/import" in listing
    download = pages.get("/admin/matters/export?format=xlsx&department=测试局")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert [r[0].value for r in load_workbook(io.BytesIO(download.data))["事项"].iter_rows(min_row=2)] == ["TEST-0001"]
    document = as_json(pages.get("/admin/matters/export?format=json").data)
    assert pages.get("/admin/matters/import").status_code == 200

    document["matters"][0]["fees"] = [{"item": "证书费", "standard": "5元", "basis": ""}]
    document["matters"][0]["free"] = False
    failed = pages.post(
        "/admin/matters/import", _upload(to_bytes(document), "bad.json"), content_type="multipart/form-data"
    )
    page = failed.get_data(as_text=True)
    assert failed.status_code == 422 and "未导入任何事项" in page
    assert "matters[0].fees[0]" in page and "没有收费依据" in page

    document["matters"][0]["fees"][0]["basis"] = "《某收费办法》第三条"
    done = pages.post(
        "/admin/matters/import", _upload(to_bytes(document), "good.json"), content_type="multipart/form-data"
    )
    assert done.status_code == 200 and "变更 1 项" in done.get_data(as_text=True)
    assert events(catalogue, "catalogue_imported")[0]["actor"] == "admin"


def test_page_import_needs_an_administrator_and_a_csrf_token(app, catalogue):
    content = export_catalogue(catalogue, catalogue.identity.actor("admin"), "json")[0]
    for user in ("monitor", "clerk"):
        pages = _pages(app, user)
        assert (
            pages.post(
                "/admin/matters/import", _upload(content, "c.json"), content_type="multipart/form-data"
            ).status_code
            == 403
        )
    assert _pages(app, "monitor").get("/admin/matters/export?format=json").status_code == 200
    assert _pages(app, "clerk").get("/admin/matters/export?format=json").status_code == 403
    admin_pages = _pages(app, "admin")
    refused = admin_pages.client.post(
        "/admin/matters/import", data=_upload(content, "c.json"), content_type="multipart/form-data"
    )
    assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)
    assert not events(catalogue, "catalogue_imported")
    listing = _pages(app, "monitor").get("/admin/matters").get_data(as_text=True)
    assert "导出 Excel" in listing and "/admin/matters/import" not in listing


def test_page_refuses_a_file_over_the_size_limit(app, catalogue):
    pages = _pages(app, "admin")
    big = b" " * (catalogue.settings.max_upload_bytes + 10)
    response = pages.post("/admin/matters/import", _upload(big, "big.json"), content_type="multipart/form-data")
    assert response.status_code == 413 and "大小限制" in response.get_data(as_text=True)
    missing = pages.post("/admin/matters/import", {}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "请选择" in missing.get_data(as_text=True)


def test_api_export_and_import(app, catalogue):
    client = app.test_client()
    tokens = {u: catalogue.identity.create_token(u) for u in ("admin", "clerk", "supervisor")}

    def auth(user):
        return {"Authorization": f"Bearer {tokens[user]}"}

    exported = client.get("/api/v1/catalogue/export?format=json", headers=auth("admin"))
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    xlsx = client.get("/api/v1/catalogue/export?format=xlsx", headers=auth("supervisor"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/api/v1/catalogue/export?format=csv", headers=auth("admin")).status_code == 400
    assert client.get("/api/v1/catalogue/export").status_code == 401
    assert client.get("/api/v1/catalogue/export", headers=auth("clerk")).status_code == 403

    ok = client.post("/api/v1/catalogue/import", headers=auth("admin"), data=_upload(xlsx.data, "c.xlsx"))
    assert ok.status_code == 200 and ok.json["unchanged"] == 11 and ok.json["format"] == "xlsx"
    document = as_json(exported.data)
    document["matters"][0]["statutory_limit_days"] = "很久"
    bad = client.post("/api/v1/catalogue/import", headers=auth("admin"), data=_upload(to_bytes(document), "c.json"))
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_catalogue"
    assert bad.json["error"]["errors"][0]["path"] == "matters[0]"
    assert bad.json["error"]["errors"][0]["field"] == "statutory_limit_days"
    assert (
        client.post("/api/v1/catalogue/import", headers=auth("clerk"), data=_upload(xlsx.data, "c.xlsx")).status_code
        == 403
    )
    big = client.post(
        "/api/v1/catalogue/import",
        headers=auth("admin"),
        data=_upload(b" " * (catalogue.settings.max_upload_bytes + 1), "c.json"),
    )
    assert big.status_code == 413 and big.json["error"]["code"] == "payload_too_large"
    assert client.post("/api/v1/catalogue/import", headers=auth("admin"), data={}).status_code == 400


def test_the_documented_schema_has_every_field_the_files_carry(catalogue, admin):
    from engine.catalogue.service import HANDLING, TYPES
    from engine.config import PROJECT_ROOT
    from integrations.catalogue_io.columns import FEE_KEYS, MATERIAL_KEYS, MATTER_KEYS

    schema = json.loads((PROJECT_ROOT / "docs" / "catalogue-schema.json").read_text(encoding="utf-8"))
    matter = schema["$defs"]["matter"]["properties"]
    assert set(matter) == MATTER_KEYS
    assert set(schema["$defs"]["material"]["properties"]) == MATERIAL_KEYS
    assert set(schema["$defs"]["fee"]["properties"]) == FEE_KEYS
    assert matter["type"]["enum"] == list(TYPES) and matter["handling"]["enum"] == list(HANDLING)
    for exported in as_json(export_catalogue(catalogue, admin, "json")[0])["matters"]:
        assert set(exported) <= set(matter) and set(schema["$defs"]["matter"]["required"]) <= set(exported)


def test_structures_where_values_belong_are_errors_not_crashes(catalogue, admin):
    document = as_json(export_catalogue(catalogue, admin, "json")[0])
    document["matters"][0]["code"] = ["TEST-0001"]
    document["matters"][1]["materials"] = {"name": "申请书"}
    document["matters"][2]["legal_basis"] = "《某法》"
    document["matters"].append("not an object")
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, to_bytes(document))
    found = {(e["location"], e["field"]) for e in refused.value.details["errors"]}
    assert {
        ("matters[0]", "code"),
        ("matters[1]", "materials"),
        ("matters[2]", "legal_basis"),
        (f"matters[{len(document['matters']) - 1}]", None),
    } <= found
    with pytest.raises(InvalidCatalogue) as deep:
        import_catalogue(catalogue, admin, b"[" * 100000 + b"]" * 100000)
    assert deep.value.details["errors"][0]["message"].reason == "json_too_deep"


def test_a_workbook_that_unpacks_too_large_is_not_opened(catalogue, admin, monkeypatch):
    from integrations.catalogue_io import excel_format

    content = export_catalogue(catalogue, admin, "xlsx")[0]
    monkeypatch.setattr(excel_format, "MAX_UNPACKED_BYTES", 1000)
    monkeypatch.setattr(excel_format, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(InvalidCatalogue) as refused:
        import_catalogue(catalogue, admin, content)
    assert refused.value.details["errors"][0]["message"].reason == "excel_too_large_unpacked"


def test_command_line_export_and_import(catalogue, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from web import cli

    monkeypatch.setattr(cli, "_engine", lambda: catalogue)
    target = tmp_path / "catalogue.xlsx"
    exported = CliRunner().invoke(cli.main, ["catalogue", "export", str(target), "--department", "测试局"])
    assert exported.exit_code == 0 and target.read_bytes()[:2] == b"PK"
    again = CliRunner().invoke(cli.main, ["catalogue", "import", str(target)])
    assert again.exit_code == 0 and "changed 0, unchanged 1" in again.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"matters": [{"code": "TEST-0001"}]}', encoding="utf-8")
    refused = CliRunner().invoke(cli.main, ["catalogue", "import", str(bad)])
    assert (
        refused.exit_code == 1
        and "matters[0]\tTEST-0001\tstatutory_limit_days\tstatutory limit is missing" in refused.output
    )
    assert CliRunner().invoke(cli.main, ["catalogue", "import", str(bad), "--actor", "clerk"]).exit_code == 1
