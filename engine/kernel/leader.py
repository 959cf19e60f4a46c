"""A lock one process holds for as long as it lives, so that one of several copies does a job and the others stand
by: on PostgreSQL a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own, on SQLite
(one host by nature) an exclusive ``flock`` on a file beside the database. Either is released by the operating
system or the server when the holder dies, so a standby takes over at its next try."""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import IO

import sqlalchemy as sa


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name``."""
    return int.from_bytes(hashlib.sha256(f"shenpi:{name}".encode()).digest()[:8], "big", signed=True)


class LeaderLock:
    """``try_acquire()`` is true while this object holds the lock named ``name`` for ``database_url``."""

    def __init__(self, database_url: str, name: str, lock_dir: Path) -> None:
        self.database_url = database_url
        self.name = name
        self.lock_dir = lock_dir
        self._connection: sa.Connection | None = None
        self._engine: sa.Engine | None = None
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def lock_file(self) -> Path:
        """SQLite: beside the database file, so two copies started from different folders still meet."""
        url = sa.engine.make_url(self.database_url)
        database = url.database or ""
        if database and database != ":memory:":
            return Path(database).resolve().with_name(f"{Path(database).name}.{self.name}.lock")
        return self.lock_dir / f"{self.name}.lock"

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if sa.engine.make_url(self.database_url).get_backend_name() == "postgresql":
            return self._try_advisory()
        return self._try_flock()

    def _try_advisory(self) -> bool:
        if self._engine is None:
            self._engine = sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)
        connection = self._engine.connect()
        try:
            got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(self.name)})
            acquired = bool(got.scalar())
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not acquired:
            connection.close()
            return False
        self._connection = connection  # held open: the lock lives as long as this session
        return True

    def _try_flock(self) -> bool:
        path = self.lock_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "ab")  # noqa: SIM115  (held open while the lock is held)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle
        return True

    def alive(self) -> bool:
        """Whether a held advisory lock's session still stands (a dropped connection loses the lock)."""
        if self._connection is None:
            return self._file is not None
        try:
            self._connection.execute(sa.text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:
            self.release()
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(self.name)})
                self._connection.commit()
            except Exception:
                pass
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
