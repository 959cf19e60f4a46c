"""A matter's form templates and sample filled forms (表格下载): administrators upload and remove them; the guide
offers them for download (``portal.form_file``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.catalogue import FORM_FILE_MAX_BYTES
from engine.errors import EngineError, NotFound

from ..messages import describe
from ..request_guard import check_form
from ..session import actor, engine
from . import bp
from .common import can_edit, editors, readers


def _page(code, error=None, status=200):
    matter = engine().catalogue.entry(code)
    files = engine().form_files.for_matter(code, published_only=False)
    return (
        render_template(
            "manage/form_files.html",
            entry=matter,
            files=files,
            error=error,
            can_edit=can_edit(),
            max_kb=FORM_FILE_MAX_BYTES // 1024,
        ),
        status,
    )


@bp.get("/matters/<code>/forms")
@readers
def form_files(code):
    return _page(code)


@bp.post("/matters/<code>/forms")
@editors
def form_file_upload(code):
    upload = request.files.get("file")
    check_form()
    content = upload.read(FORM_FILE_MAX_BYTES + 1) if upload is not None else b""
    try:
        engine().form_files.upload(
            code,
            request.form.get("kind"),
            request.form.get("title"),
            upload.filename if upload is not None else "",
            content,
            actor(),
        )
    except NotFound:
        raise
    except EngineError as exc:
        return _page(code, error=describe(exc), status=exc.status)
    flash(_("已上传，办事指南中可下载。"), "success")
    return redirect(url_for("manage.form_files", code=code), 303)


@bp.post("/matters/<code>/forms/<int:file_id>/delete")
@editors
def form_file_delete(code, file_id):
    engine().form_files.remove(file_id, actor())
    flash(_("已删除。"), "success")
    return redirect(url_for("manage.form_files", code=code), 303)
