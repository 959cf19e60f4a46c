"""Files chosen in a page's file inputs, read for the engine to admit or refuse."""

from __future__ import annotations

from flask import request

from .session import engine


def chosen_files(fields) -> list[tuple]:
    """(filename, bytes, slot) for each file chosen in the inputs ``fields`` ((input name, slot) …); an input left
    empty sends a nameless part, which is skipped. Of each file at most the per-file limit + 1 bytes are read:
    enough for the engine to refuse it."""
    per_file = engine().materials.max_file_bytes
    files = []
    for name, slot in fields:
        for upload in request.files.getlist(name):
            if upload and upload.filename:
                files.append((upload.filename, upload.read(per_file + 1), slot))
    return files
