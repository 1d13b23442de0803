"""The live side of chat: the Socket.IO namespace /chat.

A connection is accepted only for a signed-in member who may use chat, from the site's own
origin. Every event checks again who is asking and whether they may see the room, validates its
payload, and answers mistakes with a "chat_error" event in a plain sentence (never a disconnect).
Handlers return an acknowledgement ({"ok": ...}) too, which the browser uses for its "sent" mark.
"""
import functools
import json
import logging

from flask import current_app, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit, join_room, leave_room

from app import permissions
from app.extensions import db
from app.services import chat, safety
from app.services.chat_presence import presence
from app.services.errors import Invalid, NotAllowed, ServiceError

log = logging.getLogger(__name__)

NAMESPACE = chat.NAMESPACE
PAYLOAD_MAX = 16 * 1024  # characters of JSON; a 2,000-character message is far below this


_HANDLERS: list = []


def _on(name: str):
    def register(handler):
        _HANDLERS.append((name, handler))
        return handler

    return register


def init_socketio(sio) -> None:
    """Attach the handlers to this app's Socket.IO server (create_app makes a new one each time)."""
    for name, handler in _HANDLERS:
        sio.on_event(name, handler, namespace=NAMESPACE)


def _same_origin(origin: str | None) -> bool:
    if not origin:
        return True  # not a browser (browsers always send Origin on a WebSocket or a cross-site request)
    allowed = {request.host_url.rstrip("/")} | {o.rstrip("/") for o in current_app.config.get("SOCKETIO_ALLOWED_ORIGINS", [])}
    return origin.rstrip("/") in allowed


@_on("connect")
def connect(auth=None):
    if not _same_origin(request.headers.get("Origin")):
        log.warning("Refused a chat connection from origin %r", request.headers.get("Origin"))
        raise ConnectionRefusedError(_("Chat works only on this website."))
    if not permissions.may_use_chat(current_user):
        raise ConnectionRefusedError(_("Please sign in to use chat."))
    join_room(chat.user_room(current_user.id))
    if permissions.can_moderate(current_user):
        join_room(chat.MODERATORS_ROOM)
    return True


@_on("disconnect")
def disconnect(*_args):
    for room_id in presence().disconnect(request.sid):
        chat.announce_presence(room_id)


def _problem(event: str, message: str, data, retry: bool = False) -> dict:
    try:
        text = str(message)  # a lazy sentence becomes text in the sender's language
    except Exception:  # noqa: BLE001 - the language could not be worked out (database down): English
        with force_locale("en"):
            text = str(message)
    answer = {"ok": False, "event": event, "error": text}
    if retry:
        answer["retry"] = True  # nothing was wrong with the request: the same one will work soon
    if isinstance(data, dict):
        for key in ("room_id", "client_id"):
            if isinstance(data.get(key), (int, str)):
                answer[key] = data[key]
    emit("chat_error", answer)
    return answer


def chat_event(name: str):
    """Register a handler for `name` on /chat that receives a checked dict and the member."""

    def register(handler):
        @functools.wraps(handler)
        def checked(data=None, *_extra):
            try:
                if not permissions.may_use_chat(current_user):
                    raise NotAllowed(_("Please sign in again to use chat."))
                # The member's language, now: after a failed database call their row cannot be read
                # again, and the sentence that says so must still be written (Flask-Babel keeps it).
                get_locale()
                if not isinstance(data, dict):
                    raise Invalid(_("That message was not in the form we expected. Please reload the page and try again."))
                if len(json.dumps(data, default=str)) > PAYLOAD_MAX:
                    raise Invalid(_("That was too much to send at once. Please send a shorter message."))
                return handler(data)
            except Exception as error:  # noqa: BLE001 - one bad event must never stop the server
                _rollback_quietly()
                if chat.is_temporary_failure(error):
                    # Busy or unreachable database: the browser keeps the words and tries again.
                    log.warning("Chat event %s: database busy or unreachable (%s)", name, type(error).__name__)
                    return _problem(name, chat.NOT_SENT_YET if name == "send" else chat.BUSY, data, retry=True)
                if isinstance(error, ServiceError):
                    return _problem(name, error.message, data)
                log.exception("Chat event %s failed", name)
                return _problem(name, _("Something went wrong on our side. Please try again in a moment."), data)

        _HANDLERS.append((name, checked))
        return checked

    return register


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be the thing that failed
        db.session.remove()


def _room_id(data) -> int:
    room_id = data.get("room_id")
    if not isinstance(room_id, int) or isinstance(room_id, bool):
        raise Invalid(_("That message did not say which room it is for. Please reload the page."))
    return room_id


def _after_id(data) -> int | None:
    after = data.get("after_id")
    if after is None:
        return None
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise Invalid(_("That catch-up request was damaged. Please reload the page."))
    return after


@chat_event("join")
def join(data):
    """Start receiving a room live; with after_id, also get everything missed since then."""
    room = chat.room_for(current_user, _room_id(data))
    after = _after_id(data)
    join_room(room.socket_room)
    presence().join(room.id, request.sid, current_user.id)
    chat.announce_presence(room.id)
    answer = {"ok": True, "room_id": room.id, **chat.room_settings(room)}
    if after is not None:
        answer["messages"] = [chat.message_payload(m) for m in chat.messages_after(current_user, room, after)]
    return answer


@chat_event("leave")
def leave(data):
    room = chat.room_for(current_user, _room_id(data))
    leave_room(room.socket_room)
    presence().leave(room.id, request.sid)
    chat.announce_presence(room.id)
    return {"ok": True, "room_id": room.id}


@chat_event("catch_up")
def catch_up(data):
    """Everything after the last message this client saw, so nothing is missed or shown twice."""
    room = chat.room_for(current_user, _room_id(data))
    after = _after_id(data)
    if after is None:
        raise Invalid(_("That catch-up request did not say which message you saw last. Please reload the page."))
    answer = {"ok": True, "room_id": room.id, "messages": [chat.message_payload(m) for m in chat.messages_after(current_user, room, after)]}
    emit("catch_up", answer)
    return answer


@chat_event("send")
def send(data):
    room = chat.room_for(current_user, _room_id(data))
    body = data.get("body")
    if not isinstance(body, str):
        raise Invalid(_("That message had no text. Please write something and send it again."))
    client_id = chat.checked_client_id(data.get("client_id"))
    sent = chat.send_message(current_user, room, body, client_id)
    answer = chat.send_acknowledgement(sent, client_id)
    if sent.support:
        # Words of crisis: the page shows these at once, at the top, focused (static/js/chat.js).
        answer["support"] = {"intro": str(safety.SUPPORT_INTRO),
                             "lines": [{"name": str(n), "number": str(num), "link": link} for n, num, link in safety.SUPPORT_LINES]}
    return answer


def _seqs(data) -> list[int]:
    seqs = data.get("seqs")
    if (
        not isinstance(seqs, list) or not seqs or len(seqs) > chat.FETCH_LIMIT
        or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= chat.ID_MAX for n in seqs)
    ):
        raise Invalid(_("That request for missed messages was damaged. Please reload the page."))
    return seqs


@chat_event("fetch")
def fetch(data):
    """A screen saw a gap in the room's message numbers and asks for exactly those messages."""
    room = chat.room_for(current_user, _room_id(data))
    found, unavailable = chat.messages_numbered(current_user, room, _seqs(data))
    return {"ok": True, "room_id": room.id, "messages": [chat.message_payload(m) for m in found], "unavailable": unavailable}
