"""The review queue: cases in order, who may act on a case, claiming and releasing one, and reminders about
late cases.

Two moderators never act on one case at once: claiming and acting are conditional UPDATEs
(WHERE the case is open, or claimed by me, or the claim has lapsed) and the loser is told who did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_ngettext
from sqlalchemy.orm import joinedload, selectinload

from app import formatting
from app.extensions import db
from app.models import Appeal, Case, CaseStatus, Urgency
from app.models.types import utcnow
from app.permissions import can_moderate, is_admin
from app.services import email
from app.services.errors import Conflict, NotAllowed, NotFound
from app.services.moderation.common import OVERDUE, admins
from app.services.moderation.kinds import CONTENT_KINDS, ContentKind, kind_of
from app.services.notifications import send_after_commit

CLAIM_MINUTES = 30


# ---- The queue -------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    case: Case
    obj: Any
    kind: ContentKind
    overdue: bool
    due_at: datetime
    claimed_by_other: bool = False
    reasons: list[str] = field(default_factory=list)


def due_at(case: Case) -> datetime:
    return case.created_at + OVERDUE[case.urgency]


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    return case.status != CaseStatus.RESOLVED and (now or utcnow()) > due_at(case)


def claim_lapsed(case: Case, now: datetime | None = None) -> bool:
    return case.claimed_at is None or (now or utcnow()) - case.claimed_at > timedelta(minutes=CLAIM_MINUTES)


def queue(moderator) -> list[QueueRow]:
    """Unresolved cases, safety first, then oldest first. Moderators do not see cases about themselves."""
    if not can_moderate(moderator):
        raise NotAllowed(_("Only volunteer moderators can see the review queue."))
    statement = (
        sa.select(Case)
        .options(selectinload(Case.reports), joinedload(Case.claimed_by), joinedload(Case.author))
        .where(Case.status != CaseStatus.RESOLVED)
        .where(sa.or_(Case.author_id.is_(None), Case.author_id != moderator.id))
        .order_by(sa.case((Case.urgency == Urgency.SAFETY, 0), (Case.urgency == Urgency.URGENT, 1), else_=2), Case.created_at, Case.id)
    )
    now = utcnow()
    rows = []
    for case in db.session.scalars(statement).unique():
        kind = CONTENT_KINDS.get(case.content_type)
        if kind is None:
            continue
        obj = kind.load(case.content_id)
        claimed_other = case.status == CaseStatus.CLAIMED and not claim_lapsed(case, now) and case.claimed_by_id != moderator.id
        rows.append(QueueRow(case, obj, kind, is_overdue(case, now), due_at(case), claimed_other,
                             sorted({r.reason.label for r in case.reports})))
    return rows


def get_case(moderator, case_id: int) -> Case:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only volunteer moderators can look at reports."))
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(_("We cannot find that case."))
    return case


def may_act(moderator, case: Case) -> bool:
    return can_moderate(moderator) and case.author_id != moderator.id and (not case.escalated or is_admin(moderator))


# After deciding a case, the same volunteer (or an administrator) can take these further actions on it:
# hide the post, then warn its author, say. Each is told to the member and written in the log.
FURTHER_ACTIONS = ("hide", "edit", "delete", "warn", "silence", "suspend")


def may_act_further(moderator, case: Case) -> bool:
    return (
        case.status == CaseStatus.RESOLVED and may_act(moderator, case)
        and (case.resolved_by_id == moderator.id or is_admin(moderator))
        and db.session.scalar(sa.select(Appeal.id).where(Appeal.case_id == case.id)) is None
    )


def further_actions(moderator, case: Case, obj) -> list[str]:
    """The further actions that make sense now: not hiding what is hidden, nothing about content that has gone."""
    if not may_act_further(moderator, case):
        return []
    kind = kind_of(case.content_type)
    names = [name for name in FURTHER_ACTIONS if name != (case.outcome.value if case.outcome else None)]
    if obj is None:
        names = [name for name in names if name in ("warn", "silence", "suspend")]
    elif kind.is_hidden(obj):
        names = [name for name in names if name != "hide"]
    if case.author_id is None:
        names = [name for name in names if name not in ("warn", "silence", "suspend")]
    return names


def _check_may_act(moderator, case: Case) -> None:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only volunteer moderators can act on reports."))
    if case.author_id is not None and case.author_id == moderator.id:
        raise NotAllowed(_("This case is about you or something you wrote, so another volunteer will decide it."))
    if case.escalated and not is_admin(moderator):
        raise NotAllowed(_("This case has been passed to a safeguarding lead. Only an administrator can act on it now."))


def author_history(case: Case) -> list[Case]:
    """Earlier decisions about the same member's content, newest first."""
    if case.author_id is None:
        return []
    return list(db.session.scalars(
        sa.select(Case).options(joinedload(Case.resolved_by))
        .where(Case.author_id == case.author_id, Case.id != case.id, Case.status == CaseStatus.RESOLVED)
        .order_by(Case.resolved_at.desc()).limit(20)
    ))


