"""Case materials: upload (multipart), the list with the service guide's checklist, and download."""

from __future__ import annotations

from flask import g, jsonify, request

from ..downloads import material_response
from . import bp
from .auth import engine
from .contract import operation
from .payload import uploaded_files
from .schemas.materials import CaseMaterials, MaterialsAdded, MaterialsForm

MULTIPART_OVERHEAD = 1024 * 1024


def files_sent(required: bool = True) -> list[tuple] | None:
    """The uploaded files; a request may carry at most what a whole case may hold."""
    materials = engine().materials
    return uploaded_files(materials.max_case_bytes + MULTIPART_OVERHEAD, materials.max_file_bytes, required)


@bp.post("/cases/<int:case_id>/materials")
@operation("materials", created=MaterialsAdded, form=MaterialsForm, errors=(400, 403, 404, 409, 413))
def add_materials(case_id):
    """Add materials

    application (before acceptance), supplement (补正: the applicant, while a notice is pending; the clock resumes)
    or attachment (an official's open step)."""
    files = files_sent()
    materials = engine().materials.add(
        case_id, files, g.actor, request.form.get("kind", "application"), task_id=request.form.get("task")
    )
    return jsonify({"materials": materials}), 201


@bp.get("/cases/<int:case_id>/materials")
@operation("materials", ok=CaseMaterials, errors=(403, 404))
def list_materials(case_id):
    """The case's materials and the service guide's checklist"""
    return jsonify(engine().materials.list(case_id, g.actor))


@bp.get("/materials/<int:material_id>/content")
@operation("materials", files={200: ("application/octet-stream",)}, errors=(403, 404))
def material_content(material_id):
    """Download a material: as an attachment, with the media type read from its content, nosniff"""
    return material_response(*engine().materials.open(material_id, g.actor))
