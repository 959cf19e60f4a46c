"""Reading a batch file of facts: JSON (``{"facts": [...]}`` or a bare list) or CSV with a header row.

CSV columns (UTF-8, optional BOM): case, matter_code, step, happened_at, applicant_name, applicant_id,
applicant_phone, outcome, reasons, licence_code, official. Each row becomes the same fact object the JSON form
carries (docs/exchange-facts.schema.json), with its line number for error messages."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from engine.errors import InvalidInput, Message, TooLarge

COLUMNS = (
    "case",
    "matter_code",
    "step",
    "happened_at",
    "applicant_name",
    "applicant_id",
    "applicant_phone",
    "outcome",
    "reasons",
    "licence_code",
    "official",
)
APPLICANT_COLUMNS = {"applicant_name": "name", "applicant_id": "id_number", "applicant_phone": "phone"}


def _from_json(text: str) -> list:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "batch_json_invalid",
            errors=[{"line": exc.lineno, "field": "json", "message": exc.msg}],
            detail=exc.msg,
            at=exc.lineno,
        ) from None
    facts = body.get("facts") if isinstance(body, dict) else body
    if not isinstance(facts, list):
        raise InvalidInput("batch_json_shape", field="facts")
    return facts


def _from_csv(text: str) -> list:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        raise InvalidInput("csv_empty", field="file")
    header = [name.strip() for name in reader.fieldnames]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in ("case", "step", "happened_at") if name not in header]
    if unknown or missing:
        problems = [{"line": 1, "field": n, "message": Message("csv_column_unknown", column=n)} for n in unknown]
        problems += [{"line": 1, "field": n, "message": Message("csv_column_missing", column=n)} for n in missing]
        raise InvalidInput("csv_header_wrong", errors=problems, columns=list(COLUMNS))
    reader.fieldnames = header
    facts = []
    for row in reader:
        if None in row:
            raise InvalidInput(
                "csv_row_too_long",
                errors=[{"line": reader.line_num, "field": "row", "message": Message("csv_too_many_fields")}],
            )
        cells = {k: (v or "").strip() for k, v in row.items()}
        if not any(cells.values()):
            continue
        fact = {k: v for k, v in cells.items() if k in COLUMNS and k not in APPLICANT_COLUMNS and v}
        applicant = {APPLICANT_COLUMNS[k]: v for k, v in cells.items() if k in APPLICANT_COLUMNS and v}
        if applicant:
            fact["applicant"] = applicant
        fact["_line"] = reader.line_num
        facts.append(fact)
    return facts


def read_batch(filename: str, data: bytes, max_bytes: int) -> tuple[list, str]:
    """The facts of a file and the file's SHA-256 (the same file sent twice is one batch)."""
    if len(data) > max_bytes:
        raise TooLarge("upload_too_large", field="file", limit=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file_not_utf8", field="file") from None
    name = (filename or "").lower()
    if name.endswith(".csv"):
        facts = _from_csv(text)
    elif name.endswith(".json"):
        facts = _from_json(text)
    else:
        raise InvalidInput("batch_file_type", field="file")
    return facts, hashlib.sha256(data).hexdigest()
