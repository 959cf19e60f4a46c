"""The OpenAPI document: spectree's, generated from the routes and their models, with paths relative to the
API's server, bodies marked optional when every field is, each form under the media type its route reads, and the
sections in order."""

from __future__ import annotations

import copy
import functools

from flask import current_app

from .operations import API_PREFIX, FORM, TAGS, api


def document() -> dict:
    return copy.deepcopy(_document())


@functools.cache
def _document() -> dict:
    spec = copy.deepcopy(api.spec)
    schemas = spec["components"]["schemas"]
    for operations in spec["paths"].values():
        for operation in operations.values():
            _mark_optional_body(operation.get("requestBody"), schemas)
    _place_forms(spec["paths"])
    spec["paths"] = {path.removeprefix(API_PREFIX): operations for path, operations in sorted(spec["paths"].items())}
    spec["tags"] = [{"name": name, "description": description} for name, description in TAGS.items()]
    return spec


def _mark_optional_body(body: dict | None, schemas: dict) -> None:
    """A JSON body none of whose fields is required may be left out (the view reads it as ``{}``)."""
    if body is None or "application/json" not in body["content"]:
        return
    schema = body["content"]["application/json"]["schema"]
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    if not schemas.get(name, {}).get("required"):
        body["required"] = False


def _place_forms(paths: dict) -> None:
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        media_type = getattr(view, "form_media_type", FORM)
        if media_type == FORM:
            continue
        path, _ = api.backend.parse_path(rule, None)
        for method in rule.methods:
            body = paths.get(path, {}).get(method.lower(), {}).get("requestBody")
            if body and FORM in body["content"]:
                body["content"][media_type] = body["content"].pop(FORM)
