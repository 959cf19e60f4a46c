"""The catalogue as an Excel workbook: sheet 事项 (one row per matter), 申请材料 and 收费项目 (one row per
material or fee, keyed by 事项编码), and 说明 (every column with its English key). Read with openpyxl in read-only
mode; formulas are refused, never evaluated; a zip that unpacks too large is refused before it is opened."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from engine.catalogue import ImportRow, import_error
from engine.errors import Message

from .cells import CellError, read_cell
from .columns import FEE_SHEET, GUIDE_SHEET, MATERIAL_SHEET, MATTER_COLUMNS, MATTER_SHEET, MEANINGS, SHEETS, Column

MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PARTS = 200
MAX_ROWS = 20000


# --- writing ----------------------------------------------------------------------------------------------
def write(entries: list[dict]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    matters = [[_cell(entry.get(c.key), c) for c in MATTER_COLUMNS] for entry in entries]
    materials = [
        [
            entry["code"],
            m.get("name"),
            m.get("form"),
            m.get("copies"),
            m.get("required"),
            m.get("note"),
            m.get("pledge"),
        ]
        for entry in entries
        for m in entry.get("materials") or []
    ]
    fees = [
        [entry["code"], f.get("item"), f.get("standard"), f.get("basis")]
        for entry in entries
        for f in entry.get("fees") or []
    ]
    for title, rows in ((MATTER_SHEET, matters), (MATERIAL_SHEET, materials), (FEE_SHEET, fees)):
        _sheet(book, title, [c.header for c in SHEETS[title]], [[_cell(v) for v in row] for row in rows])
    guide = [
        [title, c.header, c.key, MEANINGS.get(c.key, c.header)] for title, columns in SHEETS.items() for c in columns
    ]
    _sheet(book, GUIDE_SHEET, ["工作表", "列名", "英文键（JSON）", "说明"], guide)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, column: Column | None = None):
    if column is not None and column.kind == "lines":
        return "\n".join(value or [])
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _sheet(book, title, headers, rows) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                if "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(headers):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = max(10, min(40, len(header) * 2 + 4))
    sheet.freeze_panes = "A2"


# --- reading ----------------------------------------------------------------------------------------------
def read(content: bytes) -> tuple[list[ImportRow], list[dict]]:
    """The matters of a workbook, and what in it could not be read (sheet, row and column)."""
    problem = _unsafe(content)
    if problem:
        return [], [import_error({"location": Message("location_file")}, None, problem)]
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return [], [import_error({"location": Message("location_file")}, None, Message("excel_unreadable"))]
    try:
        return _read_book(book)
    finally:
        book.close()


def _unsafe(content: bytes) -> Message | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        return Message("excel_not_xlsx")
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        return Message("excel_too_large_unpacked")
    return None


def _read_book(book) -> tuple[list[ImportRow], list[dict]]:
    errors: list[dict] = []
    if MATTER_SHEET not in book.sheetnames:
        return [], [
            import_error({"location": Message("location_file")}, None, Message("sheet_missing", sheet=MATTER_SHEET))
        ]
    rows, by_code = [], {}
    for where, values, reported in _records(book[MATTER_SHEET], MATTER_SHEET, errors):
        entry = {k: v for k, v in values.items() if v is not None}
        row = ImportRow(entry=entry, where=where, items_where={"materials": [], "fees": []}, reported=reported)
        entry.update(materials=[], fees=[])
        rows.append(row)
        if isinstance(entry.get("code"), str):
            by_code.setdefault(entry["code"], row)
    for title, name in ((MATERIAL_SHEET, "materials"), (FEE_SHEET, "fees")):
        if title not in book.sheetnames:
            errors.append(
                import_error({"location": Message("location_file")}, None, Message("item_sheet_missing", sheet=title))
            )
            continue
        for where, values, reported in _records(book[title], title, errors):
            code = values.pop("code", None)
            row = by_code.get(code)
            if row is None:
                errors.append(
                    import_error(where, "code", Message("code_not_in_sheet", code=code or "", sheet=MATTER_SHEET), code)
                )
                continue
            row.entry.setdefault(name, []).append({k: v for k, v in values.items() if v is not None})
            row.items_where[name].append(where)
            if reported:
                row.reported.add(name)
    return rows, errors


def _records(sheet, title: str, errors: list):
    """(where, values by key, fields reported as unreadable) for each non-blank row below the header."""
    lines = sheet.iter_rows()
    header = next(lines, None)
    columns = _columns(header or (), title, errors)
    if columns is None:
        return
    for number, cells in enumerate(lines, start=2):
        if number > MAX_ROWS:
            errors.append(
                import_error(
                    {"sheet": title, "location": Message("location_sheet", sheet=title)},
                    None,
                    Message("sheet_too_many_rows", max=MAX_ROWS),
                )
            )
            return
        if all(getattr(c, "value", None) in (None, "") for c in cells):
            continue
        where = {"sheet": title, "row": number, "location": Message("location_sheet_row", sheet=title, row=number)}
        values, reported = {}, set()
        for position, column in columns.items():
            cell = cells[position] if position < len(cells) else None
            try:
                values[column.key] = read_cell(cell, column.kind)
            except CellError as exc:
                reported.add(column.key)
                errors.append(
                    import_error(
                        where,
                        column.key,
                        Message("cell_in_column", column=column.header, detail=exc.args[0]),
                        values.get("code"),
                    )
                )
        yield where, values, reported


def _columns(header, title: str, errors: list) -> dict[int, Column] | None:
    known = {}
    for column in SHEETS[title]:
        known[column.header] = known[column.key] = column
        known[column.header.split("（")[0]] = column
    columns, place = {}, {"sheet": title, "row": 1, "location": Message("location_sheet_header", sheet=title)}
    for position, cell in enumerate(header):
        text = str(cell.value).strip() if getattr(cell, "value", None) is not None else ""
        if not text:
            continue
        if text not in known:
            errors.append(import_error(place, None, Message("column_unknown", column=text)))
            continue
        if known[text].kind != "readonly":
            columns[position] = known[text]
    missing = [c.header for c in SHEETS[title] if c.required and c not in columns.values()]
    if missing:
        errors.append(import_error(place, None, Message("columns_missing", columns=missing)))
        return None
    return columns
