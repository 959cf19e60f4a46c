"""What a file is, from its first bytes (magic numbers) and, for ZIP containers, their manifest.

Never from the name or the type a client declares. ``detect`` returns an allowed ``FileType``, or ``None`` with
what the content looked like (for a clear refusal).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "PDF", (".pdf",))
JPEG = FileType("image/jpeg", "JPEG 图片", (".jpg", ".jpeg"))
PNG = FileType("image/png", "PNG 图片", (".png",))
OFD = FileType("application/ofd", "OFD 版式文件", (".ofd",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档（DOCX）",
                (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格（XLSX）", (".xlsx",))
TEXT = FileType("text/plain; charset=utf-8", "纯文本（UTF-8）", (".txt",))
ALLOWED = (PDF, JPEG, PNG, OFD, DOCX, XLSX, TEXT)
ALLOWED_LABELS = "、".join(t.label for t in ALLOWED)

# Content that is refused, named so the refusal can say what the file really is.
_REFUSED_MAGIC = (
    (b"\x7fELF", "可执行程序（ELF）"), (b"MZ", "可执行程序（Windows PE）"),
    (b"\xfe\xed\xfa\xce", "可执行程序（Mach-O）"), (b"\xfe\xed\xfa\xcf", "可执行程序（Mach-O）"),
    (b"\xce\xfa\xed\xfe", "可执行程序（Mach-O）"), (b"\xcf\xfa\xed\xfe", "可执行程序（Mach-O）"),
    (b"\xca\xfe\xba\xbe", "可执行程序或 Java 类文件"), (b"#!", "脚本"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（可能含宏）"), (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"), (b"GIF8", "GIF 图片"),
)
_MANIFEST_LIMIT = 1024 * 1024
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def detect(content: bytes) -> tuple[FileType | None, str]:
    """(the allowed type, its label) or (None, what the content looks like)."""
    if content.startswith(b"%PDF-"):
        return PDF, PDF.label
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG, JPEG.label
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, PNG.label
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content)
    for magic, label in _REFUSED_MAGIC:
        if content.startswith(magic):
            return None, label
    if _is_text(content):
        return TEXT, TEXT.label
    return None, "无法识别的二进制内容"


def _zip_type(content: bytes) -> tuple[FileType | None, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return OFD, OFD.label
            info = archive.NameToInfo.get("[Content_Types].xml")
            if info is None or info.file_size > _MANIFEST_LIMIT:
                return None, "ZIP 压缩包"
            manifest = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None, "损坏的 ZIP 文件"
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None, "含宏的 Office 文档"
    if _DOCX_MAIN in manifest:
        return DOCX, DOCX.label
    if _XLSX_MAIN in manifest:
        return XLSX, XLSX.label
    return None, "其他 Office 文档或 ZIP 压缩包"


def _is_text(content: bytes) -> bool:
    """UTF-8 text without control characters other than tab, line breaks and form feed."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" or ord(c) == 127 for c in text)
