"""Chat: rooms, direct messages, posting (stored first, then sent live), history, delete and undo,
and the moderators' tools (hide, release, mute, slow mode). The HTML routes and the Socket.IO
handlers both call these functions, so the rules are the same whichever way a message arrives."""
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import formatting, permissions
from app.extensions import db, socketio
from app.facts import chat_preferences as preferences, dm_from_anyone, other_member  # noqa: F401
from app.cleaning import without_control_characters
from app.models import ChatPreference, Meetup, Message, MessageStatus, OrganisationMember, Room, RoomKind, RoomMember, RoomMute, Rsvp, RsvpStatus, User
from app.models.types import utcnow
from app.services import audit, moderation, notifications, safety
from app.services.after_commit import after_commit
from app.services.chat_presence import presence
from app.services.errors import Conflict, Invalid, NotAllowed, NotFound, NotSentYet, ServiceError, TooFast

log = logging.getLogger(__name__)

NAMESPACE = "/chat"
MODERATORS_ROOM = "moderators"
PAGE_SIZE = 50
CATCH_UP_LIMIT = 500
CLIENT_ID_MAX = 64
FETCH_LIMIT = 100  # message numbers one "fetch" may ask for
ID_MAX = 2**31 - 1  # the largest id the database can hold; anything bigger names nothing

OPEN_ROOMS = [
    ("Morning cuppa", "Say good morning, share how you are, and put the kettle on."),
    ("Carers' corner", "For carers, family and friends: practical tips and a listening ear."),
    ("What's on the telly", "Programmes, films and radio worth talking about."),
]

SLOW_MODE_CHOICES = [0, 10, 30, 60, 300]
MUTE_CHOICES = [15, 60, 24 * 60]  # minutes

DIRECT_MESSAGE_REFUSALS = {
    "not_member": _l("Please sign in to send private messages."),
    "self": _l("You cannot send a private message to yourself."),
    "sender_cannot_chat": _l("You cannot send private messages at the moment. Please ask a volunteer for help."),
    "blocked": _l("You cannot send private messages to this member."),
    "connections_only": _l(
        "This member gets private messages only from people they are connected with. "
        "You can say hello in an open room instead."
    ),
}

NOT_FOUND_ROOM = _l("We cannot find that chat room, or it is not open to you. Go back to the list of rooms and choose another.")
NOT_SENT_YET = _l("Not sent yet. We could not save your message just now. Your words are kept and we will keep trying.")
BUSY = _l("We cannot reach the messages just now. We will keep trying.")



def user_room(user_id: int) -> str:
    """The Socket.IO room holding every open connection of one member."""
    return f"user:{user_id}"


# ---- Rooms ----


def ensure_open_rooms() -> list[Room]:
    """The open rooms every member can use; idempotent (by name)."""
    rooms = []
    for name, description in OPEN_ROOMS:
        room = db.session.scalar(sa.select(Room).where(Room.kind == RoomKind.OPEN, Room.name == name))
        if room is None:
            room = Room(kind=RoomKind.OPEN, name=name, description=description)
            db.session.add(room)
        rooms.append(room)
    db.session.commit()
    return rooms


def seed_demo(cast: dict) -> None:
    """Demo content: the open rooms and a first good morning from Maya."""
    rooms = ensure_open_rooms()
    cuppa = rooms[0]
    if db.session.scalar(sa.select(Message.id).where(Message.room_id == cuppa.id).limit(1)) is None:
        store_seed_message(cast["maya"], cuppa, Message(room=cuppa, author_id=cast["maya"].id, body="Good morning, everyone! The kettle is on."))


def meetup_room(member, meetup) -> Room:
    """The meet-up's room, made the first time someone who may use it opens it."""
    if not permissions.can_join_meetup_chat(member, meetup.id):
        raise NotAllowed(_("The chat for this meet-up is for the people going and the organisers."))
    room = db.session.scalar(sa.select(Room).where(Room.kind == RoomKind.MEETUP, Room.meetup_id == meetup.id))
    if room is None:
        room = Room(kind=RoomKind.MEETUP, meetup_id=meetup.id, name=f"{meetup.title}"[:80],
                    description="For the people going and the organisers.", created_by_id=member.id)
        db.session.add(room)
        try:
            db.session.commit()
        except IntegrityError:  # two people opened it at once
            db.session.rollback()
            room = db.session.scalar(sa.select(Room).where(Room.kind == RoomKind.MEETUP, Room.meetup_id == meetup.id))
    return room


