"""Fixtures and helpers for the chat tests: the open rooms, and Socket.IO test clients signed in
through the Flask test client, as a browser on the site's own origin would be."""
import pytest

from app.extensions import socketio
from app.services import chat

SITE_ORIGIN = "http://localhost"


@pytest.fixture
def rooms(app):
    return {room.name: room for room in chat.ensure_open_rooms()}


@pytest.fixture
def cuppa(rooms):
    return rooms["Morning cuppa"]


@pytest.fixture
def socket_for(app, client_for):
    """socket_for(alice) connects a live chat client for Alice (signed in, same origin)."""
    made = []

    def make(user=None, origin=SITE_ORIGIN, flask_client=None):
        if flask_client is None:
            flask_client = client_for(user) if user is not None else app.test_client()
        headers = {"Origin": origin} if origin else {}
        connection = socketio.test_client(app, namespace="/chat", flask_test_client=flask_client, headers=headers)
        made.append(connection)
        return connection

    yield make
    for connection in made:
        if connection.is_connected("/chat"):
            connection.disconnect("/chat")


def received(connection, name: str) -> list:
    """The payloads of every `name` event this client got since last asked (others are dropped)."""
    found = []
    for event in connection.get_received("/chat"):
        if event["name"] == name:
            args = event["args"]
            found.append(args[0] if isinstance(args, list) and len(args) == 1 else args)
    return found


def say(connection, room, body, client_id=None):
    """Send a message as a browser does, returning the server's acknowledgement."""
    data = {"room_id": room.id, "body": body}
    if client_id:
        data["client_id"] = client_id
    return connection.emit("send", data, namespace="/chat", callback=True)


def join(connection, room, after_id=None):
    data = {"room_id": room.id}
    if after_id is not None:
        data["after_id"] = after_id
    return connection.emit("join", data, namespace="/chat", callback=True)
