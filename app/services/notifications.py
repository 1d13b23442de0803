"""Notifications: the one path by which Kindred tells a member something.

notify() stores the in-app notification (always) and decides, from the member's preference for
that kind, whether it is also emailed at once, kept for the daily summary, or not emailed. It adds
to the session; the calling service commits it together with the change it describes, so a
notification never exists without its cause (or the reverse).

Emails and live counts wait for that commit (services.after_commit, the one way to act after a
commit): notify() renders the email now, and when the change commits it goes to
app/services/email.send (queued on RQ when REDIS_URL is set) and the new unread count is emitted
over Socket.IO. A rollback drops them. So a
failed send never loses the in-app notification, and nobody is emailed about something that was
not saved."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import facts, formatting
from app.i18n import language_of
from app.extensions import db, socketio
from app.models import DigestRun, EmailState, Notification, NotificationPreference, User
from app.models.types import utcnow
from app.permissions import can_moderate
from app.services import blocking, email
from app.services.after_commit import after_commit

log = logging.getLogger(__name__)

PAGE_SIZE = 20
NAMESPACE = "/notifications"

NOW, DAILY, NEVER = "now", "daily", "never"
DELIVERY_CHOICES = [
    (NOW, _l("Email me straight away")),
    (DAILY, _l("Put it in one email a day")),
    (NEVER, _l("Do not email me (I will see it on Kindred)")),
]
DELIVERY_WORDS = dict(DELIVERY_CHOICES)


@dataclass(frozen=True)
class Kind:
    label: str  # for the settings page: "Replies in threads you follow"
    default: str  # NOW, DAILY or NEVER
    can_turn_off: bool = True  # False: safety messages always come by email at once
    group: str = _l("Other")
    for_volunteers: bool = False  # shown in the settings of volunteers and administrators only


# Every kind of notification, in the order the settings page shows them.
KINDS: dict[str, Kind] = {
    "meetup_reminder": Kind(_l("Reminders of meet-ups you are going to (and copies you asked for as a carer)"), NOW, group=_l("Meet-ups")),
    "meetup_changed": Kind(_l("A meet-up you are going to has changed"), NOW, group=_l("Meet-ups")),
    "meetup_cancelled": Kind(_l("A meet-up you are going to is cancelled"), NOW, group=_l("Meet-ups")),
    "meetup_place_offered": Kind(_l("A place has come up for you from the waiting list"), NOW, group=_l("Meet-ups")),
    "meetup_message": Kind(_l("Messages from the organisers of a meet-up you are going to"), NOW, group=_l("Meet-ups")),
    "meetup_decision": Kind(_l("Our team has checked a meet-up you listed"), NOW, group=_l("Meet-ups")),
    "forum_reply": Kind(_l("Replies in threads you follow"), DAILY, group=_l("Forums")),
    "forum_mention": Kind(_l("Someone mentions you in the forums"), DAILY, group=_l("Forums")),
    "forum_reaction": Kind(_l("Reactions to your posts (thank you, hugs, me too)"), NEVER, group=_l("Forums")),
    "direct_message": Kind(_l("Private messages that arrive while you are away"), NOW, group=_l("Chat")),
    "connection_request": Kind(_l("Someone asks to connect with you"), DAILY, group=_l("People")),
    "connection_accepted": Kind(_l("Someone says yes to connecting with you"), DAILY, group=_l("People")),
    "circle_request": Kind(_l("Someone asks to join your circle of support"), NOW, group=_l("Circle of support")),
    "circle_started": Kind(_l("Someone agrees to a circle of support link"), NOW, group=_l("Circle of support")),
    "circle_ended": Kind(_l("A circle of support link is ended"), NOW, group=_l("Circle of support")),
    # Safety: someone acting on your account must never go unnoticed.
    "on_behalf": Kind(_l("A carer in your circle of support does something for you"), NOW, can_turn_off=False, group=_l("Circle of support")),
    # Moderation: what volunteers decided about your posts and your account always comes at once.
    "moderation": Kind(_l("What our volunteers decided about your posts or your account"), NOW, can_turn_off=False, group=_l("Safety and moderation")),
    "report_outcome": Kind(_l("What happened to something you reported"), NOW, group=_l("Safety and moderation")),
    # Ask a volunteer: a person asked for help and is waiting, so the answer always comes at once.
    "help_reply": Kind(_l("A volunteer replies to your question"), NOW, can_turn_off=False, group=_l("Asking a volunteer")),
    "help_request": Kind(_l("Someone asks a volunteer for help"), NOW, group=_l("Asking a volunteer"), for_volunteers=True),
}
UNKNOWN_KIND = Kind(_l("Other news"), NEVER)
# The daily summary's own unsubscribe link: everything that was "once a day" becomes "not by email".
DIGEST = "digest"


def kind_info(kind: str) -> Kind:
    return KINDS.get(kind, UNKNOWN_KIND)


# ---- Preferences ----


def kinds_for(user: User) -> dict[str, Kind]:
    """The kinds this member can hear about, for the settings page."""
    return {kind: info for kind, info in KINDS.items() if not info.for_volunteers or can_moderate(user)}


def preferences_for(user: User) -> dict[str, str]:
    """Every kind with this member's choice (their own, or the default)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(NotificationPreference.user_id == user.id)
        ).all()
    )
    return {kind: (chosen.get(kind, info.default) if info.can_turn_off else info.default) for kind, info in KINDS.items()}


