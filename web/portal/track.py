"""Tracking a case without an account (办件查询): the case number and the 查询码 of its 受理通知书 show its public
view — plain status, the events the applicant is told, the documents issued and a pending 补正 request."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from engine.errors import NotFound

from ..extensions import limiter
from ..session import engine
from . import bp


class TrackForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET form

    number = StringField("办件编号", validators=[DataRequired(), Length(max=32)])
    code = StringField("查询码", validators=[DataRequired(), Length(max=16)])


@bp.get("/track")
@limiter.limit("10 per minute; 100 per hour", exempt_when=lambda: not request.args.get("number"))
def track():
    form = TrackForm(request.args)
    case, missing = None, False
    if request.args.get("number") or request.args.get("code"):
        try:
            case = engine().applicant_cases.track(request.args.get("number"), request.args.get("code"))
        except NotFound:
            missing = True
    return render_template("portal/track.html", form=form, case=case, missing=missing), 404 if missing else 200
