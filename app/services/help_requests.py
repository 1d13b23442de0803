"""Ask a volunteer: members and visitors ask for help; volunteers claim, reply and close.

A reply reaches a member on Kindred and by email (a "help_reply" notification that cannot be
turned off), and a visitor by email. Words of crisis in a request open a safety case exactly as in
a forum post (see `_screen`, the one place that calls the safeguarding check).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import HelpReply, HelpRequest, HelpStatus, Post, PostStatus, ReplyBy, ReportReason, Thread, User
from app.models.types import utcnow
from app.permissions import can_moderate, can_read_category, is_member
from app.services import audit, email, moderation, safety
from app.services.errors import Invalid, NotAllowed, NotFound
from app.services.notifications import notify

MAX_BODY = 4000
KEPT = _l("We have kept what you wrote.")
WELCOME_AFTER = timedelta(hours=12)
NEWCOMER_DAYS = 30


# ---- Asking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """What asking came to: the stored request, and whether the page shows the support lines at
    once (the words were of crisis; the safeguarding leads have been told)."""
    request: HelpRequest
    support: bool = False


def ask(person, body: str, reply_by: str, *, email_address: str = "", phone: str = "", call_time: str = "") -> Asked:
    """A member (or a visitor, with None or an anonymous user) asks for help. Raises Invalid with a
    sentence saying how to put it right; what they typed stays on the form."""
    member = person if is_member(person) else None
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write what you need help with, in your own words."), field="body")
    if len(body) > MAX_BODY:
        raise Invalid(_("Please keep it under %(count)s characters. %(kept)s", count=MAX_BODY, kept=KEPT), field="body")
    try:
        how = ReplyBy(reply_by)
    except ValueError:
        raise Invalid(_("Choose how we should reply to you."), field="reply_by") from None
    if how == ReplyBy.KINDRED and member is None:
        raise Invalid(_("To get a reply on Kindred, please sign in first. Or choose an email or a phone call."), field="reply_by")
    email_address = (email_address or "").strip()
    if member is None or (how == ReplyBy.EMAIL and email_address):
        email_address = _checked_email(email_address)
    phone, call_time = (phone or "").strip()[:40], (call_time or "").strip()[:120]
    if how == ReplyBy.PHONE and not phone:
        raise Invalid(_("Write the phone number we should call."), field="phone")
    request = HelpRequest(member_id=member.id if member else None, body=body, reply_by=how,
                          email=email_address or (member.email if member else ""), phone=phone, call_time=call_time)
    db.session.add(request)
    db.session.flush()
    verdict = _screen(member, request)
    for volunteer in _volunteers():
        # The actor is named so that erasing the member's account erases the sentence too. A volunteer
        # who blocked or muted this member is not told; the request still waits in the inbox for all.
        # Lazy: each volunteer reads it in their own language.
        asked = (_l("%(name)s asked a volunteer for help.", name=member.display_name) if member
                 else _l("A visitor asked a volunteer for help."))
        notify(volunteer, "help_request", asked,
               url_for("asking.request_page", request_id=request.id), actor=member)
    if verdict.support:
        moderation.send_safety_alerts("help_request", request.id)
    db.session.commit()
    return Asked(request, support=verdict.support)


def _checked_email(address: str) -> str:
    if not address:
        raise Invalid(_("Write your email address, so a volunteer can reply to you."), field="email")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(_("Write your email address in full, like name@example.org."), field="email") from None


def _screen(member, request: HelpRequest):
    """The one safeguarding check (safety.screen), as everywhere people write. A request is read only
    by volunteers, so nothing is blocked or held; words of crisis open a safety case at once."""
    screened = safety.screen(member, request.body, "help_request")
    if screened.support:
        why = "; ".join(screened.by_kind.get(safety.CRISIS, [])) or "Words of crisis"
        moderation.report_automatically("help_request", request, ReportReason.SAFETY, f"Safety check: {why}",
                                           author_id=request.member_id)
    return screened


def _volunteers() -> list[User]:
    return [person for person in moderation.staff() if person.deleted_at is None]


def _asker(request: HelpRequest) -> str:
    return request.member.display_name if request.member else _("A visitor")


# ---- Reading ------------------------------------------------------------------------------------


def may_see(person, request: HelpRequest) -> bool:
    return can_moderate(person) or (is_member(person) and request.member_id == person.id)


def get(person, request_id: int) -> HelpRequest:
    request = db.session.scalar(
        sa.select(HelpRequest)
        .options(joinedload(HelpRequest.member), joinedload(HelpRequest.claimed_by))
        .where(HelpRequest.id == request_id)
    )
    if request is None or not may_see(person, request):
        raise NotFound(_("We cannot find that request."))
    return request


def mine(member) -> list[HelpRequest]:
    return list(db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.member_id == member.id).order_by(HelpRequest.created_at.desc())
    ))


def inbox(volunteer) -> dict[str, list[HelpRequest]]:
    """Waiting requests oldest first (nobody waits longest), then what volunteers are helping with."""
    if not can_moderate(volunteer):
        raise NotAllowed(_("Only volunteers can see requests for help."))
    rows = db.session.scalars(
        sa.select(HelpRequest)
        .options(joinedload(HelpRequest.member), joinedload(HelpRequest.claimed_by))
        .where(sa.or_(HelpRequest.status != HelpStatus.CLOSED, HelpRequest.closed_at > utcnow() - timedelta(days=7)))
        .order_by(HelpRequest.created_at)
    ).all()
    return {
        "waiting": [row for row in rows if row.status == HelpStatus.WAITING],
        "claimed": sorted((row for row in rows if row.status == HelpStatus.CLAIMED),
                          key=lambda row: (row.claimed_by_id != volunteer.id, row.created_at)),
        "closed": [row for row in rows if row.status == HelpStatus.CLOSED][::-1],
    }


# ---- Volunteers' actions ------------------------------------------------------------------------


def _check_volunteer(volunteer) -> None:
    if not can_moderate(volunteer):
        raise NotAllowed(_("Only volunteers can do this."))


def claim(volunteer, request: HelpRequest) -> HelpRequest:
    """A volunteer says "I will help with this", so two volunteers do not answer the same person."""
    _check_volunteer(volunteer)
    if request.status == HelpStatus.CLOSED:
        raise Invalid(_("This request is finished. Open it again to help."))
    if request.status == HelpStatus.CLAIMED and request.claimed_by_id not in (None, volunteer.id):
        raise Invalid(_("%(name)s is already helping with this.", name=request.claimed_by.display_name))
    request.status, request.claimed_by_id, request.claimed_at = HelpStatus.CLAIMED, volunteer.id, utcnow()
    audit.record(volunteer, "help.claimed", request)
    db.session.commit()
    return request


def reply(volunteer, request: HelpRequest, body: str) -> HelpReply:
    """The reply reaches a member on Kindred and by email, and a visitor by email."""
    _check_volunteer(volunteer)
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write your reply."), field="body")
    if len(body) > MAX_BODY:
        raise Invalid(_("Please keep the reply under %(count)s characters. %(kept)s", count=MAX_BODY, kept=KEPT), field="body")
    if request.status == HelpStatus.WAITING:
        request.status, request.claimed_by_id, request.claimed_at = HelpStatus.CLAIMED, volunteer.id, utcnow()
    answer = HelpReply(request=request, author_id=volunteer.id, body=body)
    db.session.add(answer)
    if request.member is not None:
        notify(request.member, "help_reply", _l("%(name)s, a volunteer, replied to your question.", name=volunteer.display_name),
               url_for("asking.mine_page", request_id=request.id), actor=volunteer,
               email_template="help/reply", volunteer=volunteer, reply_text=body, question=request.body)
    elif request.email:
        email.send_template(request.email, _l("A Kindred volunteer replied to you"), "help/reply_visitor",
                            volunteer=volunteer, reply_text=body, question=request.body)
    audit.record(volunteer, "help.replied", request)
    db.session.commit()
    return answer


def close(volunteer, request: HelpRequest) -> HelpRequest:
    _check_volunteer(volunteer)
    request.status, request.closed_at = HelpStatus.CLOSED, utcnow()
    audit.record(volunteer, "help.closed", request)
    db.session.commit()
    return request


def reopen(volunteer, request: HelpRequest) -> HelpRequest:
    _check_volunteer(volunteer)
    request.status, request.closed_at = (HelpStatus.CLAIMED if request.claimed_by_id else HelpStatus.WAITING), None
    audit.record(volunteer, "help.reopened", request)
    db.session.commit()
    return request


# ---- A welcome for newcomers --------------------------------------------------------------------


@dataclass
class Newcomer:
    post: Post
    thread: Thread
    author: User
    waiting_since: datetime


def newcomers_waiting(volunteer, now: datetime | None = None) -> list[Newcomer]:
    """"New members waiting for a reply": a member's very first post, still without any reply after
    12 hours, oldest first. One query: the thread's only visible post is its first, and the author
    has no earlier post anywhere."""
    _check_volunteer(volunteer)
    now = now or utcnow()
    first_posts = aliased(Post)
    earlier = (
        sa.select(first_posts.id)
        .where(first_posts.author_id == Post.author_id, first_posts.id < Post.id, first_posts.status != PostStatus.DELETED)
        .exists()
    )
    rows = db.session.execute(
        sa.select(Post, Thread, User)
        .join(Thread, Thread.id == Post.thread_id)
        .join(User, User.id == Post.author_id)
        .options(joinedload(Thread.category))
        .where(Post.number == 1, Post.status == PostStatus.VISIBLE, Thread.is_deleted.is_(False), Thread.is_hidden.is_(False),
               Thread.post_count == 1, Post.created_at <= now - WELCOME_AFTER, User.deleted_at.is_(None),
               User.is_moderator.is_(False), User.is_admin.is_(False), ~earlier)
        .order_by(Post.created_at, Post.id)
        .limit(50)
    ).all()
    return [Newcomer(post, thread, author, post.created_at) for post, thread, author in rows
            if can_read_category(volunteer, thread.category)]


def is_newcomer(member: User, now: datetime | None = None) -> bool:
    """The "New to Kindred" badge: the first month, unless they turned it off."""
    return member.show_newcomer_badge and member.created_at > (now or utcnow()) - timedelta(days=NEWCOMER_DAYS)


# ---- In the moderation queue (a safety case about a request) --------------------------------------


def _register_with_moderation() -> None:

    def _not_editable(request, new_text, moderator, note):
        raise Invalid(_("A request for help cannot be edited. Reply to it or close it instead."), field="new_text")

    def _set_closed(request, closed: bool):
        request.status = HelpStatus.CLOSED if closed else (HelpStatus.CLAIMED if request.claimed_by_id else HelpStatus.WAITING)
        request.closed_at = utcnow() if closed else None

    moderation.register(moderation.ContentKind(
        name="help_request", noun="request for help", load=lambda request_id: db.session.get(HelpRequest, request_id),
        author_id=lambda request: request.member_id, text=lambda request: request.body,
        url=lambda request: url_for("asking.request_page", request_id=request.id),
        hide=lambda request, reason, moderator: _set_closed(request, True),
        restore=lambda request, moderator: _set_closed(request, False),
        delete=lambda request, moderator: _set_closed(request, True),
        edit=_not_editable, is_hidden=lambda request: request.status == HelpStatus.CLOSED,
        template="moderation/content/_help_request.html",
        describe=lambda request: _("A request for help from %(name)s", name=_asker(request)),
    ))


_register_with_moderation()
