"""The test databases: under pytest-xdist (`make test` runs the suite on several workers) each worker, named gw0, gw1,
…, gets a PostgreSQL database and a Redis database of its own, derived from the ones given (database_for_worker,
broker_for_worker); in a plain run WORKER is None and the given URLs are used as they are. Each test gets an empty
database with the tables (empty_database): a copy of a SQLite file made once per process, or the worker's PostgreSQL
database emptied."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import sqlalchemy as sa

from engine.kernel.db import Base, Database, create_db_engine

WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def worker_index(worker: str | None = WORKER) -> int | None:
    return int(worker.removeprefix("gw")) if worker else None


def database_for_worker(url: str | None, worker: str | None = WORKER) -> str | None:
    """The PostgreSQL test database of one xdist worker: ``…/test`` becomes ``…/test_gw0``, ``…/test_gw1``, …
    (created by ``create_worker_database`` at the start of the session). Unchanged outside xdist."""
    if not url or not worker:
        return url
    parsed = sa.engine.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def broker_for_worker(url: str | None, worker: str | None = WORKER) -> str | None:
    """The Redis database of one xdist worker: database N becomes N - i for worker gwi (15, 14, …; below 0 it wraps
    to 15). Another broker (amqp://…) and every URL outside xdist are unchanged."""
    if not url or not worker or not url.startswith(("redis://", "rediss://")):
        return url
    parts = urllib.parse.urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(number - worker_index(worker)) % 16}").geturl()


PG_URL = database_for_worker(os.environ.get("SHENPI_TEST_DATABASE_URL"))
BROKER_URL = broker_for_worker(os.environ.get("SHENPI_TEST_BROKER_URL"))

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


_pg_engine = None
_sqlite_template: Path | None = None

# Emptying the PostgreSQL test database between tests: DELETE every table's rows with triggers and foreign keys off
# (session_replication_role: no order to keep, no trigger writing a summary row), then restart every sequence as
# TRUNCATE … RESTART IDENTITY would. On a test's few rows this takes a few milliseconds where a TRUNCATE of every
# table takes most of a second (new files for each table and index); a role that is not a superuser (and so may not
# set the replication role) gets the TRUNCATE.
_RESTART_SEQUENCES = """
DO $$ DECLARE s regclass; BEGIN
  FOR s IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'S' AND n.nspname = current_schema() LOOP
    EXECUTE 'ALTER SEQUENCE ' || s::text || ' RESTART';
  END LOOP;
END $$"""


def _postgres_database() -> Database:
    if _pg_engine is None or _foreign_tables():
        reset_postgres_schema()
    tables = [f'"{t.name}"' for t in Base.metadata.sorted_tables]
    with _pg_engine.begin() as conn:
        if conn.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
            conn.exec_driver_sql(
                "SET LOCAL session_replication_role = replica;"
                + "".join(f"DELETE FROM {t};" for t in tables)
                + _RESTART_SEQUENCES
            )
        else:  # a role that may not set the replication role: the slow way
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    return Database(bind=_pg_engine)


def _foreign_tables() -> set[str]:
    """Tables besides the models' that an earlier test left, such as the ``alembic_version`` of a test that migrated
    or stamped the database: the next test gets the schema rebuilt, not a database that says it is migrated."""
    with _pg_engine.connect() as conn:
        present = set(conn.scalars(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
    return present - set(Base.metadata.tables)


def _sqlite_database(path: Path) -> Database:
    """A SQLite database with the tables: a copy of a file made once per test process (creating the tables and
    triggers each time costs a test more than its own steps)."""
    global _sqlite_template
    if _sqlite_template is None:
        from engine import models  # noqa: F401

        folder = Path(tempfile.mkdtemp(prefix="shenpi-sqlite-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Database(f"sqlite:///{folder / 'template.db'}")
        template.create_all()
        template.bind.dispose()
        _sqlite_template = folder / "template.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template, path)
    return Database(f"sqlite:///{path}")


def create_worker_database(url: str) -> None:
    """Create an xdist worker's database (``url``'s) through the server's ``postgres`` database, unless it exists. Its
    commits do not wait for the WAL to reach the disk (``synchronous_commit = off``: a commit is as final for every
    other connection, only a crash of the server itself could lose the last ones): a test commits often, and on a
    busy machine each wait for the disk costs milliseconds."""
    target = sa.engine.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        conn.execute(sa.text(f'ALTER DATABASE "{target.database}" SET synchronous_commit = off'))
    server.dispose()


def reset_postgres_schema() -> None:
    """Empty the PostgreSQL test database (whatever an earlier build or another test left) and create the tables."""
    global _pg_engine
    if _pg_engine is None:
        _pg_engine = create_db_engine(PG_URL)
    from engine import models  # noqa: F401

    with _pg_engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    Base.metadata.create_all(_pg_engine)


def empty_database(backend: str, tmp_path: Path) -> Database:
    """An empty database with the tables: a new SQLite file in ``tmp_path``, or the PostgreSQL test database
    emptied."""
    if backend == "postgresql":
        return _postgres_database()
    return _sqlite_database(tmp_path / "shenpi.db")
