"""Official documents (受理通知书, 补正通知书, 不予受理决定书, 准予/不予许可决定书, 撤销/注销决定书) and electronic
licences.

Each document gets the next number of its department and year, e.g. ``郑州市烟草专卖局〔2026〕第0001号``,
allocated under a row lock in the transaction that records the document, so numbers never repeat even
when documents are issued concurrently. PDFs are rendered on demand from the recorded content (WeasyPrint,
Chinese fonts from the system's Noto CJK).

The main path issues them without a clerk asking, as rows of the wiring table (``engine/bootstrap.py``): the
受理通知书 (with the case's 查询码) in the step that accepts, the 补正通知书 with every 补正 notice, the decision
documents when the case ends (a refusal or denial only when its step states reasons — otherwise the clerk issues
it, and the refusal_without_reasons rule watches). Issuing a kind the case already has needs a reason.

An approved 行政许可 receives an electronic licence: a number by ``SHENPI_LICENCE_NUMBER_PATTERN`` (per matter and
year), holder, matter, scope, issuing department, issue date and validity (the matter's
``licence_validity_years``, else permanent), an A4 PDF with a QR code of its public verification address. A
revocation not preceded by a 撤销/注销 decision on the case runs the wiring table's ``revoked`` hooks (an Art. 12
signal).
"""

from __future__ import annotations

import datetime as _dt
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import sqlalchemy as sa

from ..errors import Conflict, EngineError, InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import require_case_view
from ..identity.actors import Actor
from ..kernel import payloads
from ..kernel.clock import SHANGHAI
from ..kernel.db import Executor
from ..models import Case, DocumentCounter, IssuedDocument, Licence, Matter
from ..trail import chain as trail
from ..trail.chain import TrailRow
from .masking import mask_name

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..config import Settings
    from ..kernel import Clock, Database
    from ..runtime.stepper import StepContext
    from ..runtime.wiring import Transition

# (session, licence, actor id, now) -> trail rows: a licence revoked without a 撤销/注销 decision on its case
RevocationHook = Callable[["Session", Licence, str, _dt.datetime], list[TrailRow]]

