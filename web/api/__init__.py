"""REST API under /api/v1."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import auth, calendar, cases, definitions, matters, openapi, tasks, users  # noqa: E402,F401
