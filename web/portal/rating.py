"""Rating the service of an ended case (满意度评价), once, by its applicant."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engine.errors import InvalidInput, InvalidState
from engine.identity import APPLICANT
from engine.public import ASPECTS

from ..messages import describe
from ..session import actor, engine, roles_required
from . import bp

STAR_CHOICES = [SelectChoice(str(n), str(n)) for n in range(5, 0, -1)]


class RatingForm(FlaskForm):
    overall = RadioField("总体满意度", choices=STAR_CHOICES, validators=[InputRequired(message="请选择总体满意度")])
    efficiency = RadioField("办理效率", choices=STAR_CHOICES, validators=[Optional()])
    attitude = RadioField("服务态度", choices=STAR_CHOICES, validators=[Optional()])
    convenience = RadioField("办事便利程度", choices=STAR_CHOICES, validators=[Optional()])
    comment = TextAreaField("意见和建议", validators=[Optional(), Length(max=1000, message="意见和建议不超过 1000 字")])


@bp.post("/my/cases/<int:case_id>/rating")
@roles_required(APPLICANT)
def rate(case_id):
    form = RatingForm()
    if not form.validate_on_submit():
        errors = [str(e) for field in form for e in field.errors]
        flash(_("评价未提交：%(reason)s", reason="；".join(errors) or _("请检查填写内容")), "error")
        return redirect(url_for("portal.case", case_id=case_id, _anchor="rating"))
    scores = {aspect: int(getattr(form, aspect).data) for aspect in ASPECTS if getattr(form, aspect).data}
    try:
        engine().feedback.rate(case_id, actor(), scores, form.comment.data)
    except InvalidState:
        flash(_("该办件已评价或尚未办结，不能评价。"), "error")
    except InvalidInput as exc:
        flash(_("评价未提交：%(reason)s", reason=describe(exc)), "error")
    else:
        flash(_("感谢您的评价！"), "success")
    return redirect(url_for("portal.case", case_id=case_id, _anchor="rating"))
