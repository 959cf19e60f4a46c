"""The service desk's pages for staff: enquiries recorded by the first official asked (首问负责) and the
post-approval checks of pledges signed in place of materials (告知承诺制). The rules are the engine's."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from . import pages  # noqa: E402,F401  (registers the views)
