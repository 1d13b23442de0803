"""A member's data rights (UK GDPR): "Download my information" and "Delete my account".

Each kind of record has one exporter and one eraser, registered here. Later features register
their own (posts, messages, RSVPs), so the download and the erasure always cover everything.
"""
import io
import json
import secrets
import zipfile
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import facts
from app.extensions import db
from app.models import (
    Block,
    Bookmark,
    ChatPreference,
    CircleLink,
    Connection,
    DigestRun,
    Draft,
    EmailToken,
    HelpReply,
    HelpRequest,
    Meetup,
    Message,
    MessageStatus,
    Mute,
    Notification,
    NotificationPreference,
    OnBehalfAction,
    Post,
    PostRevision,
    Profile,
    Reaction,
    Room,
    RoomKind,
    RoomMember,
    RoomMute,
    Rsvp,
    Thread,
    ThreadFollow,
    ThreadRead,
    User,
)
from app.models.types import utcnow
from app.services import checkins, notifications, photos
from app.services.errors import Invalid, NotAllowed
from app.services.passwords import hash_password
from app.text import render

UNDO_DAYS = 14
POSTS_CHOICES = {"remove": "Remove my posts", "keep": "Keep my posts, shown as written by \"a former member\""}
FORMER_MEMBER = "A former member"

# name -> (title for people, lazy: each page shows it in its own language; function(user) -> JSON-ready data)
EXPORTERS: dict[str, tuple[object, object]] = {}
# name -> function(user) that erases that kind of record (runs at purge, in order of registration)
ERASERS: dict[str, object] = {}


def exporter(name: str, title: str):
    def register(function):
        EXPORTERS[name] = (title, function)
        return function

    return register


def eraser(name: str):
    def register(function):
        ERASERS[name] = function
        return function

    return register


def _when(moment):
    return moment.isoformat() if moment is not None else None


def _name(user: User | None) -> str:
    if user is None or user.purged_at is not None:
        return FORMER_MEMBER
    return user.display_name


# ---- Exporters ----

@exporter("account", _l("Your account"))
def export_account(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role.label,
        "approval": user.approval.value,
        "is_moderator": user.is_moderator,
        "is_admin": user.is_admin,
        "member_since": _when(user.created_at),
        "last_signed_in": _when(user.last_sign_in_at),
        "deletion_requested": _when(user.deleted_at),
    }


@exporter("settings", _l("Your settings"))
def export_settings(user: User) -> dict:
    return {"text_size": user.text_size, "colour_scheme": user.colour_scheme, "time_zone": user.timezone}


@exporter("profile", _l("Your profile"))
def export_profile(user: User) -> dict:
    profile = user.profile
    if profile is None:
        return {}
    return {
        "about_me": profile.about,
        "things_that_help_me": profile.helps_me,
        "interests": profile.interests,
        "town_or_area": profile.town,
        "has_photo": bool(profile.photo_name),
        "who_can_see": {name: profile.visibility_of(name).label for name in ("photo", "about", "helps_me", "interests", "town")},
        "last_changed": _when(profile.updated_at),
    }


@exporter("connections", _l("Your connections"))
def export_connections(user: User) -> list:
    rows = db.session.scalars(
        sa.select(Connection)
        .where(sa.or_(Connection.requester_id == user.id, Connection.addressee_id == user.id))
        .options(joinedload(Connection.requester), joinedload(Connection.addressee))
        .order_by(Connection.id)
    )
    return [
        {
            "with": _name(row.other(user)),
            "status": row.status.value,
            "asked_by": "you" if row.requester_id == user.id else _name(row.requester),
            "asked_on": _when(row.created_at),
            "connected_on": _when(row.accepted_at),
        }
        for row in rows
    ]


@exporter("circle", _l("Your circle of support"))
def export_circle(user: User) -> list:
    rows = db.session.scalars(
        sa.select(CircleLink)
        .where(sa.or_(CircleLink.person_id == user.id, CircleLink.carer_id == user.id))
        .options(joinedload(CircleLink.person), joinedload(CircleLink.carer))
        .order_by(CircleLink.id)
    )
    return [
        {
            "person": "you" if row.person_id == user.id else _name(row.person),
            "carer": "you" if row.carer_id == user.id else _name(row.carer),
            "status": row.status.value,
            "asked_by": "you" if row.requested_by_id == user.id else _name(row.other(user)),
            "asked_on": _when(row.created_at),
            "started_on": _when(row.started_at),
        }
        for row in rows
    ]


