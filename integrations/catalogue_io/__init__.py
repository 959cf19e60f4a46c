"""The matter catalogue to and from Excel and JSON. The formats live here; checking and publishing are the engine's
(``shenpi.catalogue_bulk``): an import is all or nothing, every error named with its place in the file."""

from __future__ import annotations

import hashlib
import unicodedata

from engine.errors import InvalidCatalogue, InvalidInput, Message, PermissionDenied, TooLarge

from . import excel_format, json_format

FORMATS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def export_catalogue(shenpi, actor, fmt: str, department: str | None = None) -> tuple[bytes, str, str]:
    """(content, file name, media type) of the published catalogue, or of one department's matters."""
    if fmt not in FORMATS:
        raise InvalidInput("not_one_of", field="format", allowed=list(FORMATS))
    entries = shenpi.catalogue_bulk.entries(actor, department or None)
    now = shenpi.clock.now()
    if fmt == "json":
        content = json_format.write(entries, now.isoformat(), department or None)
    else:
        content = excel_format.write(entries)
    media_type, extension = FORMATS[fmt]
    scope = f"-{_safe(department)}" if department else ""
    return content, f"catalogue{scope}-{now:%Y%m%d-%H%M}.{extension}", media_type


def import_catalogue(shenpi, actor, content: bytes, filename: str | None = None) -> dict:
    """Read an Excel or JSON catalogue file (recognised by its content) and import it through the engine; the
    result counts new, changed and unchanged matters. Raises InvalidCatalogue listing every error."""
    if not actor.is_admin:
        raise PermissionDenied("catalogue_import_not_allowed")
    limit = shenpi.settings.max_upload_bytes
    if len(content) > limit:
        raise TooLarge("catalogue_file_too_large", kilobytes=limit // 1024)
    fmt = "xlsx" if content[:4] == b"PK\x03\x04" else "json"
    if not content.strip():
        raise InvalidCatalogue(
            "catalogue_file_empty",
            errors=[
                {
                    "location": Message("location_file"),
                    "field": None,
                    "label": None,
                    "message": Message("file_empty_plain"),
                }
            ],
            error_count=1,
        )
    rows, errors = (excel_format if fmt == "xlsx" else json_format).read(content)
    source = {"filename": (filename or "")[:200] or None, "format": fmt, "sha256": hashlib.sha256(content).hexdigest()}
    result = shenpi.catalogue_bulk.import_rows(rows, actor, source, errors)
    return {**result, "format": fmt, "filename": source["filename"]}


def _safe(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum() or c in "-_")[:60]
