"""Content-addressed file storage: each distinct content once, named by its SHA-256 in two levels of folders."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..errors import EngineError

_HEX = set("0123456789abcdef")


class StoredFileDamaged(EngineError):
    """A stored file is missing or no longer matches its digest: the store was tampered with or lost data."""

    code = "stored_file_damaged"
    status = 500


class BlobStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, content: bytes, sha256: str) -> bool:
        """Store ``content`` under its digest (written to a temporary file, flushed, then renamed into place);
        False when identical content was already stored."""
        target = self.path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def get(self, sha256: str) -> bytes:
        """The stored content, checked against its digest."""
        try:
            content = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoredFileDamaged("stored_file_missing", sha256=sha256) from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise StoredFileDamaged("stored_file_changed", sha256=sha256)
        return content
