"""Hot-path writes straight to the DB-API cursor of the current SQLAlchemy transaction.

SQLAlchemy's execution layer costs more per statement than SQLite itself; the few
statements every task completion runs are compiled once per dialect and column set,
then executed on the raw cursor inside the same transaction. ``column`` runs one small
hand-written query the same way.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session

from .db import Executor

# (statement id, dialect, keys) -> (SQL, positional order or None, defaults, statement)
_Compiled = tuple[str, "tuple[str, ...] | None", dict[str, Any], "sa.Insert | sa.Update"]
_compiled: dict[tuple[int, str, tuple[str, ...]], _Compiled] = {}


def _connection(session: Executor) -> sa.Connection:
    return session.connection() if isinstance(session, Session) else session


def _sql(statement: sa.Insert | sa.Update, dialect: sa.Dialect, keys: tuple[str, ...]) -> _Compiled:
    cache_key = (id(statement), dialect.name, keys)
    found = _compiled.get(cache_key)
    if found is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        order = tuple(compiled.positiontup) if compiled.positiontup else None
        sql = str(compiled).split(" RETURNING ")[0]  # nothing is read back on this path
        defaults = _scalar_defaults(statement, set(compiled.binds) - set(keys))
        found = _compiled[cache_key] = (sql, order, defaults, statement)  # keeps the statement alive for id()
    return found


def _scalar_defaults(statement: sa.Insert | sa.Update, missing: set[str]) -> dict[str, Any]:
    """Column defaults SQLAlchemy adds to an INSERT for columns the caller left out."""
    table = getattr(statement, "table", None)
    defaults = {}
    for key in missing:
        column = table.c.get(key) if table is not None else None
        default = getattr(column, "default", None)
        if default is None or not getattr(default, "is_scalar", False):
            raise KeyError(f"no value for {key!r} in {statement}")
        defaults[key] = default.arg
    return defaults


def _sqlite_instant(value: _dt.datetime) -> str:
    return value.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _bind(order: tuple[str, ...] | None, params: dict[str, Any], sqlite: bool) -> dict[str, Any] | tuple[Any, ...]:
    """The parameters as the driver takes them: SQLite gets instants as the UTC text ``UTCDateTime`` stores (the
    check is inline: a function call per value would cost more than the rest of the binding)."""
    if order is None:
        values = params
        if sqlite:
            return {k: _sqlite_instant(v) if isinstance(v, _dt.datetime) else v for k, v in values.items()}
        return dict(values)
    if sqlite:
        return tuple(_sqlite_instant(v) if isinstance(v, _dt.datetime) else v for v in [params[k] for k in order])
    return tuple([params[k] for k in order])


def _bind_all(order: tuple[str, ...] | None, rows: list[dict[str, Any]], sqlite: bool) -> list[Any]:
    return [_bind(order, row, sqlite) for row in rows]


_DIALECTS = {"sqlite": True, "postgresql": False}  # the drivers this path knows: is it SQLite


def execute(session: Executor, statement: sa.Insert | sa.Update, params: dict[str, Any]) -> int:
    """Run one INSERT/UPDATE; returns the row count."""
    connection = _connection(session)
    dialect = connection.dialect
    sqlite = _DIALECTS.get(dialect.name)
    if sqlite is None:
        return connection.execute(statement, params).rowcount
    sql, order, defaults, _ = _sql(statement, dialect, tuple(params))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, _bind(order, {**defaults, **params} if defaults else params, sqlite))
        return cursor.rowcount
    except dialect.loaded_dbapi.IntegrityError as error:
        raise exc.IntegrityError(sql, params, error) from error
    finally:
        cursor.close()


def execute_many(session: Executor, statement: sa.Insert | sa.Update, rows: list[dict[str, Any]]) -> None:
    connection = _connection(session)
    dialect = connection.dialect
    sqlite = _DIALECTS.get(dialect.name)
    if sqlite is None or not rows:
        if rows:
            connection.execute(statement, rows)
        return
    sql, order, defaults, _ = _sql(statement, dialect, tuple(rows[0]))
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, _bind_all(order, [{**defaults, **row} for row in rows] if defaults else rows, sqlite))
    except dialect.loaded_dbapi.IntegrityError as error:
        raise exc.IntegrityError(sql, rows, error) from error
    finally:
        cursor.close()


def column(session: Executor, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """The first column of every row of ``sql`` (written in the dialect's own parameter style), read on the raw
    cursor of the current transaction."""
    cursor = _connection(session).connection.cursor()
    try:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()
