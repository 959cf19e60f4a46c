"""The whole catalogue at once: its published entries for export, and an import of many entries that an
integration has read from a file. An import checks every row and reports every error with its place; nothing is
written unless all rows are valid; each new or changed matter becomes a new version (with its trail row) and the
import itself one ``catalogue_imported`` row on the system chain, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidCatalogue, InvalidInput, Message, PermissionDenied
from ..identity.actors import Actor
from ..models import Matter
from ..trail import chain as trail
from .rules import fee_problem, material_problem
from .service import DUTY_DAYS, EDITABLE, merged_entry, validate_entry

if TYPE_CHECKING:
    from ..kernel import Clock, Database
    from .service import CatalogueService

IMPORTED = (*EDITABLE, "summary", "online_depth")  # EDITABLE ends with the post-approval duties (DUTY_DAYS)
EXPORTED = (*IMPORTED, "free", "process_file")
MAX_ENTRIES = 2000
MAX_ERRORS = 500
LABELS = {
    "code": Message("matter_field_code"),
    "key": Message("matter_field_key"),
    "name": Message("matter_field_name"),
    "department": Message("matter_field_department"),
    "type": Message("matter_field_type"),
    "summary": Message("matter_field_summary"),
    "legal_basis": Message("matter_field_legal_basis"),
    "conditions": Message("matter_field_conditions"),
    "materials": Message("matter_field_materials"),
    "fees": Message("matter_field_fees"),
    "statutory_limit_days": Message("matter_field_statutory_limit_days"),
    "promised_limit_days": Message("matter_field_promised_limit_days"),
    "handling": Message("matter_field_handling"),
    "star_level": Message("matter_field_star_level"),
    "online_depth": Message("matter_field_online_depth"),
    "inspection_days": Message("matter_field_inspection_days"),
    "pledge_check_days": Message("matter_field_pledge_check_days"),
    "free": Message("matter_field_free"),
    "process_file": Message("matter_field_process_file"),
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
            raise PermissionDenied("catalogue_export_not_allowed")
        query = sa.select(Matter).where(Matter.published.is_(True)).order_by(Matter.department, Matter.code)
        if department:
            query = query.where(Matter.department == department)
        with self.db.reading() as session:
            return [_exported(matter.entry) for matter in session.scalars(query)]

    def import_rows(
        self,
        rows: list[ImportRow],
        actor: Actor,
        source: dict[str, Any],
        errors: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
    ) -> dict[str, Any]:
        """Publish every new or changed row as a new version; ``source`` names the file (``filename``, ``format``,
        ``sha256``); ``errors`` are what the reader could not read. Raises InvalidCatalogue with every error."""
        if not actor.is_admin:
            raise PermissionDenied("catalogue_import_not_allowed")
        errors = list(errors)
        if len(rows) > MAX_ENTRIES:
            raise InvalidInput("too_many_matters", max=MAX_ENTRIES)
        if not rows and not errors:
            errors.append(import_error({"location": Message("location_file")}, None, Message("file_has_no_matters")))
        note = f"批量导入：{source.get('filename') or '目录文件'}"[:500]
        with self.db.transaction() as session:
            prepared = self._check_all(session, rows, errors)
            if errors:
                raise InvalidCatalogue(
                    "catalogue_file_has_errors", count=len(errors), errors=errors[:MAX_ERRORS], error_count=len(errors)
                )
            result: dict[str, list[dict[str, Any]]] = {"new": [], "changed": [], "unchanged": []}
            for existing, entry in prepared:
                version = self.catalogue._publish(session, entry, actor.id, note)
                kind = "unchanged" if version is None else "new" if existing is None else "changed"
                result[kind].append({"code": entry["code"], "name": entry["name"], "version": version})
            counts = {kind: len(items) for kind, items in result.items()}
            if counts["new"] or counts["changed"]:
                trail.append(
                    session,
                    [
                        trail.event(
                            "catalogue_imported",
                            self.clock.now(),
                            actor=actor.id,
                            data_digest=source.get("sha256"),
                            detail={
                                **counts,
                                "filename": source.get("filename"),
                                "format": source.get("format"),
                                "versions": {i["code"]: i["version"] for i in result["new"] + result["changed"]},
                            },
                        )
                    ],
                )
        return {**counts, "matters": result, "sha256": source.get("sha256")}

    def _check_all(
        self, session: Session, rows: list[ImportRow], errors: list[dict[str, Any]]
    ) -> list[tuple[Matter | None, dict[str, Any]]]:
        codes: dict[str, str] = {}
        keys: dict[str, tuple[str | None, str]] = {}
        prepared: list[tuple[Matter | None, dict[str, Any]]] = []
        for row in rows:
            found: list[dict[str, Any]] = []
            changes = {name: row.entry[name] for name in IMPORTED if name in row.entry}
            code, key = changes.get("code"), changes.get("key")
            if isinstance(code, str) and code in codes:
                found.append(
                    import_error(row.where, "code", Message("matter_code_repeated", code=code, other=codes[code]), code)
                )
            elif isinstance(code, str):
                codes[code] = row.where.get("location", "")
            if isinstance(key, str) and key in keys and keys[key][0] != code:
                found.append(
                    import_error(row.where, "key", Message("process_key_repeated", key=key, matter=keys[key][0]), code)
                )
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
                message = Message("matter_field_missing", label=LABELS.get(name, name))
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
            found.append(import_error(row.where, "summary", Message("summary_too_long"), code))
        depth = changes.get("online_depth")
        if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 3):
            found.append(import_error(row.where, "online_depth", Message("online_depth_range"), code))
        return found


def _free_errors(row: ImportRow, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """``free`` is derived from the fees; a file that says otherwise is refused rather than silently changed."""
    free, fees, code = row.entry.get("free"), changes.get("fees") or [], changes.get("code")
    if free is None:
        return []
    if not isinstance(free, bool):
        return [import_error(row.where, "free", Message("free_yes_or_no"), code)]
    if free and fees:
        return [import_error(row.where, "free", Message("free_with_fees"), code)]
    if not free and not fees:
        return [import_error(row.where, "fees", Message("fees_missing"), code)]
    return []


def _drop_empty_optional(changes: dict[str, Any], existing: Matter | None) -> None:
    """An empty summary, depth or post-approval duty in the file is "none": it leaves an entry that has none
    unchanged."""
    for name in ("summary", "online_depth", *DUTY_DAYS):
        if changes.get(name, 0) in ("", None) and (existing is None or existing.entry.get(name) in ("", None)):
            changes.pop(name)


def _exported(entry: dict[str, Any]) -> dict[str, Any]:
    fees = entry.get("fees") or []
    values = {name: entry.get(name) for name in EXPORTED}
    values.update(fees=fees, free=not fees, summary=entry.get("summary") or "", materials=entry.get("materials") or [])
    return values
