"""Process administration for system administrators: dashboard, deployed processes and their versions,
differences between versions, and the visual modeler."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def administrators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403, description=_("只有系统管理员可以进入流程管理。"))
    return None


from . import home, incidents, modeler, modeler_panel, processes  # noqa: E402,F401  (register the views)
