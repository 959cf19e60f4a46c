"""Correction signals, violation-rule configuration, case fees and result publication."""

from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .payload import int_arg, json_body
from .schemas.violations import (
    Correction,
    FeeCharged,
    FeeRecorded,
    ResultPublished,
    RuleConfigured,
    RuleQuery,
    RuleSetting,
    Signal,
    SignalByHand,
    SignalQuery,
    ViolationRule,
)


@bp.get("/signals")
@operation("signals", ok=list[Signal], query=SignalQuery, errors=(400, 403))
def list_signals():
    """Correction signals (纠错信号) in the reader's scope

    Supervisors: their supervised units; officials: their own department."""
    return jsonify(
        engine().violations.signals.list_signals(
            g.actor,
            color=request.args.get("color") or None,
            status=request.args.get("status") or None,
            department=request.args.get("department") or None,
            case_id=int_arg("case"),
            limit=int_arg("limit", 200, 1),
        )
    )


@bp.post("/signals")
@operation("signals", created=Signal, body=SignalByHand, errors=(400, 403, 404))
def raise_signal():
    """A supervisor raises a correction signal by hand on a case of the units they oversee

    With the article (11: yellow, 12: red) and the reason; it opens its 督办 item like a rule's signal."""
    body = json_body()
    signal = engine().violations.manual.raise_signal(g.actor, body.get("case"), body.get("article"), body.get("reason"))
    return jsonify(signal), 201


@bp.get("/signals/<int:signal_id>")
@operation("signals", ok=Signal, errors=(404,))
def get_signal(signal_id):
    """A correction signal"""
    return jsonify(engine().violations.signals.get(signal_id, g.actor))


@bp.post("/signals/<int:signal_id>/correction")
@operation("signals", ok=Signal, body=Correction, errors=(400, 403, 404, 409))
def correct_signal(signal_id):
    """The department head corrects an open yellow signal (within 1 working day, or it turns red)"""
    return jsonify(engine().violations.signals.correct(signal_id, g.actor, json_body().get("correction")))


@bp.get("/violation-rules")
@operation("signals", ok=list[ViolationRule], query=RuleQuery, errors=(400, 403))
def list_rules():
    """Every violation rule with its configuration per level"""
    return jsonify(engine().violations.rules.list_rules(request.args.get("department") or None, g.actor))


@bp.put("/violation-rules")
@operation("signals", ok=RuleConfigured, body=RuleSetting, errors=(400, 403, 404))
def set_rule():
    """Configure a rule at a level

    common (administrators), bureau (supervisors), department (its head)."""
    body = json_body()
    return jsonify(
        engine().violations.rules.set_config(
            g.actor,
            body.get("rule"),
            body.get("level"),
            body.get("enabled"),
            body.get("params"),
            body.get("department"),
        )
    )


@bp.post("/cases/<int:case_id>/fees")
@operation("signals", created=FeeRecorded, body=FeeCharged, errors=(400, 403, 404))
def record_fee(case_id):
    """Record a fee charged on the case; one the catalogue does not allow raises a red signal"""
    body = json_body()
    return jsonify(engine().violations.fees.record(case_id, body.get("item"), body.get("amount"), g.actor)), 201


@bp.post("/cases/<int:case_id>/result-publication")
@operation("signals", created=ResultPublished, errors=(403, 404, 409))
def publish_result(case_id):
    """Publish an ended case's result (结果公开)"""
    return jsonify(engine().violations.fees.publish_result(case_id, g.actor)), 201
