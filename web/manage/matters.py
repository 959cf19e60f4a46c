"""The matter catalogue: list and filter, edit and publish a new version, create, withdraw (停办)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.catalogue import TYPES
from engine.errors import InvalidInput

from ..messages import describe
from ..session import actor, engine
from . import bp
from .common import can_edit, choices, editors, readers, show_errors
from .matter_form import MatterForm, fees, materials

STATUSES = {"published": "在办", "withdrawn": "已停办"}


@bp.get("/matters")
@readers
def matters():
    args = request.args
    rows = engine().catalogue.page_search(
        args.get("q"),
        args.get("department") or None,
        args.get("type") or None,
        args.get("status") or None,
        page=args.get("page"),
    )
    return render_template(
        "manage/matters.html",
        rows=rows,
        departments=rows["departments"],
        types=TYPES,
        statuses=STATUSES,
        args=args,
        can_edit=can_edit(),
    )


def _form(entry: dict | None = None) -> MatterForm:
    form = MatterForm()
    units = [u["name"] for u in engine().organisation.units(active_only=True)]
    if entry and entry.get("department") not in units:
        units.append(entry["department"])
    form.department.choices = choices([("", _("请选择"))] + [(name, name) for name in units])
    if entry is not None and request.method == "GET":
        form.load(entry)
    return form


def _render(form, entry, rows_from, errors, new):
    keys = sorted({d["key"] for d in engine().repository.list_definitions()})
    return render_template(
        "manage/matter_form.html",
        form=form,
        entry=entry,
        new=new,
        errors=errors,
        keys=keys,
        materials=rows_from["materials"],
        fees=rows_from["fees"],
        can_edit=can_edit(),
    )


@bp.route("/matters/new", methods=["GET", "POST"])
@editors
def matter_new():
    form = _form()
    errors, failed = {}, False
    rows = {"materials": [{"name": "", "form": "原件", "required": True, "copies": 1}], "fees": []}
    if form.validate_on_submit():
        rows = {"materials": materials(request.form), "fees": fees(request.form)}
        try:
            engine().catalogue.save(form.entry(request.form), actor(), form.note.data, new=True)
        except InvalidInput as exc:
            show_errors(form, exc, errors)
            failed = True
        else:
            flash(_("事项已发布"), "success")
            return redirect(url_for("manage.matter_edit", code=form.code.data.strip()))
    return _render(form, None, rows, errors, new=True), 400 if failed else 200


@bp.route("/matters/<code>", methods=["GET", "POST"])
@readers
def matter_edit(code):
    entry = engine().catalogue.entry(code)
    form = _form(entry)
    errors, failed = {}, False
    rows = {"materials": entry.get("materials") or [], "fees": entry.get("fees") or []}
    if request.method == "POST":
        if not can_edit():
            return render_template(
                "error.html", status=403, title=_("无权访问"), message=_("您的账号只能查看，不能修改")
            ), 403
        form.code.data = code
        rows = {"materials": materials(request.form), "fees": fees(request.form)}
        if form.validate_on_submit():
            try:
                version = engine().catalogue.save(form.entry(request.form), actor(), form.note.data)
            except InvalidInput as exc:
                show_errors(form, exc, errors)
                failed = True
            else:
                flash(_("已发布第 %(version)s 版", version=version), "success")
                return redirect(url_for("manage.matter_edit", code=code))
    return _render(form, entry, rows, errors, new=False), 400 if failed else 200


@bp.post("/matters/<code>/withdraw")
@editors
def matter_withdraw(code):
    try:
        engine().catalogue.withdraw(code, request.form.get("reason", ""), actor())
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        flash(_("事项已停办"), "success")
    return redirect(url_for("manage.matter_edit", code=code))


@bp.get("/matters/rows/material")
@editors
def material_row():
    return render_template(
        "manage/_material_row.html", material={"required": True, "copies": 1, "form": "原件"}, can_edit=True
    )


@bp.get("/matters/rows/fee")
@editors
def fee_row():
    return render_template("manage/_fee_row.html", fee={}, can_edit=True)


@bp.get("/matters/rows/removed")
@editors
def removed_row():
    return ""
