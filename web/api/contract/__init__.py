"""The API's contract: every operation declares its request and response models (``operation``), and the OpenAPI
document is generated from those declarations and the routes (``document``). spectree reads the routes and
checks request bodies and query strings against their models; the error envelope stays the API's own."""

from __future__ import annotations

from .document import document
from .operations import api, operation

__all__ = ["api", "document", "operation"]
