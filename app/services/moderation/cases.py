"""Opening a case: the one unresolved case per piece of content, held for approval, reported automatically,
and the safety alert to the admins.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Case, CaseStatus, Report, ReportReason, Urgency
from app.models.types import utcnow
from app.services import email
from app.services.moderation.common import OVERDUE, admins
from app.services.moderation.kinds import _content_id
from app.services.notifications import send_after_commit

URGENCY_RANK = {Urgency.SAFETY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


def _open_case(content_type: str, obj, *, author_id: int | None, urgency: Urgency = Urgency.NORMAL, summary: str = "") -> Case:
    """The unresolved case for this content, or a new one. The partial unique index means two
    requests at once cannot open two cases: the loser finds the winner's case."""
    content_id = _content_id(content_type, obj)
    case = _unresolved_case(content_type, content_id)
    if case is None:
        case = Case(content_type=content_type, content_id=content_id, author_id=author_id, urgency=urgency, summary=summary)
        try:
            with db.session.begin_nested():
                db.session.add(case)
        except IntegrityError:
            case = _unresolved_case(content_type, content_id)
    if URGENCY_RANK[urgency] < URGENCY_RANK[case.urgency]:
        case.urgency = urgency
    if summary and summary not in case.summary:
        case.summary = f"{case.summary}; {summary}" if case.summary else summary
    return case


def _unresolved_case(content_type, content_id) -> Case | None:
    return db.session.scalar(
        sa.select(Case).where(Case.content_type == content_type, Case.content_id == content_id, Case.status != CaseStatus.RESOLVED)
    )


def hold_for_approval(content_type: str, obj, why: str, *, author_id: int | None) -> Case:
    """The content is already saved as held by its feature; open its case. The caller commits."""
    case = _open_case(content_type, obj, author_id=author_id, summary=why)
    case.held_for_approval = True
    return case


def report_automatically(content_type: str, obj, reason: ReportReason, summary: str, *, author_id: int | None) -> Case:
    """A report raised by the watched words (no reporter). The caller commits, then calls
    send_safety_alerts for a safety report."""
    urgency = {ReportReason.SAFETY: Urgency.SAFETY, ReportReason.SCAM: Urgency.URGENT}.get(reason, Urgency.NORMAL)
    case = _open_case(content_type, obj, author_id=author_id, urgency=urgency, summary=summary)
    db.session.flush()
    db.session.add(Report(case_id=case.id, content_type=content_type, content_id=case.content_id, reporter_id=None,
                          reason=reason, words=summary))
    return case


def send_safety_alerts(content_type: str, content_id: int) -> None:
    """Email every admin (the safeguarding leads) about a safety case as soon as the current
    transaction commits (and never if it is rolled back). Call before the commit."""
    case = _unresolved_case(content_type, content_id)
    if case is None:
        return
    link = url_for("moderation.case", case_id=case.id, _external=True)
    deadline = (case.created_at or utcnow()) + OVERDUE[Urgency.SAFETY]
    for admin in admins():
        context = dict(user=admin, case=case, link=link, deadline=deadline)
        subject = "A safety worry needs you now"
        send_after_commit(email.render_email(admin.email, subject, "moderation/safety", **context))


def open_case_for(member, content_type: str, content_id: int) -> Case | None:
    """The case about the member's own content, for "A volunteer will check this soon"."""
    return _unresolved_case(content_type, content_id)