@exporter("on_behalf", _l("Things done on someone's behalf"))
def export_on_behalf(user: User) -> list:
    rows = db.session.scalars(
        sa.select(OnBehalfAction)
        .where(sa.or_(OnBehalfAction.person_id == user.id, OnBehalfAction.carer_id == user.id))
        .options(joinedload(OnBehalfAction.person), joinedload(OnBehalfAction.carer))
        .order_by(OnBehalfAction.id)
    )
    return [
        {
            "done_by": "you" if row.carer_id == user.id else _name(row.carer),
            "done_for": "you" if row.person_id == user.id else _name(row.person),
            "what": row.description,
            "when": _when(row.created_at),
        }
        for row in rows
    ]


@exporter("notifications", _l("Your notifications"))
def export_notifications(user: User) -> list:
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [{"message": row.message, "link": row.link, "when": _when(row.created_at), "read": _when(row.read_at)} for row in rows]


@exporter("notification_settings", _l("How we tell you about things"))
def export_notification_settings(user: User) -> list:
    return [
        {"what": str(notifications.KINDS[kind].label), "by_email": str(notifications.DELIVERY_WORDS[delivery])}
        for kind, delivery in notifications.preferences_for(user).items()
    ]


@exporter("blocks", _l("Members you have blocked"))
def export_blocks(user: User) -> list:
    rows = db.session.scalars(
        sa.select(Block).where(Block.blocker_id == user.id).options(joinedload(Block.blocked)).order_by(Block.id)
    )
    # Only the blocks this member made: who blocked them is other people's information.
    return [{"member": _name(row.blocked), "since": _when(row.created_at)} for row in rows]


def section_titles() -> list[tuple[str, str]]:
    """(name, title) of every section, the titles as text in the page's language (a lazy title
    would reach the template unescaped)."""
    return [(name, str(title)) for name, (title, _f) in EXPORTERS.items()]


def export(user: User) -> dict:
    return {
        "about_this_file": _("Everything Kindred holds about you, as of the moment you downloaded it."),
        "downloaded_at": _when(utcnow()),
        **{name: function(user) for name, (_title, function) in EXPORTERS.items()},
    }


def export_zip(user: User) -> io.BytesIO:
    """A zip with my-kindred-information.json and a readable my-kindred-information.html."""
    data = export(user)
    html = render_template("my_data/export.html", data=data, sections=section_titles())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-kindred-information.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("my-kindred-information.html", html)
        if user.profile is not None and user.profile.photo_name:
            path = photos.path_of(user.profile.photo_name)
            if path is not None:
                archive.write(path, "my-photo.jpg")
    buffer.seek(0)
    return buffer


# ---- Deleting an account ----

def request_deletion(user: User, posts_choice: str) -> None:
    """Close the account now; erase it for good after UNDO_DAYS unless the member comes back."""
    if posts_choice not in POSTS_CHOICES:
        raise Invalid(_("Choose what should happen to your posts."), field="posts_choice")
    if user.purged_at is not None:
        raise NotAllowed(_("This account has already been deleted."))
    now = utcnow()
    user.deleted_at = now
    user.purge_after = now + timedelta(days=UNDO_DAYS)
    user.posts_choice = posts_choice
    db.session.commit()


def keep_account(user: User) -> None:
    """Undo "Delete my account" within the 14 days."""
    if user.purged_at is not None or user.deleted_at is None:
        raise NotAllowed(_("There is no deletion to undo on this account."))
    user.deleted_at = None
    user.purge_after = None
    user.posts_choice = None
    db.session.commit()


@eraser("profile")
def erase_profile(user: User) -> None:
    profile = db.session.get(Profile, user.id)
    if profile is not None:
        photos.remove(profile.photo_name)
        db.session.delete(profile)


@eraser("connections")
def erase_connections(user: User) -> None:
    db.session.execute(sa.delete(Connection).where(sa.or_(Connection.requester_id == user.id, Connection.addressee_id == user.id)))


@eraser("circle")
def erase_circle(user: User) -> None:
    db.session.execute(sa.delete(CircleLink).where(sa.or_(CircleLink.person_id == user.id, CircleLink.carer_id == user.id, CircleLink.requested_by_id == user.id)))


