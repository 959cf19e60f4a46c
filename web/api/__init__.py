"""REST API under /api/v1."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import (  # noqa: E402,F401
    auth,
    calendar,
    cases,
    catalogue,
    cockpit,
    complaints,
    definitions,
    documents,
    evaluations,
    exchange,
    incidents,
    materials,
    matters,
    migrations,
    reference,
    service_desk,
    signals,
    sms,
    supervision_items,
    tasks,
    upward,
    users,
    verifications,
)
