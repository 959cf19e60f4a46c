"""Rule configuration at three levels: a department's own rules, the service office's common rules and the
supervision bureau's re-supervision rules. A rule is evaluated at every level where it is enabled for the
case's department (its own department row, the common row, the bureau row), most specific level first; the
first level whose parameters find a violation raises the signal (one signal per rule and subject)."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..identity.access import is_staff
from ..identity.actors import Actor
from ..kernel.db import Executor, rowcount
from ..models import Department, ViolationRule
from ..trail import chain as trail
from .rules import RULES

if TYPE_CHECKING:
    from ..kernel import Clock, Database

DEPARTMENT, COMMON, BUREAU = "department", "common", "bureau"
LEVELS = (DEPARTMENT, COMMON, BUREAU)
LEVEL_NAMES = {DEPARTMENT: "部门规则", COMMON: "通用规则", BUREAU: "再监察规则"}
_rules = ViolationRule.__table__
_APPLICABLE = sa.select(_rules.c.level, _rules.c.params).where(  # built once: it runs on every case's start
    _rules.c.rule == sa.bindparam("rule"),
    _rules.c.enabled.is_(True),
    sa.or_(
        _rules.c.level.in_((COMMON, BUREAU)),
        sa.and_(_rules.c.level == DEPARTMENT, _rules.c.department == sa.bindparam("department")),
    ),
)


def applicable(session: Executor, name: str, department: str) -> list[tuple[str, dict[str, Any]]]:
    """(level, params) of every level where rule ``name`` is enabled for ``department``, most specific first."""
    rows = session.execute(_APPLICABLE, {"rule": name, "department": department}).all()
    defaults = RULES[name].params
    found = {row.level: {**defaults, **(row.params or {})} for row in rows}
    return [(level, found[level]) for level in LEVELS if level in found]


def enabled_params(session: Executor, name: str) -> list[dict[str, Any]]:
    """The parameters of rule ``name`` at every level and department where it is enabled."""
    defaults = RULES[name].params
    return [
        {**defaults, **(params or {})}
        for params in session.scalars(
            sa.select(_rules.c.params).where(_rules.c.rule == name, _rules.c.enabled.is_(True))
        ).all()
    ]


def seed_defaults(session: Executor, now: _dt.datetime) -> int:
    """Common rows (enabled, default params) for every rule that has none yet; idempotent."""
    present = set(session.scalars(sa.select(_rules.c.rule).where(_rules.c.level == COMMON)).all())
    missing = [name for name in RULES if name not in present]
    for name in missing:
        session.execute(
            _rules.insert().values(
                level=COMMON,
                department="",
                rule=name,
                enabled=True,
                params=dict(RULES[name].params),
                updated_by="engine",
                updated_at=now,
            )
        )
    return len(missing)


def _may_configure(actor: Actor, level: str, department: str) -> bool:
    if level == COMMON:
        return actor.is_admin
    if level == BUREAU:
        return actor.is_admin or actor.is_supervisor
    return actor.heads(department)


def _check_params(name: str, params: object) -> dict[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise InvalidInput("rule_params_not_an_object", field="params")
    defaults = RULES[name].params
    clean: dict[str, Any] = {}
    for key, value in params.items():
        if key not in defaults:
            raise InvalidInput("rule_param_unknown", field="params", rule=name, param=key)
        expected = defaults[key]
        if isinstance(expected, bool):
            if not isinstance(value, bool):
                raise InvalidInput("rule_param_not_boolean", field="params", param=key)
        elif isinstance(expected, int):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
                raise InvalidInput("rule_param_days", field="params", param=key)
        elif isinstance(expected, list):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise InvalidInput("rule_param_names", field="params", param=key)
            value = [v.strip() for v in value]
        clean[key] = value
    return clean


class RuleConfigService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def seed(self) -> int:
        with self.db.transaction() as session:
            return seed_defaults(session, self.clock.now())

    def list_rules(self, department: str | None = None, actor: Actor | None = None) -> list[dict[str, Any]]:
        """Every rule with its configuration per level (department rows of ``department`` only, or all). Read for
        ``actor``: staff only, and an official sees only their own department's rows."""
        if actor is not None:
            if not is_staff(actor):
                raise PermissionDenied("rules_not_allowed")
            if not (actor.is_admin or actor.is_supervisor):
                department = actor.department or ""
        with self.db.reading() as session:
            query = sa.select(_rules).order_by(_rules.c.level, _rules.c.department)
            rows = session.execute(query).all()
        configs: dict[str, list] = {name: [] for name in RULES}
        for row in rows:
            if row.rule not in configs or (
                row.level == DEPARTMENT and department is not None and row.department != department
            ):
                continue
            configs[row.rule].append(
                {
                    "level": row.level,
                    "level_name": LEVEL_NAMES.get(row.level, row.level),
                    "department": row.department or None,
                    "enabled": row.enabled,
                    "params": {**RULES[row.rule].params, **(row.params or {})},
                    "updated_by": row.updated_by,
                    "updated_at": row.updated_at.isoformat(),
                }
            )
        return [
            {
                "rule": r.name,
                "article": r.article,
                "color": r.color,
                "label": r.label,
                "description": r.description,
                "default_params": r.params,
                "levels": configs[r.name],
            }
            for r in RULES.values()
        ]

    def set_config(
        self,
        actor: Actor,
        rule: str,
        level: str,
        enabled: bool,
        params: dict[str, Any] | None = None,
        department: str | None = None,
    ) -> dict[str, Any]:
        if not isinstance(rule, str) or rule not in RULES:
            raise NotFound("rule_not_found", rule=rule)
        if level not in LEVELS:
            raise InvalidInput("not_one_of", field="level", allowed=list(LEVELS))
        if not isinstance(enabled, bool):
            raise InvalidInput("not_boolean", field="enabled")
        if department is not None and not isinstance(department, str):
            raise InvalidInput("department_name_required", field="department")
        department = (department or "").strip() if level == DEPARTMENT else ""
        params = _check_params(rule, params)
        if level == DEPARTMENT and not department:
            raise InvalidInput("department_rule_needs_department", field="department")
        if not _may_configure(actor, level, department):
            raise PermissionDenied("rule_level_not_allowed")
        now = self.clock.now()
        with self.db.transaction() as session:
            if (
                level == DEPARTMENT
                and session.scalar(sa.select(Department.id).where(Department.name == department)) is None
            ):
                raise InvalidInput("unknown_department", field="department", department=department)
            key = (_rules.c.level == level, _rules.c.department == department, _rules.c.rule == rule)
            values = dict(enabled=enabled, params=params, updated_by=actor.id, updated_at=now)
            if rowcount(session.execute(_rules.update().where(*key).values(**values))) == 0:
                session.execute(_rules.insert().values(level=level, department=department, rule=rule, **values))
            trail.append(
                session,
                [
                    trail.event(
                        "violation_rule_configured",
                        now,
                        actor=actor.id,
                        element_id=rule,
                        to_state=level,
                        detail={
                            "rule": rule,
                            "level": level,
                            "department": department or None,
                            "enabled": enabled,
                            "params": params,
                        },
                    )
                ],
            )
        return {
            "rule": rule,
            "level": level,
            "department": department or None,
            "enabled": enabled,
            "params": {**RULES[rule].params, **params},
        }
