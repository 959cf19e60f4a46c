"""Read sessions (``Database.reading``): on PostgreSQL they run in autocommit, so they send no BEGIN and no ROLLBACK —
a ROLLBACK makes psycopg forget every statement it prepared on the connection, and the steps after it would parse
and plan all their statements again — and on every database they write nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.kernel.db import Database, create_db_engine
from engine.models import Department

from ..helpers import PG_URL

PREPARED = sa.text("SELECT count(*) FROM pg_prepared_statements")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (SHENPI_TEST_DATABASE_URL)")
def test_a_read_session_keeps_the_statements_the_connection_prepared(bare_engine):
    if bare_engine.db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    url = bare_engine.db.bind.url.render_as_string(hide_password=False)
    db = Database(bind=create_db_engine(url, pool_size=1, max_overflow=0))  # one connection: every use is the same
    lookup = sa.select(Department.id).where(Department.id == sa.bindparam("id"))
    for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
        with db.connect() as connection:
            connection.execute(lookup, {"id": "X"}).all()
    with db.connect() as connection:
        prepared = connection.execute(PREPARED).scalar_one()
    assert prepared >= 1
    with db.reading() as session:
        session.execute(lookup, {"id": "X"}).all()
        assert session.connection().connection.driver_connection.autocommit
    with db.connect() as connection:
        assert connection.execute(PREPARED).scalar_one() == prepared
    db.bind.dispose()


def test_a_read_session_refuses_to_write(bare_engine):
    with bare_engine.db.reading() as session:
        session.add(Department(id="D99", name="读取中新增", level="city"))
        with pytest.raises(RuntimeError, match="cannot write"):
            session.flush()
    with bare_engine.db.reading() as session:
        assert session.get(Department, "D99") is None
