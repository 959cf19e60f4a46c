"""The clerk's pages: the inbox (待办), case search, the case page and the task page with its operations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox", __name__)


from . import case_page, lists, operations, task_page  # noqa: E402,F401  (register the views)
