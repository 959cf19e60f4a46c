"""Every error is JSON with a code and a message under /api, never an HTML page or a traceback."""
from __future__ import annotations

import logging

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(EngineError)
    def engine_error(exc: EngineError):
        body = exc.to_dict()
        return error_response(exc.status, body.pop("code"), body.pop("message"), **body)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
                400: "bad_request", 401: "unauthorized", 403: "forbidden"}.get(exc.code, "http_error")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return error_response(500, "internal_error", "an internal error occurred; it has been logged")
        return "服务器内部错误，已记录。", 500
