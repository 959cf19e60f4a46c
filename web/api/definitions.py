from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput, PermissionDenied

from . import bp
from .auth import engine


@bp.post("/process-definitions")
def deploy_definition():
    if not g.actor.is_admin:
        raise PermissionDenied("deploy_admin_only")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("bpmn_file_field_required", field="file")
    definition = engine().repository.deploy(upload.read(), upload.filename or "process.bpmn", actor=g.actor.id)
    return jsonify(definition), 201 if definition["created"] else 200


@bp.get("/process-definitions")
def list_definitions():
    return jsonify(engine().repository.list_definitions(request.args.get("key")))
