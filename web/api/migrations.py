"""Moving running cases to another version of their process (as Camunda's migration API)."""

from __future__ import annotations

from flask import g, jsonify

from ..messages import describe_refusals
from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.migrations import MigrationRequest, MigrationResult


@bp.post("/migrations")
@operation("catalogue", ok=MigrationResult, body=MigrationRequest, errors=(400, 403, 404))
def migrate_cases():
    """Move running cases to another version of their process (系统管理员)

    ``cases`` (ids) or ``all`` running on ``from_version``; elements keep their id, others follow ``mapping``. Each
    case moves in its own transaction: a refused case (its open step has no target, a parallel split changed…)
    is reported with its reason and the others still move. ``dry_run`` reports the same without changing
    anything."""
    body = json_body()
    result = engine().migration.migrate(
        g.actor,
        body.get("process"),
        body.get("from_version"),
        body.get("to_version"),
        cases=body.get("cases"),
        all_cases=body.get("all") is True,
        mapping=body.get("mapping"),
        dry_run=body.get("dry_run") is True,
    )
    return jsonify(describe_refusals(result))
