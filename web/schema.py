"""The database schema through Flask-Migrate (Alembic): a fresh database gets every table at the newest revision;
one made by an earlier build is upgraded in place, keeping its data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import Migrate, stamp, upgrade

from .extensions import db

MIGRATIONS = str(Path(__file__).parent / "migrations")
BASELINE = "0001_baseline"  # the schema builds before migrations existed created with create_all
migrate = Migrate(directory=MIGRATIONS, render_as_batch=True, compare_type=True)


def init_app(app) -> None:
    migrate.init_app(app, db)


def upgrade_database(app) -> str:
    """Bring the database to the newest revision; says what was done."""
    shenpi = app.extensions["shenpi"]
    with app.app_context():
        tables = set(sa.inspect(shenpi.db.engine).get_table_names())
        if not tables - {"alembic_version"}:
            shenpi.init_db()
            stamp(directory=MIGRATIONS, revision="head")
            return "created"
        if "alembic_version" not in tables:
            stamp(directory=MIGRATIONS, revision=BASELINE)
        upgrade(directory=MIGRATIONS)
    shenpi.init_db(create_tables=False)  # the migrations made the tables; only the trail's head row may be missing
    return "upgraded"


def revisions(app) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the database's current revisions, the newest revisions of the migrations): equal when up to date."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with app.extensions["shenpi"].db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return tuple(current), tuple(ScriptDirectory(MIGRATIONS).get_heads())
