"""Data exchange for ministry systems: case facts as JSON, or batch files (JSON or CSV)."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput
from integrations.exchange.batch_files import read_batch

from . import bp
from .auth import engine
from .payload import json_body


@bp.post("/exchange/facts")
def report_facts():
    body = json_body()
    return jsonify(engine().external_cases.record(g.actor, body.get("facts"), source="api"))


@bp.post("/exchange/batches")
def import_batch():
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("batch_file_field_required", field="file")
    facts, digest = read_batch(upload.filename, upload.read(), engine().settings.max_upload_bytes)
    return jsonify(engine().external_cases.record(g.actor, facts, source=upload.filename or "upload", digest=digest))
