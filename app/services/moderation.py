"""Moderation and safeguarding: reports about any kind of content, the review queue, claiming a case,
the actions (each with a reason for the member), sanctions, appeals, and reminders about late cases.

Content is pointed at generically (content_type, content_id). CONTENT_KINDS maps each type to the
few operations moderation needs (load, author, show in context, hide, restore, delete, edit), so a
new feature (chat) plugs in by registering one ContentKind.

Two moderators never act on one case at once: claiming and acting are conditional UPDATEs
(WHERE the case is open, or claimed by me, or the claim has lapsed) and the loser is told who did.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import facts, formatting
from app.extensions import db
from app.facts import active_sanctions, forget_cached_sanctions, silence_of, suspension_of  # noqa: F401
from app.facts import not_silenced as can_participate  # noqa: F401 (one rule: permissions.can_participate)
from app.models import (
    Appeal,
    AppealStatus,
    ApprovalStatus,
    AuditEntry,
    Case,
    CaseStatus,
    Outcome,
    Report,
    ReportReason,
    Role,
    Sanction,
    SanctionKind,
    Urgency,
    User,
)
from app.models.types import utcnow
from app.permissions import can_moderate, is_admin, is_member, is_verified_partner
from app.services import audit, email, safety, safety_feedback
from app.services.errors import Conflict, Invalid, NotAllowed, NotFound, ServiceError
from app.services.notifications import notify, send_after_commit
from app.text import contains_link

log = logging.getLogger(__name__)

CLAIM_MINUTES = 30
OVERDUE = {Urgency.NORMAL: timedelta(hours=24), Urgency.URGENT: timedelta(hours=4), Urgency.SAFETY: timedelta(hours=2)}
MAX_REASON = 2000
URGENCY_RANK = {Urgency.SAFETY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}
DURATIONS = {1: "1 day", 3: "3 days", 7: "1 week", 14: "2 weeks", 30: "30 days", 90: "90 days"}


# ---- The content registry ---------------------------------------------------------------------


@dataclass
class ContentKind:
    name: str  # "post"
    noun: str  # "post", "thread", "profile", "meet-up": for sentences
    load: Callable[[int], Any]
    author_id: Callable[[Any], int | None]
    text: Callable[[Any], str]  # what was written, for the moderator
    url: Callable[[Any], str]
    hide: Callable[[Any, str, User], None]
    restore: Callable[[Any, User], None]
    delete: Callable[[Any, User], None]
    edit: Callable[[Any, str, User, str], None]
    is_hidden: Callable[[Any], bool]
    template: str  # the snippet that shows it in context on the case page
    describe: Callable[[Any], str] = lambda obj: ""
    # What sits either side of it (the thread around a post, the room around a message), whatever
    # their status; None where the content stands alone.
    around: Callable[[Any], list] | None = None
    # The rule of the content's own page: may this person (member or visitor) see it there?
    # Every other page that shows it (report, case, appeal) asks this same question.
    visible_to: Callable[[Any, Any], bool] = lambda viewer, obj: False
    # What this person may read of it, where that depends on who they are (profile fields);
    # None means everyone who may see it sees all of `text`.
    text_for: Callable[[Any, Any], str] | None = None
    # What moderators read on its case, where that depends on who reported it (profile fields).
    text_for_case: Callable[[Any, Any], str] | None = None
    # The id a case stores for it (a profile is stored by its member's user id).
    id_of: Callable[[Any], int] = lambda obj: obj.id
    # Have other people replied to it (a thread's first post)? Reports then do not hide it on their own.
    others_replied: Callable[[Any], bool] = lambda obj: False

    def shown_text(self, viewer, obj) -> str:
        return self.text_for(viewer, obj) if self.text_for else self.text(obj)

    def case_text(self, case, obj) -> str:
        return self.text_for_case(case, obj) if self.text_for_case else self.text(obj)


# Each feature registers the kinds it owns when its service module is imported (forums: post and
# thread; profiles; meetups; chat: chat message), so moderation never imports a feature.
CONTENT_KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    """Make a kind of member content reportable and moderable. Called once per kind, at import."""
    CONTENT_KINDS[kind.name] = kind


def kind_of(content_type: str) -> ContentKind:
    try:
        return CONTENT_KINDS[content_type]
    except KeyError:
        raise NotFound(_("We cannot find that."))


def load_content(content_type: str, content_id: int):
    """The content whoever asks: for moderators' own pages (cases), never for a member's page."""
    obj = kind_of(content_type).load(content_id) if isinstance(content_id, int) else None
    if obj is None:
        raise NotFound(_("We cannot find that. It may have been deleted."))
    return obj


def content_for(viewer, content_type: str, content_id: int):
    """The content if `viewer` may see it on its own page, else NotFound with the same words as
    missing content, so nothing (not even that it exists) leaks through a report page."""
    kind = kind_of(content_type)
    obj = kind.load(content_id) if isinstance(content_id, int) and 0 < content_id < 2**62 else None
    if obj is None or not kind.visible_to(viewer, obj):
        raise NotFound(_("We cannot find that. It may have been deleted."))
    return obj


# ---- Acting on a safety screening, once (services.safety.screen decides; this acts) ---------------------------------------------------------------------------


def record_screening(screened: safety.Screened, content_type: str, obj, *, author_id: int | None) -> None:
    """Open the moderation case a screened piece of writing needs. Call after flushing the content and
    before the commit; the safety alert is emailed after the commit (never for a rolled-back change)."""
    if screened.blocked:
        return
    if screened.held:
        hold_for_approval(content_type, obj, screened.held_because, author_id=author_id)
    for kind, reason in ((safety.SCAM, ReportReason.SCAM), (safety.PERSONAL, ReportReason.PERSONAL_DETAILS), (safety.CRISIS, ReportReason.SAFETY)):
        if kind in screened.kinds:
            why = "; ".join(screened.by_kind.get(kind, [])) or safety.KIND_WORDS[kind]
            report_automatically(content_type, obj, reason, safety.clip(why), author_id=author_id)
    if safety.CRISIS in screened.kinds:
        db.session.flush()
        send_safety_alerts(content_type, _content_id(content_type, obj))


# ---- Sanctions and what they stop ----------------------------------------------------------------


def _recompute_restricted(member: User) -> None:
    db.session.flush()
    member.restricted_until = db.session.scalar(
        sa.select(sa.func.max(Sanction.until)).where(
            Sanction.member_id == member.id, Sanction.kind.in_((SanctionKind.SILENCE, SanctionKind.SUSPEND)),
            Sanction.lifted_at.is_(None), Sanction.until > utcnow(),
        )
    )
    forget_cached_sanctions()


def until_words(sanction: Sanction) -> str:
    return formatting.full_date_time(sanction.until) if sanction.until else _("an administrator lifts it")


def ensure_can_participate(user) -> None:
    sanction = silence_of(user)
    if sanction is not None:
        raise NotAllowed(_(
            "You cannot post or reply until %(until)s, because a volunteer paused your account: "
            "%(reason)s You can still read. If you think this is wrong, you can appeal from your Moderation history page.",
            until=until_words(sanction), reason=sanction.reason
        ))


# ---- Held for approval ------------------------------------------------------------------------------


# ---- The new-member hold: one policy for forum posts and chat messages ------------------------
#
# Until a member is known, some of what they write waits for a volunteer before others see it
# (it is kept, and they see it themselves). One function decides, from one rule per place, so the
# forums and chat cannot drift apart; the numbers are settings (config.py). The places differ on
# purpose: a forum post stays for years, so a member's first posts wait whatever they say; chat is
# a conversation, so only links wait, for a week and until a few messages have been seen.


@dataclass(frozen=True)
class HoldRule:
    published: Callable[[Any], int]  # how many of the member's pieces others have seen here
    first_held: str | None  # setting: how many first pieces wait whatever they say (None: none)
    links_trusted_after: str  # setting: links wait until this many pieces are published
    first_reason: str = ""  # the case summary, for volunteers (English, as the staff log is)
    link_reason: str = ""
    links_wait_while_joined_recently: bool = False  # setting CHAT_NEW_MEMBER_DAYS
    partners_trusted: bool = True  # verified partners are trusted like moderators


HOLD_RULES = {
    "forum": HoldRule(
        published=facts.approved_post_count, first_held="MODERATION_FIRST_POSTS_HELD",
        links_trusted_after="MODERATION_LINK_TRUSTED_AFTER",
        first_reason="A new member's first {count} posts wait for approval",
        link_reason="A link from a member with fewer than {count} approved posts",
    ),
    "chat": HoldRule(
        published=facts.seen_message_count, first_held=None, links_trusted_after="CHAT_TRUSTED_AFTER_MESSAGES",
        link_reason="A link from a new member", links_wait_while_joined_recently=True, partners_trusted=False,
    ),
}

# The defaults when a setting is missing (config.py sets them all).
_HOLD_DEFAULTS = {"MODERATION_FIRST_POSTS_HELD": 2, "MODERATION_LINK_TRUSTED_AFTER": 5, "CHAT_TRUSTED_AFTER_MESSAGES": 3}


def joined_recently(user) -> bool:
    """Joined in the last CHAT_NEW_MEMBER_DAYS days: chat holds their links and sends them slower."""
    return user.created_at > utcnow() - timedelta(days=current_app.config["CHAT_NEW_MEMBER_DAYS"])


def hold_reason(author, text_to_check: str, place: str) -> str | None:
    """Why this new member's writing waits for a volunteer before others see it, or None.
    place is "forum" or "chat" (HOLD_RULES). Moderators are always trusted. The published count
    is asked for only when it matters (chat: only for a link), as this runs on every send."""
    rule = HOLD_RULES[place]
    if can_moderate(author) or (rule.partners_trusted and is_verified_partner(author)):
        return None
    config = current_app.config
    published = None
    if rule.first_held is not None:
        first = config.get(rule.first_held, _HOLD_DEFAULTS[rule.first_held])
        published = rule.published(author)
        if published < first:
            return rule.first_reason.format(count=first)
    if not contains_link(text_to_check):
        return None
    if rule.links_wait_while_joined_recently and joined_recently(author):
        return rule.link_reason
    trusted_after = config.get(rule.links_trusted_after, _HOLD_DEFAULTS[rule.links_trusted_after])
    if published is None:
        published = rule.published(author)
    if published < trusted_after:
        return rule.link_reason.format(count=trusted_after)
    return None


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


def content_id(content_type, obj) -> int:
    """The id a case stores for this content."""
    return kind_of(content_type).id_of(obj)


_content_id = content_id


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


# ---- Reporting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """What a member's report came to: the stored report (the first one, when they reported the
    same thing twice), and whether the page shows them the support lines (their words were of crisis)."""
    report: Report
    support: bool = False


@dataclass(frozen=True)
class Appealed:
    """What an appeal came to: the stored appeal, and whether the page shows the support lines."""
    appeal: Appeal
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


def admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.is_admin.is_(True), User.deleted_at.is_(None))))


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


def sanctions_of(member_id: int) -> list[Sanction]:
    return list(db.session.scalars(
        sa.select(Sanction).options(joinedload(Sanction.by)).where(Sanction.member_id == member_id).order_by(Sanction.created_at.desc())
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


# ---- Acting on a case ---------------------------------------------------------------------------------

ACTION_WORDS = {
    # outcome: (what the member is told happened, audit action)
    Outcome.DISMISS: ("a volunteer looked at it and decided it can stay", "dismiss_report"),
    Outcome.APPROVE: ("a volunteer checked it and it is now published", "approve_content"),
    Outcome.HIDE: ("a volunteer hid it", "hide_content"),
    Outcome.RESTORE: ("a volunteer put it back", "restore_content"),
    Outcome.EDIT: ("a volunteer edited it", "edit_content"),
    Outcome.DELETE: ("a volunteer deleted it", "delete_content"),
    Outcome.WARN: ("a volunteer sent its author a warning", "warn_member"),
    Outcome.SILENCE: ("a volunteer paused its author's posting", "silence_member"),
    Outcome.SUSPEND: ("a volunteer suspended its author's account", "suspend_member"),
}


def until_for(days: int | None, now: datetime | None = None) -> datetime:
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise Invalid(_("Choose how long it lasts."), field="days")
    if days not in DURATIONS:
        raise Invalid(_("Choose how long it lasts."), field="days")
    return (now or utcnow()) + timedelta(days=days)


# What each action is called on buttons and pages: (page heading, button, needs a confirmation page).
ACTIONS = {
    "approve": (_l("Approve and publish it"), _l("Approve and publish this %(noun)s"), False),
    "dismiss": (_l("Dismiss the report"), _l("Dismiss the report and keep this %(noun)s"), False),
    "hide": (_l("Hide it"), _l("Hide this %(noun)s"), False),
    "restore": (_l("Put it back"), _l("Put this %(noun)s back"), False),
    "edit": (_l("Edit it, with a note"), _l("Save the edit to this %(noun)s"), False),
    "delete": (_l("Delete it"), _l("Yes, delete this %(noun)s"), True),
    "warn": (_l("Send a warning"), _l("Send the warning to %(author)s"), False),
    "silence": (_l("Pause their posting (read-only)"), _l("Yes, pause %(author)s's posting until %(until)s"), True),
    "suspend": (_l("Suspend their account"), _l("Yes, suspend %(author)s until %(until)s"), True),
    "escalate": (_l("Pass to a safeguarding lead"), _l("Pass this case to a safeguarding lead"), False),
}


@dataclass
class ActionPage:
    """What the page for one action on one case shows."""
    case: Case
    action: str
    kind: ContentKind
    obj: Any
    author: User | None
    heading: str
    button: str
    needs_confirming: bool
    until: datetime | None

    @property
    def edit_text(self) -> str:
        """What the edit box starts with: the text as moderators read it (a meet-up's description)."""
        return self.kind.case_text(self.case, self.obj) if self.case.content_type != "meetup" else self.obj.description


def action_page(moderator, case: Case, action: str, days=None) -> ActionPage:
    """The page for an action. NotFound for an unknown action, or for the moderator's own case."""
    if action not in ACTIONS or case.author_id == moderator.id:
        raise NotFound(_("We cannot find that."))
    kind = kind_of(case.content_type)
    author = db.session.get(User, case.author_id) if case.author_id else None
    heading, button, needs_confirming = ACTIONS[action]
    until = None
    if action in ("silence", "suspend"):
        try:
            until = until_for(days or "7")
        except ServiceError:
            until = None
    words = {"noun": _(kind.noun), "author": author.display_name if author else _("the author"),
             "until": formatting.full_date_time(until) if until else ""}
    return ActionPage(case=case, action=action, kind=kind, obj=kind.load(case.content_id), author=author,
                      heading=str(heading), button=str(button) % words, needs_confirming=needs_confirming, until=until)


@dataclass
class ActionTaken:
    sentence: str  # for the moderator
    further: bool  # more they may do on the same case (the case page's "further" section)


def take_action(moderator, case: Case, action: str, reason: str, *, days=None, new_text: str = "",
                also_hide: bool = False) -> ActionTaken:
    """Escalate, or decide the case with act(); what the moderator is told, and whether more is open to them."""
    if action == "escalate":
        escalate(moderator, case, reason)
        return ActionTaken(_("A safeguarding lead has been emailed and the case is at the top of their queue."), False)
    act(moderator, case, action, reason, days=days, new_text=new_text, also_hide=also_hide)
    heading = ACTIONS[action][0]
    further = bool(further_actions(moderator, case, kind_of(case.content_type).load(case.content_id)))
    return ActionTaken(_("Done: %(action)s. The member has been told, with your reason.", action=str(heading).lower()), further)


def act(moderator, case: Case, outcome, reason: str, *, days: int | None = None, new_text: str = "", also_hide: bool = False) -> Case:
    """Decide a case. The reason is written for the member and is shown to them. Exactly one
    moderator's decision counts: the case is resolved by a conditional UPDATE first."""
    outcome = Outcome(outcome)
    _check_may_act(moderator, case)
    reason = (reason or "").strip()
    if not reason and outcome not in (Outcome.APPROVE, Outcome.DISMISS, Outcome.RESTORE):
        raise Invalid(_("Write the reason. The member will read it, so keep it kind and clear."), field="reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_("Please keep the reason to %(limit)s characters or fewer.", limit=f"{MAX_REASON:,}"), field="reason")
    kind = kind_of(case.content_type)
    obj = kind.load(case.content_id)
    if obj is None and outcome not in (Outcome.DISMISS,):
        raise NotFound(_("The content has gone (its author may have deleted it). You can dismiss this case."))
    until = until_for(days) if outcome in (Outcome.SILENCE, Outcome.SUSPEND) else None
    author = db.session.get(User, case.author_id) if case.author_id else None
    if outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND) and author is None:
        raise Invalid(_("This content has no author now, so there is nobody to warn or pause."))
    now = utcnow()
    further = case.status == CaseStatus.RESOLVED
    if further:  # a further action on a case this volunteer decided (hide, then warn)
        if outcome.value not in FURTHER_ACTIONS or not may_act_further(moderator, case):
            raise Conflict(_handled_sentence(case))
        condition = sa.and_(Case.status == CaseStatus.RESOLVED, Case.resolved_by_id == case.resolved_by_id)
        values = {"outcome": outcome, "outcome_reason": reason, "resolved_at": now}
    else:
        condition = _free_for(moderator, now)
        values = {"status": CaseStatus.RESOLVED, "resolved_by_id": moderator.id, "resolved_at": now, "outcome": outcome,
                  "outcome_reason": reason, "claimed_by_id": moderator.id,
                  "claimed_at": sa.func.coalesce(Case.claimed_at, now)}
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, condition).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_handled_sentence(case))
    db.session.refresh(case)
    if obj is not None:
        safety_feedback.keep_decision(case, kind.text(obj), moderator)  # before _apply changes the text
    _apply(outcome, kind, obj, case, moderator, reason, new_text, also_hide, further)
    if outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND):
        sanction_kind = {Outcome.WARN: SanctionKind.WARNING, Outcome.SILENCE: SanctionKind.SILENCE, Outcome.SUSPEND: SanctionKind.SUSPEND}[outcome]
        db.session.add(Sanction(member_id=author.id, kind=sanction_kind, case_id=case.id, reason=reason, by_id=moderator.id, until=until))
        if until is not None and (author.restricted_until is None or author.restricted_until < until):
            author.restricted_until = until
        forget_cached_sanctions()
    audit_reason = reason or ACTION_WORDS[outcome][0]
    if until:
        audit_reason += f" (until {formatting.full_date_time(until)})"
    audit.record(moderator, ACTION_WORDS[outcome][1], case, f"{case.content_type} {case.content_id}: {audit_reason}")
    _tell_people(case, kind, obj, outcome, reason, until, author, tell_reporters=not further)
    db.session.commit()
    return case


