"""A member's in-app notifications (/notifications), their email choices
(/settings/notifications), and the unsubscribe links in emails (/unsubscribe/<token>, no sign-in)."""
from flask import Blueprint
from app.extensions import socketio

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
# Separate, because these addresses are not under /notifications and need no sign-in.
public_bp = Blueprint("notifications_public", __name__)

from app.notifications import events, routes  # noqa: E402,F401


@bp.record_once
def _attach_socket_handlers(_state):
    events.init_socketio(socketio)
