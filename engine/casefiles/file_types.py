"""What a file is, from its first bytes (magic numbers) and, for ZIP containers, their manifest.

Never from the name or the type a client declares. ``detect`` returns an allowed ``FileType``, or ``None`` with
what the content looked like (for a clear refusal).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ..errors import Message


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", Message("file_type_pdf"), (".pdf",))
JPEG = FileType("image/jpeg", Message("file_type_jpeg"), (".jpg", ".jpeg"))
PNG = FileType("image/png", Message("file_type_png"), (".png",))
OFD = FileType("application/ofd", Message("file_type_ofd"), (".ofd",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Message("file_type_docx"), (".docx",)
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Message("file_type_xlsx"), (".xlsx",)
)
TEXT = FileType("text/plain; charset=utf-8", Message("file_type_text"), (".txt",))
ALLOWED = (PDF, JPEG, PNG, OFD, DOCX, XLSX, TEXT)
ALLOWED_LABELS = [t.label for t in ALLOWED]

# Content that is refused, named so the refusal can say what the file really is.
_REFUSED_MAGIC = (
    (b"\x7fELF", Message("file_type_elf")),
    (b"MZ", Message("file_type_windows_pe")),
    (b"\xfe\xed\xfa\xce", Message("file_type_mach_o")),
    (b"\xfe\xed\xfa\xcf", Message("file_type_mach_o")),
    (b"\xce\xfa\xed\xfe", Message("file_type_mach_o")),
    (b"\xcf\xfa\xed\xfe", Message("file_type_mach_o")),
    (b"\xca\xfe\xba\xbe", Message("file_type_java_class")),
    (b"#!", Message("file_type_script")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Message("file_type_old_office")),
    (b"Rar!", Message("file_type_rar")),
    (b"7z\xbc\xaf\x27\x1c", Message("file_type_7z")),
    (b"\x1f\x8b", Message("file_type_gzip")),
    (b"GIF8", Message("file_type_gif")),
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
    return None, Message("file_type_unknown_binary")


def _zip_type(content: bytes) -> tuple[FileType | None, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return OFD, OFD.label
            info = archive.NameToInfo.get("[Content_Types].xml")
            if info is None or info.file_size > _MANIFEST_LIMIT:
                return None, Message("file_type_zip")
            manifest = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None, Message("file_type_broken_zip")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None, Message("file_type_office_macros")
    if _DOCX_MAIN in manifest:
        return DOCX, DOCX.label
    if _XLSX_MAIN in manifest:
        return XLSX, XLSX.label
    return None, Message("file_type_other_zip")


def _is_text(content: bytes) -> bool:
    """UTF-8 text without control characters other than tab, line breaks and form feed."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" or ord(c) == 127 for c in text)
