"""Database plumbing: declarative base, engine with production durability, sessions."""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from . import liveness

# Where a statement runs: an ORM ``Session`` (a service's unit of work) or a Core ``Connection`` (a stepper step's
# ``ctx.connection``). The helpers that run in both places take an ``Executor`` and use only what both offer
# (``execute``, ``scalar``, ``scalars``); one that needs the ORM (``add``, ``get``) takes a ``Session``.
Executor: TypeAlias = Session | sa.Connection

_Query = TypeVar("_Query", bound="sa.Select")


class UTCDateTime(sa.types.TypeDecorator[_dt.datetime]):
    """Timezone-aware instants stored in UTC on every backend."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: _dt.datetime | None, dialect: sa.Dialect) -> _dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(_dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: _dt.datetime | None, dialect: sa.Dialect) -> _dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=_dt.UTC)
        return value.astimezone(_dt.UTC)


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        # Every model names its table (``__tablename__``), so its ``__table__`` is a Table with insert/update/delete.
        __table__: ClassVar[sa.Table]


def where_given(query: _Query, *conditions: tuple[Any, Any]) -> _Query:
    """Add ``column == value`` for each (column, value) pair whose value was given (not None or empty)."""
    for column, value in conditions:
        if value is not None and value != "":
            query = query.where(column == value)
    return query


def rowcount(result: sa.Result) -> int:
    """The rows an UPDATE or DELETE matched. ``Session.execute`` types its result as a plain ``Result``; a DML
    statement's is always a ``CursorResult``."""
    return cast("sa.CursorResult", result).rowcount


def create_db_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine with durable settings: SQLite in WAL mode with synchronous=FULL."""
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            from sqlalchemy.pool import StaticPool

            kwargs.setdefault("poolclass", StaticPool)
        else:
            Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = sa.create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; issue it ourselves so
        # that a transaction takes the write lock up front (no upgrade deadlocks).
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    postgresql = url.startswith("postgresql")
    # PostgreSQL's connections are checked at checkout without a round trip (liveness.py); others are pinged
    watched = postgresql and "pool_pre_ping" not in kwargs
    kwargs.setdefault("pool_pre_ping", not watched)
    if postgresql and "connect_timeout" not in url:
        # a database host that does not answer fails a request (and /health/ready) in seconds instead of hanging
        kwargs.setdefault("connect_args", {"connect_timeout": 10})
    engine = sa.create_engine(url, **kwargs)
    if watched:
        liveness.watch(engine)
    return engine


def _sqlite_begin(conn: sa.Connection) -> None:
    """On the driver's connection: SQLAlchemy's execution path would cost more than the statement itself (every
    step begins here); its errors are wrapped as SQLAlchemy's would be."""
    statement = "BEGIN" if conn.get_execution_options().get("shenpi_readonly") else "BEGIN IMMEDIATE"
    driver = conn.connection.driver_connection
    try:
        driver.execute(statement)  # type: ignore[union-attr]
    except sqlite3.Error as error:
        raise sa.exc.DBAPIError.instance(statement, None, error, sqlite3.Error) from error


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _refuse_writes(session: Session, *_args: object) -> None:
    """A read session writes nothing (on PostgreSQL it runs in autocommit, where a flush would be kept at once)."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a reading session cannot write: use Database.transaction()")


class Database:
    """Owns the SQLAlchemy engine (``bind``: "engine" names the Shenpi engine everywhere else) and hands out
    sessions; knows nothing of Flask."""

    def __init__(self, url: str | None = None, bind: sa.Engine | None = None) -> None:
        if bind is None:
            if url is None:
                raise ValueError("a database URL or a SQLAlchemy engine is required")
            bind = create_db_engine(url)
        self.bind = bind
        self.session_factory = sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)
        self._read_bind = bind.execution_options(shenpi_readonly=True)
        # Reads need no transaction on PostgreSQL: at READ COMMITTED each statement has its own snapshot either way,
        # and in autocommit a read costs no BEGIN and no ROLLBACK. The ROLLBACK matters more than its round trip:
        # psycopg drops every statement it has prepared on the connection when it sees one, so each read session
        # would make the next steps on that connection parse and plan all their statements again.
        self._statement_bind = (
            self._read_bind.execution_options(isolation_level="AUTOCOMMIT")
            if bind.dialect.name == "postgresql"
            else self._read_bind
        )
        self._read_factory = sessionmaker(bind=self._statement_bind, expire_on_commit=False, autoflush=False)
        event.listen(self._read_factory, "before_flush", _refuse_writes)

    @property
    def dialect(self) -> str:
        return self.bind.dialect.name

    def create_all(self) -> None:
        """Create the tables of every model imported so far (the composition root imports ``engine.models``)."""
        Base.metadata.create_all(self.bind)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        session: Session = self.session_factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        """A Core connection in one transaction: the lean path for hot, statement-level work."""
        with self.bind.begin() as connection:
            yield connection

    @contextmanager
    def reading_connection(self) -> Iterator[sa.Connection]:
        """A Core connection for a read of one or two statements (on SQLite no write lock; on PostgreSQL outside
        any transaction, each statement its own snapshot): the lean path for hot reads that need no ORM session (the
        token of every API request)."""
        with self._statement_bind.connect() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (on SQLite no write lock; on PostgreSQL in autocommit, see ``__init__``): nothing
        written through it is kept."""
        session: Session = self._read_factory()
        try:
            yield session
        finally:
            session.close()  # releases the connection (rolled back by the pool); loaded objects stay readable