def _handled_sentence(case: Case) -> str:
    db.session.refresh(case)
    if case.status == CaseStatus.RESOLVED:
        who = case.resolved_by.display_name if case.resolved_by else _("Another volunteer")
        return _("%(who)s already handled this at %(time)s.", who=who, time=formatting.full_date_time(case.resolved_at))
    who = case.claimed_by.display_name if case.claimed_by else _("Another volunteer")
    return _("%(who)s is looking at this case (since %(time)s). Their claim lapses after %(minutes)s minutes.",
             who=who, time=formatting.clock(case.claimed_at), minutes=CLAIM_MINUTES)


def _free_for(moderator, now):
    lapsed = now - timedelta(minutes=CLAIM_MINUTES)
    return sa.or_(
        Case.status == CaseStatus.OPEN,
        sa.and_(Case.status == CaseStatus.CLAIMED, sa.or_(Case.claimed_by_id == moderator.id, Case.claimed_at < lapsed)),
    )


def claim(moderator, case: Case) -> Case:
    """Take a case so that nobody else acts on it for CLAIM_MINUTES. One conditional UPDATE decides."""
    _check_may_act(moderator, case)
    now = utcnow()
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, _free_for(moderator, now))
        .values(status=CaseStatus.CLAIMED, claimed_by_id=moderator.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_handled_sentence(case))
    db.session.commit()
    db.session.refresh(case)
    return case


def release(moderator, case: Case) -> None:
    db.session.execute(
        sa.update(Case).where(Case.id == case.id, Case.status == CaseStatus.CLAIMED, Case.claimed_by_id == moderator.id)
        .values(status=CaseStatus.OPEN, claimed_by_id=None, claimed_at=None)
    )
    db.session.commit()


# ---- Reminders about late cases ----------------------------------------------------------------------


def send_overdue_reminders(now: datetime | None = None) -> int:
    """Email the admins once about every case waiting longer than 24 hours (safety: 2 hours).
    Safe to run from cron as often as you like: each case is claimed for its email by one UPDATE."""
    now = now or utcnow()
    late = []
    for case in db.session.scalars(
        sa.select(Case).where(Case.status != CaseStatus.RESOLVED, Case.overdue_emailed_at.is_(None)).order_by(Case.created_at)
    ):
        if now <= case.created_at + OVERDUE[case.urgency]:
            continue
        marked = db.session.execute(
            sa.update(Case).where(Case.id == case.id, Case.overdue_emailed_at.is_(None)).values(overdue_emailed_at=now)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount == 1:
            late.append(case)
    if late:
        link = url_for("moderation.queue", _external=True)
        for admin in admins():
            send_after_commit(email.render_email(
                admin.email, lazy_ngettext("%(num)d moderation case waiting too long", "%(num)d moderation cases waiting too long", len(late)),
                "moderation/overdue", user=admin, cases=late, link=link))
    db.session.commit()
    return len(late)
