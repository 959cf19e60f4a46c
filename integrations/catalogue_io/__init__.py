"""The matter catalogue to and from Excel and JSON. The formats live here; checking and publishing are the engine's
(``shenpi.catalogue_bulk``): an import is all or nothing, every error named with its place in the file."""
from __future__ import annotations

import hashlib
import unicodedata

from engine.errors import InvalidCatalogue, InvalidInput, PermissionDenied, TooLarge

from . import excel_format, json_format

FORMATS = {
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def export_catalogue(shenpi, actor, fmt: str, department: str | None = None) -> tuple[bytes, str, str]:
    """(content, file name, media type) of the published catalogue, or of one department's matters."""
    if fmt not in FORMATS:
        raise InvalidInput("导出格式须为 json 或 xlsx", field="format")
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
        raise PermissionDenied("只有系统管理员可以导入事项目录")
    limit = shenpi.settings.max_upload_bytes
    if len(content) > limit:
        raise TooLarge(f"目录文件超过 {limit // 1024} KB 的大小限制")
    fmt = "xlsx" if content[:4] == b"PK\x03\x04" else "json"
    if not content.strip():
        raise InvalidCatalogue("文件为空，未导入任何事项", errors=[
            {"location": "文件", "field": None, "label": None, "message": "文件为空"}], error_count=1)
    rows, errors = (excel_format if fmt == "xlsx" else json_format).read(content)
    source = {"filename": (filename or "")[:200] or None, "format": fmt,
              "sha256": hashlib.sha256(content).hexdigest()}
    result = shenpi.catalogue_bulk.import_rows(rows, actor, source, errors)
    return {**result, "format": fmt, "filename": source["filename"]}


def _safe(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum() or c in "-_")[:60]
