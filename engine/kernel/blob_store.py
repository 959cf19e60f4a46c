"""Content-addressed file storage: each distinct content once, named by its SHA-256, on one of three backends
chosen by a URL (``SHENPI_FILES_URL``, see :func:`open_blob_store`):

- a folder (``file:///path`` or a plain path; the default): two levels of folders, written to a temporary file,
  flushed and renamed into place;
- a database table (``db:`` — the application's database — or a ``postgresql://…`` URL): one row per content,
  ``bytea`` (PostgreSQL) or ``BLOB`` (SQLite), read back in chunks of :data:`CHUNK` with ``substr``. On the
  application's database the row is written **in the caller's transaction**: a step that rolls back leaves no
  file behind;
- an S3-compatible bucket (``s3://bucket/prefix?endpoint=…&region=…``, boto3; credentials from the standard AWS
  variables).

A store that cannot join the caller's transaction (a folder, a bucket, another database) writes before the
caller commits; a rollback leaves the content unreferenced. Every write records when it happened (the file's
modification time, the row's ``written_at``, the object's ``shenpi-written-at`` metadata) on the engine's clock,
and writing content that is already there renews that instant, so the periodic cleanup
(``engine/casefiles/file_store.py``) deletes only what nothing references and nobody wrote for a grace period.

Every read is checked against the digest; a missing or changed content raises :class:`StoredFileDamaged` with the
reason ``stored_file_missing`` or ``stored_file_changed``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.util
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import InvalidInput, NotFound
from .db import Executor, create_db_engine, rowcount

if TYPE_CHECKING:
    from .clock import Clock

_HEX = set("0123456789abcdef")
CHUNK = 1024 * 1024  # bytes read at a time from any backend


class StoredFileDamaged(NotFound):
    """A stored content is missing or no longer matches its digest: the store lost data or was tampered with.
    Answered as 404 with its own code and reason, never as a server error."""

    code = "stored_file_damaged"
    status = 404


def check_digest(sha256: str) -> str:
    if not isinstance(sha256, str) or len(sha256) != 64 or not set(sha256) <= _HEX:
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


class BlobStore(ABC):
    """What every backend offers. ``url`` names it (``shenpi files migrate`` prints it); ``joins_transaction``: a
    ``put`` given the caller's executor writes in that transaction."""

    url: str
    joins_transaction: bool = False

    @abstractmethod
    def put(self, content: bytes, sha256: str, executor: Executor | None = None) -> bool:
        """Store ``content`` under its digest; False when it was already stored (its written instant is renewed).
        ``executor``: the caller's transaction, used by a store that joins it, ignored by the others."""

    @abstractmethod
    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The stored content in pieces of at most :data:`CHUNK` bytes, unchecked; missing: StoredFileDamaged."""

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def digests(self) -> Iterator[str]:
        """Every stored digest (in no promised order)."""

    @abstractmethod
    def written_at(self, sha256: str) -> _dt.datetime | None:
        """When the content was last written (None: not stored)."""

    @abstractmethod
    def delete(self, sha256: str, written_before: _dt.datetime) -> bool:
        """Delete the content if it was last written before ``written_before`` (checked again here, just before
        deleting); True when deleted."""

    def get(self, sha256: str) -> bytes:
        """The stored content, checked against its digest before it is handed out. Read in chunks of
        :data:`CHUNK`, hashed as they come, so the backend never materialises a second whole copy (a database
        driver's result buffer, a response body); the chunks are joined once at the end."""
        check_digest(sha256)
        digest = hashlib.sha256()
        chunks = []
        for chunk in self.chunks(sha256):
            digest.update(chunk)
            chunks.append(chunk)
        if digest.hexdigest() != sha256:
            raise StoredFileDamaged("stored_file_changed", sha256=sha256)
        return b"".join(chunks)

    def close(self) -> None:  # noqa: B027  (most backends hold nothing)
        """Release what the store holds (connections); it can be used again afterwards."""


def _missing(sha256: str) -> StoredFileDamaged:
    return StoredFileDamaged("stored_file_missing", sha256=sha256)


# --- a folder -----------------------------------------------------------------------------------------------------
class FileSystemStore(BlobStore):
    def __init__(self, root: Path | str, clock: Clock) -> None:
        self.root = Path(root)
        self.clock = clock
        self.url = self.root.resolve().as_uri() if self.root.is_absolute() else str(self.root)

    def path(self, sha256: str) -> Path:
        check_digest(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _stamp(self, target: Path) -> None:
        instant = self.clock.now().timestamp()
        os.utime(target, (instant, instant))

    def put(self, content: bytes, sha256: str, executor: Executor | None = None) -> bool:
        target = self.path(sha256)
        if target.exists():
            self._stamp(target)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            self._stamp(Path(temporary))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def chunks(self, sha256: str) -> Iterator[bytes]:
        try:
            stream = self.path(sha256).open("rb")
        except FileNotFoundError:
            raise _missing(sha256) from None
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def get(self, sha256: str) -> bytes:
        """Read at once: the file's size is known and bounded, so the one copy in memory is the one returned."""
        try:
            content = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise _missing(sha256) from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise StoredFileDamaged("stored_file_changed", sha256=sha256)
        return content

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def digests(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for first in sorted(self.root.iterdir()):
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in sorted(first.iterdir()):
                if not second.is_dir():
                    continue
                for item in sorted(second.iterdir()):
                    name = item.name
                    if len(name) == 64 and set(name) <= _HEX and name.startswith(first.name + second.name):
                        yield name

    def written_at(self, sha256: str) -> _dt.datetime | None:
        try:
            return _dt.datetime.fromtimestamp(self.path(sha256).stat().st_mtime, _dt.UTC)
        except FileNotFoundError:
            return None

    def delete(self, sha256: str, written_before: _dt.datetime) -> bool:
        written = self.written_at(sha256)
        if written is None or written >= written_before:
            return False
        self.path(sha256).unlink(missing_ok=True)
        return True


# --- a database table ---------------------------------------------------------------------------------------------
class DatabaseStore(BlobStore):
    """Rows of ``table`` (columns ``sha256``, ``size``, ``written_at``, ``content``) in ``engine``'s database.
    ``shared``: that database is the application's, so a put given the caller's executor joins its transaction."""

    def __init__(self, url: str, engine: sa.Engine | None, table: sa.Table, clock: Clock, shared: bool) -> None:
        self._address = url
        self.url = url if url == "db:" else sa.make_url(_sqlalchemy_url(url)).render_as_string(hide_password=True)
        self._engine = engine
        self.table = table
        self.clock = clock
        self.shared = shared
        self.joins_transaction = shared

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:  # another database: connect at first use, creating the table when missing
            engine = create_db_engine(_sqlalchemy_url(self._address))
            with engine.begin() as connection:
                self.table.create(connection, checkfirst=True)
                if engine.dialect.name == "postgresql":  # as migration 0009 does on the application's database
                    connection.exec_driver_sql(
                        f"ALTER TABLE {self.table.name} ALTER COLUMN content SET STORAGE EXTERNAL"
                    )
            self._engine = engine
        return self._engine

    def _reading(self) -> sa.Engine:
        return self.engine.execution_options(shenpi_readonly=True)  # SQLite: a plain BEGIN, no write lock

    def _insert(self, dialect: str) -> Any:
        if dialect == "postgresql":
            return postgresql.insert(self.table).on_conflict_do_nothing(index_elements=["sha256"])
        if dialect == "sqlite":
            return sqlite.insert(self.table).on_conflict_do_nothing(index_elements=["sha256"])
        return self.table.insert()

    def _write(self, executor: Executor, content: bytes, sha256: str, dialect: str) -> bool:
        now = self.clock.now()
        statement = self._insert(dialect).values(sha256=sha256, size=len(content), written_at=now, content=content)
        if executor.execute(statement.returning(self.table.c.sha256)).first() is not None:
            return True  # inserted (an existing row returns nothing)
        executor.execute(self.table.update().where(self.table.c.sha256 == sha256).values(written_at=now))
        return False

    def put(self, content: bytes, sha256: str, executor: Executor | None = None) -> bool:
        check_digest(sha256)
        if self.shared and executor is not None:
            return self._write(executor, content, sha256, self.engine.dialect.name)
        with self.engine.begin() as connection:
            return self._write(connection, content, sha256, self.engine.dialect.name)

    def chunks(self, sha256: str) -> Iterator[bytes]:
        check_digest(sha256)
        column = self.table.c.content
        with self._reading().connect() as connection:
            size = connection.execute(
                sa.select(sa.func.length(column)).where(self.table.c.sha256 == sha256)
            ).scalar_one_or_none()
            if size is None:
                raise _missing(sha256)
            for start in range(0, size, CHUNK):  # substr counts from 1
                piece = connection.execute(
                    sa.select(sa.func.substr(column, start + 1, CHUNK)).where(self.table.c.sha256 == sha256)
                ).scalar_one_or_none()
                if piece is None:
                    raise _missing(sha256)
                yield bytes(piece)

    def exists(self, sha256: str) -> bool:
        with self._reading().connect() as connection:
            found = connection.execute(sa.select(self.table.c.sha256).where(self.table.c.sha256 == sha256)).first()
        return found is not None

    def digests(self) -> Iterator[str]:
        after = ""
        while True:
            with self._reading().connect() as connection:
                batch = list(
                    connection.execute(
                        sa.select(self.table.c.sha256)
                        .where(self.table.c.sha256 > after)
                        .order_by(self.table.c.sha256)
                        .limit(1000)
                    ).scalars()
                )
            yield from batch
            if len(batch) < 1000:
                return
            after = batch[-1]

    def written_at(self, sha256: str) -> _dt.datetime | None:
        with self._reading().connect() as connection:
            written: _dt.datetime | None = connection.execute(
                sa.select(self.table.c.written_at).where(self.table.c.sha256 == sha256)
            ).scalar_one_or_none()
        return written

    def delete(self, sha256: str, written_before: _dt.datetime) -> bool:
        with self.engine.begin() as connection:
            deleted = connection.execute(
                self.table.delete().where(self.table.c.sha256 == sha256, self.table.c.written_at < written_before)
            )
        return rowcount(deleted) == 1

    def close(self) -> None:
        if self._engine is not None and not self.shared:
            self._engine.dispose()


def _sqlalchemy_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` through psycopg 3, the driver Shenpi installs."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


# --- an S3-compatible bucket --------------------------------------------------------------------------------------
_WRITTEN = "shenpi-written-at"


class S3Store(BlobStore):
    """Objects ``<prefix>/<ab>/<cd>/<sha256>`` in ``bucket``. The client (boto3) is made at first use."""

    def __init__(self, url: str, clock: Clock) -> None:
        parts = urlsplit(url)
        if not parts.netloc:
            raise InvalidInput("files_url_invalid", field="SHENPI_FILES_URL", url=url)
        query = parse_qs(parts.query)
        self.url = url
        self.bucket = parts.netloc
        self.prefix = unquote(parts.path).strip("/")
        self.endpoint = query.get("endpoint", [None])[0]
        self.region = query.get("region", [None])[0]
        self.clock = clock
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # an optional dependency: pip install shenpi[s3]
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint,
                region_name=self.region,
                config=Config(retries={"max_attempts": 5, "mode": "standard"}),
            )
        return self._client

    def key(self, sha256: str) -> str:
        check_digest(sha256)
        name = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def _head(self, sha256: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return head

    def put(self, content: bytes, sha256: str, executor: Executor | None = None) -> bool:
        existed = self._head(sha256) is not None
        # Writing identical content again is harmless (the key is its digest) and renews its written instant.
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.key(sha256),
            Body=content,
            ContentLength=len(content),
            Metadata={_WRITTEN: self.clock.now().isoformat()},
        )
        return not existed

    def chunks(self, sha256: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise _missing(sha256) from None
            raise
        body = answer["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def digests(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if len(name) == 64 and set(name) <= _HEX:
                    yield name

    def written_at(self, sha256: str) -> _dt.datetime | None:
        head = self._head(sha256)
        if head is None:
            return None
        stamped = head.get("Metadata", {}).get(_WRITTEN)
        if stamped:
            return _dt.datetime.fromisoformat(stamped).astimezone(_dt.UTC)
        modified: _dt.datetime = head["LastModified"]  # written by something else than Shenpi
        return modified.astimezone(_dt.UTC)

    def delete(self, sha256: str, written_before: _dt.datetime) -> bool:
        written = self.written_at(sha256)
        if written is None or written >= written_before:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        return True


# --- choosing a backend -------------------------------------------------------------------------------------------
def files_url_scheme(url: str) -> str:
    """``file``, ``db`` or ``s3`` for a ``SHENPI_FILES_URL`` value; ValueError for anything else."""
    if url in ("", "db:"):
        return "file" if url == "" else "db"
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file" or scheme == "" or (len(scheme) == 1 and url[1:3] in (":\\", ":/")):  # a path
        return "file"
    if scheme.split("+")[0] in ("postgresql", "postgres", "sqlite"):
        return "db"
    if scheme == "s3":
        if not urlsplit(url).netloc:
            raise ValueError("an s3:// address names its bucket: s3://bucket/prefix?endpoint=…&region=…")
        if importlib.util.find_spec("boto3") is None:
            raise ValueError("the S3 file store needs boto3: pip install -e '.[s3]'")
        return "s3"
    raise ValueError("expected a path, file:///path, db:, postgresql://… or s3://bucket/prefix?endpoint=…")


def _same_database(url: str, engine: sa.Engine) -> bool:
    given = sa.make_url(_sqlalchemy_url(url))
    current = engine.url
    return (given.get_backend_name(), given.host, given.port, given.database, given.username) == (
        current.get_backend_name(),
        current.host,
        current.port,
        current.database,
        current.username,
    )


def open_blob_store(url: str, default_dir: Path, engine: sa.Engine, table: sa.Table, clock: Clock) -> BlobStore:
    """The store ``url`` names (``SHENPI_FILES_URL``; empty: the folder ``default_dir``). ``engine`` is the
    application's database, ``table`` the blob table's definition (``engine.models.FileBlob``)."""
    try:
        scheme = files_url_scheme(url)
    except ValueError:
        raise InvalidInput("files_url_invalid", field="SHENPI_FILES_URL", url=url) from None
    if scheme == "file":
        if not url:
            return FileSystemStore(default_dir, clock)
        path = unquote(urlsplit(url).path) if url.lower().startswith("file:") else url
        return FileSystemStore(Path(path), clock)
    if scheme == "s3":
        return S3Store(url, clock)
    if url == "db:" or _same_database(url, engine):
        return DatabaseStore("db:", engine, table, clock, shared=True)
    return DatabaseStore(url, None, table, clock, shared=False)