def delivery_for(user: User, kind: str) -> str:
    info = kind_info(kind)
    if not info.can_turn_off:
        return info.default
    chosen = db.session.scalar(
        sa.select(NotificationPreference.delivery).where(NotificationPreference.user_id == user.id, NotificationPreference.kind == kind)
    )
    return chosen or info.default


def set_preference(user: User, kind: str, delivery: str) -> None:
    """Adds to the session; callers commit."""
    if kind not in KINDS or delivery not in DELIVERY_WORDS or not KINDS[kind].can_turn_off:
        return
    row = db.session.scalar(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id, NotificationPreference.kind == kind)
    )
    if row is None:
        db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    else:
        row.delivery = delivery


# The three simple choices at the top of the settings page (the per-kind table is folded away).
SIMPLE_CHOICES = [
    ("everything", _l("Tell me everything by email, straight away")),
    ("important", _l("Only important things by email: meet-ups, private messages, my circle of support")),
    ("nothing", _l("Nothing by email (I will look on Kindred)")),
]
IMPORTANT_KINDS = {
    "meetup_reminder", "meetup_changed", "meetup_cancelled", "meetup_place_offered", "meetup_message", "meetup_decision",
    "direct_message", "circle_request", "circle_started", "circle_ended", "help_reply", "help_request",
}


def _simple_preset(choice: str) -> dict[str, str]:
    return {kind: NOW if choice == "everything" or (choice == "important" and kind in IMPORTANT_KINDS) else NEVER
            for kind, info in KINDS.items() if info.can_turn_off}


def simple_choice_of(user: User) -> str | None:
    """Which of the three simple choices the member's settings match, or None when they chose per kind."""
    current = preferences_for(user)
    for choice, _label in SIMPLE_CHOICES:
        if all(current[kind] == delivery for kind, delivery in _simple_preset(choice).items()):
            return choice
    return None


def uses_suggested_settings(user: User) -> bool:
    """Still our suggested mix (nothing chosen yet): emails at once for meet-ups and safety, a daily summary for forum news."""
    return all(delivery == KINDS[kind].default for kind, delivery in preferences_for(user).items())


def save_simple_choice(user: User, choice: str) -> None:
    if choice not in dict(SIMPLE_CHOICES):
        raise ValueError(choice)
    save_preferences(user, _simple_preset(choice))


