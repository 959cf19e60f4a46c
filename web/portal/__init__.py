"""The applicant portal (网上办事大厅): the service guide, applying, my cases, ratings and complaints."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from . import apply, catalogue, complaints, materials, my_cases, rating, results, track  # noqa: E402,F401  (registers the views)
from .labels import template_globals  # noqa: E402

bp.context_processor(template_globals)
