"""Admitting an uploaded file: a clean name, a size within the limit, an allowed type read from its content."""
from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import file_types
from ..errors import InvalidInput, TooLarge

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
        raise InvalidInput("每个文件都需要文件名", field="files")
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if not name:
        raise InvalidInput(f"文件名 {raw!r} 无效：去掉路径和控制字符后为空", field="files")
    if len(name) > MAX_NAME_CHARS:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[:MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext
    return name


def admit(raw_name: object, content: object, max_bytes: int) -> Upload:
    """Check one file. A file whose content and extension disagree (a PNG named ``.txt``) is refused, so that
    what an official downloads opens as what it claims to be."""
    name = safe_filename(raw_name)
    if not isinstance(content, (bytes, bytearray)):
        raise InvalidInput(f"文件 {name} 没有内容", field="files")
    content = bytes(content)
    if not content:
        raise InvalidInput(f"文件 {name} 是空文件", field="files")
    if len(content) > max_bytes:
        raise TooLarge(f"文件 {name} 超过单个文件大小上限 {max_bytes} 字节", limit=max_bytes)
    kind, seen = file_types.detect(content)
    if kind is None:
        raise InvalidInput(f"文件 {name} 的类型不允许（内容为{seen}）；允许的类型：{file_types.ALLOWED_LABELS}",
                           field="files")
    extension = os.path.splitext(name)[1].lower()
    if extension not in kind.extensions:
        raise InvalidInput(f"文件 {name} 的内容是{kind.label}，与扩展名“{extension or '（无）'}”不符；"
                           f"请使用 {'、'.join(kind.extensions)} 扩展名", field="files")
    return Upload(name, kind.media_type, content, hashlib.sha256(content).hexdigest())
