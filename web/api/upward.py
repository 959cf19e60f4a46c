"""Upward reporting to the provincial supervision platform: its status, and a retry of failed records."""

from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine
from .contract import operation
from .schemas.exchange import Requeued, UpwardStatus


@bp.get("/upward/status")
@operation("exchange", ok=UpwardStatus, errors=(403,))
def upward_status():
    """Upward reporting to the provincial platform (administrators and supervisors)

    Pending, due, failed and sent records, failed rows with their last error, sent batches."""
    return jsonify(engine().outbox.status(g.actor))


@bp.post("/upward/retry")
@operation("exchange", ok=Requeued, errors=(403,))
def upward_retry():
    """Put every failed upward record back in line, in its batch (系统管理员)"""
    return jsonify({"requeued": engine().outbox.retry_failed(g.actor)})
