"""Sending a case material to the browser: the same safe download for the API and the pages."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response


def send_material(meta: dict, content: bytes) -> Response:
    """``attachment`` with an ASCII fallback name and the real name as RFC 5987 ``filename*``; ``nosniff``, a
    sandboxing CSP and no caching."""
    filename = meta["filename"]
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join("_" if c in '"\\;' or not c.isprintable() else c for c in fallback).strip() or "material"
    if fallback.startswith("."):
        fallback = "material" + fallback
    return Response(content, content_type=meta["media_type"], headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "ETag": f'"{meta["sha256"]}"',
    })