def save_preferences(user: User, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        set_preference(user, kind, delivery)
    db.session.commit()


# ---- Who may be emailed ----


def may_email(user: User) -> bool:
    """No emails to closed (deleted or purged) accounts, or to members who are suspended."""
    if user.deleted_at is not None or user.purged_at is not None or not user.email:
        return False
    until = user.restricted_until  # set while paused or suspended; only a suspension stops email
    if until is not None and until > utcnow():
        if facts.suspension_of(user) is not None:
            return False
    return True


# ---- Unsubscribe links ----


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user: User, kind: str) -> str:
    return _serializer().dumps({"u": user.id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The member and kind a token was made for, or None if it was forged, altered or is stale."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != DIGEST and (kind not in KINDS or not KINDS[kind].can_turn_off):
        return None
    user = db.session.get(User, data["u"])
    if user is None or user.purged_at is not None:
        return None
    return user, data["k"]


def unsubscribe(user: User, kind: str) -> None:
    if kind == DIGEST:
        for each, delivery in preferences_for(user).items():
            if delivery == DAILY:
                set_preference(user, each, NEVER)
    else:
        set_preference(user, kind, NEVER)
    db.session.commit()


def unsubscribe_words(kind: str) -> str:
    if kind == DIGEST:
        return _("the daily summary email")
    return _("emails about: %(what)s", what=kind_info(kind).label.lower())


def unsubscribe_url(user: User, kind: str) -> str | None:
    if kind != DIGEST and (kind not in KINDS or not KINDS[kind].can_turn_off):
        return None
    return _external("notifications_public.unsubscribe", token=unsubscribe_token(user, kind))


def _external(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _site_path(link: str) -> str:
    """Links to our own pages are stored as paths, so they work whatever address the site has."""
    parts = urlsplit(link or "")
    if parts.netloc and parts.netloc == urlsplit(_external("main.home")).netloc:
        return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return link or ""


def _absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link or _external("notifications.index")
    return urljoin(_external("main.home"), link)


# ---- Telling people ----


def notify(
    user: User,
    kind: str,
    message: str,
    link: str = "",
    actor: User | None = None,
    *,
    group_key: str | None = None,
    subject: str | None = None,
    email_template: str | None = None,
    **email_context,
) -> Notification | None:
    """Tell `user` something in one plain sentence, with a link to the exact place. Pass `actor`
    whenever the sentence names someone, so erasing that person's account can erase the sentence.

    With `group_key`, an unread notification with the same key is updated in place (and not
    emailed again) instead of adding another. `email_template` (emails/<name>.txt/.html) replaces
    the plain notification email when the email needs more than the sentence (a venue, a phone)."""
    if actor is not None and blocking.wants_nothing_from(user, actor):
        return None  # they blocked or muted the person who caused it
    # The sentence is stored in the reader's language (pass it as lazy_gettext), not the writer's.
    with force_locale(language_of(user)):
        message = str(message)
        subject = str(subject) if subject is not None else None
    link = _site_path(link)
    if group_key is not None:
        existing = db.session.scalar(
            sa.select(Notification).where(
                Notification.user_id == user.id, Notification.group_key == group_key, Notification.read_at.is_(None)
            ).order_by(Notification.id.desc()).limit(1)
        )
        if existing is not None:
            existing.message = message[:500]
            existing.link = link
            existing.created_at = utcnow()
            if actor is not None:
                existing.actor_id = actor.id
            _note_live(user.id)
            return existing
    delivery = delivery_for(user, kind)
    state = {NOW: EmailState.NOW, DAILY: EmailState.DIGEST}.get(delivery, EmailState.NONE)
    if state != EmailState.NONE and not may_email(user):
        state = EmailState.NONE
    notification = Notification(
        user_id=user.id, kind=kind, message=message[:500], link=link, actor_id=actor.id if actor is not None else None,
        group_key=group_key, email_state=state,
    )
    db.session.add(notification)
    if state == EmailState.NOW:
        _queue_after_commit(_notification_email(user, kind, message, link, subject, email_template, email_context))
    _note_live(user.id)
    return notification


def short_subject(sentence: str, limit: int = 70) -> str:
    sentence = " ".join(sentence.split()).rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _notification_email(user, kind, message, link, subject, template, context):
    absolute = _absolute(link)
    unsubscribe = unsubscribe_url(user, kind)
    values = dict(
        user=user, sentence=message, link=absolute, unsubscribe_url=unsubscribe, kind_label=kind_info(kind).label,
        settings_url=_external("notifications_public.settings"),
    )
    values.update(context)
    return email.render_email(user.email, subject or short_subject(message), template or "notification",
                              headers=_list_headers(unsubscribe), **values)


def _list_headers(unsubscribe: str | None) -> dict:
    if not unsubscribe:
        return {}
    # RFC 8058 one-click: mail programs POST "List-Unsubscribe=One-Click" to this address.
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# ---- After commit: emails and live counts (services.after_commit) ----

_LIVE = "kindred_live_counts"


def _send_email(message) -> None:
    try:
        email.send(message)  # queued on RQ (retried there), or sent in-process (failures logged there)
    except Exception:  # noqa: BLE001 - e.g. Redis down: the change is committed, the page must not fail
        log.exception("Could not queue email %r to %s", message["Subject"], message["To"])


def send_after_commit(message) -> None:
    """An email that goes only if the change commits (for every service: build it now, it is sent then)."""
    after_commit(_send_email, message)


_queue_after_commit = send_after_commit


def _note_live(user_id: int) -> None:
    live = db.session.info.get(_LIVE)
    if live is None:
        live = db.session.info[_LIVE] = {}
        after_commit(_emit_live_counts)
    live[user_id] = None
    if has_request_context():
        request._kindred_unread = None  # a count remembered earlier in this request is out of date


@event.listens_for(Session, "before_commit")
def _count_before_commit(session):
    """The counts are read inside the transaction: the after-commit hook may run no SQL."""
    live = session.info.get(_LIVE)
    if not live:
        return
    counts = dict(
        session.execute(
            sa.select(Notification.user_id, sa.func.count(Notification.id))
            .where(Notification.user_id.in_(list(live)), Notification.read_at.is_(None))
            .group_by(Notification.user_id)
        ).all()
    )
    for user_id in live:
        live[user_id] = counts.get(user_id, 0)


def _emit_live_counts() -> None:
    live = db.session.info.pop(_LIVE, None) or {}
    for user_id, count in live.items():
        if count is not None:
            emit_count(user_id, count)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, _previous_transaction):
    # Any rollback, a SAVEPOINT's too: the count may have been read after what was rolled back.
    if has_request_context():
        request._kindred_unread = None
    if not session.in_transaction():
        session.info.pop(_LIVE, None)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def count_words(count: int) -> str:
    return _("%(count)s new", count=count) if count else ""


def emit_count(user_id: int, count: int) -> None:
    try:
        socketio.emit(
            "unread", {"count": count, "text": count_words(count)}, to=user_room(user_id), namespace=NAMESPACE
        )
    except Exception:  # noqa: BLE001 - a live update is a nicety; the page count is the truth
        log.exception("Could not send the live notification count to member %s", user_id)


# ---- Reading ----


# Asked on every member page (the header's count): the statement is made once.
_UNREAD_COUNT = sa.select(sa.func.count(Notification.id)).where(
    Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)
)


def count_unread_of(user_id: int) -> int:
    """The unread count of a member known only by their id (a kept page's header, app/page_cache.py)."""
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user_id}) or 0


