"""The complaint procedure (投诉处理): limits, light, scope and views; feedback, acceptance, forwarding, result,
closure; the complaints' part of the sweep.
"""

from __future__ import annotations

from .service import ComplaintService

__all__ = ["ComplaintService"]
