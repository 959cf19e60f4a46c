"""Bearer-token authentication; public endpoints are marked with @public."""

from __future__ import annotations

from flask import current_app, g, request

from engine.errors import PermissionDenied

from .. import logs
from . import bp

PUBLIC_ENDPOINTS: set[str] = set()


def public(view):
    PUBLIC_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
    return view


def engine():
    return current_app.extensions["shenpi"]


class Unauthorized(PermissionDenied):
    code = "unauthorized"
    status = 401


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        g.actor = None
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("bearer_token_required")
    try:
        g.actor = engine().identity.authenticate(token.strip())
    except PermissionDenied:
        raise Unauthorized("token_invalid") from None
    logs.bind_user(g.actor.id)
