"""Upward reporting to the provincial supervision platform: its status, and a retry of failed records."""
from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine


@bp.get("/upward/status")
def upward_status():
    return jsonify(engine().outbox.status(g.actor))


@bp.post("/upward/retry")
def upward_retry():
    return jsonify({"requeued": engine().outbox.retry_failed(g.actor)})
