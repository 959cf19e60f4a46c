"""Applying online: the applicant's details and the application's start data.

Files chosen on the form are uploaded first and held against the form's draft (``MaterialService.hold``), so a
validation error shows them as already chosen (each with a box to keep it) instead of asking for them again; the
application takes the kept ones and the draft is released."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from engine.casefiles import pledgeable
from engine.errors import InvalidInput, TooLarge
from engine.identity import APPLICANT

from ..messages import describe
from ..session import actor, engine, roles_required
from ..uploads import chosen_files
from . import bp
from .materials import limit_request, upload_limits

APPLICANT_TYPES = [SelectChoice("person", "自然人"), SelectChoice("organisation", "法人或其他组织")]


class ApplyForm(FlaskForm):
    applicant_type = RadioField("申请人类型", choices=APPLICANT_TYPES, default="person", validators=[InputRequired()])
    name = StringField(
        "申请人姓名或单位名称", validators=[DataRequired(message="请填写申请人姓名或单位名称"), Length(max=100)]
    )
    id_number = StringField(
        "身份证件号码或统一社会信用代码",
        validators=[
            DataRequired(message="请填写证件号码"),
            Regexp(r"^[0-9A-Za-z]{15,18}$", message="请填写 18 位身份证号码或统一社会信用代码"),
        ],
    )
    contact = StringField("联系人", validators=[Optional(), Length(max=50)])
    phone = StringField(
        "联系电话",
        validators=[
            DataRequired(message="请填写联系电话"),
            Regexp(r"^[0-9+\-() ]{7,20}$", message="请填写有效的联系电话"),
        ],
    )
    address = StringField("联系地址", validators=[Optional(), Length(max=200)])
    description = TextAreaField("申请事项说明", validators=[Optional(), Length(max=2000)])
    truthful = BooleanField(
        "本人承诺所填信息及所交材料真实、有效，如有虚假愿承担相应法律责任",
        validators=[DataRequired(message="请确认承诺")],
    )


def start_payload(form: ApplyForm) -> tuple[dict, dict]:
    """The applicant record and the start data the flows receive."""
    applicant = {
        "name": form.name.data.strip(),
        "type": form.applicant_type.data,
        "id_number": form.id_number.data.strip().upper(),
        "phone": form.phone.data.strip(),
    }
    for field in ("contact", "address"):
        value = (getattr(form, field).data or "").strip()
        if value:
            applicant[field] = value
    data = {"channel": "online", "applicant_type": form.applicant_type.data}
    if (form.description.data or "").strip():
        data["description"] = form.description.data.strip()
    return applicant, data


@bp.route("/matters/<code>/apply", methods=["GET", "POST"])
@roles_required(APPLICANT)
def apply(code):
    limit_request()
    matter = engine().catalogue.get_matter(code)
    form = ApplyForm()
    if not form.is_submitted():
        form.name.data = actor().name
    material_error = None
    materials = engine().materials
    draft = request.form.get("draft")
    if form.is_submitted():
        # One input per material of the guide (``material-<n>``); its files fill that material (slot). They are
        # held against the draft before the form is checked, so an error below never loses them.
        files = chosen_files((f"material-{i}", m["name"]) for i, m in enumerate(matter.get("materials") or []))
        try:
            draft = materials.hold(actor(), draft, files)
        except InvalidInput as exc:
            material_error = describe(exc)
            flash(_("申请未能提交：%(reason)s", reason=material_error), "error")
    if form.validate_on_submit() and material_error is None:
        applicant, data = start_payload(form)
        # a held file the page showed (``shown``) and the applicant unticked (not in ``keep``) is left out
        shown, keep = ({int(v) for v in request.form.getlist(name) if v.isdigit()} for name in ("shown", "keep"))
        try:
            held = materials.take_held(actor(), draft, sorted(shown - keep))
            case = engine().cases.start_case(matter["code"], applicant, data, actor(), materials=held or None)
            pledges = [name for name in request.form.getlist("pledge") if name in pledgeable(matter)]
            if pledges:  # 告知承诺: signed pledges stand in for those materials
                engine().pledges.sign(case["id"], pledges, actor())
        except InvalidInput as exc:
            material_error = (
                describe(exc) if exc.details.get("field") in ("files", "slot") or isinstance(exc, TooLarge) else None
            )
            flash(_("申请未能提交：%(reason)s", reason=describe(exc)), "error")
        else:
            materials.release(actor(), draft)
            flash(_("申请已提交，办件编号 %(number)s。请留意办理进度和通知。", number=case["number"]), "success")
            return redirect(url_for("portal.case", case_id=case["id"]))
    return render_template(
        "portal/apply.html",
        matter=matter,
        form=form,
        limits=upload_limits(),
        material_error=material_error,
        draft=draft or "",
        held=materials.held(actor(), draft),
    )
