"""The public licence verification page (电子证照核验)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template_string

from engine.errors import NotFound

bp = Blueprint("verify", __name__)

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>电子证照核验</title>
<style>body{font-family:"Noto Sans CJK SC",sans-serif;max-width:40rem;margin:3rem auto;line-height:1.8}
.valid{color:#1a7f37}.revoked{color:#cf222e}dt{font-weight:bold}</style></head><body>
<h1>电子证照核验</h1>
{% if licence %}
<p class="{{ licence.status }}">{{ "有效" if licence.status == "valid" else "已撤销" }}</p>
<dl><dt>核验码</dt><dd>{{ licence.code }}</dd><dt>事项</dt><dd>{{ licence.matter }}</dd>
<dt>发证机关</dt><dd>{{ licence.department }}</dd><dt>持证人</dt><dd>{{ licence.holder }}</dd>
<dt>发证时间</dt><dd>{{ licence.issued_at }}</dd>
{% if licence.revoked_at %}<dt>撤销时间</dt><dd>{{ licence.revoked_at }}</dd><dt>撤销原因</dt><dd>{{ licence.revoked_reason }}</dd>{% endif %}
</dl>{% else %}<p class="revoked">未查到该核验码对应的电子证照。</p>{% endif %}
</body></html>"""


@bp.get("/verify/<code>")
def verify_page(code):
    try:
        licence = current_app.extensions["shenpi"].documents.verify(code)
    except NotFound:
        return render_template_string(PAGE, licence=None), 404
    return render_template_string(PAGE, licence=licence)
