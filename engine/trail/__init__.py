"""The supervision trail: append-only rows hash-chained per case and anchored in the system chain, observers of
new rows, and the verification of every chain. It knows no domain: others write their events into it.
"""
from __future__ import annotations

from . import chain
from .chain import Verification

__all__ = ["Verification", "chain"]
