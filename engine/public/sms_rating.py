"""Rating by text message (短信评价): when a case ends its applicant is invited by SMS, and a reply
"评价 <办件编号> <1-5> [意见]" records the rating under the same rules as online (ended cases, once per case)."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, InvalidState, NotFound
from ..models import Case
from ..notices.sms import SmsGateway, mask_phone, normalise_phone
from .feedback import MAX_COMMENT, record_rating

if TYPE_CHECKING:
    from ..kernel import Clock, Database
    from ..runtime.stepper import StepContext

log = logging.getLogger(__name__)
KEYWORD = "评价"
REPLY = re.compile(r"^\s*评价\s*([0-9A-Za-z]{4,32})\s+([1-5])(?:\s+(.*))?$", re.S)
MAX_TEXT = 1200


def invitation(case_number: str) -> str:
    return (
        f"您的办件 {case_number} 已办结。请回复 评价 {case_number} <1-5> 为本次服务评分"
        f"（5 非常满意，1 非常不满意），可在分数后附意见。"
    )


class SmsRating:
    def __init__(self, db: Database, clock: Clock, gateway: SmsGateway) -> None:
        self.db = db
        self.clock = clock
        self.gateway = gateway

    def on_case_end(self, ctx: StepContext, outcome: str) -> None:
        """Invite the applicant to rate the service by text message once the case has committed."""
        applicant = ctx.facts.applicant or {}
        phone = normalise_phone(applicant.get("phone")) if isinstance(applicant, dict) else ""
        if phone:
            ctx.after_commit.append(lambda: self._send(phone, invitation(ctx.case.number)))

    def _send(self, phone: str, text: str) -> None:
        """After commit: a failing gateway is logged and never undoes what was committed."""
        try:
            self.gateway.send(phone, text)
        except Exception:
            log.exception("SMS to %s could not be sent", mask_phone(phone))

    def rate_by_sms(self, phone: object, text: object) -> dict[str, Any]:
        """Record the rating a reply carries; the case is matched by its number and the applicant's phone."""
        phone = normalise_phone(phone)
        if not phone:
            raise InvalidInput("required", field="phone")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise InvalidInput("sms_text_invalid", field="text")
        match = REPLY.match(unicodedata.normalize("NFKC", text))
        if match is None:
            raise InvalidInput("sms_rating_format", field="text", keyword=KEYWORD)
        number, stars, comment = match.group(1).upper(), int(match.group(2)), (match.group(3) or "").strip() or None
        if comment and len(comment) > MAX_COMMENT:
            comment = comment[:MAX_COMMENT]
        now = self.clock.now()
        try:
            with self.db.transaction() as session:
                case = session.scalar(sa.select(Case).where(Case.number == number))
                applicant = case.applicant if case is not None and isinstance(case.applicant, dict) else {}
                if case is None or normalise_phone(applicant.get("phone")) != phone:
                    raise NotFound("sms_case_not_found")
                rating = record_rating(
                    session,
                    case,
                    case.created_by or f"sms:{mask_phone(phone)}",
                    {"overall": stars},
                    comment,
                    now,
                    channel="sms",
                )
        except sa.exc.IntegrityError:
            raise InvalidState("case_already_rated") from None
        reply = f"感谢您对办件 {number} 的评价（{stars} 分）。"
        self._send(phone, reply)
        return {"case_number": number, "rating": rating, "reply": reply}
