"""The catalogue as a file: GET /catalogue/export?format=json|xlsx&department=, POST /catalogue/import (multipart
``file``): 200 with the counts, or 422 ``invalid_catalogue`` with every error and its place."""

from __future__ import annotations

from flask import g, jsonify

from engine.errors import PermissionDenied
from integrations.catalogue_io import import_catalogue

from ..catalogue_files import export_response, uploaded_file
from . import bp
from .auth import engine
from .contract import operation
from .schemas.catalogue import CatalogueExportQuery, CatalogueFile, CatalogueImport, FileForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/catalogue/export")
@operation(
    "catalogue",
    ok=(CatalogueFile, "JSON (docs/catalogue-schema.json) or an Excel workbook"),
    files={200: (XLSX,)},
    query=CatalogueExportQuery,
    errors=(400, 403),
)
def catalogue_export():
    """The published catalogue as a file (系统管理员, 系统监管员/电子监察员)"""
    return export_response(engine(), g.actor)


@bp.post("/catalogue/import")
@operation(
    "catalogue",
    ok=(CatalogueImport, "imported"),
    form=FileForm,
    errors={
        400: None,
        403: None,
        413: None,
        422: "invalid_catalogue: nothing imported; `errors` lists every problem with its place",
    },
)
def catalogue_import():
    """Import an Excel or JSON catalogue file (系统管理员)

    All or nothing; each new or changed matter becomes a new version."""
    if not g.actor.is_admin:
        raise PermissionDenied("catalogue_import_not_allowed")
    content, filename = uploaded_file(engine(), english=True)
    return jsonify(import_catalogue(engine(), g.actor, content, filename))
