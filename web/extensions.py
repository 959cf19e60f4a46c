"""Flask extensions. Flask-SQLAlchemy shares the engine's tables and connection pool."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from engine.kernel import Base


class _SharedEngineSQLAlchemy(SQLAlchemy):
    """Use the engine's SQLAlchemy engine (same pool, same SQLite pragmas) instead of a second one."""

    def _make_engine(self, bind_key, options, app):
        return app.extensions["shenpi"].db.bind


db = _SharedEngineSQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
