"""The organisation as administrators keep it: the 省/市/区/镇(街道)/社区 hierarchy of units.

Lanes, matters and cases name a unit by its name, so a unit that any of them names keeps its name.
Units are never deleted; a unit is deactivated once nothing active depends on it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, Message, NotFound, PermissionDenied
from ..identity.actors import Actor
from ..models import Case, Department, Matter, TaskRecord, User
from ..trail import chain as trail

LEVELS = ("province", "city", "district", "town", "community")
LEVEL_NAMES = {"province": "省", "city": "市", "district": "区（县）", "town": "镇（街道）", "community": "社区（村）"}
UNIT_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
OPEN_CASE = ("running",)

if TYPE_CHECKING:
    from ..kernel import Clock, Database


class OrganisationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ------------------------------------------------------------------------------
    def tree(self) -> list[dict[str, Any]]:
        """The units as nested dicts (roots first, children by name), each with its count of active users."""
        with self.db.reading() as session:
            units = session.scalars(sa.select(Department).order_by(Department.name)).all()
            users = dict(
                session.execute(
                    sa.select(User.department_id, sa.func.count())
                    .where(User.active.is_(True))
                    .group_by(User.department_id)
                ).all()
            )
        nodes: dict[str, dict[str, Any]]
        nodes = {
            u.id: {
                "id": u.id,
                "name": u.name,
                "level": u.level,
                "level_name": LEVEL_NAMES.get(u.level, u.level),
                "parent": u.parent_id,
                "active": u.active,
                "users": users.get(u.id, 0),
                "children": [],
            }
            for u in units
        }
        roots: list[dict[str, Any]] = []
        for node in nodes.values():
            parent = nodes.get(node["parent"])
            (parent["children"] if parent else roots).append(node)
        return roots

    def units(self, active_only: bool = False) -> list[dict[str, Any]]:
        """Every unit in tree order with its depth, for pickers and lists."""
        flat: list[dict[str, Any]] = []

        def walk(nodes: list[dict[str, Any]], depth: int) -> None:
            for node in nodes:
                if node["active"] or not active_only:
                    flat.append({k: v for k, v in node.items() if k != "children"} | {"depth": depth})
                walk(node["children"], depth + 1)

        walk(self.tree(), 0)
        return flat

    def posts_held(self) -> dict[str, list[str]]:
        """The posts the active officials of each unit hold, by unit id (sorted)."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(User.department_id, User.posts).where(User.active.is_(True), User.department_id.is_not(None))
            ).all()
        held: dict[str, set[str]] = {}
        for unit_id, posts in rows:
            held.setdefault(unit_id, set()).update(p for p in posts or () if isinstance(p, str))
        return {unit_id: sorted(posts) for unit_id, posts in held.items()}

    def unit(self, unit_id: str) -> dict[str, Any]:
        with self.db.reading() as session:
            unit = _get(session, unit_id)
            return {
                "id": unit.id,
                "name": unit.name,
                "level": unit.level,
                "parent": unit.parent_id,
                "active": unit.active,
                "blockers": self._blockers(session, unit),
            }

    # --- changes ------------------------------------------------------------------------------
    def create(self, unit_id: str, name: str, level: str, parent_id: str | None, actor: Actor) -> dict[str, Any]:
        _require_admin(actor)
        unit_id = (unit_id or "").strip()
        name = _name(name)
        if not UNIT_ID.match(unit_id):
            raise InvalidInput("unit_id_format", field="id")
        with self.db.transaction() as session:
            if session.get(Department, unit_id) is not None:
                raise InvalidInput("unit_id_taken", field="id")
            self._check_unique_name(session, name, None)
            parent = self._parent(session, parent_id)
            _check_level(level, parent, [])
            session.add(
                Department(id=unit_id, name=name, level=level, parent_id=parent.id if parent else None, active=True)
            )
            self._record(
                session,
                "department_created",
                actor,
                unit_id,
                {"name": name, "level": level, "parent": parent.id if parent else None},
            )
        return self.unit(unit_id)

    def rename(self, unit_id: str, name: str, actor: Actor) -> None:
        _require_admin(actor)
        name = _name(name)
        with self.db.transaction() as session:
            unit = _get(session, unit_id)
            if unit.name == name:
                return
            self._check_unique_name(session, name, unit.id)
            uses = (
                _count(session, Matter.code, Matter.department == unit.name)
                + _count(session, Case.id, Case.department == unit.name)
                + _count(session, TaskRecord.id, TaskRecord.department == unit.name)
            )
            if uses:
                raise InvalidInput("unit_name_in_use", field="name", name=unit.name)
            self._record(session, "department_renamed", actor, unit.id, {"from": unit.name, "to": name})
            unit.name = name

    def move(self, unit_id: str, parent_id: str | None, actor: Actor) -> None:
        _require_admin(actor)
        with self.db.transaction() as session:
            unit = _get(session, unit_id)
            parent = self._parent(session, parent_id)
            if parent is not None and (parent.id == unit.id or unit.id in _ancestors(session, parent)):
                raise InvalidInput("unit_move_into_itself", field="parent")
            _check_level(unit.level, parent, _children(session, unit))
            self._record(
                session,
                "department_moved",
                actor,
                unit.id,
                {"from": unit.parent_id, "to": parent.id if parent else None},
            )
            unit.parent_id = parent.id if parent else None

    def set_level(self, unit_id: str, level: str, actor: Actor) -> None:
        _require_admin(actor)
        with self.db.transaction() as session:
            unit = _get(session, unit_id)
            parent = session.get(Department, unit.parent_id) if unit.parent_id else None
            _check_level(level, parent, _children(session, unit))
            self._record(session, "department_level", actor, unit.id, {"from": unit.level, "to": level})
            unit.level = level

    def deactivate(self, unit_id: str, actor: Actor) -> None:
        _require_admin(actor)
        with self.db.transaction() as session:
            unit = _get(session, unit_id)
            if not unit.active:
                raise InvalidInput("unit_already_inactive")
            blockers = self._blockers(session, unit)
            if blockers:
                raise InvalidInput("unit_has_dependants", name=unit.name, blockers=blockers)
            unit.active = False
            self._record(session, "department_deactivated", actor, unit.id, {"name": unit.name})

    def reactivate(self, unit_id: str, actor: Actor) -> None:
        _require_admin(actor)
        with self.db.transaction() as session:
            unit = _get(session, unit_id)
            parent = session.get(Department, unit.parent_id) if unit.parent_id else None
            if parent is not None and not parent.active:
                raise InvalidInput("parent_unit_inactive_first", name=parent.name)
            if not unit.active:
                unit.active = True
                self._record(session, "department_reactivated", actor, unit.id, {"name": unit.name})

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _blockers(session: Session, unit: Department) -> list[str]:
        """What keeps a unit from being deactivated, in words."""
        found: list[str] = []
        for label, column, condition in (
            ("unit_active_users", User.id, sa.and_(User.department_id == unit.id, User.active.is_(True))),
            (
                "unit_active_children",
                Department.id,
                sa.and_(Department.parent_id == unit.id, Department.active.is_(True)),
            ),
            (
                "unit_published_matters",
                Matter.code,
                sa.and_(Matter.department == unit.name, Matter.published.is_(True)),
            ),
            ("unit_open_cases", Case.id, sa.and_(Case.department == unit.name, Case.status.in_(OPEN_CASE))),
        ):
            count = _count(session, column, condition)
            if count:
                found.append(Message(label, count=count))
        return found

    @staticmethod
    def _check_unique_name(session: Session, name: str, own_id: str | None) -> None:
        other = session.scalar(sa.select(Department.id).where(Department.name == name))
        if other is not None and other != own_id:
            raise InvalidInput("unit_name_taken", field="name")

    @staticmethod
    def _parent(session: Session, parent_id: str | None) -> Department | None:
        if not parent_id:
            return None
        parent = session.get(Department, parent_id)
        if parent is None:
            raise InvalidInput("parent_unit_not_found", field="parent")
        if not parent.active:
            raise InvalidInput("parent_unit_inactive", field="parent", name=parent.name)
        return parent

    def _record(self, session: Session, event: str, actor: Actor, unit_id: str, detail: dict[str, Any]) -> None:
        trail.append(session, [trail.event(event, self.clock.now(), actor=actor.id, element_id=unit_id, detail=detail)])


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("organisation_admin_only")


