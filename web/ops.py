"""Operations endpoints: ``/metrics`` (Prometheus), ``/health/live`` and ``/health/ready`` (JSON, 200 or 503).

``/metrics`` is read with ``Authorization: Bearer <SHENPI_METRICS_TOKEN>``, or without a token from a loopback
address when no token is configured (a request forwarded by a proxy — ``X-Forwarded-For`` present — is not a
loopback request unless the proxy is trusted, ``SHENPI_PROXY_COUNT``). The readiness checks each answer within a
few seconds; a failing one names itself in the body."""

from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, Response, current_app, jsonify, request

from engine import scheduler

from . import metrics, schema

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)
BROKER_TIMEOUT_SECONDS = 3.0


def _engine():
    return current_app.extensions["shenpi"]


def _settings():
    return current_app.extensions["shenpi_settings"]


def _loopback() -> bool:
    settings = _settings()
    if settings.proxy_count == 0 and any(h in request.headers for h in ("X-Forwarded-For", "X-Real-IP", "Forwarded")):
        return False  # came through a proxy on this host: the client is elsewhere
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _metrics_allowed() -> bool:
    token = _settings().metrics_token.get_secret_value()
    if token:
        given = request.headers.get("Authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode())
    return _loopback()


@bp.get("/metrics")
def prometheus_metrics():
    if not _metrics_allowed():
        from .errors import error_response

        if _settings().metrics_token.get_secret_value():
            return error_response(401, "unauthorized", "a valid metrics token is required")
        return error_response(403, "forbidden", "metrics are served to loopback addresses only")
    body, content_type = metrics.render(_engine())
    return Response(body, content_type=content_type)


@bp.get("/health/live")
def live():
    """The process answers."""
    return jsonify({"status": "ok"})


@bp.get("/health/ready")
def ready():
    """The database answers and is at the newest migration, and the broker answers."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    ok = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ok" if ok else "unavailable", "checks": checks})
    response.status_code = 200 if ok else 503
    return response


def _check_database() -> dict:
    try:
        current, newest = schema.revisions(current_app)
    except Exception as exc:  # the database does not answer: say so, never a 500
        log.warning("readiness: database unreachable: %s", exc)
        return {"ok": False, "error": f"unreachable: {type(exc).__name__}"}
    at_newest = set(current) == set(newest)
    check = {"ok": at_newest, "revision": ",".join(sorted(current)) or None, "newest": ",".join(sorted(newest))}
    if not at_newest:
        check["error"] = "schema not at the newest migration: run `shenpi init-db`"
    return check


def _check_broker() -> dict:
    settings = _settings()
    try:
        scheduler.check_broker(settings, BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        log.warning("readiness: broker unreachable: %s", exc)
        return {"ok": False, "error": f"unreachable: {type(exc).__name__}"}
    return {"ok": True, "transport": settings.broker_url.split("://", 1)[0]}
