"""Under pytest-xdist each worker has a PostgreSQL and a Redis database of its own, derived from the ones given
(tests/helpers.py); outside xdist the given URLs are used as they are."""

from __future__ import annotations

from ..databases import broker_for_worker, database_for_worker

PG = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test_ci"


def test_each_worker_has_a_postgresql_database_named_after_it():
    assert database_for_worker(PG, "gw0") == "postgresql+psycopg://postgres:secret@127.0.0.1:5432/test_ci_gw0"
    assert database_for_worker(PG, "gw1").endswith("/test_ci_gw1")
    assert database_for_worker(PG, None) == PG
    assert database_for_worker(None, "gw0") is None


def test_each_worker_counts_down_from_the_given_redis_database():
    assert [broker_for_worker("redis://127.0.0.1:6379/15", f"gw{i}") for i in range(2)] == [
        "redis://127.0.0.1:6379/15",
        "redis://127.0.0.1:6379/14",
    ]
    assert broker_for_worker("redis://127.0.0.1:6379/13", "gw1") == "redis://127.0.0.1:6379/12"
    assert broker_for_worker("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/15"  # wraps
    assert broker_for_worker("redis://127.0.0.1:6379", "gw2") == "redis://127.0.0.1:6379/14"  # no number: 0
    assert broker_for_worker("redis://127.0.0.1:6379/13", None) == "redis://127.0.0.1:6379/13"
    assert broker_for_worker("amqp://guest@mq//", "gw1") == "amqp://guest@mq//"  # not Redis: unchanged
