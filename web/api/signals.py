"""Correction signals, violation-rule configuration, case fees and result publication."""
from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .payload import int_arg, json_body


@bp.get("/signals")
def list_signals():
    return jsonify(engine().violations.signals.list_signals(
        g.actor, color=request.args.get("color") or None, status=request.args.get("status") or None,
        department=request.args.get("department") or None, case_id=int_arg("case"), limit=int_arg("limit", 200, 1)))


@bp.get("/signals/<int:signal_id>")
def get_signal(signal_id):
    return jsonify(engine().violations.signals.get(signal_id, g.actor))


@bp.post("/signals/<int:signal_id>/correction")
def correct_signal(signal_id):
    return jsonify(engine().violations.signals.correct(signal_id, g.actor, json_body().get("correction")))


@bp.get("/violation-rules")
def list_rules():
    return jsonify(engine().violations.rules.list_rules(request.args.get("department") or None))


@bp.put("/violation-rules")
def set_rule():
    body = json_body()
    return jsonify(engine().violations.rules.set_config(
        g.actor, body.get("rule"), body.get("level"), body.get("enabled"), body.get("params"), body.get("department")))


@bp.post("/cases/<int:case_id>/fees")
def record_fee(case_id):
    body = json_body()
    return jsonify(engine().violations.fees.record(case_id, body.get("item"), body.get("amount"), g.actor)), 201


@bp.post("/cases/<int:case_id>/result-publication")
def publish_result(case_id):
    return jsonify(engine().violations.fees.publish_result(case_id, g.actor)), 201


def _errors(*codes):
    schema = {"$ref": "#/components/schemas/Error"}
    return {str(c): {"description": "error", "content": {"application/json": {"schema": schema}}} for c in codes}


def _ok(status="200", schema=None):
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema or {"type": "object"}}}}}


def _body(required, properties):
    return {"content": {"application/json": {"schema": {"type": "object", "required": required,
                                                         "properties": properties}}}}


_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_SIGNAL = {"type": "object", "properties": {
    "id": {"type": "integer"}, "rule": {"type": "string"}, "label": {"type": "string"},
    "level": {"type": "string", "enum": ["department", "common", "bureau"]},
    "article": {"type": "string", "enum": ["11", "12"]}, "color": {"type": "string", "enum": ["yellow", "red"]},
    "subject": {"type": "string"}, "case_id": {"type": ["integer", "null"]}, "department": {"type": "string"},
    "official": {"type": ["string", "null"]}, "summary": {"type": "string"}, "detail": {},
    "raised_at": {"type": "string", "format": "date-time"},
    "correct_by": {"type": ["string", "null"], "format": "date-time"},
    "corrected_at": {"type": ["string", "null"], "format": "date-time"},
    "corrected_by": {"type": ["string", "null"]}, "correction": {"type": ["string", "null"]},
    "turned_red_at": {"type": ["string", "null"], "format": "date-time"},
    "status": {"type": "string", "enum": ["open", "corrected", "closed"]}}}

PATHS = {
    "/signals": {"get": {
        "summary": "Correction signals (纠错信号) in the reader's scope: supervisors their supervised units, officials "
                   "their own department",
        "parameters": [{"name": n, "in": "query", "schema": s} for n, s in (
            ("color", {"type": "string", "enum": ["yellow", "red"]}),
            ("status", {"type": "string", "enum": ["open", "corrected", "closed"]}),
            ("department", {"type": "string"}), ("case", {"type": "integer"}), ("limit", {"type": "integer"}))],
        "responses": {**_ok(schema={"type": "array", "items": _SIGNAL}), **_errors(400, 401, 403)}}},
    "/signals/{id}": {"get": {"parameters": _ID, "responses": {**_ok(schema=_SIGNAL), **_errors(401, 404)}}},
    "/signals/{id}/correction": {"post": {
        "summary": "The department head corrects an open yellow signal (within 1 working day, or it turns red)",
        "parameters": _ID, "requestBody": _body(["correction"], {"correction": {"type": "string"}}),
        "responses": {**_ok(schema=_SIGNAL), **_errors(400, 401, 403, 404, 409)}}},
    "/violation-rules": {
        "get": {"summary": "Every violation rule with its configuration per level",
                "parameters": [{"name": "department", "in": "query", "schema": {"type": "string"}}],
                "responses": {**_ok(schema={"type": "array", "items": {"type": "object"}}), **_errors(401)}},
        "put": {"summary": "Configure a rule at a level: common (administrators), bureau (supervisors), department "
                           "(its head)",
                "requestBody": _body(["rule", "level", "enabled"], {
                    "rule": {"type": "string"}, "level": {"type": "string", "enum": ["department", "common", "bureau"]},
                    "department": {"type": "string"}, "enabled": {"type": "boolean"},
                    "params": {"type": "object", "description": "e.g. {\"days\": 2}; keys as in default_params"}}),
                "responses": {**_ok(), **_errors(400, 401, 403, 404)}}},
    "/cases/{id}/fees": {"post": {
        "summary": "Record a fee charged on the case; one the catalogue does not allow raises a red signal",
        "parameters": _ID, "requestBody": _body(["item", "amount"], {
            "item": {"type": "string"}, "amount": {"type": ["number", "string"], "description": "yuan, 2 decimals"}}),
        "responses": {**_ok("201"), **_errors(400, 401, 403, 404)}}},
    "/cases/{id}/result-publication": {"post": {
        "summary": "Publish an ended case's result (结果公开)", "parameters": _ID,
        "responses": {**_ok("201"), **_errors(401, 403, 404, 409)}}},
}
