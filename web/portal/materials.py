"""Materials in the portal: files chosen per material on the apply form, my materials' downloads, and the
supplement (补正) upload answering a pending notice."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from engine.casefiles import ALLOWED_FILE_LABELS, ALLOWED_FILE_TYPES
from engine.errors import InvalidInput, InvalidState
from engine.identity import APPLICANT

from ..downloads import material_response
from ..messages import describe, describe_all
from ..session import actor, engine, roles_required
from ..uploads import chosen_files
from . import bp

MULTIPART_OVERHEAD = 1024 * 1024
ACCEPT = ",".join(ext for kind in ALLOWED_FILE_TYPES for ext in kind.extensions)


class SupplementForm(FlaskForm):
    """Only the CSRF token: the files are read per asked item."""


def limit_request() -> None:
    """Bound the whole request to what a case may hold; call before anything reads the form."""
    request.max_content_length = engine().materials.max_case_bytes + MULTIPART_OVERHEAD


def upload_limits() -> dict:
    """What the forms tell the applicant before they choose files."""
    materials = engine().materials
    return {
        "accept": ACCEPT,
        "types": describe_all(ALLOWED_FILE_LABELS),
        "max_file_mb": _megabytes(materials.max_file_bytes),
        "max_file_bytes": materials.max_file_bytes,
        "max_files": materials.max_case_files,
    }


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


@bp.get("/my/materials/<int:material_id>")
@roles_required(APPLICANT)
def material(material_id):
    engine().applicant_cases.material_case(material_id, actor())
    return material_response(*engine().materials.open(material_id, actor()))


@bp.post("/my/cases/<int:case_id>/supplement")
@roles_required(APPLICANT)
def supplement(case_id):
    limit_request()
    view = engine().applicant_cases.case(case_id, actor())  # the applicant's own case, or 403/404
    back = redirect(url_for("portal.case", case_id=case_id, _anchor="supplement"))
    form = SupplementForm()
    if not form.validate_on_submit():
        flash(_("补正材料未提交：页面已过期，请刷新后重试。"), "error")
        return back
    notice = view["supplement"]
    if notice is None:
        flash(_("补正材料未提交：当前没有待补正的通知。"), "error")
        return back
    files, missing = [], []
    items, slots = (notice["items"], notice["slots"]) if notice["items"] else ([_("补正材料")], [None])
    for i, (item, slot) in enumerate(zip(items, slots)):
        chosen = chosen_files([(f"item-{i}", slot)])
        files.extend(chosen)
        if not chosen:
            missing.append(item)
    if missing:
        flash(_("补正材料未提交：请为每一项补正内容选择文件，尚缺：%(items)s", items="、".join(missing)), "error")
        return back
    try:
        added = engine().materials.add(case_id, files, actor(), kind="supplement")
    except InvalidState:
        flash(_("补正材料未提交：当前没有待补正的通知。"), "error")
    except InvalidInput as exc:
        flash(_("补正材料未提交：%(reason)s", reason=describe(exc)), "error")
    else:
        flash(_("已提交补正材料 %(n)s 份，办件恢复办理。", n=len(added)), "success")
    return back
