"""The live unread count: the Socket.IO namespace /notifications.

Only a signed-in member from the site's own origin may connect; they join their own room
("user:<id>") and are sent {"count", "text"} whenever their unread count changes."""
import logging

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit, join_room

from app import permissions
from app.services import notifications

log = logging.getLogger(__name__)


def _same_origin(origin: str | None) -> bool:
    if not origin:
        return True  # not a browser
    allowed = {request.host_url.rstrip("/")} | {o.rstrip("/") for o in current_app.config.get("SOCKETIO_ALLOWED_ORIGINS", [])}
    return origin.rstrip("/") in allowed


def connect(auth=None):
    if not _same_origin(request.headers.get("Origin")):
        log.warning("Refused a notifications connection from origin %r", request.headers.get("Origin"))
        raise ConnectionRefusedError(_("Notifications work only on this website."))
    if not permissions.is_member(current_user):
        raise ConnectionRefusedError(_("Please sign in."))
    join_room(notifications.user_room(current_user.id))
    count = notifications.unread_count(current_user)
    emit("unread", {"count": count, "text": notifications.count_words(count)})
    return True


def init_socketio(sio) -> None:
    sio.on_event("connect", connect, namespace=notifications.NAMESPACE)