KINDS = {
    "acceptance_notice": "受理通知书",
    "supplement_notice": "补正材料通知书（一次性告知单）",
    "refusal_decision": "不予受理决定书",
    "approval_decision": "准予行政许可决定书",
    "denial_decision": "不予行政许可决定书",
    "revocation_decision": "撤销行政许可决定书",
    "cancellation_decision": "注销行政许可决定书",
}
NEEDS_REASONS = {"refusal_decision", "denial_decision", "revocation_decision", "cancellation_decision"}
REVOCATION_DECISIONS = ("revocation_decision", "cancellation_decision")  # what must precede a revocation
# The decision document a case's end issues, by its outcome
DECISION_DOCUMENTS = {"approved": "approval_decision", "denied": "denial_decision", "refused": "refusal_decision"}
_documents = IssuedDocument.__table__
_licences = Licence.__table__
_counters = DocumentCounter.__table__
_cases = Case.__table__
_matters = Matter.__table__
NEXT_NUMBER = (
    _counters.update()
    .where(_counters.c.department == sa.bindparam("counter"), _counters.c.year == sa.bindparam("counter_year"))
    .values(last=_counters.c.last + 1)
    .returning(_counters.c.last)
)
NEW_COUNTER = _counters.insert()
ISSUED_KIND = (
    sa.select(_documents.c.id)
    .where(_documents.c.case_id == sa.bindparam("case_id"), _documents.c.kind == sa.bindparam("kind"))
    .limit(1)
)
INSERT_DOCUMENT = _documents.insert().returning(_documents.c.id)
INSERT_LICENCE = _licences.insert()
# what a document says of its case, read when no step has read it (``StepContext.facts`` has the same names)
DOCUMENT_FACTS = (
    sa.select(
        _cases.c.department,
        _cases.c.number,
        _cases.c.applicant,
        _cases.c.query_code,
        _matters.c.name.label("matter_name"),
        _matters.c.promised_limit_days,
    )
    .join(_matters, _matters.c.code == _cases.c.matter_code)
    .where(_cases.c.id == sa.bindparam("case_id"))
)
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def _paragraphs(
    kind: str,
    matter: str,
    case_number: str,
    reasons: str | None,
    limit: int | None,
    query_code: str | None = None,
) -> tuple[list[str], str]:
    if kind == "acceptance_notice":
        return (
            [
                f"你（单位）于办件编号 {case_number} 提出的“{matter}”申请，申请材料齐全、符合法定形式，"
                f"根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。",
                f"本机关将在受理之日起{limit}个工作日内作出决定（依法需要听证、检验、检测、鉴定和专家评审的，"
                f"所需时间不计算在期限内）。",
            ]
            + (
                [f"查询码：{query_code}。凭办件编号和查询码可在网上办事大厅“办件查询”中查询办理进度。"]
                if query_code
                else []
            ),
            "特此通知。",
        )
    if kind in REVOCATION_DECISIONS:
        action, article = ("撤销", "第六十九条") if kind == "revocation_decision" else ("注销", "第七十条")
        return (
            [
                f"你（单位）经办件编号 {case_number} 取得的“{matter}”行政许可，因{reasons}，"
                f"根据《中华人民共和国行政许可法》{article}的规定，决定予以{action}。"
            ],
            "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        )
    if kind == "supplement_notice":
        return (
            [
                f"你（单位）提出的“{matter}”申请（办件编号 {case_number}），申请材料不齐全或者不符合法定形式。"
                f"根据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知需要补正的全部内容如下："
            ],
            "请于收到本通知书后补正上述材料。补正期间不计入办理时限。",
        )
    if kind == "refusal_decision":
        return (
            [
                f"你（单位）提出的“{matter}”申请（办件编号 {case_number}），经审查，因{reasons}，"
                f"根据《中华人民共和国行政许可法》第三十二条的规定，决定不予受理。"
            ],
            "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        )
    if kind == "approval_decision":
        return (
            [
                f"你（单位）提出的“{matter}”申请（办件编号 {case_number}），经审查，符合法定条件和标准，"
                f"根据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。"
            ],
            "请凭本决定书领取许可证件，或通过电子证照验证码在线核验。",
        )
    return (
        [
            f"你（单位）提出的“{matter}”申请（办件编号 {case_number}），经审查，因{reasons}，"
            f"根据《中华人民共和国行政许可法》第三十八条第二款的规定，决定不予行政许可。"
        ],
        "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
    )


class RenderingUnavailable(EngineError):
    code = "rendering_unavailable"
    status = 503


def _valid_until(issued: _dt.date, years: int | None) -> _dt.date | None:
    """The last day a licence issued on ``issued`` is valid for ``years`` (None: permanent)."""
    if not years:
        return None
    try:
        end = issued.replace(year=issued.year + years)
    except ValueError:  # issued on 29 February, ending in a common year
        end = issued.replace(year=issued.year + years, day=28) + _dt.timedelta(days=1)
    return end - _dt.timedelta(days=1)


class DocumentService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        # the wiring table's hooks on a revocation without a 撤销/注销 decision (installed by Shenpi.wire)
        self.revoked: Sequence[RevocationHook] = ()

    # --- numbering and issue ----------------------------------------------------------------------
    @staticmethod
    def _next_number(session: Executor, department: str, year: int) -> int:
        for _ in range(3):
            seq = session.execute(NEXT_NUMBER, {"counter": department, "counter_year": year}).scalar()
            if seq is not None:
                return seq
            try:
                with session.begin_nested():
                    session.execute(NEW_COUNTER, {"department": department, "year": year, "last": 0})
            except sa.exc.IntegrityError:
                pass  # another transaction created the counter first: take the next number from it
        raise Conflict("document_number_busy")

    def issue(
        self,
        case_id: int,
        kind: str,
        actor: Actor,
        reasons: str | None = None,
        items: list[str] | None = None,
        reissue_reason: str | None = None,
    ) -> dict[str, Any]:
        """Issue a document by hand; a kind the case already has needs ``reissue_reason``."""
        if not isinstance(kind, str) or kind not in KINDS:
            raise InvalidInput("not_one_of", field="kind", allowed=list(KINDS))
        reasons = payloads.opinion(reasons)
        reissue_reason = payloads.opinion(reissue_reason)
        if kind in NEEDS_REASONS and not reasons:
            raise InvalidInput("decision_needs_reasons", field="reasons")
        if kind == "supplement_notice" and (
            not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            raise InvalidInput("supplement_items_required", field="items")
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            if not (actor.is_admin or actor.department == case.department):
                raise PermissionDenied("document_not_allowed")
            if self.issued_kind(session, case_id, kind) and not reissue_reason:
                raise InvalidInput("reissue_reason_required", field="reissue_reason", kind=KINDS[kind])
            document, event = self.record(
                session, case_id, kind, actor.id, now, reasons, [i.strip() for i in items or []], reissue_reason
            )
            trail.append_case_events(session, case_id, [event])
            return document

    @staticmethod
    def issued_kind(session: Executor, case_id: int, kind: str) -> bool:
        return session.execute(ISSUED_KIND, {"case_id": case_id, "kind": kind}).first() is not None

    def record(
        self,
        session: Executor,
        case_id: int,
        kind: str,
        actor_id: str,
        now: _dt.datetime,
        reasons: str | None = None,
        items: list[str] | None = None,
        reissue_reason: str | None = None,
        facts: sa.Row[Any] | None = None,
    ) -> tuple[dict[str, Any], TrailRow]:
        """Record a document in the caller's transaction (a session or a step's connection): its view and the
        trail row the caller appends to the case's chain. ``facts``: what a step has read of its case
        (``StepContext.facts``), else read here."""
        case = facts if facts is not None else session.execute(DOCUMENT_FACTS, {"case_id": case_id}).one()
        year = now.astimezone(SHANGHAI).year
        seq = self._next_number(session, case.department, year)
        number = f"{case.department}〔{year}〕第{seq:04d}号"
        content = {
            "title": KINDS[kind],
            "department": case.department,
            "number": number,
            "applicant": (case.applicant or {}).get("name"),
            "matter": case.matter_name,
            "case_number": case.number,
            "reasons": reasons,
            "items": items or [],
            "limit": case.promised_limit_days,
            "date": f"{now.astimezone(SHANGHAI):%Y年%m月%d日}",
            **({"query_code": case.query_code} if kind == "acceptance_notice" and case.query_code else {}),
            **({"reissue_reason": reissue_reason} if reissue_reason else {}),
        }
        document_id = session.execute(
            INSERT_DOCUMENT,
            dict(
                case_id=case_id,
                kind=kind,
                department=case.department,
                year=year,
                seq=seq,
                number=number,
                content=content,
                issued_at=now,
                issued_by=actor_id,
            ),
        ).scalar_one()
        event = trail.event(
            "document_issued",
            now,
            case_id=case_id,
            actor=actor_id,
            to_state=kind,
            data_digest=trail.digest(content),
            detail={
                "number": number,
                "document": document_id,
                "title": KINDS[kind],
                **({"reissue_reason": reissue_reason} if reissue_reason else {}),
            },
        )
        view = {"id": document_id, "kind": kind, "title": KINDS[kind], "number": number, "issued_at": now.isoformat()}
        return view, event

    # --- issued on the main path (rows of the wiring table) --------------------------------------
    def on_step(self, ctx: StepContext, _transitions: list[Transition]) -> None:
        """The step accepted the case (the case clock set ``accepted_at``): the 受理通知书 with the 查询码."""
        if "accepted_at" not in ctx.case_values or self.issued_kind(ctx.connection, ctx.case.id, "acceptance_notice"):
            return
        _view, event = self.record(
            ctx.connection, ctx.case.id, "acceptance_notice", ctx.actor_id, ctx.now, facts=ctx.facts
        )
        ctx.events.append(event)

    def on_end(self, ctx: StepContext, outcome: str) -> None:
        """The decision document of the outcome. A refusal or denial needs its reasons: the opinion of the step
        that decided; without one nothing is issued here (the clerk issues it, refusal_without_reasons watches)."""
        kind = DECISION_DOCUMENTS.get(outcome)
        if kind is None or self.issued_kind(ctx.connection, ctx.case.id, kind):
            return
        reasons = None
        if kind in NEEDS_REASONS:
            opinions = [opinion for _actor, opinion in ctx.completed_by.values() if opinion and opinion.strip()]
            if not opinions:
                return
            reasons = opinions[-1].strip()
        _view, event = self.record(ctx.connection, ctx.case.id, kind, ctx.actor_id, ctx.now, reasons, facts=ctx.facts)
        ctx.events.append(event)

    def on_supplement_notice(
        self, session: Session, case: Case, missing: list[str], earlier: Sequence[Any], actor: Actor, now: _dt.datetime
    ) -> list[TrailRow]:
        """Every 补正 notice (before acceptance as after) issues its 补正材料通知书 listing every missing item."""
        reissue = f"第{len(earlier) + 1}次补正告知" if earlier else None
        _view, event = self.record(session, case.id, "supplement_notice", actor.id, now, None, missing, reissue)
        return [event]

    def for_case(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        """The documents issued for a case, in order of issue."""
        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            documents = session.scalars(
                sa.select(IssuedDocument).where(IssuedDocument.case_id == case_id).order_by(IssuedDocument.id)
            ).all()
            return [
                {
                    "id": d.id,
                    "kind": d.kind,
                    "title": KINDS[d.kind],
                    "number": d.number,
                    "issued_at": d.issued_at.isoformat(),
                    "issued_by": d.issued_by,
                    "reissue_reason": d.content.get("reissue_reason"),
                }
                for d in documents
            ]

    def render_pdf(self, document_id: int, actor: Actor) -> tuple[str, bytes]:
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:  # WeasyPrint needs Pango from the system
            raise RenderingUnavailable("pdf_unavailable", detail=str(exc)) from None

        with self.db.reading() as session:
            document = session.get(IssuedDocument, document_id)
            if document is None:
                raise NotFound("document_not_found", document=document_id)
            require_case_view(session, actor, document.case_id)
            content = dict(document.content)
        paragraphs, closing = _paragraphs(
            document.kind,
            content["matter"],
            content["case_number"],
            content["reasons"],
            content["limit"],
            content.get("query_code"),
        )
        html = _templates.get_template("document.html").render(paragraphs=paragraphs, closing=closing, **content)
        return content["number"], HTML(string=html).write_pdf()

    # --- electronic licences ----------------------------------------------------------------------
    def licence_on_approval(self, ctx: StepContext, outcome: str) -> None:
        if outcome != "approved":
            return
        facts = ctx.facts
        if facts.matter_type != "行政许可":
            return
        holder = facts.applicant
        code = secrets.token_hex(6).upper()
        local = ctx.now.astimezone(SHANGHAI)
        seq = self._next_number(ctx.connection, f"licence:{facts.matter_code}", local.year)
        number = self.settings.licence_number_pattern.format(
            matter_code=facts.matter_code, department=ctx.case.department, year=local.year, seq=seq
        )
        data = ctx.wf.last_task.data if ctx.wf.last_task is not None else ctx.wf.data
        scope = next(
            (str(data[key]).strip()[:500] for key in ("licence_scope", "scope") if str(data.get(key) or "").strip()),
            facts.matter_name,
        )
        valid_until = _valid_until(local.date(), (facts.matter_entry or {}).get("licence_validity_years"))
        ctx.connection.execute(
            INSERT_LICENCE,
            dict(
                code=code,
                case_id=ctx.case.id,
                matter_code=facts.matter_code,
                matter_name=facts.matter_name,
                department=ctx.case.department,
                holder=(holder or {}).get("name", ""),
                issued_at=ctx.now,
                number=number,
                scope=scope,
                valid_until=valid_until,
            ),
        )
        ctx.events.append(
            trail.event(
                "licence_issued",
                ctx.now,
                case_id=ctx.case.id,
                actor=ctx.actor_id,
                detail={
                    "code": code,
                    "number": number,
                    "valid_until": valid_until.isoformat() if valid_until else None,
                },
            )
        )

    def verify(self, code: str) -> dict[str, Any]:
        with self.db.reading() as session:
            licence = session.get(Licence, str(code).strip().upper()) if isinstance(code, str) else None
            if licence is None:
                raise NotFound("licence_not_found")
            return {
                "code": licence.code,
                "matter": licence.matter_name,
                "department": licence.department,
                "holder": mask_name(licence.holder),
                "issued_at": licence.issued_at.isoformat(),
                "number": licence.number,
                "scope": licence.scope,
                "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
                "permanent": licence.number is not None and licence.valid_until is None,
                "verification_url": self.verification_url(licence.code),
                "status": "revoked" if licence.revoked_at else "valid",
                "revoked_at": licence.revoked_at.isoformat() if licence.revoked_at else None,
                "revoked_reason": licence.revoked_reason,
            }

    def licence_of(self, case_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            code = session.scalar(sa.select(Licence.code).where(Licence.case_id == case_id))
        if code is None:
            raise NotFound("case_has_no_licence")
        return self.verify(code)

    def revoke(self, code: str, actor: Actor, reason: str | None) -> dict[str, Any]:
        reason = payloads.opinion(reason)
        if not reason:
            raise InvalidInput("revocation_reason_required", field="reason")
        with self.db.transaction() as session:
            licence = session.get(Licence, str(code).upper(), with_for_update=True)
            if licence is None:
                raise NotFound("licence_not_found")
            if not (actor.is_admin or actor.department == licence.department):
                raise PermissionDenied("revoke_not_allowed")
            if licence.revoked_at is not None:
                raise InvalidState("licence_already_revoked")
            now = self.clock.now()
            licence.revoked_at, licence.revoked_reason = now, reason
            decided = (
                session.execute(
                    sa.select(_documents.c.id).where(
                        _documents.c.case_id == licence.case_id,
                        _documents.c.kind.in_(REVOCATION_DECISIONS),
                        _documents.c.issued_at <= now,
                    )
                ).first()
                is not None
            )
            rows = [
                trail.event(
                    "licence_revoked",
                    now,
                    case_id=licence.case_id,
                    actor=actor.id,
                    detail={"code": licence.code, "reason": reason, "decision": decided},
                )
            ]
            if not decided:  # 擅自改变已生效的行政许可: the wiring table's hooks (an Art. 12 signal)
                rows += [row for hook in self.revoked for row in hook(session, licence, actor.id, now)]
            trail.append_case_events(session, licence.case_id, rows)
        return self.verify(code)

    def verification_url(self, code: str) -> str:
        return f"{self.settings.public_url.rstrip('/')}/verify/{code}"

    def licence_sheet(self, case_id: int, actor: Actor) -> tuple[str, str]:
        """The case's licence as the HTML of its A4 sheet (number, holder, matter, scope, department, dates and a
        QR code of its public verification address): (number, html)."""

        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            licence = session.scalar(sa.select(Licence).where(Licence.case_id == case_id))
            if licence is None:
                raise NotFound("case_has_no_licence")
            url = self.verification_url(licence.code)
            number = licence.number or licence.code
            html = _templates.get_template("licence.html").render(
                number=number,
                code=licence.code,
                holder=licence.holder,
                matter=licence.matter_name,
                scope=licence.scope or licence.matter_name,
                department=licence.department,
                issued=f"{licence.issued_at.astimezone(SHANGHAI):%Y年%m月%d日}",
                valid_until=f"{licence.valid_until:%Y年%m月%d日}" if licence.valid_until else "长期",
                revoked=licence.revoked_at is not None,
                url=url,
                qr=qr_data_uri(url),
            )
        return number, html

    def render_licence_pdf(self, case_id: int, actor: Actor) -> tuple[str, bytes]:
        """The licence sheet as a printable A4 PDF."""
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:  # WeasyPrint needs Pango from the system
            raise RenderingUnavailable("pdf_unavailable", detail=str(exc)) from None

        number, html = self.licence_sheet(case_id, actor)
        return number, HTML(string=html).write_pdf()


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` (error correction M) as an SVG data URI, for the licence sheet."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))
