"""The signed-in user of the pages: an engine Actor carried by Flask-Login, and role guards for views."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import UserMixin, current_user, login_required

from engine.errors import NotFound
from engine.identity import ADMIN, APPLICANT, EXCHANGE, MONITOR, OFFICIAL, SUPERVISOR, Actor

from . import logs
from .extensions import login_manager


class SessionUser(UserMixin):
    def __init__(self, actor: Actor):
        self.actor = actor
        self.id = actor.id
        self.name = actor.name

    def has_role(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.actor.roles))

    @property
    def is_applicant(self) -> bool:
        return self.has_role(APPLICANT)

    @property
    def is_official(self) -> bool:
        return self.has_role(OFFICIAL)

    @property
    def is_admin(self) -> bool:
        return self.has_role(ADMIN)

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(SUPERVISOR, MONITOR)


@login_manager.user_loader
def load_user(user_id: str):
    try:
        user = SessionUser(engine().identity.actor(user_id))
    except NotFound:
        return None  # deactivated or deleted since signing in: signed out
    logs.bind_user(user.id)
    return user


def engine():
    return current_app.extensions["shenpi"]


def actor() -> Actor:
    return current_user.actor


def roles_required(*roles: str):
    """The view needs a signed-in user holding one of ``roles``; others get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403, description="您的账号无权访问此页面")
            return view(*args, **kwargs)

        return guarded

    return decorate


def home_endpoint(user) -> str:
    """Where a user lands after signing in: the first page of their role that this application serves."""
    if not user.is_authenticated:
        return "auth.login"
    if user.is_admin:
        choices = ("admin.home",)
    elif user.is_supervisor:
        choices = ("cockpit.index", "inbox.cases")
    elif user.is_official:
        choices = ("inbox.index",)
    elif user.has_role(EXCHANGE):  # a ministry system's account works through the API only
        choices = ("auth.account",)
    else:
        choices = ("portal.my_cases",)
    return next((endpoint for endpoint in choices if endpoint in current_app.view_functions), "auth.account")
