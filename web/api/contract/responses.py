"""An operation's responses: its 2xx bodies (JSON models, or files of given media types) and its errors, each in
the API's error envelope."""

from __future__ import annotations

from spectree import Response

from ..schemas.common import Error

ERRORS = {
    400: "invalid_input (`field` names the field; `fields` maps a form's fields to what is wrong), or a body that "
    "is not a JSON object",
    401: "unauthorized: no bearer token, or an invalid or revoked one",
    403: "forbidden: the caller may not do this",
    404: "not_found",
    409: "conflict (a concurrent change won) or invalid_state (the object is not in a state that allows this)",
    413: "payload_too_large",
    422: "invalid_process (with `element` and `line`) or invalid_catalogue (with every error)",
    503: "the service is not available here",
}
FILE = {"type": "string", "format": "binary"}


class Answers(Response):
    def __init__(self, bodies: dict[int, object], files: dict[int, tuple[str, ...]], errors: dict[int, str | None]):
        models = {f"HTTP_{status}": model for status, model in bodies.items()}
        models.update({f"HTTP_{status}": (Error, meaning or ERRORS[status]) for status, meaning in errors.items()})
        super().__init__(*(f"HTTP_{status}" for status in files if status not in bodies), **models)
        self.files = files

    def generate_spec(self, *args, **kwargs) -> dict:
        spec = super().generate_spec(*args, **kwargs)
        for status, media_types in self.files.items():
            content = spec[str(status)].setdefault("content", {})
            content.update({media_type: {"schema": dict(FILE)} for media_type in media_types})
        return spec
