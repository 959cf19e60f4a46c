"""Flask application factory: the pages and the REST API over the engine's services."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_babel import gettext

from engine.bootstrap import Shenpi
from engine.config import Settings

from . import logs, metrics, request_guard, schema
from .extensions import babel, csrf, db, limiter, login_manager


def create_app(settings: Settings | None = None, shenpi: Shenpi | None = None, testing: bool = False) -> Flask:
    settings = settings or (shenpi.settings if shenpi else Settings())
    shenpi = shenpi or Shenpi(settings)
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        SECRET_KEY=settings.secret_key or (secrets.token_hex(32) if testing else _stored_secret(settings.state_dir)),
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies and not testing,
        SESSION_COOKIE_NAME="shenpi_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies and not testing,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.json.ensure_ascii = False
    app.extensions["shenpi"] = shenpi
    app.extensions["shenpi_settings"] = settings  # this application's (the engine may have been built apart)
    if settings.proxy_count:  # behind nginx: the client's address and scheme come from its headers
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count, x_host=settings.proxy_count
        )
    logs.init_app(app)
    metrics.init_app(app)
    db.init_app(app)
    schema.init_app(app)
    _init_pages(app)

    from .api import bp as api_bp
    from .api.reference import docs_bp as api_docs_bp
    from .errors import register_error_handlers
    from .ops import bp as ops_bp
    from .verify import bp as verify_bp

    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(ops_bp)  # /metrics, /health/live, /health/ready
    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    request_guard.init_app(app)  # ids in range, no control characters, JSON bounded: before every view
    if not testing:
        from engine import scheduler

        schema.upgrade_database(app)  # a fresh database gets its tables, an older one is upgraded
        scheduler.attach(shenpi, scheduler.make_celery(settings))  # timers due soon are queued with an ETA
    return app


def _init_pages(app: Flask) -> None:
    from . import session as _session  # noqa: F401  (registers the user loader)
    from .auth import select_locale
    from .page_context import register_page_context

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    register_page_context(app)


def _page_blueprints():
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .cockpit import bp as cockpit_bp
    from .complaints import bp as complaints_bp
    from .desk import bp as desk_bp
    from .hall import bp as hall_bp
    from .inbox import bp as inbox_bp
    from .integrations import bp as integrations_bp
    from .manage import bp as manage_bp
    from .notification_channels import bp as channels_bp
    from .portal import bp as portal_bp
    from .reports import bp as reports_bp
    from .results import bp as results_bp
    from .signals import bp as signals_bp
    from .supervision import bp as supervision_bp

    return [
        auth_bp,
        portal_bp,
        hall_bp,
        inbox_bp,
        admin_bp,
        manage_bp,
        cockpit_bp,
        signals_bp,
        supervision_bp,
        complaints_bp,
        desk_bp,
        reports_bp,
        results_bp,
        channels_bp,
        integrations_bp,
    ]


def _stored_secret(state_dir: Path) -> str:
    """A random key made on first start and kept in the state folder, so sessions survive restarts without a
    configured key (one host only: several hosts need the same SHENPI_SECRET_KEY)."""
    path = Path(state_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
