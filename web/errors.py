"""Errors: JSON with a code and a message under /api; a readable page (or an htmx message) elsewhere.
Never a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.errors import EngineError

from .messages import describe, error_body

log = logging.getLogger(__name__)

PAGE_TITLES = {
    400: "请求有误",
    403: "无权访问",
    404: "页面不存在",
    405: "不支持的操作",
    409: "操作冲突",
    413: "文件过大",
    422: "无法处理",
    429: "操作过于频繁",
    500: "服务器内部错误",
}
API_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    429: "too_many_requests",
}


def error_response(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def error_page(status: int, message: str):
    """The error as a page, or as a message fragment swapped into the page's message area for htmx."""
    title = _(PAGE_TITLES.get(status, "出错了"))
    if request.headers.get("HX-Request"):
        fragment = render_template("_message.html", category="error", message=message)
        return fragment, status, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app) -> None:
    @app.errorhandler(EngineError)
    def engine_error(exc: EngineError):
        if not _is_api():
            return error_page(exc.status, describe(exc))
        body = error_body(exc)
        return error_response(exc.status, body.pop("code"), body.pop("message"), **body)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        if _is_api():
            return error_response(400, "csrf_failed", exc.description)
        return error_page(400, _("页面已过期或来源无法确认，请刷新页面后重试。"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        defaults = {
            400: _("请求内容有误。"),
            403: _("您无权进行此操作。"),
            404: _("您要找的页面不存在。"),
            405: _("不支持此操作。"),
            413: _("上传的文件超过大小限制。"),
            429: _("操作过于频繁，请稍后再试。"),
        }
        own_words = exc.description and exc.description != type(exc).description and status != 429
        message = _(exc.description) if own_words else defaults.get(status, _("出错了。"))
        allow = (
            {"Allow": ", ".join(exc.valid_methods)} if isinstance(exc, MethodNotAllowed) and exc.valid_methods else {}
        )
        if not _is_api():
            body, status, headers = (*error_page(status, message), {})[:3]
            return body, status, {**headers, **allow}
        response = error_response(status, API_CODES.get(status, "http_error"), message)
        response.headers.update(allow)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _is_api():
            return error_response(500, "internal_error", _("服务器内部错误，已记录，请稍后再试。"))
        return error_page(500, _("服务器内部错误，已记录，请稍后再试。"))
