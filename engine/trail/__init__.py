"""The supervision trail: append-only rows hash-chained per case and anchored in the system chain, observers of
new rows, the verification of every chain, and the signed checkpoints of the chains' heads kept outside the database
(the anchor a rewrite cannot fake). It knows no domain: others write their events into it.
"""

from __future__ import annotations

from . import chain
from .checkpoints import CheckpointObserver, CheckpointRun, TrailCheckpoints
from .verification import Break, CheckpointStatus, Verification

__all__ = [
    "Break",
    "CheckpointObserver",
    "CheckpointRun",
    "CheckpointStatus",
    "TrailCheckpoints",
    "Verification",
    "chain",
]
