from __future__ import annotations

from flask import jsonify

from . import bp
from .auth import engine, public


@bp.get("/health")
@public
def health():
    return jsonify({"status": "ok", "database": engine().db.dialect})


@bp.get("/matters")
@public
def list_matters():
    return jsonify(engine().catalogue.list_matters())


@bp.get("/matters/<code>")
@public
def get_matter(code):
    return jsonify(engine().catalogue.get_matter(code))
