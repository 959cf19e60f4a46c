"""The signed-in user's choice of notice channels (通知方式): e-mail, SMS and a signed webhook."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput, NotFound

from .session import actor, engine

bp = Blueprint("channels", __name__, url_prefix="/account/notifications")
CHANNEL_NAMES = {"email": "电子邮件", "sms": "短信", "webhook": "Webhook（其他系统）"}
ADDRESS_ERRORS = {
    "email": "请填写有效的电子邮箱",
    "sms": "请填写有效的手机号码",
    "webhook": "Webhook 地址须以 http:// 或 https:// 开头",
}


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    settings = engine().notification_settings
    errors, new_secret = {}, None
    if request.method == "POST":
        if request.form.get("action") == "rotate":
            try:
                new_secret = settings.rotate_secret(actor().id)
            except NotFound:
                flash(_("尚未设置 Webhook"), "error")
        else:
            for channel in CHANNEL_NAMES:
                enabled = request.form.get(f"{channel}_enabled") == "on"
                try:
                    secret = settings.set_channel(actor().id, channel, enabled, request.form.get(f"{channel}_address"))
                except InvalidInput:
                    errors[channel] = ADDRESS_ERRORS[channel]
                else:
                    new_secret = new_secret or secret
            if not errors:
                flash(_("通知方式已保存"), "success")
    channels = settings.channels(actor().id)
    if errors:  # show what was typed, not what is stored
        for channel in CHANNEL_NAMES:
            channels[channel] = {
                **channels[channel],
                "enabled": request.form.get(f"{channel}_enabled") == "on",
                "address": request.form.get(f"{channel}_address", ""),
            }
    return render_template(
        "auth/notification_channels.html",
        channels=channels,
        names=CHANNEL_NAMES,
        errors=errors,
        new_secret=new_secret,
        deliveries=settings.deliveries(actor().id),
    )
