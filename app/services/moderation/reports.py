"""Members' reports, what reports do on their own before a volunteer decides (the reporters' weight), and
a member's own reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import facts
from app.extensions import db
from app.models import Case, CaseStatus, Outcome, Report, ReportReason, Urgency, User
from app.models.types import utcnow
from app.permissions import can_moderate, is_member, is_verified_partner
from app.services import safety
from app.services.errors import Invalid, NotAllowed
from app.services.moderation.cases import _open_case, send_safety_alerts
from app.services.moderation.common import MAX_REASON
from app.services.moderation.kinds import ContentKind, content_for, kind_of


# ---- Reporting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """What a member's report came to: the stored report (the first one, when they reported the
    same thing twice), and whether the page shows them the support lines (their words were of crisis)."""
    report: Report
    support: bool = False


def report(reporter, content_type: str, content_id: int, reason, words: str = "") -> Reported:
    """A member reports something. Safety reports go to the top of the queue and email every admin;
    enough different reporters hide the content until a moderator decides."""
    if not is_member(reporter):
        raise NotAllowed(_("Please sign in to report something."))
    try:
        reason = ReportReason(reason)
    except ValueError:
        raise Invalid(_("Choose why you are reporting this."), field="reason")
    if reason == ReportReason.APPROVAL:
        raise Invalid(_("Choose why you are reporting this."), field="reason")
    words = (words or "").strip()
    if reason == ReportReason.OTHER and not words:
        raise Invalid(_("Tell us in a few words what is wrong, so a volunteer knows what to look for."), field="words")
    if len(words) > MAX_REASON:
        raise Invalid(_("Please keep it to %(limit)s characters or fewer.", limit=f"{MAX_REASON:,}"), field="words")
    kind = kind_of(content_type)
    obj = content_for(reporter, content_type, content_id)
    author_id = kind.author_id(obj)
    if author_id == reporter.id:
        raise NotAllowed(_("This is your own. If you want it gone, you can delete it yourself."))
    if sa.inspect(obj).transient:  # shown from defaults (a profile never written): stored with the report
        db.session.add(obj)
    # Words of crisis in the reporter's own words: they see the support lines and it is a safety case.
    worried = bool(words) and safety.screen(reporter, words, "report").support
    urgency = Urgency.SAFETY if reason == ReportReason.SAFETY or worried else Urgency.NORMAL
    case = _open_case(content_type, obj, author_id=author_id, urgency=urgency, summary="Reported by members")
    db.session.flush()
    existing = db.session.scalar(sa.select(Report).where(Report.case_id == case.id, Report.reporter_id == reporter.id))
    if existing is not None:
        return Reported(existing)  # reported twice: one report, the first reason kept
    row = Report(case_id=case.id, content_type=content_type, content_id=case.content_id, reporter_id=reporter.id,
                 reason=reason, words=words)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same member pressing twice at once
        return Reported(db.session.scalar(sa.select(Report).where(Report.case_id == case.id, Report.reporter_id == reporter.id)))
    _hide_if_reports_weigh_enough(case, kind, content_type, obj)
    if reason == ReportReason.SAFETY or worried:
        send_safety_alerts(content_type, case.content_id)
    db.session.commit()
    return Reported(row, support=worried)


# ---- What reports do on their own (before a volunteer decides) ----------------------------------------
#
# Every report opens (or joins) a case in the review queue; a safety report goes to the top and emails
# the safeguarding leads at once. Hiding something before a volunteer looks is decided by the weight of
# the reporters, like Discourse's flag scores (1 + trust level + how often their flags were agreed with),
# so that a handful of brand-new accounts cannot hide what they dislike:
#   - a member who joined less than a week ago, or has no published post: 0 (their report still reaches
#     the queue, it just cannot hide anything by itself);
#   - a member of a week or more with a published post: 1; after 30 days and 10 published posts: 1.5;
#     a verified partner organisation: 1.5; a volunteer moderator or admin: enough on their own;
#   - plus 0.25 for each earlier report of theirs a volunteer agreed with (up to +1), minus 0.5 for each
#     one dismissed (never below 0).
# With the default MODERATION_HIDE_SCORE of 3: one or two reports from established members leave the
# content visible to everyone while it waits in the queue; a third hides it until a volunteer decides.
# A first post that other people have replied to is never hidden this way (it would hide their
# replies too): the case says so and a volunteer decides.

NEW_MEMBER_DAYS = 7
TRUSTED_DAYS, TRUSTED_POSTS = 30, 10
UPHELD = (Outcome.HIDE, Outcome.DELETE, Outcome.EDIT, Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND)


def reporter_weight(reporter: User) -> float:
    """How much one member's report counts towards hiding something before a volunteer looks."""
    threshold = current_app.config.get("MODERATION_HIDE_SCORE", 3.0)
    if can_moderate(reporter):
        return threshold
    now = utcnow()
    published = facts.approved_post_count(reporter)
    if now - reporter.created_at < timedelta(days=NEW_MEMBER_DAYS) or (published == 0 and not is_verified_partner(reporter)):
        return 0.0
    weight = 1.5 if is_verified_partner(reporter) else 1.0
    if now - reporter.created_at >= timedelta(days=TRUSTED_DAYS) and published >= TRUSTED_POSTS:
        weight = 1.5
    earlier = dict(db.session.execute(
        sa.select(Case.outcome, sa.func.count(Report.id)).join(Case, Case.id == Report.case_id)
        .where(Report.reporter_id == reporter.id, Case.status == CaseStatus.RESOLVED)
        .group_by(Case.outcome)
    ).all())
    agreed = sum(count for outcome, count in earlier.items() if outcome in UPHELD)
    dismissed = earlier.get(Outcome.DISMISS, 0)
    return max(0.0, weight + min(1.0, 0.25 * agreed) - 0.5 * dismissed)


def report_score(case: Case) -> float:
    reporters = db.session.scalars(
        sa.select(User).join(Report, Report.reporter_id == User.id).where(Report.case_id == case.id).distinct()
    ).all()
    return sum(reporter_weight(reporter) for reporter in reporters)


REPLIES_KEPT = "Reports reached the level to hide it, but other people have replied in the thread, so it stays until a volunteer decides"


def _hide_if_reports_weigh_enough(case: Case, kind: ContentKind, content_type: str, obj) -> None:
    if kind.is_hidden(obj) or report_score(case) < current_app.config.get("MODERATION_HIDE_SCORE", 3.0):
        return
    if kind.others_replied(obj):
        if REPLIES_KEPT not in case.summary:
            case.summary = f"{case.summary}; {REPLIES_KEPT}" if case.summary else REPLIES_KEPT
        return
    kind.hide(obj, "Hidden while a volunteer looks at reports about it.", None)
    case.hidden_by_reports = True


def my_reports(member) -> list[Report]:
    return list(db.session.scalars(
        sa.select(Report).options(joinedload(Report.case)).where(Report.reporter_id == member.id).order_by(Report.created_at.desc()).limit(100)
    ))
