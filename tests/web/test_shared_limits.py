"""Several processes share the sign-in rate limit (Redis) and the sessions (signed with the one secret key): two
application instances stand for two gunicorn workers or hosts."""

from __future__ import annotations

import pytest

from engine.config import Settings
from web import create_app

from ..helpers import BROKER_URL
from .helpers import PageClient


def instance(engine, **settings):
    """Another application over the same database, built the way a second process builds its own."""
    values = {"database_url": str(engine.db.engine.url), "broker_url": "memory://", "secret_key": "one-key", **settings}
    return create_app(Settings(**values), engine, testing=True)


def test_the_rate_limit_storage_follows_the_shared_redis():
    assert Settings(broker_url="memory://").rate_limit_storage_url == "memory://"
    assert Settings(broker_url="redis://cache:6379/1").rate_limit_storage_url == "redis://cache:6379/1"
    shared = Settings(broker_url="amqp://mq//", redis_url="redis://cache:6379/2")
    assert shared.rate_limit_storage_url == "redis://cache:6379/2"
    assert Settings(rate_limit_storage="memcached://m:11211", redis_url="redis://x").rate_limit_storage_url == (
        "memcached://m:11211"
    )


@pytest.mark.broker
@pytest.mark.skipif(
    not BROKER_URL or not BROKER_URL.startswith("redis"), reason="SHENPI_TEST_BROKER_URL (Redis) not set"
)
def test_two_instances_share_the_sign_in_limit_through_redis(app, engine):
    import redis

    store = redis.Redis.from_url(BROKER_URL)
    for key in store.scan_iter("LIMITS*"):
        store.delete(key)
    first = PageClient(instance(engine, redis_url=BROKER_URL))
    statuses = [first.login("clerk", f"wrong-{n}").status_code for n in range(6)]
    # the second instance's limiter starts with a storage of its own: only Redis carries the six attempts over
    second = PageClient(instance(engine, redis_url=BROKER_URL))
    statuses += [second.login("clerk", f"wrong-{n}").status_code for n in range(5)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    for key in store.scan_iter("LIMITS*"):
        store.delete(key)


def test_a_session_from_one_instance_is_valid_in_the_other(app, engine):
    first = PageClient(instance(engine))
    assert first.login("clerk").status_code == 302
    cookie = first.client.get_cookie("shenpi_session")
    other = instance(engine).test_client()
    assert other.get("/account").status_code == 302  # signed out: to the sign-in page
    other.set_cookie("shenpi_session", cookie.value)
    assert other.get("/account").status_code == 200