def get_room(room_id) -> Room | None:
    if not isinstance(room_id, int) or isinstance(room_id, bool) or not 1 <= room_id <= ID_MAX:
        return None
    room = db.session.get(Room, room_id)
    if room is not None and room.kind == RoomKind.DIRECT:
        # Only a private room's two members matter; an open room's read marks (one per reader) are never loaded here.
        room = db.session.get(Room, room_id, options=[selectinload(Room.members).selectinload(RoomMember.user)], populate_existing=True)
    return room


def room_for(user, room_id) -> Room:
    """The room, if this person may see it; otherwise NotFound (the same words for both, so
    nobody learns which private rooms exist)."""
    room = get_room(room_id)
    if room is None or not permissions.can_see_room(user, room):
        raise NotFound(NOT_FOUND_ROOM)
    return room


def room_title(room: Room, viewer) -> str:
    if room.kind == RoomKind.DIRECT:
        other = other_member(room, viewer)
        return _("Conversation with %(name)s", name=other.display_name) if other else _("Private conversation")
    return room.name


def rooms_for(user) -> dict:
    """The open rooms and this member's private conversations, with whether each has news."""
    open_rooms = db.session.scalars(sa.select(Room).where(Room.kind == RoomKind.OPEN).order_by(Room.id)).all()
    direct = db.session.scalars(
        sa.select(Room)
        .join(RoomMember, RoomMember.room_id == Room.id)
        .where(Room.kind == RoomKind.DIRECT, RoomMember.user_id == user.id)
        # Only the names the list shows (title_of), not the partners' email addresses and password hashes.
        .options(selectinload(Room.members).selectinload(RoomMember.user).load_only(User.id, User.display_name))
        .order_by(Room.id)
    ).all()
    meetup_rooms = _meetup_rooms_for(user)
    rooms = [*open_rooms, *direct, *meetup_rooms]
    ids = [room.id for room in rooms]
    latest = dict(
        db.session.execute(
            sa.select(Message.room_id, sa.func.max(Message.id))
            .where(Message.room_id.in_(ids), Message.status == MessageStatus.VISIBLE)
            .group_by(Message.room_id)
        ).all()
    ) if ids else {}
    read = dict(
        db.session.execute(
            sa.select(RoomMember.room_id, RoomMember.last_read_message_id).where(RoomMember.user_id == user.id)
        ).all()
    )
    unread = {room_id for room_id, last in latest.items() if last and last > (read.get(room_id) or 0)}
    return {"open": open_rooms, "direct": direct, "meetups": meetup_rooms, "unread": unread}


def _meetup_rooms_for(user) -> list[Room]:
    """Rooms of meet-ups still to come that this member is going to or organises (one query)."""
    going = sa.select(Rsvp.meetup_id).where(Rsvp.member_id == user.id, Rsvp.status == RsvpStatus.GOING)
    my_organisations = sa.select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user.id)
    return list(
        db.session.scalars(
            sa.select(Room).join(Meetup, Meetup.id == Room.meetup_id)
            .where(
                Room.kind == RoomKind.MEETUP,
                Meetup.ends_at > utcnow(),
                sa.or_(Meetup.id.in_(going), Meetup.author_id == user.id, Meetup.organisation_id.in_(my_organisations)),
            )
            .order_by(Meetup.starts_at)
        )
    )


def mark_read(user, room: Room, message_id: int | None) -> None:
    if not message_id:
        return
    membership = db.session.get(RoomMember, (room.id, user.id))
    if membership is None:
        membership = RoomMember(room_id=room.id, user_id=user.id)
        db.session.add(membership)
    if (membership.last_read_message_id or 0) < message_id:
        membership.last_read_message_id = message_id
        if room.kind == RoomKind.DIRECT:
            notifications.mark_group_read(user, f"direct:{room.id}")  # they have seen the messages now
    try:
        db.session.commit()
    except IntegrityError:  # two tabs opened the room at the same moment
        db.session.rollback()


def direct_message_problem(sender, recipient) -> str | None:
    """The sentence to show when `sender` may not message `recipient`, or None."""
    reason = permissions.direct_message_refusal(sender, recipient, dm_from_anyone(recipient) if recipient else False)
    return DIRECT_MESSAGE_REFUSALS[reason] if reason else None


