"""Who is acting: officials, their unit and posts, roles, and API tokens."""

from __future__ import annotations

import datetime as _dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..kernel.clock import Clock
from ..kernel.db import Database, Executor
from ..models import ApiToken, Department, User

ADMIN = "admin"  # 系统管理员
MONITOR = "monitor"  # 系统监管员: keeps the supervision rules and scores, oversees like an inspector
SUPERVISOR = "supervisor"  # 电子监察员
OFFICIAL = "official"  # 岗位用户
APPLICANT = "applicant"  # 申请人
EXCHANGE = "exchange"  # 数据交换接口: a ministry system reporting its cases (专网业务系统)
HEAD_POST = "负责人"  # a department's head: assigns work, changes signers, receives escalations
ROLES = (ADMIN, MONITOR, SUPERVISOR, OFFICIAL, APPLICANT, EXCHANGE)
ROLE_NAMES = {
    ADMIN: "系统管理员",
    MONITOR: "系统监管员",
    SUPERVISOR: "电子监察员",
    OFFICIAL: "岗位用户",
    APPLICANT: "申请人",
    EXCHANGE: "数据交换接口",
}


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    department: str | None = None  # department name, as lanes and matters name it
    posts: tuple[str, ...] = field(default_factory=tuple)
    roles: tuple[str, ...] = field(default_factory=tuple)
    standing_in_for: tuple[str, ...] = field(default_factory=tuple)  # AB岗: absent officials this one backs up
    # Departments (by name) a supervisor oversees: the unit their bureau belongs to and every unit below it.
    supervised: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.roles or MONITOR in self.roles

    @property
    def oversees_all(self) -> bool:
        """Sees every unit: administrators (and the engine) only."""
        return ADMIN in self.roles

    def oversees(self, department: str | None) -> bool:
        return self.is_admin or (self.is_supervisor and department in self.supervised)

    def heads(self, department: str | None) -> bool:
        """Administrators, and the head (负责人) of ``department``."""
        return self.is_admin or (self.department == department and HEAD_POST in self.posts)

    @property
    def watches(self) -> bool:
        """Sees cases beyond its own department: administrators and supervisors."""
        return self.is_admin or self.is_supervisor


