"""Catalogue files over HTTP, shared by the API and the administration page: an export as a download, and the
uploaded file read up to the size limit (one byte more, for the integration to refuse it)."""

from __future__ import annotations

from flask import Response, request

from engine.errors import InvalidInput
from integrations.catalogue_io import export_catalogue

from .downloads import content_disposition
from .request_guard import check_form


def export_response(shenpi, actor) -> Response:
    content, filename, media_type = export_catalogue(
        shenpi, actor, request.args.get("format", "json"), request.args.get("department") or None
    )
    return Response(
        content,
        content_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def uploaded_file(shenpi, english: bool = False) -> tuple[bytes, str]:
    upload = request.files.get("file")
    check_form()
    if upload is None or not upload.filename:
        raise InvalidInput("catalogue_file_field_required" if english else "catalogue_file_required", field="file")
    return upload.read(shenpi.settings.max_upload_bytes + 1), upload.filename
