"""The catalogue as a file: GET /catalogue/export?format=json|xlsx&department=, POST /catalogue/import (multipart
``file``): 200 with the counts, or 422 ``invalid_catalogue`` with every error and its place."""
from __future__ import annotations

from flask import g, jsonify

from engine.errors import PermissionDenied
from integrations.catalogue_io import import_catalogue

from ..catalogue_files import export_response, uploaded_file
from . import bp
from .auth import engine


@bp.get("/catalogue/export")
def catalogue_export():
    return export_response(engine(), g.actor)


@bp.post("/catalogue/import")
def catalogue_import():
    if not g.actor.is_admin:
        raise PermissionDenied("catalogue_import_not_allowed")
    content, filename = uploaded_file(engine(), english=True)
    return jsonify(import_catalogue(engine(), g.actor, content, filename))
