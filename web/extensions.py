"""Flask extensions. Flask-SQLAlchemy shares the engine's tables and connection pool."""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from engine.db import Base


class _SharedEngineSQLAlchemy(SQLAlchemy):
    """Use the engine's SQLAlchemy engine (same pool, same SQLite pragmas) instead of a second one."""

    def _make_engine(self, bind_key, options, app):
        return app.extensions["shenpi"].db.engine


db = _SharedEngineSQLAlchemy(model_class=Base)