def start_direct(sender, recipient) -> Room:
    """The private room for these two members (made the first time)."""
    problem = direct_message_problem(sender, recipient)
    if problem:
        raise NotAllowed(problem)
    key = ":".join(str(i) for i in sorted((sender.id, recipient.id)))
    room = db.session.scalar(sa.select(Room).where(Room.direct_key == key))
    if room is not None:
        return room
    room = Room(kind=RoomKind.DIRECT, direct_key=key, created_by_id=sender.id)
    room.members = [RoomMember(user_id=sender.id), RoomMember(user_id=recipient.id)]
    db.session.add(room)
    try:
        db.session.commit()
    except IntegrityError:  # both started it at once
        db.session.rollback()
        room = db.session.scalar(sa.select(Room).where(Room.direct_key == key))
    return room


# ---- Preferences ----


def update_preferences(user, *, dm_from_anyone: bool, appear_offline: bool) -> ChatPreference:
    found = db.session.get(ChatPreference, user.id)
    if found is None:
        found = ChatPreference(user_id=user.id)
        db.session.add(found)
    found.dm_from_anyone = bool(dm_from_anyone)
    found.appear_offline = bool(appear_offline)
    db.session.commit()
    for room_id in _rooms_with(user):
        announce_presence(room_id)
    return found


# ---- Reading ----


def _can_see_filter(viewer):
    if permissions.can_moderate(viewer):
        return Message.status.in_((MessageStatus.VISIBLE, MessageStatus.HELD))
    return sa.or_(
        Message.status == MessageStatus.VISIBLE,
        sa.and_(Message.status == MessageStatus.HELD, Message.author_id == viewer.id),
    )


def history_before(viewer, room: Room, before_id: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Message], bool]:
    """Up to `limit` messages before `before_id` (or the latest), oldest first, and whether there are earlier ones."""
    query = sa.select(Message).where(Message.room_id == room.id, _can_see_filter(viewer))
    if before_id:
        query = query.where(Message.id < before_id)
    rows = db.session.scalars(query.options(selectinload(Message.author)).order_by(Message.id.desc()).limit(limit + 1)).all()
    return list(reversed(rows[:limit])), len(rows) > limit


