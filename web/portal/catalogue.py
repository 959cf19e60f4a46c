"""The public service guide: browse and search the catalogue, read a matter's guide and its flow, download its form
templates and sample filled forms (表格下载)."""

from __future__ import annotations

from flask import Response, render_template, request

from ..downloads import material_response
from ..session import engine
from . import bp

FILTERS = ("q", "department", "type", "handling")


@bp.get("")
def index():
    chosen = {name: (request.args.get(name) or "").strip()[:100] for name in FILTERS}
    matters = engine().guide.page_search(
        chosen["q"] or None,
        chosen["department"] or None,
        chosen["type"] or None,
        chosen["handling"] or None,
        page=request.args.get("page"),
    )
    return render_template(
        "portal/index.html",
        matters=matters,
        chosen=chosen,
        facets=engine().guide.facets(),
        filtered=any(chosen.values()),
    )


@bp.get("/matters/<code>")
def matter(code):
    matter = engine().catalogue.get_matter(code)
    return render_template("portal/matter.html", matter=matter, form_files=engine().form_files.for_matter(code))


@bp.get("/matters/<code>/forms/<int:file_id>")
def form_file(code, file_id):
    """A form template or sample filled form of a published matter, as a download."""
    return material_response(*engine().form_files.open(code, file_id))


@bp.get("/matters/<code>/diagram.bpmn")
def matter_diagram(code):
    return Response(engine().guide.diagram_xml(code), mimetype="application/xml")
