"""``operation``: what a route takes and answers, for the document and for checking requests."""

from __future__ import annotations

from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData, Server

from .. import bp
from ..auth import public as mark_public
from ..schemas.common import Error
from .hooks import refuse_invalid_request, reject_broken_response
from .plugin import ShenpiFlaskPlugin
from .responses import Answers

API_PREFIX = bp.url_prefix
FORM = "multipart/form-data"
TAGS = {  # the document's sections, in the reference page's order
    "service": "health, the SMS provider's callback, this document",
    "catalogue": "published matters, deployed processes, the catalogue as a file",
    "cases": "starting, reading, terminating a case; its clock",
    "tasks": "the inbox, a step with its form, completing it",
    "task operations": "who holds a task: release, assign, 转办, 委派, 催办, 抄送",
    "flow operations": "moving the workflow: 撤回, 退回, 跳转, 加签/减签",
    "materials": "申请材料, 补正 and attachments",
    "documents": "official documents and electronic licences",
    "calendar": "working days and holidays",
    "people": "absences (AB岗) and notification channels",
    "signals": "correction signals, violation rules, fees and result publication",
    "supervision": "the cockpit and supervision items (督办)",
    "complaints": "投诉处理",
    "performance": "the monthly evaluation (绩效测评)",
    "exchange": "ministry systems' facts and upward reporting",
    "messages": "messages for cases waiting for them (receive tasks, message catch and boundary events)",
    "incidents": "periodic work that failed for one case: retried with backoff, retried or resolved by administrators",
}

api = SpecTree(
    backend=ShenpiFlaskPlugin,
    mode="strict",  # only the routes declared with ``operation``
    annotations=False,  # views read their bodies themselves; models check them first
    title="Shenpi 审批 API",
    version="1.0.0",
    description="Approval engine with electronic supervision. Authenticate with `Authorization: Bearer <token>` "
    "from `shenpi token create USER`. Every error is "
    '`{"error": {"code", "reason", "message", "params", …}}`: `reason` names the exact '
    "refusal, `message` is in the language of `Accept-Language` (Chinese unless English is asked for).",
    openapi_version="3.1.0",
    servers=[Server(url=API_PREFIX)],
    security_schemes=[
        SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer")),
        SecurityScheme(
            name="smsSecret", data=SecuritySchemeData(type="apiKey", field_in="header", name="X-Shenpi-Sms-Secret")
        ),
    ],
    security={"bearer": []},
    validation_error_status=400,
    validation_error_model=Error,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    before=refuse_invalid_request,
    after=reject_broken_response,
)


def operation(
    tag: str,
    *,
    ok=None,
    created=None,
    files: dict[int, tuple[str, ...]] | None = None,
    body=None,
    form=None,
    form_media_type: str = FORM,
    query=None,
    errors=(),
    public: bool = False,
    security: dict | None = None,
    paths: dict[str, str] | None = None,
):
    """Declare a route's contract.

    ``ok`` / ``created``: the model of the 200 / 201 body (``list[Model]`` for a list); ``files``: status → media
    types of a file answer; ``body``: the JSON body's model; ``form``: the form's model (documented as
    ``form_media_type``; the view reads it); ``query``: the query string's model; ``errors``: statuses, or
    status → meaning, answered with the error envelope (401 is added unless the route is public); ``public``: no
    token needed; ``security``: another scheme than the bearer token (the route does its own check); ``paths``:
    path parameter → what it is."""
    assert tag in TAGS, f"unknown tag {tag!r}"
    bodies = {status: model for status, model in ((200, ok), (201, created)) if model is not None}
    errors = dict(errors) if isinstance(errors, dict) else dict.fromkeys(errors)
    if not (public or security):
        errors.setdefault(401, None)
    answers = Answers(bodies, files or {}, dict(sorted(errors.items())))

    def declare(view):
        if public or security:
            mark_public(view)
        checked = api.validate(
            json=body,
            form=form,
            query=query,
            resp=answers,
            tags=[tag],
            security={} if public else security,
            path_parameter_descriptions=paths,
        )(view)
        checked.form_media_type = form_media_type
        return checked

    return declare
