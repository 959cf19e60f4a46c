"""The public service guide: browse and search the catalogue, read a matter's guide and its flow."""

from __future__ import annotations

from flask import Response, render_template, request

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
    return render_template("portal/matter.html", matter=engine().catalogue.get_matter(code))


@bp.get("/matters/<code>/diagram.bpmn")
def matter_diagram(code):
    return Response(engine().guide.diagram_xml(code), mimetype="application/xml")
