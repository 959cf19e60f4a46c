"""The checkpoint file: one JSON line per checkpoint, signed with HMAC-SHA256 under a key the database never holds
(``SHENPI_TRAIL_KEY``) and chained to the line before it by that line's SHA-256.

A line is self-contained — ``{"v", "n", "at", "kid", "prev", "through_seq", "heads", "mac"}`` with ``heads`` a list
of ``[chain, position, hash]`` (chain 0 is the system chain, any other the case of that id) — and its ``mac`` is the
HMAC of the canonical JSON of every other field. The file is only ever opened for appending, under an exclusive
lock (``flock``) held for the whole run, so two processes on one host never interleave or repeat lines.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import TRAIL_KEY_MIN_LENGTH
from .hashing import instant

LINE_VERSION = 1
FIELDS = frozenset({"v", "n", "at", "kid", "prev", "through_seq", "heads", "mac"})
Head = tuple[int, int, str]  # (chain, position, hash)


class BadLine(ValueError):
    """A line that is not a checkpoint signed with the configured key; the message says why."""


@dataclass(frozen=True)
class Line:
    """One checkpoint as written: ``text`` is the line without its newline."""

    n: int
    at: _dt.datetime
    kid: str
    prev: str
    through_seq: int
    heads: tuple[Head, ...]
    mac: str
    text: str

    @property
    def digest(self) -> str:
        """SHA-256 of the line: what the next line's ``prev`` and the database's record hold."""
        return text_digest(self.text)

    def document(self) -> dict[str, Any]:
        """The line as a JSON object (what the upward report carries)."""
        document: dict[str, Any] = json.loads(self.text)
        return document


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


class Signer:
    """Signs and checks lines with one key. ``kid`` names the key (a digest of it, not the key)."""

    def __init__(self, key: str) -> None:
        if len(key) < TRAIL_KEY_MIN_LENGTH:
            raise ValueError(f"the trail key must have at least {TRAIL_KEY_MIN_LENGTH} characters")
        self._key = key.encode("utf-8")
        self.kid = hashlib.sha256(b"shenpi trail key id\0" + self._key).hexdigest()[:16]

    def _mac(self, body: dict[str, Any]) -> str:
        return hmac.new(self._key, _canonical(body), hashlib.sha256).hexdigest()

    def sign(self, n: int, at: _dt.datetime, prev: str, through_seq: int, heads: list[Head]) -> Line:
        body: dict[str, Any] = {
            "v": LINE_VERSION,
            "n": n,
            "at": instant(at),
            "kid": self.kid,
            "prev": prev,
            "through_seq": through_seq,
            "heads": [list(head) for head in heads],
        }
        mac = self._mac(body)
        text = _canonical({**body, "mac": mac}).decode("ascii")
        return Line(n, at, self.kid, prev, through_seq, tuple(heads), mac, text)

    def check(self, text: str) -> Line:
        """The line, if it is well formed and its signature fits this key; else BadLine saying what is wrong."""
        try:
            body = json.loads(text)
        except ValueError:
            raise BadLine("not a JSON line (cut short, or edited)") from None
        if not isinstance(body, dict) or set(body) != FIELDS:
            raise BadLine("not a checkpoint line (its fields are not the checkpoint's)")
        mac = body.pop("mac")
        if body["kid"] != self.kid:
            raise BadLine(f"signed with another key (key id {body['kid']!r}; the configured key is {self.kid!r})")
        if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(body)):
            raise BadLine("its signature does not match: the line was edited")
        try:
            heads = tuple((int(c), int(p), str(h)) for c, p, h in body["heads"])
            at = _dt.datetime.strptime(body["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_dt.UTC)
            return Line(int(body["n"]), at, body["kid"], str(body["prev"]), int(body["through_seq"]), heads, mac, text)
        except (TypeError, ValueError):  # signed, so written by a holder of the key, yet not what we write
            raise BadLine("signed, but its fields do not have the checkpoint's types") from None


def read(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Every line of the file from the first: (line number, text without newline, whether it ended with one)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            complete = raw.endswith(b"\n")
            yield number, raw.rstrip(b"\n").decode("utf-8", errors="replace"), complete


def read_backwards(path: Path, block: int = 65536) -> Iterator[str]:
    """The file's lines from the last, without reading the rest of it. Raises BadLine when the file does not end
    with a newline (its last line was cut short)."""
    with path.open("rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        if end == 0:
            return
        handle.seek(end - 1)
        if handle.read(1) != b"\n":
            raise BadLine("the file ends in the middle of a line (cut short)")
        position, pending = end - 1, b""  # pending: the end of a line whose start lies before ``position``
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            pending = handle.read(position - start) + pending
            position = start
            first, *complete = pending.split(b"\n")
            pending = first
            for raw in reversed(complete):
                yield raw.decode("utf-8", errors="replace")
        yield pending.decode("utf-8", errors="replace")


@contextmanager
def locked_for_append(path: Path) -> Iterator[int]:
    """The file opened for appending only (created with its folder when missing), under an exclusive lock that
    other processes taking it wait for; yields the descriptor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    finally:
        os.close(descriptor)  # releases the lock


def append(descriptor: int, lines: list[Line]) -> None:
    """Write ``lines`` at the end of the file and wait until they are on disk."""
    data = b"".join(line.text.encode("ascii") + b"\n" for line in lines)
    while data:
        written = os.write(descriptor, data)
        data = data[written:]
    os.fsync(descriptor)
