"""What every page template can use (navigation by role, language, lights), and the pages' security headers."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from engine.identity import HEAD_POST, ROLE_NAMES

from .formatting import register_filters
from .paging import register_paging
from .trail_events import register_event_labels

# (endpoint, label, who sees it); an entry shows only once its blueprint is part of the application.
NAVIGATION = [
    ("portal.index", _l("办事指南"), "anyone"),
    ("portal.my_cases", _l("我的办件"), "applicant"),
    ("inbox.index", _l("待办任务"), "official"),
    ("inbox.cases", _l("办件查询"), "staff"),
    ("cockpit.index", _l("监察驾驶舱"), "supervisor"),
    ("supervision.index", _l("督办事项"), "supervisor"),
    ("supervision.department", _l("本部门督办"), "head"),
    ("supervision.verifications", _l("审批核实"), "supervisor"),
    ("complaints.index", _l("投诉处理"), "staff"),
    ("desk.enquiries", _l("首问登记"), "staff"),
    ("desk.pledges", _l("承诺核查"), "staff"),
    ("signals.index", _l("纠错信号"), "staff"),
    ("reports.index", _l("绩效测评"), "supervisor"),
    ("admin.home", _l("系统管理"), "admin"),
    ("integrations.upward", _l("上报状态"), "supervisor"),
    ("hall.board", _l("大厅显示屏"), "anyone"),
    ("results.index", _l("测评结果"), "anyone"),
    ("portal.results", _l("结果公开"), "anyone"),
]


def _may_see(audience: str) -> bool:
    if audience == "anyone":
        return True
    if not current_user.is_authenticated:
        return False
    return {
        "applicant": current_user.is_applicant,
        "official": current_user.is_official,
        "supervisor": current_user.is_supervisor,
        "admin": current_user.is_admin,
        "head": current_user.is_official and HEAD_POST in current_user.actor.posts,
        "staff": current_user.is_official or current_user.is_supervisor or current_user.is_admin,
    }[audience]


def navigation() -> list[tuple[str, str]]:
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, audience in NAVIGATION if endpoint in views and _may_see(audience)]


def register_page_context(app) -> None:
    register_filters(app)
    register_paging(app)
    register_event_labels(app)

    @app.context_processor
    def page_globals():
        return {
            "navigation": navigation(),
            "locale": str(get_locale() or "zh"),
            "role_names": ROLE_NAMES,
            "html_lang": "en" if session.get("lang") == "en" else "zh-CN",
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/api/") or response.mimetype == "text/html":  # pages, and /api/docs
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; "
                "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            )
        return response