ENGINE = Actor(id="engine", name="审批引擎", roles=(ADMIN,))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class IdentityService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def actor(self, user_id: str) -> Actor:
        with self.db.reading() as session:
            return self._actor(session, user_id)

    def _actor(self, session: Session, user_id: str) -> Actor:
        row = session.execute(
            sa.select(User, Department.name)
            .outerjoin(Department, User.department_id == Department.id)
            .where(User.id == user_id)
        ).first()
        if row is None or not row[0].active:
            raise NotFound("user_not_found", user=user_id)
        user, department = row
        now = self.clock.now()
        absent = session.scalars(
            sa.select(User.id).where(User.backup_user_id == user.id, User.absent_from <= now, User.absent_until > now)
        ).all()
        roles = tuple(user.roles or ())
        supervised = supervised_units(session, user.department_id) if {SUPERVISOR, MONITOR} & set(roles) else ()
        return Actor(user.id, user.name, department, tuple(user.posts or ()), roles, tuple(absent), supervised)

    def set_absence(
        self, user_id: str, start: _dt.datetime | None, until: _dt.datetime | None, actor: Actor
    ) -> dict[str, Any]:
        """Record an official's absence; meanwhile their backup (AB岗) may act on their tasks."""
        from ..trail import chain as trail

        if (start is None) != (until is None) or (start is not None and until is not None and until <= start):
            raise InvalidInput("absence_period_invalid")
        with self.db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("user_not_found", user=user_id)
            if not (actor.is_admin or actor.id == user_id):
                raise PermissionDenied("absence_not_allowed")
            if start is not None and user.backup_user_id is None:
                raise InvalidInput("absence_without_backup", name=user.name)
            user.absent_from, user.absent_until = start, until
            trail.append(
                session,
                [
                    trail.event(
                        "absence_set",
                        self.clock.now(),
                        actor=actor.id,
                        element_id=user_id,
                        detail={
                            "from": start.isoformat() if start else None,
                            "until": until.isoformat() if until else None,
                            "backup": user.backup_user_id,
                        },
                    )
                ],
            )
            return {
                "user": user_id,
                "absent_from": start.isoformat() if start else None,
                "absent_until": until.isoformat() if until else None,
                "backup": user.backup_user_id,
            }

    def set_password(self, user_id: str, password: str, actor: Actor) -> None:
        from ..trail import chain as trail
        from . import passwords

        if not (actor.is_admin or actor.id == user_id):
            raise PermissionDenied("password_not_allowed")
        hashed = passwords.hash_password(password)
        with self.db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("user_not_found", user=user_id)
            user.password_hash = hashed
            trail.append(session, [trail.event("password_set", self.clock.now(), actor=actor.id, element_id=user_id)])

    def login(self, user_id: str, password: str) -> Actor:
        """The actor for a correct user name and password; one message for every failure."""
        from . import passwords

        if not isinstance(user_id, str) or not isinstance(password, str) or len(user_id) > 64:
            raise PermissionDenied("login_failed")
        with self.db.reading() as session:
            user = session.get(User, user_id.strip())
            stored = user.password_hash if user is not None and user.active else None
            if not passwords.verify(stored, password):
                raise PermissionDenied("login_failed")
            assert user is not None and stored is not None  # verify accepts only a stored hash
            actor = self._actor(session, user.id)
        if passwords.needs_rehash(stored):
            with self.db.transaction() as session:
                session.get_one(User, user.id).password_hash = passwords.hash_password(password)
        return actor

    def register_applicant(self, user_id: str, name: str, password: str, phone: str | None = None) -> Actor:
        """An applicant's own account on the public portal."""
        from ..trail import chain as trail
        from . import passwords

        user_id = (user_id or "").strip() if isinstance(user_id, str) else ""
        name = (name or "").strip() if isinstance(name, str) else ""
        if not (3 <= len(user_id) <= 64) or not all(c.isalnum() or c in "._-@" for c in user_id):
            raise InvalidInput("username_format", field="user_id")
        if not 1 <= len(name) <= 100:
            raise InvalidInput("applicant_name_required", field="name")
        hashed = passwords.hash_password(password)
        with self.db.transaction() as session:
            if session.get(User, user_id) is not None:
                raise InvalidInput("username_registered", field="user_id")
            session.add(
                User(
                    id=user_id,
                    name=name,
                    department_id=None,
                    posts=[],
                    roles=[APPLICANT],
                    password_hash=hashed,
                    phone=phone or None,
                )
            )
            trail.append(
                session, [trail.event("applicant_registered", self.clock.now(), actor=user_id, element_id=user_id)]
            )
        return self.actor(user_id)

    def profile(self, user_id: str) -> dict[str, Any]:
        with self.db.reading() as session:
            row = session.execute(
                sa.select(User, Department.name)
                .outerjoin(Department, User.department_id == Department.id)
                .where(User.id == user_id)
            ).first()
            if row is None:
                raise NotFound("user_not_found", user=user_id)
            user, department = row
            return {
                "id": user.id,
                "name": user.name,
                "department": department,
                "posts": list(user.posts or ()),
                "roles": list(user.roles or ()),
                "role_names": [ROLE_NAMES[r] for r in user.roles or () if r in ROLE_NAMES],
                "phone": user.phone,
                "email": user.email,
                "locale": user.locale,
                "backup": user.backup_user_id,
            }

    def set_locale(self, user_id: str, locale: str) -> None:
        with self.db.transaction() as session:
            user = session.get(User, user_id)
            if user is not None:
                user.locale = locale

    def create_token(self, user_id: str) -> str:
        token = "sp_" + secrets.token_urlsafe(32)
        with self.db.transaction() as session:
            if session.get(User, user_id) is None:
                raise NotFound("user_not_found", user=user_id)
            session.add(ApiToken(user_id=user_id, token_hash=_hash_token(token), created_at=self.clock.now()))
        return token

    def authenticate(self, token: str) -> Actor:
        """The actor of a valid token. It runs before every API request, so it is one prepared query on a plain
        connection (no ORM session): the token, its user and unit, and the colleagues absent now whom the user backs
        up (one row each); a supervisor's units are a second."""
        with self.db.reading_connection() as connection:
            rows = connection.execute(_TOKEN_ACTOR, {"token_hash": _hash_token(token), "now": self.clock.now()}).all()
            if not rows:
                raise PermissionDenied("token_invalid")
            user_id, name, active, department_id, posts, roles, department, _ = rows[0]
            if not active:  # also a token whose user is gone (no row joined)
                raise NotFound("user_not_found", user=user_id)
            roles = tuple(roles or ())
            supervised = supervised_units(connection, department_id) if {SUPERVISOR, MONITOR} & set(roles) else ()
        standing_in_for = tuple(row[-1] for row in rows if row[-1] is not None)
        return Actor(user_id, name, department, tuple(posts or ()), roles, standing_in_for, supervised)


