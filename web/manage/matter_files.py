"""The catalogue as a file on the administration pages: export (JSON, Excel) and import with every error listed."""

from __future__ import annotations

from flask import render_template

from engine.errors import InvalidCatalogue, InvalidInput
from integrations.catalogue_io import import_catalogue

from ..catalogue_files import export_response, uploaded_file
from ..messages import describe, localised
from ..session import actor, engine
from . import bp
from .common import can_edit, editors, readers


@bp.get("/matters/export")
@readers
def matters_export():
    return export_response(engine(), actor())


@bp.get("/matters/import")
@editors
def matters_import_form():
    return _page()


@bp.post("/matters/import")
@editors
def matters_import():
    try:
        content, filename = uploaded_file(engine())
        result = import_catalogue(engine(), actor(), content, filename)
    except InvalidCatalogue as exc:
        return _page(failure=exc), 422
    except InvalidInput as exc:
        return _page(failure=exc), exc.status
    return _page(result=result)


def _page(result: dict | None = None, failure: InvalidInput | None = None):
    departments = sorted({row["department"] for row in engine().catalogue.search(status="published")})
    return render_template(
        "manage/matter_import.html",
        result=result,
        failure=failure,
        failure_message=describe(failure) if failure else None,
        errors=localised(failure.details.get("errors") or []) if failure else [],
        error_count=(failure.details.get("error_count") or 0) if failure else 0,
        limit_kb=engine().settings.max_upload_bytes // 1024,
        departments=departments,
        can_edit=can_edit(),
    )
