"""The administration dashboard."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l

from ..session import engine
from . import bp

# The data screens of blueprint ``manage``; linked only when that blueprint is part of the application.
DATA_SCREENS = [
    ("manage.matters", _l("事项目录"), _l("发布和维护审批事项及其办事指南")),
    ("manage.departments", _l("部门"), _l("部门与岗位")),
    ("manage.users", _l("用户"), _l("账号、角色与 AB 岗")),
    ("manage.calendar", _l("工作日历"), _l("法定节假日与调休")),
    ("integrations.upward", _l("向上级平台报送"), _l("待报送、失败的记录与已报送批次")),
]


@bp.get("")
def home():
    screens = [screen for screen in DATA_SCREENS if screen[0] in current_app.view_functions]
    return render_template("admin/home.html", counts=engine().processes.dashboard_counts(), screens=screens)
