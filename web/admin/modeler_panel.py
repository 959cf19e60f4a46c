"""What the modeler's properties panel asks the server: the unit tree with each unit's posts (a lane is named
``部门/岗位`` from them), and the engine's own check of a gateway condition as the administrator types it."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from engine.definitions import ExpressionError, data_names
from engine.definitions import check_expression as engine_check

from ..errors import error_response
from ..messages import describe
from ..session import engine
from . import bp

MAX_EXPRESSION = 2000  # characters of a condition sent for checking
MAX_FIELDS = 500  # form field names sent with it
MAX_FIELD_NAME = 100


@bp.get("/modeler/units.json")
def units():
    """Active units in tree order: {units: [{id, name, level, depth, posts}], posts: every post known}. A unit's posts
    are those its matters' flows name and those its officials hold."""
    shenpi = engine()
    needed = shenpi.catalogue.posts_by_unit()
    held = shenpi.organisation.posts_held()
    listed = []
    for unit in shenpi.organisation.units(active_only=True):
        posts = sorted(set(needed.get(unit["name"], ())) | set(held.get(unit["id"], ())))
        listed.append(
            {
                "id": unit["id"],
                "name": unit["name"],
                "level": unit["level_name"],
                "depth": unit["depth"],
                "posts": posts,
            }
        )
    every = sorted({post for unit in listed for post in unit["posts"]})
    return jsonify({"units": listed, "posts": every})


@bp.post("/modeler/check-expression")
def check_expression():
    """{expression, fields: [names of the form fields before the gateway]} → {valid, message, line, unknown}.
    ``valid`` is the engine's verdict (the one deploy applies); ``unknown`` names what the expression reads that no
    form field before it provides (allowed: the case's start data may hold it), so the panel can warn."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("expression"), str):
        return _invalid(_("请以 JSON 发送 expression（文本）和 fields（字段名列表）。"))
    source = body["expression"]
    fields = body.get("fields") or []
    if len(source) > MAX_EXPRESSION:
        return _invalid(_("条件过长（最多 %(n)s 个字符）。", n=MAX_EXPRESSION))
    if (
        not isinstance(fields, list)
        or len(fields) > MAX_FIELDS
        or not all(isinstance(f, str) and len(f) <= MAX_FIELD_NAME for f in fields)
    ):
        return _invalid(_("fields 必须是字段名列表（最多 %(n)s 个）。", n=MAX_FIELDS))
    if not source.strip():
        return jsonify({"valid": False, "message": _("请填写条件。"), "line": None, "unknown": []})
    try:
        engine_check(source)
    except ExpressionError as exc:
        return jsonify({"valid": False, "message": refusal(exc), "line": exc.line, "unknown": []})
    unknown = sorted(data_names(source) - set(fields))
    if unknown:
        message = _("条件可以部署，但前面步骤的表单中没有这些字段：%(names)s", names="、".join(unknown))
    else:
        message = _("条件有效。")
    return jsonify({"valid": True, "message": message, "line": None, "unknown": unknown})


def refusal(exc: ExpressionError) -> str:
    """Why the engine refuses an expression, in the reader's language."""
    return describe(exc.message)


def _invalid(message: str):
    return error_response(400, "invalid_input", message)
