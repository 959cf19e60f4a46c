"""The catalogue as JSON (schema: docs/catalogue-schema.json): ``{"format": "shenpi-catalogue", "version": 1,
"matters": [...]}``, one object per matter with its materials and fees inside it."""

from __future__ import annotations

import json

from engine.catalogue import ImportRow, import_error
from engine.errors import Message

from .columns import FEE_KEYS, FORMAT_NAME, FORMAT_VERSION, MATERIAL_KEYS, MATTER_KEYS


def write(entries: list[dict], exported_at: str, department: str | None) -> bytes:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": exported_at,
        "department": department,
        "matters": entries,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _where(path: str, index: int) -> dict:
    return {"path": path, "index": index, "location": path}


def read(content: bytes) -> tuple[list[ImportRow], list[dict]]:
    """The matters of a JSON catalogue file, and what in it could not be read (with its JSON path)."""
    top = {"path": "$", "location": "$"}
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [], [import_error(top, None, Message("catalogue_json_invalid", detail=str(exc)))]
    except RecursionError:
        return [], [import_error(top, None, Message("json_too_deep"))]
    if not isinstance(document, dict) or not isinstance(document.get("matters"), list):
        return [], [import_error(top, None, Message("catalogue_json_shape"))]
    errors = []
    if document.get("format", FORMAT_NAME) != FORMAT_NAME or document.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        errors.append(
            import_error(top, "format", Message("catalogue_format_version", format=FORMAT_NAME, version=FORMAT_VERSION))
        )
    rows = []
    for index, matter in enumerate(document["matters"]):
        where = _where(f"matters[{index}]", index)
        if not isinstance(matter, dict):
            errors.append(import_error(where, None, Message("matter_not_an_object")))
            continue
        code = matter.get("code")
        for name in sorted(set(matter) - MATTER_KEYS):
            errors.append(import_error(where, name, Message("field_unknown", name=name), code))
        items_where = {}
        for name, known in (("materials", MATERIAL_KEYS), ("fees", FEE_KEYS)):
            items = matter.get(name, [])
            if not isinstance(items, list):
                continue  # the engine reports it on the matter
            items_where[name] = [_where(f"{where['path']}.{name}[{i}]", index) for i in range(len(items))]
            for i, item in enumerate(items):
                for key in sorted(set(item) - known) if isinstance(item, dict) else ():
                    errors.append(import_error(items_where[name][i], name, Message("field_unknown", name=key), code))
        entry = {"materials": [], "fees": [], **{k: v for k, v in matter.items() if k in MATTER_KEYS}}
        rows.append(ImportRow(entry=entry, where=where, items_where=items_where))
    return rows, errors
