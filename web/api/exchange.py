"""Data exchange for ministry systems: case facts as JSON, or batch files (JSON or CSV)."""

from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput
from integrations.exchange.batch_files import read_batch

from ..request_guard import check_form
from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.catalogue import FileForm
from .schemas.exchange import Facts, FactsRecorded


@bp.post("/exchange/facts")
@operation("exchange", ok=FactsRecorded, body=Facts, errors=(400, 403))
def report_facts():
    """A ministry system reports facts of its cases (data-exchange accounts); all or nothing"""
    body = json_body()
    return jsonify(engine().external_cases.record(g.actor, body.get("facts"), source="api"))


@bp.post("/exchange/batches")
@operation("exchange", ok=FactsRecorded, form=FileForm, errors=(400, 403, 413))
def import_batch():
    """Import a batch file of facts (.json or .csv); the same file again imports nothing"""
    upload = request.files.get("file")
    check_form()
    if upload is None:
        raise InvalidInput("batch_file_field_required", field="file")
    facts, digest = read_batch(upload.filename, upload.read(), engine().settings.max_upload_bytes)
    return jsonify(engine().external_cases.record(g.actor, facts, source=upload.filename or "upload", digest=digest))
