"""Complaint handling pages (投诉处理): the list with lights and filters, and a complaint's page with the
procedure's forms (first feedback, acceptance, forwarding, the department head's result, closure)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from . import views  # noqa: E402,F401  (registers the views)
