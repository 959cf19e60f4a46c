"""Complaints (投诉): anonymous or real-name, a reference number to look one up, and 我的投诉."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from engine.errors import InvalidInput, NotFound

from ..extensions import limiter
from ..messages import describe
from ..session import actor, engine
from . import bp


class ComplaintForm(FlaskForm):
    identity = RadioField(
        "投诉方式",
        choices=[SelectChoice("real_name", "实名投诉"), SelectChoice("anonymous", "匿名投诉")],
        default="real_name",
    )
    case_id = SelectField("涉及的办件", choices=[], validate_choice=False, validators=[Optional()])
    department = SelectField("被投诉部门", choices=[], validate_choice=False, validators=[Optional()])
    subject = StringField("投诉主题", validators=[DataRequired(message="请填写投诉主题"), Length(max=100)])
    content = TextAreaField("投诉内容", validators=[DataRequired(message="请填写投诉内容"), Length(max=4000)])
    contact_phone = StringField(
        "联系电话", validators=[Optional(), Regexp(r"^[0-9+\-() ]{5,32}$", message="请填写有效的联系电话")]
    )


class LookupForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET form

    number = StringField("投诉编号", validators=[DataRequired(), Length(max=32)])


def _choices(form: ComplaintForm) -> None:
    form.department.choices = [SelectChoice("", _("（不指定）"))] + [
        SelectChoice(d, d) for d in engine().feedback.departments()
    ]
    form.case_id.choices = [SelectChoice("", _("（不涉及具体办件）"))]
    if current_user.is_authenticated:
        form.case_id.choices += [
            SelectChoice(str(c["id"]), f"{c['number']} · {c['matter_name']}")
            for c in engine().applicant_cases.my_cases(actor())
        ]


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def complaint_new():
    form = ComplaintForm()
    _choices(form)
    if not current_user.is_authenticated:
        form.identity.data = "anonymous"
    if not form.is_submitted() and request.args.get("case", "").isdigit():
        form.case_id.data = request.args["case"]
    if form.validate_on_submit():
        anonymous = form.identity.data != "real_name" or not current_user.is_authenticated
        case_id = int(form.case_id.data) if form.case_id.data and form.case_id.data.isdigit() else None
        if anonymous and case_id is not None:
            form.case_id.errors = [_("匿名投诉不能关联您的办件；如需关联办件，请选择实名投诉。")]
        else:
            try:
                filed = engine().feedback.complain(
                    actor() if current_user.is_authenticated else None,
                    form.subject.data,
                    form.content.data,
                    anonymous=anonymous,
                    case_id=case_id,
                    department=form.department.data or None,
                    contact_phone=form.contact_phone.data or None,
                )
            except InvalidInput as exc:
                flash(_("投诉未提交：%(reason)s", reason=describe(exc)), "error")
            else:
                flash(
                    _("投诉已提交。请记下投诉编号 %(number)s，可凭编号查询办理情况。", number=filed["number"]),
                    "success",
                )
                return redirect(url_for("portal.complaint_lookup", number=filed["number"]))
    return render_template("portal/complaint_new.html", form=form)


@bp.get("/complaints")
def complaint_lookup():
    form = LookupForm(request.args)
    complaint, missing = None, False
    if request.args.get("number"):
        try:
            complaint = engine().feedback.complaint_by_number(request.args["number"])
        except NotFound:
            missing = True
    return render_template("portal/complaint_lookup.html", form=form, complaint=complaint, missing=missing), (
        404 if missing else 200
    )


@bp.get("/complaints/mine")
@login_required
def my_complaints():
    return render_template("portal/my_complaints.html", complaints=engine().feedback.my_complaints(actor()))
