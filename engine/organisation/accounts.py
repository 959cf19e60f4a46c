"""Staff accounts as administrators keep them: create, edit, reset a password, deactivate (never delete)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, Message, NotFound, PermissionDenied
from ..identity import passwords
from ..identity.actors import ADMIN, APPLICANT, HEAD_POST, ROLES, Actor, IdentityService, split_lane
from ..kernel.paging import PageArg, page_of_list
from ..models import Department, Matter, User
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database

USER_ID = re.compile(r"^[\w.@-]{2,64}$")
PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_POSTS = 20


class AccountService:
    def __init__(self, db: Database, clock: Clock, identity: IdentityService, repository: RepositoryService) -> None:
        self.db = db
        self.clock = clock
        self.identity = identity
        self.repository = repository

    def list_users(
        self,
        department_id: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        text: str | None = None,
    ) -> list[dict[str, Any]]:
        query = sa.select(User, Department.name).outerjoin(Department, User.department_id == Department.id)
        if department_id:
            query = query.where(User.department_id == department_id)
        if active is not None:
            query = query.where(User.active.is_(active))
        if text and text.strip():
            pattern = f"%{text.strip()}%"
            query = query.where(sa.or_(User.id.ilike(pattern), User.name.ilike(pattern)))
        with self.db.reading() as session:
            rows = session.execute(query.order_by(User.id)).all()
        return [_describe(user, department) for user, department in rows if not role or role in (user.roles or ())]

    def page_users(
        self,
        department_id: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        text: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of ``list_users``."""
        return page_of_list(self.list_users(department_id, role, active, text), page, per_page)

    def get(self, user_id: str) -> dict[str, Any]:
        with self.db.reading() as session:
            row = session.execute(
                sa.select(User, Department.name)
                .outerjoin(Department, User.department_id == Department.id)
                .where(User.id == user_id)
            ).first()
            if row is None:
                raise NotFound("user_not_found", user=user_id)
            return _describe(*row)

    def known_posts(self, department_id: str | None = None) -> list[str]:
        """Posts the department's matters' lanes name (or every unit's, without one), and posts already held."""
        with self.db.reading() as session:
            name = (
                session.scalar(sa.select(Department.name).where(Department.id == department_id))
                if department_id
                else None
            )
            matters = session.execute(sa.select(Matter.department, Matter.process_key)).all()
            held = session.scalars(
                sa.select(User.posts).where(User.department_id == department_id)
                if department_id
                else sa.select(User.posts)
            ).all()
            keys = {}
            for department, key in matters:
                definition = session.scalar(self._latest(key))
                if definition is not None:
                    keys[definition] = department
        posts = {HEAD_POST} | {post for user_posts in held for post in user_posts or ()}
        for definition_id, matter_department in keys.items():
            for lane in self.repository.parsed(definition_id).lanes:
                lane_department, post = split_lane(lane, matter_department)
                if post and (name is None or lane_department == name):
                    posts.add(post)
        return sorted(posts)

    @staticmethod
    def _latest(key: str) -> sa.Select:
        from ..models import ProcessDefinition

        return (
            sa.select(ProcessDefinition.id)
            .where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        )

    def create(self, data: dict[str, Any], password: str, actor: Actor) -> dict[str, Any]:
        """A staff account with a temporary password the administrator hands over."""
        _require_admin(actor)
        errors: dict[str, str] = {}
        user_id = data["id"].strip() if isinstance(data.get("id"), str) else ""
        if not USER_ID.match(user_id):
            errors["id"] = Message("account_id_format")
        try:
            hashed = passwords.hash_password(password)
        except InvalidInput as exc:
            errors["password"], hashed = exc.message, None
        with self.db.transaction() as session:
            if user_id and session.get(User, user_id) is not None:
                errors["id"] = Message("account_id_taken")
            values = self._check(session, data, user_id, errors)
            user = User(id=user_id, password_hash=hashed, active=True, **values)
            session.add(user)
            session.flush()
            self._record(session, "user_created", actor, user_id, _public(values))
        return self.get(user_id)

    def create_many(self, rows: list[dict[str, Any]], password: str, actor: Actor) -> list[dict[str, Any]]:
        """Several accounts at once, e.g. a new unit's staff, all with the same temporary password the
        administrator hands over (hashed once: the accounts share that hash until each changes its password).

        All or none: each row is checked as ``create`` checks one, and every error of every row is reported at
        once in ``errors`` (row number from 1, user name, field, message). Rows may name each other as AB岗
        backups. One transaction, with a ``user_created`` trail row per account."""
        _require_admin(actor)
        hashed = passwords.hash_password(password)
        problems, ids = [], []
        with self.db.transaction() as session:
            # First every account without its backup, so that rows may name each other; then the backups.
            for number, data in enumerate(rows, start=1):
                errors: dict[str, str] = {}
                raw_id = data.get("id")
                user_id = raw_id.strip() if isinstance(raw_id, str) else ""
                if not USER_ID.match(user_id):
                    errors["id"] = Message("account_id_format")
                elif user_id in ids or session.get(User, user_id) is not None:
                    errors["id"] = Message("account_id_taken")
                try:
                    values = self._check(session, {**data, "backup": None}, user_id, errors)
                except InvalidInput as exc:
                    problems += _row_errors(number, user_id, exc)
                    ids.append(user_id)
                    continue
                session.add(User(id=user_id, password_hash=hashed, active=True, **values))
                ids.append(user_id)
            if problems:
                raise InvalidInput("accounts_invalid", errors=problems)
            session.flush()
            events = []
            for number, (user_id, data) in enumerate(zip(ids, rows), start=1):
                try:
                    values = self._check(session, data, user_id, {})
                except InvalidInput as exc:
                    problems += _row_errors(number, user_id, exc)
                    continue
                session.get_one(User, user_id).backup_user_id = values["backup_user_id"]
                events.append(
                    trail.event(
                        "user_created", self.clock.now(), actor=actor.id, element_id=user_id, detail=_public(values)
                    )
                )
            if problems:
                raise InvalidInput("accounts_invalid", errors=problems)
            trail.append(session, events)
        return [self.get(user_id) for user_id in ids]

    def update(self, user_id: str, data: dict[str, Any], actor: Actor) -> dict[str, Any]:
        _require_admin(actor)
        with self.db.transaction() as session:
            user = _get(session, user_id)
            values = self._check(session, data, user_id, {})
            changed = {name: value for name, value in values.items() if getattr(user, name) != value}
            if ADMIN in user.roles and "roles" in changed and ADMIN not in values["roles"] and user_id == actor.id:
                raise InvalidInput("own_admin_role", errors={"roles": Message("own_admin_role")})
            for name, value in changed.items():
                setattr(user, name, value)
            if changed:
                self._record(session, "user_updated", actor, user_id, _public(changed))
        return self.get(user_id)

    def reset_password(self, user_id: str, password: str, actor: Actor) -> None:
        """The administrator sets a temporary password (argon2id, recorded as ``password_set``)."""
        _require_admin(actor)
        self.identity.set_password(user_id, password, actor)

    def set_missing_passwords(self, user_ids: list[str], password: str, actor: Actor) -> list[str]:
        """Give each of these accounts that has no password yet (made by an earlier build, or by a data import
        that sets none) this temporary password, hashed once; accounts that have a password keep it. Returns the
        ids given one. One transaction, with a ``password_set`` trail row per account, as a reset writes."""
        _require_admin(actor)
        passwords.check_strength(password)
        with self.db.reading() as session:
            missing = session.scalars(
                sa.select(User.id).where(User.id.in_(list(user_ids)), User.password_hash.is_(None))
            ).all()
        if not missing:
            return []
        hashed = passwords.hash_password(password)
        with self.db.transaction() as session:
            users = session.scalars(
                sa.select(User).where(User.id.in_(missing), User.password_hash.is_(None)).order_by(User.id)
            ).all()
            for user in users:
                user.password_hash = hashed
            trail.append(
                session,
                [trail.event("password_set", self.clock.now(), actor=actor.id, element_id=user.id) for user in users],
            )
            return [user.id for user in users]

    def set_active(self, user_id: str, active: bool, actor: Actor) -> None:
        """Deactivate (the account can no longer sign in or use its tokens) or reactivate; never delete."""
        _require_admin(actor)
        if not active and user_id == actor.id:
            raise InvalidInput("deactivate_self")
        with self.db.transaction() as session:
            user = _get(session, user_id)
            if user.active == active:
                return
            if active and user.department_id and not session.get_one(Department, user.department_id).active:
                raise InvalidInput("account_unit_inactive")
            user.active = active
            self._record(session, "user_reactivated" if active else "user_deactivated", actor, user_id, None)

    def _check(self, session: Session, data: dict[str, Any], user_id: str, errors: dict[str, str]) -> dict[str, Any]:
        """The stored values for ``data``; raises with every field error at once."""
        name = data["name"].strip() if isinstance(data.get("name"), str) else ""
        if not 1 <= len(name) <= 100:
            errors["name"] = Message("account_name_required")
        roles = [role for role in ROLES if role in (data.get("roles") or ())]
        if not roles or len(roles) != len(set(data.get("roles") or ())):
            errors["roles"] = Message("account_roles_required")
        elif APPLICANT in roles and len(roles) > 1:
            errors["roles"] = Message("applicant_with_staff_roles")
        department_id = data.get("department") or None
        department = session.get(Department, department_id) if department_id else None
        if department_id and (department is None or not department.active):
            errors["department"] = Message("account_unit_not_active")
        elif department is None and roles != [APPLICANT]:
            errors["department"] = Message("account_unit_required")
        posts = [p.strip() for p in data.get("posts") or () if isinstance(p, str) and p.strip()]
        if len(posts) > MAX_POSTS or any(len(p) > 50 for p in posts):
            errors["posts"] = Message("account_posts_limit", max=MAX_POSTS)
        phone = (data.get("phone") or "").strip() or None
        if phone and not PHONE.match(phone):
            errors["phone"] = Message("account_phone_format")
        email = (data.get("email") or "").strip() or None
        if email and (len(email) > 200 or not EMAIL.match(email)):
            errors["email"] = Message("account_email_format")
        backup_id = (data.get("backup") or "").strip() or None
        if backup_id:
            backup = session.get(User, backup_id)
            if backup_id == user_id:
                errors["backup"] = Message("backup_is_self")
            elif backup is None or not backup.active:
                errors["backup"] = Message("backup_not_active")
            elif backup.department_id != department_id:
                errors["backup"] = Message("backup_other_unit")
        if errors:
            raise InvalidInput("account_invalid", errors=errors)
        return {
            "name": name,
            "department_id": department_id,
            "posts": list(dict.fromkeys(posts)),
            "roles": roles,
            "phone": phone,
            "email": email,
            "backup_user_id": backup_id,
        }

    def _record(self, session: Session, event: str, actor: Actor, user_id: str, detail: dict[str, Any] | None) -> None:
        trail.append(session, [trail.event(event, self.clock.now(), actor=actor.id, element_id=user_id, detail=detail)])


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("accounts_admin_only")


def _get(session: Session, user_id: object) -> User:
    user = session.get(User, user_id) if isinstance(user_id, str) else None
    if user is None:
        raise NotFound("user_not_found", user=user_id)
    return user


def _row_errors(number: int, user_id: str, error: InvalidInput) -> list[dict[str, Any]]:
    """One row's field errors as ``create_many`` reports them."""
    fields = error.details.get("errors") or {None: error.message}
    return [
        {"row": number, "id": user_id or None, "field": field, "message": message} for field, message in fields.items()
    ]


def _public(values: dict[str, Any]) -> dict[str, Any]:
    """What the trail keeps of a change: no contact details, only that they changed."""
    return {name: ("changed" if name in ("phone", "email") else value) for name, value in values.items()}


def _describe(user: User, department: str | None) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "department_id": user.department_id,
        "department": department,
        "posts": list(user.posts or ()),
        "roles": list(user.roles or ()),
        "phone": user.phone,
        "email": user.email,
        "backup": user.backup_user_id,
        "active": user.active,
        "absent_from": user.absent_from,
        "absent_until": user.absent_until,
    }
