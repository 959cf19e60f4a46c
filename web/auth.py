"""Signing in and out, applicant registration, one's own account and the interface language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from engine.errors import InvalidInput, PermissionDenied

from .extensions import limiter
from .messages import describe
from .session import SessionUser, actor, engine, home_endpoint

bp = Blueprint("auth", __name__)
LANGUAGES = {"zh": "中文", "en": "English"}


class LoginForm(FlaskForm):
    user_id = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=128)])


class RegisterForm(FlaskForm):
    user_id = StringField("用户名", validators=[DataRequired(), Length(3, 64), Regexp(r"^[\w.@-]+$")])
    name = StringField("姓名或单位名称", validators=[DataRequired(), Length(max=100)])
    phone = StringField("手机号码", validators=[Optional(), Regexp(r"^1\d{10}$", message="请填写 11 位手机号码")])
    password = PasswordField("密码", validators=[DataRequired(), Length(8, 128)])
    confirm = PasswordField(
        "确认密码", validators=[DataRequired(), EqualTo("password", message="两次输入的密码不一致")]
    )


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired()])
    password = PasswordField("新密码", validators=[DataRequired(), Length(8, 128)])
    confirm = PasswordField(
        "确认新密码", validators=[DataRequired(), EqualTo("password", message="两次输入的密码不一致")]
    )


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute or scheme-relative address (open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    if "portal.index" in current_app.view_functions:
        return redirect(url_for("portal.index"))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = engine().identity.login(form.user_id.data, form.password.data)
        except PermissionDenied as exc:
            flash(describe(exc), "error")
        else:
            session.clear()  # a fresh session on privilege change (session fixation)
            login_user(SessionUser(signed_in))
            stored_locale = engine().identity.profile(signed_in.id)["locale"]
            if stored_locale in LANGUAGES:
                session["lang"] = stored_locale
            return redirect(_safe_next(request.args.get("next")) or url_for(home_endpoint(current_user)))
    return render_template("auth/login.html", form=form, demo_accounts=_demo_accounts())


def _demo_accounts() -> dict | None:
    """In demo mode (SHENPI_DEMO=1, as `make run` serves): the demo password and which demo account works which
    matter's steps."""
    if not engine().settings.demo:
        return None
    from demo.handlers import handlers
    from demo.seed import DEMO_PASSWORD

    return {"password": DEMO_PASSWORD, "matters": handlers(engine())}


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            created = engine().identity.register_applicant(
                form.user_id.data, form.name.data, form.password.data, form.phone.data or None
            )
        except InvalidInput as exc:
            field = getattr(form, exc.details.get("field", ""), None)
            if field is not None:
                field.errors = [*field.errors, describe(exc)]
            else:
                flash(describe(exc), "error")
        else:
            session.clear()
            login_user(SessionUser(created))
            flash(_("注册成功，欢迎使用网上办事大厅"), "success")
            return redirect(url_for(home_endpoint(current_user)))
    return render_template("auth/register.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            engine().identity.login(actor().id, form.current.data)
        except PermissionDenied:
            form.current.errors = [*form.current.errors, _("当前密码不正确")]
        else:
            try:
                engine().identity.set_password(actor().id, form.password.data, actor())
            except InvalidInput as exc:
                form.password.errors = [*form.password.errors, describe(exc)]
            else:
                flash(_("密码已修改"), "success")
                return redirect(url_for("auth.account"))
    profile = engine().identity.profile(actor().id)
    return render_template("auth/account.html", form=form, profile=profile)


@bp.post("/language")
def language():
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        if current_user.is_authenticated:
            engine().identity.set_locale(actor().id, chosen)
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


def select_locale() -> str:
    """The pages' language is the session's choice (Chinese by default); the API's follows Accept-Language."""
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES, default="zh")
    return session.get("lang") or "zh"
