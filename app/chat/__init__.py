"""Chat: rooms and private conversations. routes.py serves the pages (they work without
JavaScript); events.py handles the live Socket.IO namespace /chat."""
from flask import Blueprint

bp = Blueprint("chat", __name__, url_prefix="/chat")

from app.chat import events, routes  # noqa: E402,F401


@bp.record_once
def _attach_socket_handlers(_state):
    from app.extensions import socketio

    events.init_socketio(socketio)
