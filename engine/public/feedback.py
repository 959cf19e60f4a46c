"""Ratings of the service (满意度评价) and complaints (投诉).

A case's applicant rates it once, after it has ended: 1–5 stars overall and, optionally, per aspect, with a
comment. Anyone may complain: anonymously (nothing about the complainant is kept) or by name (signed in, and
optionally about one of their own cases). A complaint gets an unguessable reference number to look it up by.
Every rating and complaint is a trail row written in the same transaction.
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..complaints import rules as complaint_rules
from ..errors import Conflict, InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import require_own_case
from ..identity.actors import Actor
from ..kernel.clock import SHANGHAI
from ..kernel.payloads import text_field
from ..models import Case, Complaint, Matter, Rating
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

ASPECTS = ("overall", "efficiency", "attitude", "convenience")  # 总体, 办理效率, 服务态度, 办事便利
MAX_COMMENT = 1000
MAX_SUBJECT = 100
MAX_CONTENT = 4000
SUBMITTED = "submitted"
NUMBER = re.compile(r"^TS\d{8}[0-9A-F]{8}$")
PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")


def validate_scores(scores: object) -> dict[str, int]:
    """``overall`` is required; other aspects are optional; each is a whole number of stars from 1 to 5."""
    if not isinstance(scores, dict):
        raise InvalidInput("scores_not_an_object", field="scores")
    unknown = set(scores) - set(ASPECTS)
    clean: dict[str, int]
    if unknown:
        raise InvalidInput("unknown_aspect", field="scores", aspect=sorted(unknown)[0])
    clean = {}
    for aspect in ASPECTS:
        value = scores.get(aspect)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise InvalidInput("stars_out_of_range", field=aspect)
        clean[aspect] = value
    if "overall" not in clean:
        raise InvalidInput("overall_rating_required", field="overall")
    return clean


class FeedbackService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- ratings ----------------------------------------------------------------------------------
    def rate(self, case_id: int, actor: Actor, scores: dict[str, Any], comment: str | None = None) -> dict[str, Any]:
        scores = validate_scores(scores)
        comment = text_field(comment, "comment", MAX_COMMENT, required=False)
        now = self.clock.now()
        try:
            with self.db.transaction() as session:
                case = require_own_case(session, actor, case_id)
                return record_rating(session, case, actor.id, scores, comment, now, channel="online")
        except sa.exc.IntegrityError:  # rated concurrently by a second request: the first one counts
            raise InvalidState("case_already_rated") from None

    def rating_of(self, case_id: int, actor: Actor) -> dict[str, Any] | None:
        with self.db.reading() as session:
            require_own_case(session, actor, case_id)
            rating = session.scalar(sa.select(Rating).where(Rating.case_id == case_id))
            return _rating_view(rating) if rating else None

    # --- complaints -------------------------------------------------------------------------------
    def departments(self) -> list[str]:
        """The departments a complaint may be about: those of the published catalogue."""
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(Matter.department)
                    .where(Matter.published.is_(True))
                    .distinct()
                    .order_by(Matter.department)
                )
            )

    def complain(
        self,
        actor: Actor | None,
        subject: str | None,
        content: str | None,
        anonymous: bool,
        case_id: int | None = None,
        department: str | None = None,
        contact_phone: str | None = None,
    ) -> dict[str, Any]:
        """File a complaint; returns it with its reference number. An anonymous complaint keeps nothing that
        identifies the complainant, so it cannot be about one of their cases."""
        subject = text_field(subject, "subject", MAX_SUBJECT, required=True)
        content = text_field(content, "content", MAX_CONTENT, required=True)
        department = text_field(department, "department", 200, required=False)
        contact_phone = text_field(contact_phone, "contact_phone", 32, required=False)
        if contact_phone and not PHONE.match(contact_phone):
            raise InvalidInput("phone_invalid", field="contact_phone")
        if anonymous:
            if case_id is not None:
                raise InvalidInput("anonymous_complaint_with_case", field="case_id")
            complainant, contact_phone = None, None
        else:
            if actor is None:
                raise PermissionDenied("complaint_sign_in")
            complainant = actor.id
        now = self.clock.now()
        with self.db.transaction() as session:
            if case_id is not None:
                assert actor is not None  # a complaint about one's case is not anonymous
                case = require_own_case(session, actor, case_id)
                department = case.department
            elif department is not None and department not in self._departments(session):
                raise InvalidInput("unknown_department", field="department", department=department)
            number = self._new_number(session, now)
            limits = complaint_rules.filing_limits(now, self.calendars.calendar())
            complaint = Complaint(
                number=number,
                anonymous=bool(anonymous),
                complainant=complainant,
                contact_phone=contact_phone,
                case_id=case_id,
                department=department,
                subject=subject,
                content=content,
                status=SUBMITTED,
                submitted_at=now,
                status_changed_at=now,
                **limits,
            )
            session.add(complaint)
            session.flush()
            row = trail.event(
                "complaint_filed",
                now,
                case_id=case_id,
                actor=complainant or "anonymous",
                to_state=SUBMITTED,
                data_digest=trail.digest({"subject": subject, "content": content}),
                element_id=number,
                detail={
                    "number": number,
                    "anonymous": bool(anonymous),
                    "department": department,
                    "accept_due_at": limits["accept_due_at"].isoformat(),
                    "feedback_due_at": limits["feedback_due_at"].isoformat(),
                },
            )
            if case_id is not None:
                trail.append_case_events(session, case_id, [row])
            else:
                trail.append(session, [row])
            return _complaint_view(complaint, case_number=None)

    def complaint_by_number(self, number: object) -> dict[str, Any]:
        """What anyone holding the reference number may read: no complainant, no contact."""
        number = number.strip().upper() if isinstance(number, str) else ""
        if not NUMBER.match(number):
            raise NotFound("complaint_number_not_found")
        with self.db.reading() as session:
            complaint = session.scalar(sa.select(Complaint).where(Complaint.number == number))
            if complaint is None:
                raise NotFound("complaint_number_not_found")
            return _complaint_view(complaint, case_number=None)

    def my_complaints(self, actor: Actor) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(Complaint, Case.number)
                .outerjoin(Case, Complaint.case_id == Case.id)
                .where(Complaint.complainant == actor.id)
                .order_by(Complaint.submitted_at.desc(), Complaint.id.desc())
            ).all()
            return [_complaint_view(complaint, case_number) for complaint, case_number in rows]

    @staticmethod
    def _departments(session: Session) -> set[str]:
        return set(session.scalars(sa.select(Matter.department).where(Matter.published.is_(True))))

    @staticmethod
    def _new_number(session: Session, now: _dt.datetime) -> str:
        day = f"{now.astimezone(SHANGHAI):%Y%m%d}"
        for _ in range(5):
            number = f"TS{day}{secrets.token_hex(4).upper()}"
            if session.scalar(sa.select(Complaint.id).where(Complaint.number == number)) is None:
                return number
        raise Conflict("complaint_number_busy")


def record_rating(
    session: Session,
    case: Case,
    rater: str,
    scores: dict[str, int],
    comment: str | None,
    now: _dt.datetime,
    channel: str,
) -> dict[str, Any]:
    """The one rule for a rating, online or by SMS: the case has ended and has no rating yet. The caller turns
    an IntegrityError at commit (a concurrent rating) into InvalidState."""
    if case.status != "ended":
        raise InvalidState("case_not_ended_for_rating")
    if session.scalar(sa.select(Rating.id).where(Rating.case_id == case.id)) is not None:
        raise InvalidState("case_already_rated")
    rating = Rating(
        case_id=case.id,
        matter_code=case.matter_code,
        department=case.department,
        rater=rater,
        overall=scores["overall"],
        scores=scores,
        comment=comment,
        rated_at=now,
    )
    session.add(rating)
    session.flush()
    trail.append_case_events(
        session,
        case.id,
        [
            trail.event(
                "service_rated",
                now,
                case_id=case.id,
                actor=rater,
                to_state=str(scores["overall"]),
                data_digest=trail.digest({"scores": scores, "comment": comment}),
                detail={"scores": scores, "channel": channel} if channel != "online" else {"scores": scores},
            )
        ],
    )
    return _rating_view(rating)


def _rating_view(rating: Rating) -> dict[str, Any]:
    return {
        "case_id": rating.case_id,
        "overall": rating.overall,
        "scores": dict(rating.scores),
        "comment": rating.comment,
        "rated_at": rating.rated_at.isoformat(),
    }


def _complaint_view(complaint: Complaint, case_number: str | None) -> dict[str, Any]:
    return complaint_rules.public_view(complaint, case_number)
