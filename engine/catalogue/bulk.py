"""The whole catalogue at once: its published entries for export, and an import of many entries that an
integration has read from a file. An import checks every row and reports every error with its place; nothing is
written unless all rows are valid; each new or changed matter becomes a new version (with its trail row) and the
import itself one ``catalogue_imported`` row on the system chain, all in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..trail import chain as trail
from .service import EDITABLE, merged_entry, validate_entry
from .rules import fee_problem, material_problem
from ..errors import InvalidCatalogue, InvalidInput, PermissionDenied
from ..identity.actors import Actor
from ..models import Matter

if TYPE_CHECKING:
    from ..kernel import Clock, Database
    from .service import CatalogueService

IMPORTED = (*EDITABLE, "summary", "online_depth")
EXPORTED = (*IMPORTED, "free", "process_file")
MAX_ENTRIES = 2000
MAX_ERRORS = 500
LABELS = {
    "code": "事项编码", "key": "流程标识", "name": "事项名称", "department": "实施单位", "type": "事项类型",
    "summary": "事项概述", "legal_basis": "设定依据", "conditions": "受理条件", "materials": "申请材料",
    "fees": "收费项目", "statutory_limit_days": "法定时限", "promised_limit_days": "承诺时限",
    "handling": "办件类型", "star_level": "网上办理星级", "online_depth": "网上办理深度", "free": "是否免费",
    "process_file": "流程文件",
}


@dataclass
class ImportRow:
    """One matter as a reader found it: its fields, where it is in the file (e.g. ``{"sheet": "事项", "row": 3}``
    or ``{"path": "matters[2]"}``, with a readable ``location``), where each material and fee is, and the fields
    the reader already reported as unreadable."""

    entry: dict[str, Any]
    where: dict[str, Any]
    items_where: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)


def import_error(where: dict[str, Any], field: str | None, message: str, code: object = None) -> dict[str, Any]:
    error = {**where, "field": field, "label": LABELS.get(field or "", field), "message": message}
    if isinstance(code, str):
        error["matter"] = code
    return error


class CatalogueBulk:
    def __init__(self, db: Database, clock: Clock, catalogue: CatalogueService) -> None:
        self.db = db
        self.clock = clock
        self.catalogue = catalogue

    def entries(self, actor: Actor, department: str | None = None) -> list[dict[str, Any]]:
        """Every published entry (or one department's), with every field an import reads back."""
        if not (actor.is_admin or actor.is_supervisor):
            raise PermissionDenied("只有系统管理员和监管人员可以导出事项目录")
        query = sa.select(Matter).where(Matter.published.is_(True)).order_by(Matter.department, Matter.code)
        if department:
            query = query.where(Matter.department == department)
        with self.db.reading() as session:
            return [_exported(matter.entry) for matter in session.scalars(query)]

    def import_rows(self, rows: list[ImportRow], actor: Actor, source: dict[str, Any],
                    errors: list[dict[str, Any]] | tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
        """Publish every new or changed row as a new version; ``source`` names the file (``filename``, ``format``,
        ``sha256``); ``errors`` are what the reader could not read. Raises InvalidCatalogue with every error."""
        if not actor.is_admin:
            raise PermissionDenied("只有系统管理员可以导入事项目录")
        errors = list(errors)
        if len(rows) > MAX_ENTRIES:
            raise InvalidInput(f"一次最多导入 {MAX_ENTRIES} 个事项")
        if not rows and not errors:
            errors.append(import_error({"location": "文件"}, None, "文件中没有事项"))
        note = f"批量导入：{source.get('filename') or '目录文件'}"[:500]
        with self.db.transaction() as session:
            prepared = self._check_all(session, rows, errors)
            if errors:
                raise InvalidCatalogue(f"导入文件有 {len(errors)} 处错误，未导入任何事项",
                                       errors=errors[:MAX_ERRORS], error_count=len(errors))
            result: dict[str, list[dict[str, Any]]] = {"new": [], "changed": [], "unchanged": []}
            for existing, entry in prepared:
                version = self.catalogue._publish(session, entry, actor.id, note)
                kind = "unchanged" if version is None else "new" if existing is None else "changed"
                result[kind].append({"code": entry["code"], "name": entry["name"], "version": version})
            counts = {kind: len(items) for kind, items in result.items()}
            if counts["new"] or counts["changed"]:
                trail.append(session, [trail.event(
                    "catalogue_imported", self.clock.now(), actor=actor.id, data_digest=source.get("sha256"),
                    detail={**counts, "filename": source.get("filename"), "format": source.get("format"),
                            "versions": {i["code"]: i["version"] for i in result["new"] + result["changed"]}})])
        return {**counts, "matters": result, "sha256": source.get("sha256")}

    def _check_all(self, session: Session, rows: list[ImportRow],
                   errors: list[dict[str, Any]]) -> list[tuple[Matter | None, dict[str, Any]]]:
        codes: dict[str, str] = {}
        keys: dict[str, tuple[str | None, str]] = {}
        prepared: list[tuple[Matter | None, dict[str, Any]]] = []
        for row in rows:
            found: list[dict[str, Any]] = []
            changes = {name: row.entry[name] for name in IMPORTED if name in row.entry}
            code, key = changes.get("code"), changes.get("key")
            if isinstance(code, str) and code in codes:
                found.append(import_error(row.where, "code", f"事项编码“{code}”在文件中重复（另见{codes[code]}）", code))
            elif isinstance(code, str):
                codes[code] = row.where.get("location", "")
            if isinstance(key, str) and key in keys and keys[key][0] != code:
                found.append(import_error(row.where, "key", f"流程“{key}”已由文件中的事项“{keys[key][0]}”使用", code))
            elif isinstance(key, str):
                keys[key] = (code, row.where.get("location", ""))
            problems, definition = self.catalogue.check(session, changes)
            found += self._field_errors(row, changes, problems)
            found += _free_errors(row, changes)
            found = [e for e in found if e["field"] not in row.reported]
            if not found and not row.reported and definition is not None:
                existing = session.get(Matter, code) if isinstance(code, str) else None
                _drop_empty_optional(changes, existing)
                entry = merged_entry(existing, changes, definition)
                try:
                    validate_entry(entry, str(code))
                except InvalidInput as exc:
                    found.append(import_error(row.where, exc.details.get("field"), exc.message, code))
                else:
                    prepared.append((existing, entry))
            errors += found
        return prepared

    def _field_errors(self, row: ImportRow, changes: dict[str, Any], problems: dict[str, str]) -> list[dict[str, Any]]:
        code = changes.get("code")
        found: list[dict[str, Any]] = []
        for name, message in problems.items():
            if name in ("materials", "fees") and isinstance(changes.get(name), list) and changes[name]:
                continue
            if changes.get(name) in (None, "", []):
                message = f"缺少{LABELS.get(name, name)}"
            found.append(import_error(row.where, name, message, code))
        for name, problem in (("materials", material_problem), ("fees", fee_problem)):
            items = changes.get(name)
            if not isinstance(items, list):
                continue
            places = row.items_where.get(name) or []
            for index, item in enumerate(items, start=1):
                text = problem(index, item)
                if text:
                    where = places[index - 1] if index <= len(places) else row.where
                    found.append(import_error(where, name, text, code))
        summary = changes.get("summary")
        if summary is not None and (not isinstance(summary, str) or len(summary) > 2000):
            found.append(import_error(row.where, "summary", "事项概述须为 2000 字以内的文字", code))
        depth = changes.get("online_depth")
        if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 4):
            found.append(import_error(row.where, "online_depth", "网上办理深度须为 1–4 级", code))
        return found


def _free_errors(row: ImportRow, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """``free`` is derived from the fees; a file that says otherwise is refused rather than silently changed."""
    free, fees, code = row.entry.get("free"), changes.get("fees") or [], changes.get("code")
    if free is None:
        return []
    if not isinstance(free, bool):
        return [import_error(row.where, "free", "是否免费须为“是”或“否”", code)]
    if free and fees:
        return [import_error(row.where, "free", "标为免费的事项不得列出收费项目", code)]
    if not free and not fees:
        return [import_error(row.where, "fees", "收费事项须列出收费项目、收费标准和收费依据", code)]
    return []


def _drop_empty_optional(changes: dict[str, Any], existing: Matter | None) -> None:
    """An empty summary or depth in the file is "none": it leaves an entry that has none unchanged."""
    for name in ("summary", "online_depth"):
        if changes.get(name, 0) in ("", None) and (existing is None or existing.entry.get(name) in ("", None)):
            changes.pop(name)


def _exported(entry: dict[str, Any]) -> dict[str, Any]:
    fees = entry.get("fees") or []
    values = {name: entry.get(name) for name in EXPORTED}
    values.update(fees=fees, free=not fees, summary=entry.get("summary") or "",
                  materials=entry.get("materials") or [])
    return values