def _apply(outcome, kind, obj, case, moderator, reason, new_text, also_hide, further=False):
    if outcome == Outcome.DISMISS:
        if obj is not None and (case.hidden_by_reports or case.held_for_approval) and kind.is_hidden(obj):
            kind.restore(obj, moderator)  # hidden by reports or held: dismissing puts it back
    elif outcome in (Outcome.APPROVE, Outcome.RESTORE):
        kind.restore(obj, moderator)
    elif outcome == Outcome.HIDE:
        kind.hide(obj, reason, moderator)
    elif outcome == Outcome.DELETE:
        kind.delete(obj, moderator)
    elif outcome == Outcome.EDIT:
        kind.edit(obj, new_text, moderator, reason)
    elif outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND):
        if also_hide:
            kind.hide(obj, reason, moderator)
        elif case.held_for_approval and kind.is_hidden(obj):
            pass  # a held post stays held: the moderator can decide it separately
        elif case.hidden_by_reports and kind.is_hidden(obj) and not further:
            kind.restore(obj, moderator)  # a further warning never undoes the hiding decided first


def _tell_people(case, kind, obj, outcome, reason, until, author, tell_reporters=True):
    link = url_for("moderation.history")
    what = _l(kind.noun)  # in the reader's language, with the sentence around it
    if author is not None and (outcome != Outcome.DISMISS or case.held_for_approval):
        sentences = {
            Outcome.DISMISS: _l("A volunteer checked your %(what)s and it is now published.", what=what),
            Outcome.APPROVE: _l("A volunteer checked your %(what)s and it is now published.", what=what),
            Outcome.HIDE: _l("A volunteer hid your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.RESTORE: (_l("A volunteer put your %(what)s back. They said: %(reason)s", what=what, reason=reason) if reason
                              else _l("A volunteer put your %(what)s back.", what=what)),
            Outcome.EDIT: _l("A volunteer edited your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.DELETE: _l("A volunteer deleted your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.WARN: _l("A volunteer sent you a warning about your %(what)s: %(reason)s", what=what, reason=reason),
            Outcome.SILENCE: _l("A volunteer paused your posting until %(until)s. They said: %(reason)s", until=formatting.full_date_time(until) if until else '', reason=reason),
            Outcome.SUSPEND: _l("A volunteer suspended your account until %(until)s. They said: %(reason)s", until=formatting.full_date_time(until) if until else '', reason=reason),
        }
        notify(author, "moderation", _l("%(sentence)s You can see this on your Moderation history page, and appeal once.", sentence=sentences[outcome]), link)
    told = set() if tell_reporters else {row.reporter_id for row in case.reports}  # thanked once, at the decision
    for row in case.reports:
        if row.reporter is None or row.reporter_id in told:
            continue
        told.add(row.reporter_id)
        notify(row.reporter, "report_outcome",
               _l("Thank you for your report about a %(what)s: %(outcome)s.", what=what, outcome=_l(ACTION_WORDS[outcome][0])), url_for("moderation.my_reports"))


def escalate(moderator, case: Case, reason: str) -> Case:
    """Pass a case to the safeguarding leads (the admins): it becomes a safety case and they are emailed."""
    _check_may_act(moderator, case)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why you are passing this to a safeguarding lead."), field="reason")
    now = utcnow()
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, _free_for(moderator, now))
        .values(escalated=True, escalated_at=now, urgency=Urgency.SAFETY, status=CaseStatus.OPEN, claimed_by_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_handled_sentence(case))
    audit.record(moderator, "escalate", case, reason)
    db.session.refresh(case)
    link = url_for("moderation.case", case_id=case.id, _external=True)
    for admin in admins():
        send_after_commit(email.render_email(
            admin.email, _l("A volunteer has asked a safeguarding lead to look at a case"), "moderation/escalated",
            user=admin, case=case, link=link, moderator=moderator, reason=reason))
    db.session.commit()
    return case


