"""Case materials: upload (multipart), the list with the service guide's checklist, and download."""
from __future__ import annotations

from flask import g, jsonify, request

from ..downloads import material_response
from . import bp
from .auth import engine
from .payload import uploaded_files

MULTIPART_OVERHEAD = 1024 * 1024


def files_sent(required: bool = True) -> list[tuple] | None:
    """The uploaded files; a request may carry at most what a whole case may hold."""
    materials = engine().materials
    return uploaded_files(materials.max_case_bytes + MULTIPART_OVERHEAD, materials.max_file_bytes, required)


@bp.post("/cases/<int:case_id>/materials")
def add_materials(case_id):
    files = files_sent()
    materials = engine().materials.add(case_id, files, g.actor, request.form.get("kind", "application"),
                                       task_id=request.form.get("task"))
    return jsonify({"materials": materials}), 201


@bp.get("/cases/<int:case_id>/materials")
def list_materials(case_id):
    return jsonify(engine().materials.list(case_id, g.actor))


@bp.get("/materials/<int:material_id>/content")
def material_content(material_id):
    return material_response(*engine().materials.open(material_id, g.actor))