@eraser("on_behalf")
def erase_on_behalf(user: User) -> None:
    # Their own record goes; what they did for someone else stays in that person's record,
    # credited to "a former member".
    db.session.execute(sa.delete(OnBehalfAction).where(OnBehalfAction.person_id == user.id))
    db.session.execute(sa.update(OnBehalfAction).where(OnBehalfAction.carer_id == user.id).values(carer_id=None))


@eraser("notifications")
def erase_notifications(user: User) -> None:
    # Notifications they caused name them, so those go too.
    db.session.execute(sa.delete(Notification).where(sa.or_(Notification.user_id == user.id, Notification.actor_id == user.id)))


@eraser("notification_settings")
def erase_notification_settings(user: User) -> None:
    db.session.execute(sa.delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    db.session.execute(sa.delete(DigestRun).where(DigestRun.user_id == user.id))


@eraser("blocks")
def erase_blocks(user: User) -> None:
    db.session.execute(sa.delete(Block).where(sa.or_(Block.blocker_id == user.id, Block.blocked_id == user.id)))


@exporter("mutes", _l("Members you muted"))
def export_mutes(user: User) -> list:
    rows = db.session.scalars(sa.select(Mute).where(Mute.muter_id == user.id).options(joinedload(Mute.muted)))
    return [{"member": _name(row.muted), "since": _when(row.created_at)} for row in rows]


@eraser("mutes")
def erase_mutes(user: User) -> None:
    db.session.execute(sa.delete(Mute).where(sa.or_(Mute.muter_id == user.id, Mute.muted_id == user.id)))


@eraser("tokens")
def erase_tokens(user: User) -> None:
    db.session.execute(sa.delete(EmailToken).where(EmailToken.user_id == user.id))


# ---- Ask a volunteer ----


@exporter("help_requests", _l("What you asked our volunteers"))
def export_help_requests(user: User) -> list:
    rows = db.session.scalars(sa.select(HelpRequest).where(HelpRequest.member_id == user.id).order_by(HelpRequest.id))
    return [
        {"asked": row.body, "when": _when(row.created_at), "reply_by": row.reply_by.label, "phone": row.phone,
         "replies": [{"from": _name(reply.author), "reply": reply.body, "when": _when(reply.created_at)} for reply in row.replies]}
        for row in rows
    ]


@eraser("help_requests")
def erase_help_requests(user: User) -> None:
    db.session.execute(sa.delete(HelpRequest).where(HelpRequest.member_id == user.id))
    db.session.execute(sa.update(HelpReply).where(HelpReply.author_id == user.id).values(author_id=None))


# ---- Forums ----


@exporter("posts", _l("Your forum posts"))
def export_posts(user: User) -> list:
    rows = db.session.execute(
        sa.select(Post, Thread).join(Thread, Post.thread_id == Thread.id).where(Post.author_id == user.id).order_by(Post.created_at, Post.id)
    ).all()
    return [
        {"thread": thread.title, "number": post.number, "written": _when(post.created_at), "edited": _when(post.edited_at),
         "status": post.status.value, "text": post.body}
        for post, thread in rows
    ]


@exporter("forum_activity", _l("Your reactions, saved posts, drafts and followed threads"))
def export_forum_activity(user: User) -> dict:
    return {
        "reactions": [{"post_id": r.post_id, "reaction": r.kind.value, "when": _when(r.created_at)}
                      for r in db.session.scalars(sa.select(Reaction).where(Reaction.user_id == user.id))],
        "saved_posts": [b.post_id for b in db.session.scalars(sa.select(Bookmark).where(Bookmark.user_id == user.id))],
        "drafts": [{"title": d.title, "text": d.body} for d in db.session.scalars(sa.select(Draft).where(Draft.user_id == user.id))],
        "following": [t.title for t in db.session.scalars(
            sa.select(Thread).join(ThreadFollow, ThreadFollow.thread_id == Thread.id).where(ThreadFollow.user_id == user.id))],
    }


@eraser("posts")
def erase_posts(user: User) -> None:
    """"Remove my posts": their words go (a first post is blanked so other people's replies stay);
    "keep": the posts stay, shown as written by a former member."""
    for model in (Reaction, Bookmark, Draft, ThreadFollow, ThreadRead):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    if user.posts_choice != "remove":
        return
    removed = "This post was removed by the person who wrote it."
    db.session.execute(sa.delete(PostRevision).where(PostRevision.post_id.in_(sa.select(Post.id).where(Post.author_id == user.id))))
    db.session.execute(
        sa.update(Post).where(Post.author_id == user.id).values(body=removed, body_html=render(removed), edited_at=None)
    )


# ---- Chat ----


def _chat_line(message) -> dict:
    return {"from": _name(message.author), "written": _when(message.created_at), "status": message.status.value,
            "text": message.body}


@exporter("chat", _l("Your chat messages in rooms"))
def export_chat(user: User) -> list:
    """Everything the member wrote in open and meet-up rooms (private conversations are below)."""
    rows = db.session.execute(
        sa.select(Message, Room).join(Room, Message.room_id == Room.id)
        .where(Message.author_id == user.id, Room.kind != RoomKind.DIRECT)
        .options(joinedload(Message.author)).order_by(Message.created_at, Message.id)
    ).all()
    return [{"room": room.name, **_chat_line(message)} for message, room in rows]


@exporter("private_messages", _l("Your private conversations"))
def export_private_messages(user: User) -> list:
    """Each conversation the member is in, whole: their own messages (whatever became of them) and
    what the other person sent that the member could see (not messages held or hidden by moderators)."""
    conversations = db.session.scalars(
        sa.select(Room).join(RoomMember, RoomMember.room_id == Room.id)
        .where(Room.kind == RoomKind.DIRECT, RoomMember.user_id == user.id).order_by(Room.id)
    ).all()
    result = []
    for room in conversations:
        messages = db.session.scalars(
            sa.select(Message).where(
                Message.room_id == room.id,
                sa.or_(Message.author_id == user.id, Message.status == MessageStatus.VISIBLE),
            ).options(joinedload(Message.author)).order_by(Message.created_at, Message.id)
        ).all()
        other = facts.other_member(room, user)
        result.append({"with": _name(other), "started": _when(room.created_at),
                       "messages": [_chat_line(message) for message in messages]})
    return result


@eraser("chat")
def erase_chat(user: User) -> None:
    """Their messages go from every room and conversation; the other person's words stay theirs."""
    db.session.execute(sa.delete(Message).where(Message.author_id == user.id))
    for model in (RoomMember, RoomMute, ChatPreference):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))


