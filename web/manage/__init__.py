"""Administration of the catalogue, the organisation, staff accounts and the working-day calendar (/admin/…)."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/admin")


from . import calendar_pages, departments, form_files, matter_files, matters, users  # noqa: E402,F401  (register the views)