def lift_sanction(admin_or_moderator, sanction: Sanction, reason: str = "") -> None:
    if not can_moderate(admin_or_moderator):
        raise NotAllowed(_("Only volunteer moderators can lift a pause or suspension."))
    if sanction.lifted_at is None:
        sanction.lifted_at = utcnow()
        audit.record(admin_or_moderator, "lift_sanction", sanction, reason or f"{sanction.kind.value} lifted")
        _recompute_restricted(sanction.member)
        notify(sanction.member, "moderation", _l("Your suspension has been lifted. Welcome back.") if sanction.kind == SanctionKind.SUSPEND else _l("Your pause has been lifted. Welcome back."),
               url_for("moderation.history"))
        db.session.commit()


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


def my_reports(member) -> list[Report]:
    return list(db.session.scalars(
        sa.select(Report).options(joinedload(Report.case)).where(Report.reporter_id == member.id).order_by(Report.created_at.desc()).limit(100)
    ))


def open_case_for(member, content_type: str, content_id: int) -> Case | None:
    """The case about the member's own content, for "A volunteer will check this soon"."""
    return _unresolved_case(content_type, content_id)


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


# ---- The staff action log (read only) ----------------------------------------------------------------

LOG_PAGE_SIZE = 50


# Administration, not moderation: who was approved or given powers, watched words, categories,
# verified organisations. Volunteer moderators read the log of moderation actions without these.
ADMIN_ONLY_LOG_ACTIONS = frozenset({
    "approve_role", "decline_role", "grant_moderator", "remove_moderator", "add_watched_word", "update_watched_word",
    "remove_watched_word", "create_category", "update_category", "verify_organisation", "unverify_organisation",
})


