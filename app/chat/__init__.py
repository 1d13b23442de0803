"""Chat: rooms and private conversations. routes.py serves the pages (they work without
JavaScript); events.py handles the live Socket.IO namespace /chat."""
from flask import Blueprint
from app.extensions import socketio
from app.services import chat

bp = Blueprint("chat", __name__, url_prefix="/chat")

from app.chat import events, routes  # noqa: E402,F401


@bp.record_once
def _attach_socket_handlers(_state):
    events.init_socketio(socketio)


@bp.cli.command("create-rooms")
def create_rooms_command():
    """Make the open chat rooms (safe to run again)."""
    for room in chat.ensure_open_rooms():
        print(f"Room {room.id}: {room.name}")
