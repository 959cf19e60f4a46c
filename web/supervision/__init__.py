"""督办 pages: supervisors' list of supervision items with their lights, an item's page with the procedure's
forms (notice, extension, finding) and its trail; a department head's items to answer."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


from . import pages  # noqa: E402,F401  (register the views)