def unread_count(user: User) -> int:
    if has_request_context():
        remembered = getattr(request, "_kindred_unread", None)
        if remembered is not None and remembered[0] == user.id:
            return remembered[1]
    count = count_unread_of(user.id)
    remember_unread_count(user.id, count)  # the header asks once; a kept page keeps it (app/page_cache.py)
    return count


def unread_count_of(user_id) -> sa.ScalarSelect:
    """The unread count as a column, for a page that reads it within a statement of its own (a
    thread page's: one round trip fewer); the page then hands it to remember_unread_count."""
    return (
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def remember_unread_count(user_id: int, count: int) -> None:
    """The header's count for the rest of this request (unread_count), read by the page itself.
    Forgotten if this request then changes the member's notifications here (_note_live); a request
    keeps it, not the session or `g`, so it never outlives the page that read it."""
    if has_request_context():
        request._kindred_unread = (user_id, count)


def page_for(user: User, before_id: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Notification], int | None]:
    """Newest first, keyset-paged: returns the notifications and the id to pass for the next (older) page."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if before_id:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    older = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], older


def recent_for(user: User, limit: int = 10) -> list[Notification]:
    return page_for(user, limit=limit)[0]


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    _note_live(user.id)
    db.session.commit()
    return result.rowcount


def mark_group_read(user: User, group_key: str) -> None:
    """Adds to the session; callers commit. (Opening a conversation reads its notification.)"""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.group_key == group_key, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if result.rowcount:
        _note_live(user.id)


# ---- The daily summary ----


def london_day(now: datetime):
    return formatting.local(now, "Europe/London").date()


def send_digests(now: datetime | None = None) -> int:
    """One email per member per day with everything kept for the summary since their last one.
    Safe to run again: a DigestRun row (unique per member and London day) is committed with the
    notifications it covers, and the email goes only after that commit."""
    now = now or utcnow()
    day = london_day(now)
    user_ids = list(
        db.session.scalars(
            sa.select(Notification.user_id)
            .where(Notification.email_state == EmailState.DIGEST, Notification.digest_sent_at.is_(None))
            .distinct()
        )
    )
    sent = 0
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        if user is None or not may_email(user):
            continue
        if db.session.scalar(sa.select(DigestRun.id).where(DigestRun.user_id == user_id, DigestRun.day == day)):
            continue
        rows = list(
            db.session.scalars(
                sa.select(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.email_state == EmailState.DIGEST,
                    Notification.digest_sent_at.is_(None),
                )
                .order_by(Notification.id)
            )
        )
        if not rows:
            continue
        for row in rows:
            row.digest_sent_at = now
        db.session.add(DigestRun(user_id=user_id, day=day, sent_at=now, count=len(rows)))
        _queue_after_commit(_digest_email(user, rows))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # another run sent today's summary first
            db.session.rollback()
            continue
        sent += 1
    return sent


def _digest_email(user: User, rows: list[Notification]):
    count = len(rows)
    subject = lazy_ngettext("Your daily summary: %(num)d new thing", "Your daily summary: %(num)d new things", count)
    unsubscribe = unsubscribe_url(user, DIGEST)
    values = dict(
        user=user, items=[(row.message, _absolute(row.link)) for row in rows], unsubscribe_url=unsubscribe,
        link=_external("notifications.index"), settings_url=_external("notifications_public.settings"),
    )
    return email.render_email(user.email, subject, "digest", headers=_list_headers(unsubscribe), **values)
