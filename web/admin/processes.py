"""Deployed processes, their versions, one version's XML and the differences between two versions."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from engine.definitions import compare_definitions
from engine.errors import InvalidInput

from ..session import engine
from . import bp


@bp.get("/processes")
def processes():
    return render_template("admin/processes.html", processes=engine().processes.processes())


@bp.get("/processes/<key>/versions")
def versions(key: str):
    process = engine().processes.processes(key)[0]
    return render_template("admin/versions.html", process=process)


@bp.get("/processes/<key>/xml")
def xml(key: str):
    """A version's XML (the newest without ``version``); ``download=1`` as a file."""
    found = engine().processes.version_xml(key, _version_arg("version"))
    response = Response(found["xml"], mimetype="application/xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{key}-v{found["version"]}.bpmn"'
    return response


@bp.get("/processes/<key>/diff")
def diff(key: str):
    process = engine().processes.processes(key)[0]
    numbers = [v["version"] for v in process["versions"]]
    after = _version_arg("to") or numbers[-1]
    before = _version_arg("from") or (after - 1 if after - 1 in numbers else numbers[0])
    old = engine().processes.version_xml(key, before)
    new = engine().processes.version_xml(key, after)
    result = compare_definitions(old["xml"], new["xml"], f"{key} v{before}", f"{key} v{after}")
    return render_template(
        "admin/diff.html", process=process, before=before, after=after, diff=result, labels=PROPERTY_LABELS
    )


def _version_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput("version_not_a_number", field=name)
    return int(value)


PROPERTY_LABELS = {
    "name": _l("名称"),
    "type": _l("类型"),
    "timer": _l("定时器"),
    "condition": _l("条件表达式"),
    "multi_instance": _l("多实例"),
    "lane": _l("泳道"),
    "form_fields": _l("表单字段"),
    "documentation": _l("说明文档"),
    "attached_to": _l("附着于"),
    "script": _l("脚本"),
    "connects": _l("连接"),
    "incoming": _l("流入"),
    "outgoing": _l("流出"),
}
