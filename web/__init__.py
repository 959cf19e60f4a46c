"""Flask application factory: the REST API (and, later, the pages) over the engine's services."""
from __future__ import annotations

from flask import Flask

from engine.config import Settings
from engine.services import Shenpi

from .extensions import db


def create_app(settings: Settings | None = None, shenpi: Shenpi | None = None, testing: bool = False) -> Flask:
    settings = settings or (shenpi.settings if shenpi else Settings())
    shenpi = shenpi or Shenpi(settings)
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,
        JSON_AS_ASCII=False,
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.json.ensure_ascii = False
    app.extensions["shenpi"] = shenpi
    db.init_app(app)

    from .api import bp as api_bp
    from .errors import register_error_handlers
    from .verify import bp as verify_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(verify_bp)
    register_error_handlers(app)
    if not testing:
        from engine import scheduler

        shenpi.init_db()   # idempotent; a fresh database gets its tables before the first request
        scheduler.attach(shenpi, scheduler.make_celery(settings))   # timers due soon are queued with an ETA
    return app