# ---- Meet-ups ----


@exporter("meetups", _l("Meet-ups you said you are going to"))
def export_meetups(user: User) -> list:
    rows = db.session.execute(
        sa.select(Rsvp, Meetup).join(Meetup, Rsvp.meetup_id == Meetup.id).where(Rsvp.member_id == user.id).order_by(Meetup.starts_at)
    ).all()
    return [
        {"meetup": meetup.title, "starts": _when(meetup.starts_at), "answer": place.status.value,
         "companions": place.companions, "answered_by_someone_else": place.acted_by_id not in (None, user.id)}
        for place, meetup in rows
    ]


def _anonymise(user: User) -> None:
    """The row stays (so kept posts can say "a former member") but holds nothing personal."""
    user.email = f"former-member-{user.id}@deleted.invalid"
    user.display_name = FORMER_MEMBER
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody can sign in
    user.session_epoch += 1
    user.is_moderator = False
    user.is_admin = False
    user.last_sign_in_at = None
    user.text_size = "standard"
    user.colour_scheme = "standard"
    user.purged_at = utcnow()


def purge(user: User) -> None:
    for erase in ERASERS.values():
        erase(user)
    _anonymise(user)


def purge_due(now=None) -> int:
    """Erase every account whose 14 days have passed. Safe to run again: purged accounts are skipped."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(User).where(User.purge_after.is_not(None), User.purge_after <= now, User.purged_at.is_(None)).order_by(User.id)
    ).all()
    for user in due:
        purge(user)
        db.session.commit()
    return len(due)


# ---- Wellbeing check-ins ----


@exporter("checkins", _l("Your wellbeing check-ins"))
def export_checkins(user: User) -> dict:
    return {"asked_for_checkins_since": _when(user.checkins_chosen_at), "answers": checkins.export_rows(user)}


@eraser("checkins")
def erase_checkins(user: User) -> None:
    checkins.erase(user)
