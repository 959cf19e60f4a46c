"""Official documents (受理通知书, 补正通知书, 不予受理决定书, 准予/不予许可决定书) and electronic licences.

Each document gets the next number of its department and year, e.g. ``郑州市烟草专卖局〔2026〕第0001号``,
allocated under a row lock in the transaction that records the document, so numbers never repeat even
when documents are issued concurrently. PDFs are rendered on demand from the recorded content (WeasyPrint,
Chinese fonts from the system's Noto CJK). An approved case receives an electronic licence whose code can be
verified publicly until it is revoked.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import sqlalchemy as sa

from ..errors import Conflict, EngineError, InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import require_case_view
from ..identity.actors import Actor
from ..kernel import payloads
from ..kernel.clock import SHANGHAI
from ..models import Case, DocumentCounter, IssuedDocument, Licence, Matter
from ..trail import chain as trail
from .masking import mask_name

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..kernel import Clock, Database
    from ..runtime.stepper import StepContext

KINDS = {
    "acceptance_notice": "受理通知书",
    "supplement_notice": "补正材料通知书（一次性告知单）",
    "refusal_decision": "不予受理决定书",
    "approval_decision": "准予行政许可决定书",
    "denial_decision": "不予行政许可决定书",
}
NEEDS_REASONS = {"refusal_decision", "denial_decision"}
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def _paragraphs(
    kind: str, matter: str, case_number: str, reasons: str | None, limit: int | None
) -> tuple[list[str], str]:
    if kind == "acceptance_notice":
        return (
            [
                f"你（单位）于办件编号 {case_number} 提出的“{matter}”申请，申请材料齐全、符合法定形式，"
                f"根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。",
                f"本机关将在受理之日起{limit}个工作日内作出决定（依法需要听证、检验、检测、鉴定和专家评审的，"
                f"所需时间不计算在期限内）。",
            ],
            "特此通知。",
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


class DocumentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- numbering and issue ----------------------------------------------------------------------
    @staticmethod
    def _next_number(session: Session, department: str, year: int) -> int:
        counter = DocumentCounter.__table__
        for _ in range(3):
            seq = session.execute(
                counter.update()
                .where(counter.c.department == department, counter.c.year == year)
                .values(last=counter.c.last + 1)
                .returning(counter.c.last)
            ).scalar()
            if seq is not None:
                return seq
            try:
                with session.begin_nested():
                    session.execute(counter.insert().values(department=department, year=year, last=0))
            except sa.exc.IntegrityError:
                pass  # another transaction created the counter first: take the next number from it
        raise Conflict("document_number_busy")

    def issue(
        self, case_id: int, kind: str, actor: Actor, reasons: str | None = None, items: list[str] | None = None
    ) -> dict[str, Any]:
        if not isinstance(kind, str) or kind not in KINDS:
            raise InvalidInput("not_one_of", field="kind", allowed=list(KINDS))
        reasons = payloads.opinion(reasons)
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
            matter = session.get(Matter, case.matter_code)
            year = now.astimezone(SHANGHAI).year
            seq = self._next_number(session, case.department, year)
            number = f"{case.department}〔{year}〕第{seq:04d}号"
            assert matter is not None  # a case's matter is kept (foreign key)
            content = {
                "title": KINDS[kind],
                "department": case.department,
                "number": number,
                "applicant": case.applicant.get("name"),
                "matter": matter.name,
                "case_number": case.number,
                "reasons": reasons,
                "items": [i.strip() for i in items] if items else [],
                "limit": matter.promised_limit_days,
                "date": f"{now.astimezone(SHANGHAI):%Y年%m月%d日}",
            }
            document = IssuedDocument(
                case_id=case_id,
                kind=kind,
                department=case.department,
                year=year,
                seq=seq,
                number=number,
                content=content,
                issued_at=now,
                issued_by=actor.id,
            )
            session.add(document)
            session.flush()
            trail.append_case_events(
                session,
                case_id,
                [
                    trail.event(
                        "document_issued",
                        now,
                        case_id=case_id,
                        actor=actor.id,
                        to_state=kind,
                        data_digest=trail.digest(content),
                        detail={"number": number, "document": document.id},
                    )
                ],
            )
            return {
                "id": document.id,
                "kind": kind,
                "title": KINDS[kind],
                "number": number,
                "issued_at": now.isoformat(),
            }

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
            document.kind, content["matter"], content["case_number"], content["reasons"], content["limit"]
        )
        html = _templates.get_template("document.html").render(paragraphs=paragraphs, closing=closing, **content)
        return content["number"], HTML(string=html).write_pdf()

    # --- electronic licences ----------------------------------------------------------------------
    def licence_on_approval(self, ctx: StepContext, outcome: str) -> None:
        if outcome != "approved":
            return
        matter = ctx.connection.execute(
            sa.select(Matter.code, Matter.name, Matter.matter_type, Case.applicant)
            .join(Case, Case.matter_code == Matter.code)
            .where(Case.id == ctx.case.id)
        ).one()
        if matter.matter_type != "行政许可":
            return
        holder = matter.applicant
        code = secrets.token_hex(6).upper()
        ctx.connection.execute(
            Licence.__table__.insert().values(
                code=code,
                case_id=ctx.case.id,
                matter_code=matter.code,
                matter_name=matter.name,
                department=ctx.case.department,
                holder=(holder or {}).get("name", ""),
                issued_at=ctx.now,
            )
        )
        ctx.events.append(
            trail.event("licence_issued", ctx.now, case_id=ctx.case.id, actor=ctx.actor_id, detail={"code": code})
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
            licence.revoked_at, licence.revoked_reason = self.clock.now(), reason
            trail.append_case_events(
                session,
                licence.case_id,
                [
                    trail.event(
                        "licence_revoked",
                        self.clock.now(),
                        case_id=licence.case_id,
                        actor=actor.id,
                        detail={"code": licence.code, "reason": reason},
                    )
                ],
            )
        return self.verify(code)
