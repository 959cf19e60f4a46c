"""Alembic environment for Flask-Migrate: the engine's tables (engine.kernel.db.Base) on the application's database."""

import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
config = context.config


def _not_trigram_index(obj, name, type_, reflected, compare_to):
    """The trigram indexes are made by SQL the models cannot declare (engine/models/cases.py): never compared."""
    from engine.models import TRIGRAM_INDEXES

    return not (type_ == "index" and name in TRIGRAM_INDEXES)


def _metadata():
    from engine import models  # noqa: F401  (registers every table)
    from engine.kernel import Base

    return Base.metadata


def run_migrations_offline():
    context.configure(
        url=str(current_app.extensions["migrate"].db.engine.url),
        target_metadata=_metadata(),
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    connectable = current_app.extensions["migrate"].db.engine
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch operations rebuild a table (copy, drop, rename), which foreign keys would refuse; the pragma
            # only takes effect outside a transaction, so it goes to the driver before SQLAlchemy begins one.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=_metadata(),
                render_as_batch=True,
                process_revision_directives=skip_empty,
                compare_type=True,
                include_object=_not_trigram_index,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                connection.rollback()  # nothing left open: the pooled connection checks foreign keys again
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
