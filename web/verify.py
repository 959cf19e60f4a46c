"""The public licence verification page (电子证照核验): type a code, or follow a licence's link."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from engine.errors import NotFound

bp = Blueprint("verify", __name__)


@bp.get("/verify")
def verify_form():
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("verify.verify_page", code=code[:64]))
    return render_template("verify.html", licence=None, code="", searched=False)


@bp.get("/verify/<code>")
def verify_page(code):
    try:
        licence = current_app.extensions["shenpi"].documents.verify(code)
    except NotFound:
        return render_template("verify.html", licence=None, code=code, searched=True), 404
    return render_template("verify.html", licence=licence, code=licence["code"], searched=True)
