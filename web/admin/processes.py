"""Deployed processes, their versions, one version's XML, the differences between two versions, and moving running
cases to another version."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l

from engine.definitions import compare_definitions
from engine.errors import EngineError, InvalidInput

from ..messages import describe, describe_refusals
from ..session import actor, engine
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


@bp.route("/processes/<key>/migrate", methods=["GET", "POST"])
def migrate(key: str):
    """Move running cases to another version: a dry run first (预览), then the same request confirmed (确认迁移)."""
    found = engine().processes.processes(key)
    if not found:
        abort(404)
    process = found[0]
    numbers = [v["version"] for v in process["versions"]]
    source = request.values
    after = _number(source.get("to")) or numbers[-1]
    running = [v["version"] for v in process["versions"] if v["running"] and v["version"] != after]
    before = _number(source.get("from")) or (running[0] if running else numbers[0])
    form = {
        "from": before,
        "to": after,
        "scope": source.get("scope") or "all",
        "cases": (source.get("cases") or "")[:MAX_FORM_TEXT],
        "mapping": (source.get("mapping") or "")[:MAX_FORM_TEXT],
    }
    result, error = None, None
    if request.method == "POST":
        confirmed = request.form.get("action") == "confirm"
        try:
            result = engine().migration.migrate(
                actor(),
                key,
                before,
                after,
                cases=_case_ids(form["cases"]) if form["scope"] == "cases" else None,
                all_cases=form["scope"] != "cases",
                mapping=_mapping(form["mapping"]),
                dry_run=not confirmed,
            )
            describe_refusals(result)
        except EngineError as exc:
            error = describe(exc)
        else:
            if confirmed:
                process = engine().processes.processes(key)[0]  # the running counts have moved
    return render_template("admin/migrate.html", process=process, form=form, result=result, error=error)


MAX_FORM_TEXT = 20_000  # characters of the case list or the mapping


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("version_not_a_number", field="version")
    return int(value)


def _case_ids(text: str) -> list[int]:
    """Case ids separated by spaces, commas or new lines."""
    words = text.replace(",", " ").replace("，", " ").replace("、", " ").split()
    if not words or not all(w.isdigit() and len(w) <= 9 for w in words):
        raise InvalidInput("migration_cases_required", field="cases")
    return [int(w) for w in words]


def _mapping(text: str) -> dict[str, str]:
    """One pair a line: ``old id = new id`` (or ``->``, ``→``)."""
    mapping = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for arrow in ("=", "->", "→"):
            if arrow in line:
                old, new = (part.strip() for part in line.split(arrow, 1))
                break
        else:
            old, new = "", ""
        if not old or not new:
            raise InvalidInput("migration_mapping_invalid", field="mapping", limit=500)
        mapping[old] = new
    return mapping
