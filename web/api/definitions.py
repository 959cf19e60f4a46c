from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput, PermissionDenied

from ..request_guard import check_form
from . import bp
from .auth import engine
from .contract import operation
from .schemas.catalogue import Definition, DefinitionForm, DefinitionQuery


@bp.post("/process-definitions")
@operation(
    "catalogue",
    created=(Definition, "deployed"),
    ok=(Definition, "already deployed (the same file)"),
    form=DefinitionForm,
    errors=(400, 403, 413, 422),
)
def deploy_definition():
    """Deploy a BPMN file as a new version (系统管理员)"""
    if not g.actor.is_admin:
        raise PermissionDenied("deploy_admin_only")
    upload = request.files.get("file")
    check_form()
    if upload is None:
        raise InvalidInput("bpmn_file_field_required", field="file")
    definition = engine().repository.deploy(
        upload.read(), upload.filename or "process.bpmn", actor=g.actor.id, note=request.form.get("note")
    )
    return jsonify(definition), 201 if definition["created"] else 200


@bp.get("/process-definitions")
@operation("catalogue", ok=list[Definition], query=DefinitionQuery)
def list_definitions():
    """Deployed process versions"""
    return jsonify(engine().repository.list_definitions(request.args.get("key")))
