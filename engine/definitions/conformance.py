"""The conformance corpus (BPMN files beside the project) offered to the modeler. A file is opened only by a
name taken from the listing, so no request can reach outside the directory."""

from __future__ import annotations

from pathlib import Path

from ..errors import NotFound


def list_files(directory: Path | None) -> list[str]:
    """The .bpmn files under ``directory`` as relative names ("miwg-reference/A.1.0.bpmn"); none when missing."""
    if directory is None or not Path(directory).is_dir():
        return []
    root = Path(directory).resolve()
    names: list[str] = []
    for path in sorted(root.rglob("*.bpmn")):
        resolved = path.resolve()
        if resolved.is_file() and resolved.is_relative_to(root):
            names.append(path.relative_to(root).as_posix())
    return names


def read_file(directory: Path | None, name: str) -> bytes:
    if name not in list_files(directory):
        raise NotFound("conformance_file_not_found", name=name)
    assert directory is not None  # nothing is listed without a directory
    return (Path(directory).resolve() / name).read_bytes()
