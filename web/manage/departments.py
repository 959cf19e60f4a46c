"""The organisation tree: create, rename, move, set the level, deactivate and reactivate units."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from engine.errors import InvalidInput
from engine.organisation import LEVEL_NAMES, LEVELS

from ..messages import describe
from ..session import actor, engine
from . import bp
from .common import can_edit, choices, editors, readers, show_errors

LEVEL_CHOICES = [(level, LEVEL_NAMES[level]) for level in LEVELS]


class UnitForm(FlaskForm):
    id = StringField("单位编码")
    name = StringField("单位名称")
    level = SelectField("层级", choices=choices(LEVEL_CHOICES), validate_choice=False)
    parent = SelectField("上级单位", choices=[], validate_choice=False)


def _parent_choices(form: UnitForm, exclude: str | None = None) -> None:
    units = engine().organisation.units(active_only=True)
    form.parent.choices = choices(
        [("", _("（无上级，顶层单位）"))]
        + [(u["id"], "　" * u["depth"] + u["name"]) for u in units if u["id"] != exclude]
    )


def _page(form: UnitForm, selected: dict | None, edit: UnitForm | None, status: int = 200):
    return render_template(
        "manage/departments.html",
        tree=engine().organisation.tree(),
        form=form,
        selected=selected,
        edit=edit,
        level_names=LEVEL_NAMES,
        can_edit=can_edit(),
    ), status


@bp.get("/departments")
@readers
def departments():
    form = UnitForm(formdata=None)
    _parent_choices(form)
    selected, edit = None, None
    if request.args.get("unit"):
        selected = engine().organisation.unit(request.args["unit"])
        edit = UnitForm(
            formdata=None,
            prefix="edit",
            data={"name": selected["name"], "level": selected["level"], "parent": selected["parent"] or ""},
        )
        _parent_choices(edit, exclude=selected["id"])
    return _page(form, selected, edit)


@bp.post("/departments")
@editors
def department_create():
    form = UnitForm()
    _parent_choices(form)
    if form.validate_on_submit():
        try:
            created = engine().organisation.create(
                form.id.data, form.name.data, form.level.data, form.parent.data or None, actor()
            )
        except InvalidInput as exc:
            show_errors(form, exc)
        else:
            flash(_("已新增单位“%(name)s”", name=created["name"]), "success")
            return redirect(url_for("manage.departments", unit=created["id"]))
    return _page(form, None, None, 400)


@bp.post("/departments/<unit_id>/<change>")
@editors
def department_change(unit_id, change):
    organisation, form = engine().organisation, request.form
    operations = {
        "rename": (lambda: organisation.rename(unit_id, form.get("edit-name", ""), actor()), _("名称已修改")),
        "move": (lambda: organisation.move(unit_id, form.get("edit-parent") or None, actor()), _("已调整上级单位")),
        "level": (lambda: organisation.set_level(unit_id, form.get("edit-level", ""), actor()), _("层级已修改")),
        "deactivate": (lambda: organisation.deactivate(unit_id, actor()), _("单位已停用")),
        "reactivate": (lambda: organisation.reactivate(unit_id, actor()), _("单位已启用")),
    }
    if change not in operations:
        return render_template("error.html", status=404, title=_("页面不存在"), message=_("您要找的页面不存在。")), 404
    operation, done = operations[change]
    try:
        operation()
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("manage.departments", unit=unit_id))
