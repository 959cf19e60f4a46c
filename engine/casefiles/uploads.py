"""Admitting an uploaded file: a clean name, a size within the limit, an allowed type read from its content."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput, Message, TooLarge
from . import file_types

MAX_NAME_CHARS = 120
# Files as callers hand them in: (filename, content) or (filename, content, slot) items, checked on admission
Files = Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Upload:
    filename: str
    media_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def safe_filename(raw: object) -> str:
    """The last path component, NFC, without control characters, surrounding dots or spaces; at most
    ``MAX_NAME_CHARS`` characters, shortened before the extension."""
    if not isinstance(raw, str):
        raise InvalidInput("file_name_required", field="files")
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        raise InvalidInput("file_name_invalid", field="files", name=raw)
    if len(name) > MAX_NAME_CHARS:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext
    return name


def admit(raw_name: object, content: object, max_bytes: int) -> Upload:
    """Check one file. A file whose content and extension disagree (a PNG named ``.txt``) is refused, so that
    what an official downloads opens as what it claims to be."""
    name = safe_filename(raw_name)
    if not isinstance(content, (bytes, bytearray)):
        raise InvalidInput("file_no_content", field="files", name=name)
    content = bytes(content)
    if not content:
        raise InvalidInput("file_empty", field="files", name=name)
    if len(content) > max_bytes:
        raise TooLarge("file_too_large", limit=max_bytes, name=name)
    kind, seen = file_types.detect(content)
    if kind is None:
        raise InvalidInput("file_type_refused", field="files", name=name, seen=seen, allowed=file_types.ALLOWED_LABELS)
    extension = os.path.splitext(name)[1].lower()
    if extension not in kind.extensions:
        raise InvalidInput(
            "file_extension_mismatch",
            field="files",
            name=name,
            kind=kind.label,
            extension=extension or Message("no_extension"),
            extensions=list(kind.extensions),
        )
    return Upload(name, kind.media_type, content, hashlib.sha256(content).hexdigest())
