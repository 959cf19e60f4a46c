"""Staff accounts: list and filter, create, edit, reset the password, deactivate, record an absence."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField

from engine.errors import InvalidInput
from engine.identity import APPLICANT, ROLE_NAMES, ROLES
from engine.kernel import SHANGHAI

from ..messages import describe
from ..session import actor, engine
from . import bp
from .common import can_edit, choices, editors, readers, show_errors


class UserForm(FlaskForm):
    id = StringField("用户名")
    name = StringField("姓名")
    department = SelectField("所在单位", choices=[], validate_choice=False)
    phone = StringField("电话")
    email = StringField("电子邮箱")
    backup = SelectField("AB岗（不在岗时由其代办）", choices=[], validate_choice=False)
    password = PasswordField("初始密码")


def _choices(form: UserForm, user_id: str | None = None) -> None:
    units = engine().organisation.units(active_only=True)
    form.department.choices = choices([("", _("（无）"))] + [(u["id"], "　" * u["depth"] + u["name"]) for u in units])
    people = engine().accounts.list_users(active=True)
    form.backup.choices = choices(
        [("", _("（无）"))]
        + [(p["id"], f"{p['name']}（{p['id']}）") for p in people if p["id"] != user_id and APPLICANT not in p["roles"]]
    )


def _data(form: UserForm) -> dict:
    return {
        "id": form.id.data,
        "name": form.name.data,
        "department": form.department.data or None,
        "posts": request.form.getlist("posts"),
        "roles": request.form.getlist("roles"),
        "phone": form.phone.data,
        "email": form.email.data,
        "backup": form.backup.data or None,
    }


def _page(form, user, posts, roles, errors, status=200):
    known = engine().accounts.known_posts(form.department.data or None)
    return render_template(
        "manage/user_form.html",
        form=form,
        user=user,
        posts=posts,
        roles=roles,
        role_names=ROLE_NAMES,
        all_roles=ROLES,
        known_posts=known,
        errors=errors,
        can_edit=can_edit(),
    ), status


@bp.get("/users")
@readers
def users():
    args = request.args
    active = {"yes": True, "no": False}.get(args.get("active", "yes"))
    rows = engine().accounts.page_users(
        args.get("department") or None, args.get("role") or None, active, args.get("q"), page=args.get("page")
    )
    return render_template(
        "manage/users.html",
        rows=rows,
        args=args,
        all_roles=ROLES,
        role_names=ROLE_NAMES,
        units=engine().organisation.units(),
        can_edit=can_edit(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@editors
def user_new():
    form = UserForm()
    _choices(form)
    errors, failed = {}, False
    if form.validate_on_submit():
        try:
            created = engine().accounts.create(_data(form), form.password.data or "", actor())
        except InvalidInput as exc:
            show_errors(form, exc, errors)
            failed = True
        else:
            flash(_("已创建账号 %(id)s，请将初始密码告知本人", id=created["id"]), "success")
            return redirect(url_for("manage.user_edit", user_id=created["id"]))
    posts = request.form.getlist("posts") if request.method == "POST" else []
    roles = request.form.getlist("roles") if request.method == "POST" else ["official"]
    return _page(form, None, posts, roles, errors, 400 if failed else 200)


@bp.route("/users/<user_id>", methods=["GET", "POST"])
@readers
def user_edit(user_id):
    user = engine().accounts.get(user_id)
    form = (
        UserForm()
        if request.method == "POST"
        else UserForm(
            formdata=None,
            data={
                "id": user["id"],
                "name": user["name"],
                "department": user["department_id"] or "",
                "phone": user["phone"],
                "email": user["email"],
                "backup": user["backup"] or "",
            },
        )
    )
    _choices(form, user_id)
    errors, failed, posts, roles = {}, False, user["posts"], user["roles"]
    if request.method == "POST":
        if not can_edit():
            return render_template(
                "error.html", status=403, title=_("无权访问"), message=_("您的账号只能查看，不能修改")
            ), 403
        form.id.data = user_id
        posts, roles = request.form.getlist("posts"), request.form.getlist("roles")
        if form.validate_on_submit():
            try:
                engine().accounts.update(user_id, _data(form), actor())
            except InvalidInput as exc:
                show_errors(form, exc, errors)
                failed = True
            else:
                flash(_("用户信息已保存"), "success")
                return redirect(url_for("manage.user_edit", user_id=user_id))
    return _page(form, user, posts, roles, errors, 400 if failed else 200)


@bp.post("/users/<user_id>/password")
@editors
def user_password(user_id):
    password, confirm = request.form.get("password", ""), request.form.get("confirm", "")
    if password != confirm:
        flash(_("两次输入的密码不一致"), "error")
    else:
        try:
            engine().accounts.reset_password(user_id, password, actor())
        except InvalidInput as exc:
            flash(describe(exc), "error")
        else:
            flash(_("已设置临时密码，请告知本人登录后修改"), "success")
    return redirect(url_for("manage.user_edit", user_id=user_id))


@bp.post("/users/<user_id>/active")
@editors
def user_active(user_id):
    active = request.form.get("active") == "yes"
    try:
        engine().accounts.set_active(user_id, active, actor())
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        flash(_("账号已启用") if active else _("账号已停用，该用户不能再登录"), "success")
    return redirect(url_for("manage.user_edit", user_id=user_id))


def _instant(text: str | None):
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise InvalidInput("date_time_required") from None


@bp.post("/users/<user_id>/absence")
@editors
def user_absence(user_id):
    try:
        clear = request.form.get("clear") == "yes"
        start = None if clear else _instant(request.form.get("from"))
        until = None if clear else _instant(request.form.get("until"))
        engine().identity.set_absence(user_id, start, until, actor())
    except InvalidInput as exc:
        flash(describe(exc), "error")
    else:
        flash(_("已取消不在岗记录") if clear else _("已记录不在岗，期间由AB岗代办"), "success")
    return redirect(url_for("manage.user_edit", user_id=user_id))


@bp.get("/users/posts")
@editors
def post_options():
    """The datalist of posts for the chosen department (refreshed when the department changes)."""
    return render_template(
        "manage/_post_options.html", known_posts=engine().accounts.known_posts(request.args.get("department") or None)
    )


@bp.get("/users/post-input")
@editors
def post_input():
    return render_template("manage/_post_input.html", post="", can_edit=True)
