"""spectree's Flask plugin, fitted to this API: a body that is not a JSON object is refused in the API's own
words before any model sees it; multipart forms are left to the views (which set the upload's size limit before
the form is read); responses are checked against their models under test only; integers in paths (ids, a year)
are documented as the database stores them; an operation's id is its view's name."""

from __future__ import annotations

from flask import current_app, make_response
from spectree.plugins.flask_plugin import FlaskPlugin
from spectree.plugins.werkzeug_utils import flask_response_unpack

from ...request_guard import MAX_ID
from ..payload import json_body

PATH_INTEGER = {"type": "integer", "format": "int32", "minimum": 0, "maximum": MAX_ID}


class ShenpiFlaskPlugin(FlaskPlugin):
    def request_validation(self, request, query, json, form, headers, cookies):
        if json is not None and request.method not in ("GET", "DELETE") and request.mimetype not in self.FORM_MIMETYPE:
            json_body()
        super().request_validation(request, query, json, None, headers, cookies)

    def validate_response(self, resp, resp_model, skip_validation, force_resp_serialize):
        payload = flask_response_unpack(resp)[0]
        a_file = self.is_app_response(payload) and not payload.is_json
        if skip_validation or a_file or not current_app.testing:
            return make_response(resp), None
        return super().validate_response(resp, resp_model, False, force_resp_serialize)

    def parse_path(self, route, path_parameter_descriptions):
        path, parameters = super().parse_path(route, path_parameter_descriptions)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"] = dict(PATH_INTEGER)
            if not parameter["description"]:
                del parameter["description"]
        return path, parameters

    def get_func_operation_id(self, func, path, method):
        return func.__name__
