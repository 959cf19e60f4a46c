"""Administration of the catalogue, the organisation, staff accounts and the working-day calendar (/admin/…)."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/admin")


@bp.app_template_filter("local_time")
def _local_time(value, pattern="%Y-%m-%d %H:%M"):
    from .common import local_time

    return local_time(value, pattern)


from . import calendar_pages, departments, matters, users  # noqa: E402,F401  (register the views)
