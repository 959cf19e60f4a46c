"""A pooled PostgreSQL connection checked before it is lent, without a round trip to the server.

SQLAlchemy's ``pool_pre_ping`` sends a statement on every checkout: one round trip before every step. A connection
the server ended (``pg_terminate_backend``, a restart, an idle timeout) has already told its client so: the server
sends its error message and closes the socket, which becomes readable while the connection idles in the pool. So
a checkout looks at the socket (a ``select`` with no wait) and pings only a connection that sat idle longer than
``ping_after`` seconds (a network that dropped it silently sends nothing). Either way a dead connection raises
``DisconnectionError`` and the pool replaces it with a new one, as ``pool_pre_ping`` would.

The idle time is the process's monotonic clock: how long a socket sat unused, not a time of the case's world.
"""

from __future__ import annotations

import select
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

PING_AFTER = 30.0  # seconds a connection may idle in the pool before its checkout pings the server
_IDLE_SINCE = "shenpi_idle_since"


def _socket(dbapi_connection: Any) -> int | None:
    """The connection's socket (psycopg 3: ``pgconn.socket``; psycopg2: ``fileno()``), None if it has none."""
    try:
        pgconn = getattr(dbapi_connection, "pgconn", None)
        return int(pgconn.socket) if pgconn is not None else int(dbapi_connection.fileno())
    except Exception:  # closed, or a driver without a socket to look at
        return None


def ended_by_server(dbapi_connection: Any) -> bool:
    """Whether an idle connection has something to read: the server's last words (or end of file). An idle
    connection in the pool is owed nothing, so anything readable means the server is gone or going."""
    fd = _socket(dbapi_connection)
    if fd is None or fd < 0:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def watch(bind: sa.Engine, ping_after: float = PING_AFTER) -> None:
    """Check ``bind``'s connections at checkout: replaced when the server ended them, pinged after a long idle."""
    dialect = bind.dialect

    @event.listens_for(bind, "checkin")
    def _idle(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(bind, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None:  # just connected
            return
        if ended_by_server(dbapi_connection):
            raise sa.exc.DisconnectionError("the server ended this connection")
        if time.monotonic() - since > ping_after:
            try:
                dialect.do_ping(dbapi_connection)
            except Exception as error:
                raise sa.exc.DisconnectionError(f"ping failed: {error}") from error