_absent = aliased(User)
_TOKEN_ACTOR = (
    sa.select(
        ApiToken.user_id,
        User.name,
        User.active,
        User.department_id,
        User.posts,
        User.roles,
        Department.name,
        _absent.id,
    )
    .select_from(ApiToken)
    .outerjoin(User, User.id == ApiToken.user_id)
    .outerjoin(Department, User.department_id == Department.id)
    .outerjoin(
        _absent,
        sa.and_(
            _absent.backup_user_id == User.id,
            _absent.absent_from <= sa.bindparam("now", type_=User.absent_from.type),
            _absent.absent_until > sa.bindparam("now", type_=User.absent_from.type),
        ),
    )
    .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked.is_(False))
    .order_by(_absent.id)
)


def department_heads(session: Executor, department: str) -> list[str]:
    """The active officials holding the head post (负责人) of the department named ``department``, by id."""
    rows = session.execute(
        sa.select(User.id, User.posts)
        .join(Department, User.department_id == Department.id)
        .where(Department.name == department, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return [user_id for user_id, posts in rows if HEAD_POST in (posts or [])]


def supervisors(session: Executor) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Every active supervisor (电子监察员, 系统监管员): id, bureau (department id) and the units they oversee."""
    rows = session.execute(
        sa.select(User.id, User.roles, User.department_id).where(User.active.is_(True)).order_by(User.id)
    ).all()
    return [
        (user_id, department_id, supervised_units(session, department_id))
        for user_id, roles, department_id in rows
        if {SUPERVISOR, MONITOR} & set(roles or ())
    ]


def supervised_units(session: Executor, department_id: str | None) -> tuple[str, ...]:
    """Names of the units a supervisor in ``department_id`` oversees. A supervision bureau (监察局) sits under
    the government it belongs to, so the scope starts at the bureau's parent unit and takes every unit below."""
    if department_id is None:
        return ()
    rows = session.execute(sa.select(Department.id, Department.name, Department.parent_id)).all()
    by_id = {row.id: row for row in rows}
    own = by_id.get(department_id)
    if own is None:
        return ()
    root = own.parent_id if own.parent_id in by_id else own.id
    children: dict[str | None, list[str]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row.id)
    scope: list[str] = []
    stack = [root]
    while stack:
        unit = stack.pop()
        scope.append(by_id[unit].name)
        stack.extend(children.get(unit, ()))
    return tuple(sorted(scope))


def split_lane(lane: str | None, default_department: str) -> tuple[str, str | None]:
    """A lane is named after a post ("审核人") or "department/post" for another department's step."""
    if not lane:
        return default_department, None
    if "/" in lane:
        department, post = lane.split("/", 1)
        return department.strip(), post.strip() or None
    return default_department, lane.strip()


def may_act_on_task(actor: Actor, task_department: str, task_post: str | None, assignee: str | None) -> bool:
    if actor.is_admin:
        return True
    if assignee is not None:
        return assignee == actor.id or assignee in actor.standing_in_for
    return actor.department == task_department and (task_post is None or task_post in actor.posts)


def require_task_access(actor: Actor, department: str, post: str | None, assignee: str | None) -> None:
    if not may_act_on_task(actor, department, post, assignee):
        if assignee is not None and assignee != actor.id:
            raise PermissionDenied("task_assigned_to_other", assignee=assignee)
        raise PermissionDenied("task_of_another_department")
