"""Pooled PostgreSQL connections the server ended are replaced at checkout without a ping per step
(engine/kernel/liveness.py): the next state change after ``pg_terminate_backend`` (as after a database restart)
succeeds."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.kernel import liveness
from engine.kernel.db import create_db_engine

from ..helpers import PG_URL, complete, open_task

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (SHENPI_TEST_DATABASE_URL)")


def _end_every_other_connection() -> int:
    """What a restart does to the pool: the server ends every backend of the test database but this one's."""
    with create_db_engine(PG_URL, poolclass=sa.pool.NullPool).connect() as killer:
        ended = killer.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        for _ in range(100):  # the server takes a moment to close them
            left = killer.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            if left == 0:
                break
            time.sleep(0.05)
        return ended


def test_a_step_after_the_server_ended_the_connections_succeeds(five_step_engine):
    if five_step_engine.db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    bind = five_step_engine.db.bind
    assert not bind.pool._pre_ping  # no round trip per checkout
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(five_step_engine, case["id"], {"accept": "accept"})
    connects = []

    def connected(*_args):
        connects.append(1)

    sa.event.listen(bind, "connect", connected)
    try:
        assert _end_every_other_connection() >= 1
        complete(five_step_engine, case["id"], {})  # the pooled connection is dead: replaced, not failed
        assert connects, "the dead connection was lent as it was"
    finally:
        sa.event.remove(bind, "connect", connected)
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Review"
    assert five_step_engine.history.verify().ok


def test_without_the_check_the_dead_connection_fails():
    """The control: a pool that neither pings nor looks lends the dead connection and the statement fails."""
    plain = create_db_engine(PG_URL, pool_pre_ping=False, pool_size=1)
    watched = create_db_engine(PG_URL, pool_size=1)
    try:
        for bind in (plain, watched):
            with bind.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        _end_every_other_connection()
        with pytest.raises(sa.exc.OperationalError), plain.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        with watched.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        plain.dispose()
        watched.dispose()


def test_a_connection_idle_too_long_is_pinged(monkeypatch):
    """A connection dropped without a word (its socket says nothing) is found by the ping after a long idle."""
    bind = create_db_engine(PG_URL, pool_pre_ping=False, pool_size=1)
    liveness.watch(bind, ping_after=0.0)
    try:
        with bind.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        pings = []
        dialect_ping = bind.dialect.do_ping

        def failing_ping(dbapi_connection):
            pings.append(1)
            dbapi_connection.close()  # as if the network had dropped it
            return dialect_ping(dbapi_connection)

        monkeypatch.setattr(liveness, "ended_by_server", lambda _connection: False)
        monkeypatch.setattr(bind.dialect, "do_ping", failing_ping)
        with bind.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert pings == [1]
    finally:
        bind.dispose()
