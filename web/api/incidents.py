"""Incidents (engine/incidents): list them, retry one after fixing its cause, resolve one with a note."""

from __future__ import annotations

from flask import g, jsonify, request

from ..messages import describe_stored
from . import bp
from .auth import engine
from .contract import operation
from .payload import int_arg, json_body
from .schemas.incidents import Incident, IncidentPage, IncidentQuery, Resolution


def _worded(incident: dict) -> dict:
    """The incident's error in the reader's language (the engine keeps its reason and params)."""
    return {**incident, "message": describe_stored(incident["reason"], incident["params"])}


@bp.get("/incidents")
@operation("incidents", ok=IncidentPage, query=IncidentQuery, errors=(400, 403))
def list_incidents():
    """Incidents, newest failure first, paged

    Administrators: all; supervisors (read-only): those of cases in the units they oversee."""
    found = engine().incidents.list(
        g.actor,
        case_id=int_arg("case", None, 1),
        kind=request.args.get("kind") or None,
        state=request.args.get("state") or None,
        page=request.args.get("page"),
        per_page=request.args.get("per_page"),
    )
    return jsonify({**found, "items": [_worded(item) for item in found["items"]], "kinds": list(found["kinds"])})


@bp.get("/incidents/<int:incident_id>")
@operation("incidents", ok=Incident, errors=(403, 404))
def get_incident(incident_id):
    """An incident"""
    return jsonify(_worded(engine().incidents.get(incident_id, g.actor)))


@bp.post("/incidents/<int:incident_id>/retry")
@operation("incidents", ok=Incident, errors=(403, 404, 409))
def retry_incident(incident_id):
    """Run the incident's work now (after fixing its cause; administrators)

    Success resolves it; a failure counts another attempt with the new error."""
    return jsonify(_worded(engine().incidents.retry(incident_id, g.actor)))


@bp.post("/incidents/<int:incident_id>/resolve")
@operation("incidents", ok=Incident, body=Resolution, errors=(400, 403, 404, 409))
def resolve_incident(incident_id):
    """Resolve an open incident with a note (administrators)"""
    return jsonify(_worded(engine().incidents.resolve(incident_id, g.actor, json_body().get("note"))))