def _log_for(viewer, statement):
    if not can_moderate(viewer):
        raise NotAllowed(_("Only volunteer moderators and administrators can read the log of moderation actions."))
    if not is_admin(viewer):
        statement = statement.where(AuditEntry.action.not_in(ADMIN_ONLY_LOG_ACTIONS))
    return statement


def log_entries(viewer, *, actor_id: int | None = None, action: str = "", since: datetime | None = None,
                before: datetime | None = None, page: int = 1) -> tuple[list[AuditEntry], int]:
    statement = _log_for(viewer, sa.select(AuditEntry).options(joinedload(AuditEntry.actor)))
    if actor_id:
        statement = statement.where(AuditEntry.actor_id == actor_id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if since:
        statement = statement.where(AuditEntry.created_at >= since)
    if before:
        statement = statement.where(AuditEntry.created_at < before)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // LOG_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = list(db.session.scalars(
        statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(LOG_PAGE_SIZE).offset((page - 1) * LOG_PAGE_SIZE)
    ))
    return rows, pages


def log_actions(viewer) -> list[str]:
    return list(db.session.scalars(_log_for(viewer, sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))))


def staff() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(sa.or_(User.is_admin.is_(True), User.is_moderator.is_(True))).order_by(User.display_name)
    ))


# ---- Moderator powers (administrators) ----------------------------------------------------------------


def volunteers() -> list[User]:
    """Approved volunteers, who may be given moderator powers, and anyone who has them."""
    return list(db.session.scalars(
        sa.select(User).where(User.deleted_at.is_(None), sa.or_(
            User.is_moderator.is_(True), sa.and_(User.role == Role.VOLUNTEER, User.approval == ApprovalStatus.APPROVED),
        )).order_by(User.display_name)
    ))


def set_moderator(admin, member: User, on: bool, reason: str = "") -> None:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can give or remove moderator powers."))
    if on and not (member.role == Role.VOLUNTEER and member.approval == ApprovalStatus.APPROVED):
        raise NotAllowed(_("%(name)s is not an approved volunteer. Only approved volunteers can moderate.", name=member.display_name))
    if member.is_moderator == on:
        return
    member.is_moderator = on
    audit.record(admin, "grant_moderator" if on else "remove_moderator", member, reason or member.display_name)
    notify(member, "moderation", _l("You can now help moderate Kindred: the review queue is in your account menu.") if on
           else _l("Your moderator powers have been removed. Thank you for your help."), url_for("settings.index"), actor=admin)
    db.session.commit()
