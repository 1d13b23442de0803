"""Appeals (once per decision, decided by another volunteer) and a member's moderation history."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import formatting
from app.extensions import db
from app.models import Appeal, AppealStatus, Case, CaseStatus, Outcome, Sanction, Urgency
from app.models.types import utcnow
from app.permissions import can_moderate, is_member
from app.services import audit, safety
from app.services.errors import Conflict, Invalid, NotAllowed
from app.services.moderation.common import MAX_REASON
from app.services.moderation.kinds import CONTENT_KINDS
from app.services.moderation.sanctions import _recompute_restricted, sanctions_of
from app.services.notifications import notify


@dataclass(frozen=True)
class Appealed:
    """What an appeal came to: the stored appeal, and whether the page shows the support lines."""
    appeal: Appeal
    support: bool = False


# ---- Appeals ------------------------------------------------------------------------------------------


def may_appeal(member, case: Case) -> bool:
    return (
        is_member(member) and case.status == CaseStatus.RESOLVED and case.author_id == member.id
        and case.outcome not in (Outcome.DISMISS, Outcome.APPROVE, Outcome.RESTORE)
        and db.session.scalar(sa.select(Appeal.id).where(Appeal.case_id == case.id)) is None
    )


def appeal(member, case: Case, words: str) -> Appealed:
    if not is_member(member) or case.author_id != member.id:
        raise NotAllowed(_("You can only appeal decisions about your own writing or account."))
    if db.session.scalar(sa.select(Appeal.id).where(Appeal.case_id == case.id)) is not None:
        raise Conflict(_("You have already appealed this decision. Each decision can be appealed once."))
    if not may_appeal(member, case):
        raise NotAllowed(_("There is nothing to appeal in this decision."))
    words = (words or "").strip()
    if not words:
        raise Invalid(_("Tell us why you think the decision was wrong."), field="words")
    if len(words) > MAX_REASON:
        raise Invalid(_("Please keep it to %(limit)s characters or fewer.", limit=f"{MAX_REASON:,}"), field="words")
    row = Appeal(case_id=case.id, member_id=member.id, words=words)
    support = safety.screen(member, words, "appeal").support
    if support:
        case.urgency = Urgency.SAFETY  # a member in crisis while appealing: the safeguarding leads see it
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Conflict(_("You have already appealed this decision. Each decision can be appealed once."))
    db.session.commit()
    return Appealed(row, support=support)


def waiting_appeals(moderator) -> list[Appeal]:
    """Appeals this moderator may decide: not about themself, not their own decision."""
    if not can_moderate(moderator):
        return []
    return [
        row for row in db.session.scalars(
            sa.select(Appeal).options(joinedload(Appeal.case), joinedload(Appeal.member))
            .where(Appeal.status == AppealStatus.WAITING).order_by(Appeal.created_at)
        )
        if may_decide_appeal(moderator, row)
    ]


def may_decide_appeal(moderator, row: Appeal) -> bool:
    return (
        can_moderate(moderator) and row.status == AppealStatus.WAITING
        and row.case.resolved_by_id != moderator.id and row.member_id != moderator.id
    )


def decide_appeal(moderator, row: Appeal, overturn: bool, reason: str) -> Appeal:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only volunteer moderators can decide appeals."))
    if row.case.resolved_by_id == moderator.id:
        raise NotAllowed(_("You made the first decision, so a different volunteer or an administrator must decide the appeal."))
    if row.member_id == moderator.id:
        raise NotAllowed(_("This appeal is yours, so another volunteer will decide it."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Write the reason for your decision. The member will read it."), field="reason")
    result = db.session.execute(
        sa.update(Appeal).where(Appeal.id == row.id, Appeal.status == AppealStatus.WAITING)
        .values(status=AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD, decided_by_id=moderator.id,
                decided_at=utcnow(), decision_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(row)
        who = row.decided_by.display_name if row.decided_by else _("Another volunteer")
        raise Conflict(_("%(who)s already decided this appeal at %(time)s.", who=who, time=formatting.full_date_time(row.decided_at)))
    db.session.refresh(row)
    case = row.case
    if overturn:
        kind = CONTENT_KINDS.get(case.content_type)
        obj = kind.load(case.content_id) if kind else None
        if obj is not None and kind.is_hidden(obj):
            kind.restore(obj, moderator)
        for sanction in db.session.scalars(sa.select(Sanction).where(Sanction.case_id == case.id, Sanction.lifted_at.is_(None))):
            sanction.lifted_at = utcnow()
        if row.member is not None:
            _recompute_restricted(row.member)
    audit.record(moderator, "appeal_overturned" if overturn else "appeal_upheld", case, reason)
    if row.member is not None:
        sentence = (_l("A volunteer looked at your appeal and changed the decision. They said: %(reason)s", reason=reason) if overturn
                    else _l("A volunteer looked at your appeal and the decision stays. They said: %(reason)s", reason=reason))
        notify(row.member, "moderation", sentence, url_for("moderation.history"))
    db.session.commit()
    return row


# ---- What members see ------------------------------------------------------------------------------


@dataclass
class HistoryItem:
    case: Case
    noun: str
    what: str
    appeal: Appeal | None
    may_appeal: bool


def history_for(member) -> tuple[list[HistoryItem], list[Sanction]]:
    """Decisions about this member's own content and account (not who reported them)."""
    cases = list(db.session.scalars(
        sa.select(Case).where(Case.author_id == member.id, Case.status == CaseStatus.RESOLVED,
                              Case.outcome.not_in((Outcome.DISMISS,)))
        .order_by(Case.resolved_at.desc()).limit(100)
    ))
    appeals = {row.case_id: row for row in db.session.scalars(sa.select(Appeal).where(Appeal.case_id.in_([c.id for c in cases] or [0])))}
    items = []
    for case in cases:
        kind = CONTENT_KINDS.get(case.content_type)
        obj = kind.load(case.content_id) if kind else None
        items.append(HistoryItem(case, kind.noun if kind else "content", kind.describe(obj) if obj is not None and kind else "",
                                 appeals.get(case.id), case.id not in appeals and may_appeal(member, case)))
    return items, sanctions_of(member.id)