def _get(session: Session, unit_id: object) -> Department:
    unit = session.get(Department, unit_id) if isinstance(unit_id, str) else None
    if unit is None:
        raise NotFound("unit_not_found", unit=unit_id)
    return unit


def _name(name: object) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not 2 <= len(name) <= 200:
        raise InvalidInput("unit_name_length", field="name")
    return name


def _count(
    session: Session, column: sa.ColumnExpressionArgument[Any], condition: sa.ColumnExpressionArgument[bool]
) -> int:
    return session.scalar(sa.select(sa.func.count(column)).where(condition)) or 0


def _children(session: Session, unit: Department) -> list[Department]:
    return list(session.scalars(sa.select(Department).where(Department.parent_id == unit.id)))


def _ancestors(session: Session, unit: Department) -> set[str]:
    seen: set[str] = set()
    current = unit
    while current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = session.get_one(Department, current.parent_id)
    return seen


def _check_level(level: str, parent: Department | None, children: list[Department]) -> None:
    """A unit sits at its parent's level or below it, and above or at its children's."""
    if level not in LEVELS:
        raise InvalidInput("unit_level_required", field="level")
    rank = LEVELS.index(level)
    if parent is not None and parent.level in LEVELS and LEVELS.index(parent.level) > rank:
        raise InvalidInput(
            "unit_level_above_parent",
            field="level",
            level=LEVEL_NAMES[level],
            parent_level=LEVEL_NAMES[parent.level],
            parent=parent.name,
        )
    for child in children:
        if child.level in LEVELS and LEVELS.index(child.level) < rank:
            raise InvalidInput(
                "unit_level_below_child",
                field="level",
                child=child.name,
                child_level=LEVEL_NAMES[child.level],
                level=LEVEL_NAMES[level],
            )