def messages_after(viewer, room: Room, after_id: int, limit: int = CATCH_UP_LIMIT) -> list[Message]:
    """Everything this person may see after `after_id`, oldest first: the catch-up after a reconnect."""
    query = (
        sa.select(Message)
        .where(Message.room_id == room.id, Message.id > after_id, _can_see_filter(viewer))
        .options(selectinload(Message.author))
        .order_by(Message.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def may_see_message(viewer, message: Message) -> bool:
    """The rule of the room page for one message: see the room, and the message is one the room
    shows this person (published; held ones to their author and moderators)."""
    if not permissions.can_see_room(viewer, message.room):
        return False
    if message.status == MessageStatus.VISIBLE:
        return True
    return message.status == MessageStatus.HELD and (permissions.can_moderate(viewer) or message.author_id == viewer.id)


def messages_numbered(viewer, room: Room, seqs: list[int]) -> tuple[list[Message], list[int]]:
    """The messages with these room numbers that this person may see (oldest first), and the numbers
    they will never get (held for a volunteer, removed): what a screen asks for when it sees a gap."""
    wanted = sorted(set(seqs))[:FETCH_LIMIT]
    found = list(db.session.scalars(
        sa.select(Message)
        .where(Message.room_id == room.id, Message.room_seq.in_(wanted), _can_see_filter(viewer))
        .options(selectinload(Message.author))
        .order_by(Message.id)
    )) if wanted else []
    got = {message.room_seq for message in found}
    return found, [seq for seq in wanted if seq not in got]


def get_message(room: Room, message_id) -> Message:
    ok = isinstance(message_id, int) and not isinstance(message_id, bool) and 1 <= message_id <= ID_MAX
    message = db.session.get(Message, message_id) if ok else None
    if message is None or message.room_id != room.id:
        raise NotFound(_("We cannot find that message. It may have been removed."))
    return message


def message_payload(message: Message) -> dict:
    """What a browser needs to show one message (the same for every viewer)."""
    return {
        "id": message.id,
        "seq": message.room_seq,
        "room_id": message.room_id,
        "author_id": message.author_id,
        "author": message.author.display_name,
        "body": message.body,
        "iso": message.created_at.isoformat(),
        "when": formatting.day_time(message.created_at),
        "held": message.status == MessageStatus.HELD,
        "client_id": message.client_id,
    }


# ---- Posting ----


def is_new_member(user) -> bool:
    """Joined recently: sends are limited more tightly (the hold for their links is moderation.hold_reason)."""
    return moderation.joined_recently(user)


def active_mute(user, room: Room) -> RoomMute | None:
    return db.session.scalar(
        sa.select(RoomMute)
        .where(RoomMute.room_id == room.id, RoomMute.user_id == user.id, RoomMute.until > utcnow())
        .order_by(RoomMute.until.desc())
        .limit(1)
    )


_limiter_lock = threading.Lock()


def _rate_limiter():
    app = current_app._get_current_object()
    found = app.extensions.get("kindred_chat_limiter")
    if found is None:
        with _limiter_lock:
            found = app.extensions.get("kindred_chat_limiter")
            if found is None:
                from limits import storage, strategies

                store = storage.storage_from_string(app.config.get("REDIS_URL") or "memory://")
                found = strategies.MovingWindowRateLimiter(store)
                app.extensions["kindred_chat_limiter"] = found
    return found


def _memory_rate_limiter():
    """Counts in this process only: used while Redis cannot be reached (limits fail open to this)."""
    app = current_app._get_current_object()
    found = app.extensions.get("kindred_chat_limiter_memory")
    if found is None:
        from limits import storage, strategies

        found = app.extensions.setdefault("kindred_chat_limiter_memory", strategies.MovingWindowRateLimiter(storage.MemoryStorage()))
    return found


def _hit(limit, author) -> bool:
    try:
        return _rate_limiter().hit(limit, "kindred-chat", str(author.id))
    except Exception as error:  # noqa: BLE001 - Redis is a helper: its absence must not stop a message
        from limits.errors import StorageError
        from redis.exceptions import RedisError

        if not isinstance(error, (RedisError, StorageError, OSError)):
            raise
        log.warning("Chat rate limits are counted in this process for now: Redis cannot be reached (%s)", error)
        return _memory_rate_limiter().hit(limit, "kindred-chat", str(author.id))


def _check_rate(author) -> None:
    config = current_app.config
    if not config["CHAT_RATE_LIMITS_ENABLED"] or permissions.can_moderate(author):
        return
    from limits import parse

    limit = parse(config["CHAT_NEW_MEMBER_RATE_LIMIT"] if is_new_member(author) else config["CHAT_RATE_LIMIT"])
    if not _hit(limit, author):
        raise TooFast(_(
            "You are sending messages very quickly. Please wait a few seconds, then send again. "
            "Your message is still in the box."
        ))


def _check_slow_mode(author, room: Room) -> None:
    seconds = room.slow_mode_seconds or 0
    if not seconds or permissions.can_moderate(author):
        return
    recent = db.session.scalar(
        sa.select(Message.created_at)
        .where(Message.room_id == room.id, Message.author_id == author.id, Message.created_at > utcnow() - timedelta(seconds=seconds))
        .order_by(Message.id.desc())
        .limit(1)
    )
    if recent is not None:
        wait = max(1, int((recent + timedelta(seconds=seconds) - utcnow()).total_seconds()) + 1)
        raise TooFast(_(
            "This room is in slow mode: one message every %(every)s. "
            "Please wait %(wait)s, then send again. Your message is still in the box.", every=_duration(seconds), wait=_duration(wait)
        ))


def _duration(seconds: int) -> str:
    if seconds % 60 == 0 and seconds >= 60:
        minutes = seconds // 60
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d second", "%(num)d seconds", seconds)


def clean_body(body) -> str:
    if not isinstance(body, str):
        raise Invalid(_("Write your message as text."), field="body")
    # Socket.IO messages do not pass through the request hooks: the same cleaning as every form.
    body = without_control_characters(body).replace("\r\n", "\n").strip()
    if not body:
        raise Invalid(_("Write a message before pressing Send message."), field="body")
    limit = current_app.config["CHAT_MESSAGE_MAX"]
    if len(body) > limit:
        raise Invalid(_(
            "Your message is %(length)s characters long. Please keep it to %(limit)s characters, "
            "or send it in two parts.", length=f"{len(body):,}", limit=f"{limit:,}"),
            field="body",
        )
    return body


# ---- Delivery: client ids, room numbers, acknowledgements ----
#
# A browser labels each message with a client id before it sends it and keeps the words on screen
# until an acknowledgement with the stored message's id comes back. Sending the same client id
# again (no answer in time, a dropped connection, "not sent yet") returns the message already
# stored, so a retry is always safe. Each stored message also gets the next number in its room
# (room_seq, 1, 2, 3 ... without gaps), so a screen that sees 7 after 5 asks for 6.


def checked_client_id(client_id) -> str | None:
    if client_id is not None and (not isinstance(client_id, str) or len(client_id) > CLIENT_ID_MAX):
        raise Invalid(_("That message had a damaged label. Please send it again."))
    return client_id or None


def _existing_by_client_id(author, client_id: str | None) -> Message | None:
    if not client_id:
        return None
    return db.session.scalar(sa.select(Message).where(Message.author_id == author.id, Message.client_id == client_id))


def _take_room_seq(room: Room) -> int:
    """The room's next message number. The UPDATE locks the room's row until the commit, so the
    numbers follow the order messages are stored in, with no gaps (a rollback gives it back)."""
    return db.session.execute(
        sa.update(Room).where(Room.id == room.id)
        .values(last_message_seq=Room.last_message_seq + 1)
        .returning(Room.last_message_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def store_seed_message(author, room: Room, message: Message) -> Message:
    """Store a message the site itself wrote (the demo's first message, a test's setting), numbered
    and committed like any other but not screened and not sent live. Members' writing goes through
    send(), which screens it."""
    return _store_once(author, room, message, None)[0]


def _store_once(author, room: Room, message: Message, screened) -> tuple[Message, dict | None]:
    """Store the message in one short transaction (a number, one insert, a commit), or return the
    one this author already stored under the same client id. A held or flagged message opens its
    moderation case in the same transaction (moderation.record_screening)."""
    message.room_seq = _take_room_seq(room)
    db.session.add(message)
    try:
        db.session.flush()
        if room.kind == RoomKind.DIRECT and message.status == MessageStatus.VISIBLE:
            _tell_if_away(author, room, message)
        if screened is not None:  # store_seed_message: the site's own words are not screened
            moderation.record_screening(screened, "chat_message", message, author_id=author.id)
        # Made before the commit, so sending it to the room and the acknowledgement need no more
        # database work (the connection goes back to the pool at the commit, before the emits).
        payload = message_payload(message)
        if screened is not None:  # a member's message goes to the room once it is stored
            _send(message, payload)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing_by_client_id(author, message.client_id)
        if existing is None:
            raise
        return existing, None
    return message, payload


def is_temporary_failure(error: Exception) -> bool:
    """A database that is busy (every connection in use) or briefly unreachable: nothing was
    stored, and the same send will work when it is back."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, NotSentYet | PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


@dataclass
class Sent:
    """What a member's send came to: the stored message, what the room was sent, and what to tell
    the author (a notice when it waits for a volunteer; the support lines after words of crisis).
    A send repeated with the same client id comes back as the message already stored, told nothing."""
    message: Message
    payload: dict
    notice: str = ""
    support: bool = False


def send_acknowledgement(sent: Sent, client_id: str | None) -> dict:
    """What the sender's screen gets back: the stored message with its id (so it can stop showing
    "Not sent yet"), and any notice for the author."""
    return {
        "ok": True,
        "room_id": sent.message.room_id,
        "client_id": client_id,
        "message_id": sent.payload["id"],
        "message": sent.payload,
        "notice": sent.notice,
    }


def not_sent_yet(client_id: str | None, room_id=None) -> dict:
    """The answer to a send that could not be stored just now: try again with the same client id."""
    return {"ok": False, "retry": True, "event": "send", "error": str(NOT_SENT_YET), "client_id": client_id, "room_id": room_id}


def _check_may_post(author, room: Room) -> None:
    """Why this member may not send in this room, in words that fit their case."""
    if permissions.can_post_in_room(author, room):
        return
    if not permissions.can_see_room(author, room):
        raise NotFound(NOT_FOUND_ROOM)
    if not permissions.can_participate(author):
        moderation.ensure_can_participate(author)
        raise NotAllowed(_("You cannot send messages at the moment. You can still read along."))
    if room.kind == RoomKind.DIRECT:
        raise NotAllowed(direct_message_problem(author, other_member(room, author)) or DIRECT_MESSAGE_REFUSALS["blocked"])
    raise NotFound(NOT_FOUND_ROOM)


def posting_problem(author, room: Room) -> str | None:
    """The sentence the room page shows instead of the message box, or None."""
    try:
        _check_may_post(author, room)
    except ServiceError as error:
        return error.message
    return None


def post_message(author, room: Room, body, client_id: str | None = None) -> Message:
    """Store and send a message (send_message); the stored message."""
    return send_message(author, room, body, client_id).message


def send_message(author, room: Room, body, client_id: str | None = None) -> Sent:
    """Store a message, then send it to everyone in the room who may see it.

    A message re-sent with the same client_id (after a dropped connection, or a button pressed
    twice) returns the one already stored instead of storing it again."""
    client_id = checked_client_id(client_id)
    _check_may_post(author, room)
    body = clean_body(body)
    existing = _existing_by_client_id(author, client_id)
    if existing is not None:
        return Sent(existing, message_payload(existing))
    mute = active_mute(author, room)
    if mute is not None:
        raise NotAllowed(_(
            "A volunteer has paused your messages in this room until %(time)s. "
            "You can still read along.", time=formatting.day_time(mute.until, author.timezone)
        ))
    _check_slow_mode(author, room)
    _check_rate(author)
    screened = safety.screen(author, body, "direct" if room.kind == RoomKind.DIRECT else "chat",
                             approval=moderation.hold_reason(author, body, "chat"))
    if screened.blocked:
        raise Invalid(_("%(problem)s Your message is still in the box.", problem=screened.tell()), field="body")
    message = Message(
        room_id=room.id,
        author_id=author.id,
        body=body,
        client_id=client_id,
        status=MessageStatus.HELD if screened.held else MessageStatus.VISIBLE,
        held_reason=screened.held_because,
    )
    stored, payload = _store_once(author, room, message, screened)
    if stored is not message:
        return Sent(stored, message_payload(stored))
    return Sent(message, payload, notice=_notice(screened), support=screened.support)


def _tell_if_away(author, room: Room, message: Message) -> None:
    """A private message to someone who is not in the conversation right now: one notification
    per conversation while it is unread, updated as more messages arrive."""
    recipient = other_member(room, author)
    if recipient is None or recipient.deleted_at is not None or recipient.id in presence().user_ids(room.id):
        return
    membership = db.session.get(RoomMember, (room.id, recipient.id))
    last_read = membership.last_read_message_id if membership is not None else None
    unread = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(
            Message.room_id == room.id, Message.author_id == author.id, Message.status == MessageStatus.VISIBLE,
            Message.id > (last_read or 0),
        )
    ) or 1
    sentence = (
        _l("%(name)s sent you a private message.", name=author.display_name)
        if unread == 1 else _l("%(name)s sent you %(num)s private messages.", name=author.display_name, num=unread)
    )
    notifications.notify(
        recipient, "direct_message", sentence, url_for("chat.room", room_id=room.id) + f"#message-{message.id}",
        actor=author, group_key=f"direct:{room.id}",
    )
def _notice(screened) -> str:
    """What the writer is told at once: the support lines after words of crisis, or why it waits."""
    if screened.support:
        return safety.support_sentence()
    if screened.held:
        return _("Only you can see this message until a volunteer checks it. %(why)s", why=screened.tell()).strip()
    return ""


def _send(message: Message, payload: dict | None = None) -> None:
    """Emit a stored (visible or held) message to whoever may see it, once the change commits.
    Call before the commit: the payload is made now."""
    payload = payload or message_payload(message)
    if payload["held"]:
        after_commit(socketio.emit, "new_message", payload, to=[user_room(payload["author_id"]), MODERATORS_ROOM], namespace=NAMESPACE)
    else:
        after_commit(socketio.emit, "new_message", payload, to=f"room:{payload['room_id']}", namespace=NAMESPACE)


def _remove_everywhere(message: Message) -> None:
    """Take a message off every open screen once the change commits. Call before the commit."""
    payload = {"id": message.id, "room_id": message.room_id}
    after_commit(socketio.emit, "message_removed", payload,
                 to=[message.room.socket_room, user_room(message.author_id), MODERATORS_ROOM], namespace=NAMESPACE)


# ---- Delete and undo ----


def delete_message(user, message: Message) -> Message:
    if message.author_id != user.id:
        raise NotAllowed(_("You can delete only your own messages."))
    if message.status not in (MessageStatus.VISIBLE, MessageStatus.HELD):
        raise Conflict(_("This message has already been removed."))
    message.status_before_delete = message.status
    message.status = MessageStatus.DELETED
    message.deleted_at = utcnow()
    _remove_everywhere(message)
    db.session.commit()
    return message


def can_undo_delete(user, message: Message) -> bool:
    return (
        message.author_id == user.id
        and message.status == MessageStatus.DELETED
        and message.deleted_at is not None
        and utcnow() - message.deleted_at <= timedelta(seconds=current_app.config["CHAT_UNDO_SECONDS"])
    )


def undo_delete(user, message: Message) -> Message:
    if not can_undo_delete(user, message):
        raise Conflict(_("It is more than a minute since this message was deleted, so it cannot be brought back."))
    message.status = message.status_before_delete or MessageStatus.VISIBLE
    message.status_before_delete = None
    message.deleted_at = None
    _send(message)
    db.session.commit()
    return message


# ---- Moderation: every action checked with can_moderate and written to the audit log ----


def _require_moderator(user) -> None:
    if not permissions.can_moderate(user):
        raise NotAllowed(_("Only volunteer moderators can do that."))


def hide_message(moderator, message: Message, reason: str = "") -> Message:
    _require_moderator(moderator)
    if message.status not in (MessageStatus.VISIBLE, MessageStatus.HELD):
        raise Conflict(_("This message has already been removed."))
    message.status = MessageStatus.HIDDEN
    message.moderated_by_id = moderator.id
    message.moderated_at = utcnow()
    audit.record(moderator, "chat.hide_message", message, reason)
    _remove_everywhere(message)
    db.session.commit()
    return message


def release_message(moderator, message: Message) -> Message:
    """A held message is fine: everyone in the room sees it now."""
    _require_moderator(moderator)
    if message.status != MessageStatus.HELD:
        raise Conflict(_("This message is not waiting for a volunteer."))
    message.status = MessageStatus.VISIBLE
    message.moderated_by_id = moderator.id
    message.moderated_at = utcnow()
    audit.record(moderator, "chat.release_message", message, message.held_reason)
    _send(message)
    db.session.commit()
    return message


def mute_member(moderator, room: Room, member, minutes: int, reason: str = "") -> RoomMute:
    _require_moderator(moderator)
    if minutes not in MUTE_CHOICES:
        raise Invalid(_("Choose how long to pause their messages."), field="minutes")
    if member.id == moderator.id:
        raise Invalid(_("You cannot pause your own messages."))
    mute = RoomMute(room_id=room.id, user_id=member.id, muted_by_id=moderator.id, reason=reason, until=utcnow() + timedelta(minutes=minutes))
    db.session.add(mute)
    audit.record(moderator, "chat.mute_member", member, f"Room {room.id} ({room.name}), {minutes} minutes. {reason}".strip())
    after_commit(
        socketio.emit,
        "notice",
        {"room_id": room.id, "message": _("A volunteer has paused your messages in this room until %(time)s. You can still read along.", time=formatting.day_time(mute.until, member.timezone))},
        to=user_room(member.id),
        namespace=NAMESPACE,
    )
    db.session.commit()
    return mute


def set_slow_mode(moderator, room: Room, seconds: int) -> Room:
    _require_moderator(moderator)
    if seconds not in SLOW_MODE_CHOICES:
        raise Invalid(_("Choose how often each member may send a message."), field="seconds")
    room.slow_mode_seconds = seconds
    audit.record(moderator, "chat.slow_mode", room, f"{seconds} seconds")
    after_commit(socketio.emit, "room_settings", room_settings(room), to=room.socket_room, namespace=NAMESPACE)
    db.session.commit()
    return room


def slow_mode_text(room: Room) -> str:
    if not room.slow_mode_seconds:
        return ""
    return _("Slow mode is on: each member can send one message every %(every)s.", every=_duration(room.slow_mode_seconds))


def room_settings(room: Room) -> dict:
    return {"room_id": room.id, "slow_mode_seconds": room.slow_mode_seconds, "slow_mode_text": slow_mode_text(room)}


# ---- Presence ("Who's here") ----


def who_is_here(room: Room) -> list[str]:
    """Names of members connected to this room now, leaving out anyone who chose to appear offline."""
    ids = presence().user_ids(room.id)
    if not ids:
        return []
    hidden = set(db.session.scalars(sa.select(ChatPreference.user_id).where(ChatPreference.user_id.in_(ids), ChatPreference.appear_offline.is_(True))))
    names = db.session.scalars(sa.select(User.display_name).where(User.id.in_(ids - hidden)))
    return sorted(names, key=str.casefold)


def _rooms_with(user) -> list[int]:
    store = presence().store
    rooms = db.session.scalars(sa.select(Room.id).where(Room.kind == RoomKind.OPEN)).all()
    rooms += db.session.scalars(sa.select(RoomMember.room_id).where(RoomMember.user_id == user.id)).all()
    return [room_id for room_id in set(rooms) if user.id in store.user_ids(room_id)]


_pending_presence: set[int] = set()
_pending_lock = threading.Lock()


def announce_presence(room_id: int) -> None:
    """Send "Who's here" to the room: at once in tests, else at most once per CHAT_PRESENCE_DELAY
    (500 people arriving together would otherwise mean 500 × 500 updates)."""
    app = current_app._get_current_object()
    delay = app.config["CHAT_PRESENCE_DELAY"]
    if not delay:
        _emit_presence(room_id)
        return
    with _pending_lock:
        if room_id in _pending_presence:
            return
        _pending_presence.add(room_id)

    def later():
        socketio.sleep(delay)
        with _pending_lock:
            _pending_presence.discard(room_id)
        with app.app_context():
            _emit_presence(room_id)
            db.session.remove()

    socketio.start_background_task(later)


def _emit_presence(room_id: int) -> None:
    room = db.session.get(Room, room_id)
    if room is not None:
        socketio.emit("presence", {"room_id": room_id, "names": who_is_here(room)}, to=room.socket_room, namespace=NAMESPACE)


# ---- Moderation: the chat message content kind ----


def _load_chat_message(message_id):
    return db.session.scalar(
        sa.select(Message).options(joinedload(Message.room), joinedload(Message.author)).where(Message.id == message_id)
    )


def _set_chat_status(message, status, moderator):
    """Hide, restore or delete a chat message; every open screen is updated at once."""
    was_visible = message.status == MessageStatus.VISIBLE
    message.status = status
    message.moderated_by_id = moderator.id if moderator is not None else None
    message.moderated_at = utcnow()
    if status == MessageStatus.VISIBLE:
        _send(message)
    elif was_visible or status != MessageStatus.VISIBLE:
        _remove_everywhere(message)


def _messages_around(message) -> list:
    """The two messages before and after it in the room."""
    in_room = sa.select(Message).where(Message.room_id == message.room_id)
    before = db.session.scalars(in_room.where(Message.id < message.id).order_by(Message.id.desc()).limit(2)).all()
    after = db.session.scalars(in_room.where(Message.id > message.id).order_by(Message.id).limit(2)).all()
    return [*reversed(before), message, *after]


def _chat_message_visible_to(viewer, message) -> bool:
    return may_see_message(viewer, message)


def _edit_chat_message(message, new_text, moderator, note):
    new_text = (new_text or "").strip()
    if not new_text:
        raise Invalid(_("Write the new text for the message."), field="new_text")
    message.body = new_text


def _chat_status(name):
    return MessageStatus(name)


moderation.register(moderation.ContentKind(
    name="chat_message", noun="chat message", load=_load_chat_message, author_id=lambda m: m.author_id,
    text=lambda m: m.body, url=lambda m: url_for("chat.room", room_id=m.room_id) + f"#message-{m.id}",
    hide=lambda m, reason, mod: _set_chat_status(m, _chat_status("hidden"), mod),
    restore=lambda m, mod: _set_chat_status(m, _chat_status("visible"), mod),
    delete=lambda m, mod: _set_chat_status(m, _chat_status("deleted"), mod),
    edit=_edit_chat_message, is_hidden=lambda m: m.status.value in ("hidden", "held"),
    template="moderation/content/_chat_message.html",
    describe=lambda m: _("A chat message in “%(room)s”", room=m.room.name or _("a private conversation")), around=_messages_around,
    visible_to=lambda viewer, m: _chat_message_visible_to(viewer, m),
))
