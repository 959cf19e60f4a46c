"""The API described: its OpenAPI document (generated from the routes and their models) and a reference page."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, url_for

from . import bp
from .contract import document, operation
from .schemas.system import OpenApiDocument

docs_bp = Blueprint("api_docs", __name__)


@bp.get("/openapi.json")
@operation("service", ok=OpenApiDocument, public=True)
def openapi():
    """This document: the API's OpenAPI 3.1 description"""
    return jsonify(document())


@docs_bp.get("/api/docs")
def reference_page():
    """Swagger UI over the document (a page: served under the pages' Content-Security-Policy)."""
    return render_template("api_docs.html", spec_url=url_for("api.openapi"))
