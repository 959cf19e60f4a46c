"""The modeler page and its JSON endpoints: open a file, validate without deploying, deploy a new version."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from engine.definitions import MAX_NOTE, list_conformance_files, read_conformance_file
from engine.errors import EngineError, InvalidInput, TooLarge

from ..messages import describe, localised
from ..session import actor, engine
from . import bp

NEW_PROCESS_ID = "Process_New"


@bp.get("/modeler")
def modeler():
    shenpi = engine()
    source = _source(shenpi)
    return render_template(
        "admin/modeler.html",
        source=source,
        processes=shenpi.processes.processes(),
        conformance_files=list_conformance_files(shenpi.settings.conformance_dir),
        max_upload_bytes=shenpi.repository.max_upload_bytes,
        max_note=MAX_NOTE,
    )


def _source(shenpi) -> dict:
    """What the page opens: a deployed flow (``flow=key`` or ``flow=key@version``), a conformance file or a new
    diagram. Checked here, so a bad choice is a readable error page instead of an empty canvas."""
    flow = request.args.get("flow", "").strip()
    if flow:
        key, _sep, version = flow.partition("@")
        if version and not version.isdigit():
            raise InvalidInput("version_not_a_number", field="flow")
        found = shenpi.processes.version_xml(key, int(version) if version else None)
        return {
            "url": url_for("admin.xml", key=key, version=found["version"]),
            "filename": found["filename"],
            "label": version_label(found["name"], key, found["version"]),
            "key": key,
            "version": found["version"],
        }
    name = request.args.get("conformance", "").strip()
    if name:
        read_conformance_file(shenpi.settings.conformance_dir, name)  # NotFound unless listed
        return {
            "url": url_for("admin.conformance_file", name=name),
            "filename": PurePosixPath(name).name,
            "label": _("一致性测试文件 %(name)s", name=name),
            "key": None,
            "conformance": name,
        }
    return {"url": url_for("admin.new_diagram"), "filename": "process.bpmn", "label": _("新建流程"), "key": None}


def version_label(name: str, key: str, version: int) -> str:
    return _("%(name)s（%(key)s）第 %(version)s 版", name=name, key=key, version=version)


@bp.get("/modeler/new.bpmn")
def new_diagram():
    xml = render_template(
        "admin/new_diagram.bpmn", process_id=NEW_PROCESS_ID, process_name=_("新流程"), start_name=_("提交申请")
    )
    return Response(xml, mimetype="application/xml")


@bp.get("/conformance")
def conformance_list():
    return jsonify(list_conformance_files(engine().settings.conformance_dir))


@bp.get("/conformance/<path:name>")
def conformance_file(name: str):
    content = read_conformance_file(engine().settings.conformance_dir, name)
    return Response(content, mimetype="application/xml")


@bp.post("/modeler/upload")
def upload():
    """Read an uploaded BPMN file back to the page (size-limited); nothing is deployed."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _problem(400, _("请选择要上传的 BPMN 文件。"))
    limit = engine().repository.max_upload_bytes
    content = file.read(limit + 1)
    if len(content) > limit:
        return _too_large(limit)
    try:
        xml = content.decode("utf-8")
    except UnicodeDecodeError:
        return _problem(400, _("文件不是 UTF-8 编码的 XML。"))
    return jsonify({"xml": xml, "filename": PurePosixPath(file.filename.replace("\\", "/")).name[:255]})


@bp.post("/modeler/validate")
def validate():
    content = request.get_data()
    try:
        review = localised(engine().repository.review(content, _filename()))
    except TooLarge as exc:
        return _too_large(exc.details.get("limit"))
    problems = review["problems"]
    return jsonify({"valid": not problems, "problems": problems, "warnings": review["warnings"]})


@bp.post("/modeler/deploy")
def deploy():
    """Validate, then deploy as a new version with the administrator's change note (``note``, required). Matters
    run on the newest version of their key, so the new version is what their new cases start on; running cases keep
    theirs. The answer carries what the page shows of the version: its title and the process's versions."""
    shenpi = engine()
    content = request.get_data()
    filename = _filename()
    note = request.args.get("note", "").strip()
    if not note:
        return _problem(400, _("请填写变更说明：这一版改了什么。"))
    if len(note) > MAX_NOTE:
        return _problem(400, _("变更说明最多 %(n)s 个字。", n=MAX_NOTE))
    try:
        problems = localised(shenpi.repository.validate(content, filename))
        if problems:
            return jsonify(
                {"deployed": False, "problems": problems, "message": _("流程未通过校验，未部署。请先修正标出的问题。")}
            ), 422
        definition = shenpi.repository.deploy(content, filename, actor=actor().id, note=note)
    except TooLarge as exc:
        return _too_large(exc.details.get("limit"))
    except EngineError as exc:
        return jsonify({"deployed": False, "problems": [_as_problem(exc)], "message": _("部署失败。")}), exc.status
    process = shenpi.processes.processes(definition["key"])[0]
    matters = process["matters"]
    if definition["created"]:
        message = _("已部署 %(key)s 第 %(version)s 版。", key=definition["key"], version=definition["version"])
    else:
        message = _(
            "内容与已部署的 %(key)s 第 %(version)s 版相同，未产生新版本。",
            key=definition["key"],
            version=definition["version"],
        )
    if matters:
        message += " " + _(
            "新受理的办件将使用此版本：%(names)s；在办的办件仍按原版本办理。",
            names="、".join(m["name"] for m in matters),
        )
    return jsonify(
        {
            "deployed": True,
            "created": definition["created"],
            "key": definition["key"],
            "version": definition["version"],
            "matters": matters,
            "message": message,
            "label": version_label(definition["name"], definition["key"], definition["version"]),
            "name": process["name"],
            "versions": [v["version"] for v in process["versions"]],
            "flow_url": url_for("admin.modeler", flow=definition["key"]),
            "versions_url": url_for("admin.versions", key=definition["key"]),
        }
    ), 201 if definition["created"] else 200


def _filename() -> str:
    name = PurePosixPath(request.args.get("filename", "process.bpmn").replace("\\", "/")).name
    return (name or "process.bpmn")[:255]


def _as_problem(exc: EngineError) -> dict:
    return {"element": exc.details.get("element"), "message": describe(exc), "line": exc.details.get("line")}


def _problem(status: int, message: str):
    return jsonify({"problems": [{"element": None, "message": message, "line": None}], "message": message}), status


def _too_large(limit: int | None):
    return _problem(413, _("文件超过大小限制（最大 %(size)s KB）。", size=(limit or 0) // 1024))
