from __future__ import annotations

from flask import jsonify

from . import bp
from .auth import engine
from .contract import operation
from .schemas.catalogue import Matter, MatterGuide
from .schemas.system import Health


@bp.get("/health")
@operation("service", ok=Health, public=True)
def health():
    """Liveness, and which database the service runs on"""
    return jsonify({"status": "ok", "database": engine().db.dialect})


@bp.get("/matters")
@operation("catalogue", ok=list[Matter], public=True)
def list_matters():
    """The published catalogue"""
    return jsonify(engine().catalogue.list_matters())


@bp.get("/matters/<code>")
@operation("catalogue", ok=MatterGuide, errors=(404,), public=True, paths={"code": "the matter's code"})
def get_matter(code):
    """A published matter with its service guide"""
    return jsonify(engine().catalogue.get_matter(code))
