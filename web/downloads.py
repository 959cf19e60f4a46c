"""Sending a stored file to the browser: always as an attachment, with the real name (RFC 5987), its media type
and nosniff, so that what an official or applicant downloads never runs in the application's origin. Shared by
the REST API and the pages."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response


def material_response(material: dict, content: bytes) -> Response:
    """A case material (``MaterialService.open``) as a download."""
    return Response(
        content,
        content_type=material["media_type"],
        headers={
            "Content-Disposition": content_disposition(material["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
            "ETag": f'"{material["sha256"]}"',
        },
    )


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real name as RFC 5987 ``filename*``."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join("_" if c in '"\\;' or not c.isprintable() else c for c in fallback).strip() or "material"
    if fallback.startswith("."):
        fallback = "material" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
