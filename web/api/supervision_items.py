"""Supervision items (督办): list, read, and the procedure's steps (notice, response, extension, finding)."""
from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .payload import int_arg, json_body


@bp.get("/supervision-items")
def list_supervision_items():
    args = request.args
    return jsonify(engine().supervision.list(
        g.actor, status=args.get("status") or None, light=args.get("light") or None,
        department=args.get("department") or None, kind=args.get("kind") or None, limit=int_arg("limit", 200, 1)))


@bp.get("/supervision-items/<int:item_id>")
def get_supervision_item(item_id):
    return jsonify(engine().supervision.get(item_id, g.actor))


@bp.post("/supervision-items/<int:item_id>/notice")
def send_supervision_notice(item_id):
    return jsonify(engine().supervision.send_notice(item_id, g.actor, json_body().get("text")))


@bp.post("/supervision-items/<int:item_id>/response")
def respond_to_supervision_item(item_id):
    return jsonify(engine().supervision.respond(item_id, g.actor, json_body().get("text")))


@bp.post("/supervision-items/<int:item_id>/extension")
def extend_supervision_item(item_id):
    return jsonify(engine().supervision.extend(item_id, g.actor, json_body().get("reason")))


@bp.post("/supervision-items/<int:item_id>/finding")
def record_supervision_finding(item_id):
    body = json_body()
    return jsonify(engine().supervision.record_finding(item_id, g.actor, body.get("text"), body.get("conclusion")))
