"""The public results page (seed 002 Art. 19: the monthly results are published): archived months only, each
department's place, score and indicators; no officials, no personal data, no sign-in."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.errors import InvalidInput

from ..reports.labels import template_globals
from ..session import engine

bp = Blueprint("results", __name__, url_prefix="/results")
bp.context_processor(template_globals)


@bp.get("")
def index():
    month = (request.args.get("month") or "").strip() or None
    try:
        results = engine().performance.public_results(month)
    except InvalidInput:
        results = engine().performance.public_results()
    return render_template("results/index.html", results=results)
