"""Private messages: who may send them to whom. Every rule lives in permissions.direct_message_refusal
(can_direct_message), which asks the connections and blocking services."""
import sqlalchemy as sa

from app import permissions
from app.extensions import db
from app.models import Message, Room, RoomKind
from app.services import chat
from app.services.errors import NotAllowed
from tests.chat_support import join, received, say, socket_for  # noqa: F401
from tests.helpers import page_text


def test_bob_cannot_message_alice_who_lives_with_dementia_unless_they_are_connected(alice, bob):
    assert permissions.can_direct_message(bob, alice) is False
    assert "only from people they are connected with" in chat.direct_message_problem(bob, alice)


def test_alice_can_message_bob_a_carer(alice, bob):
    assert permissions.can_direct_message(alice, bob) is True
    room = chat.start_direct(alice, bob)
    assert room.kind == RoomKind.DIRECT
    assert {member.user_id for member in room.members} == {alice.id, bob.id}


def test_bob_may_reply_in_a_conversation_alice_started(socket_for, alice, bob):
    room = chat.start_direct(alice, bob)
    bob_live = socket_for(bob)
    assert say(bob_live, room, "Hello Mum")["ok"] is True


def test_once_connected_bob_may_message_alice_and_finds_the_button_on_her_profile(alice, bob, client_for):
    from app.services import connections

    assert "Send Alice Morgan a message" not in page_text(client_for(bob).get(f"/members/{alice.id}"))
    connections.accept(alice, connections.ask(bob, alice))
    assert permissions.can_direct_message(bob, alice) is True
    browser = client_for(bob)
    assert "Send Alice Morgan a message" in page_text(browser.get(f"/members/{alice.id}"))
    reply = browser.post(f"/chat/direct/{alice.id}")
    assert "Conversation with Alice Morgan" in page_text(browser.get(reply.headers["Location"]))


def test_a_block_stops_private_messages_both_ways(alice, bob):
    from app.services import blocking

    blocking.block(bob, alice)
    assert permissions.can_direct_message(alice, bob) is False
    assert permissions.can_direct_message(bob, alice) is False


def test_alice_can_choose_to_hear_from_anyone(client_for, alice, bob):
    client_for(alice).post("/chat/preferences", data={"dm_from_anyone": "y"})
    assert chat.dm_from_anyone(alice) is True
    assert permissions.can_direct_message(bob, alice) is True


def test_a_blocked_member_cannot_send_private_messages(socket_for, alice, bob, hope):
    from app.services import blocking

    room = chat.start_direct(hope, bob)
    blocking.block(bob, hope)
    assert permissions.can_direct_message(hope, bob) is False
    assert chat.direct_message_problem(hope, bob) == "You cannot send private messages to this member."
    answer = say(socket_for(hope), room, "Are you there?")
    assert answer["ok"] is False and "cannot send private messages" in answer["error"]
    assert db.session.scalar(sa.select(Message).where(Message.room_id == room.id)) is None


def test_nobody_messages_themselves(bob):
    assert permissions.can_direct_message(bob, bob) is False
    assert chat.direct_message_problem(bob, bob) == "You cannot send a private message to yourself."


def test_a_member_who_may_not_use_chat_cannot_message(bob, hope, monkeypatch):
    monkeypatch.setattr(permissions, "may_use_chat", lambda user: user.id != hope.id)
    assert permissions.can_direct_message(hope, bob) is False


def test_starting_a_conversation_twice_gives_the_same_room(client_for, alice, bob):
    first = client_for(alice).post(f"/chat/direct/{bob.id}")
    second = client_for(alice).post(f"/chat/direct/{bob.id}")
    assert first.location == second.location
    assert db.session.scalar(sa.select(sa.func.count(Room.id)).where(Room.kind == RoomKind.DIRECT)) == 1


def test_bob_is_told_why_when_he_tries_to_start_a_conversation_with_alice(client_for, alice, bob):
    page = client_for(bob).post(f"/chat/direct/{alice.id}", follow_redirects=True)
    assert "gets private messages only from people they are connected with" in page_text(page)
    assert db.session.scalar(sa.select(Room).where(Room.kind == RoomKind.DIRECT)) is None


def test_a_private_conversation_is_seen_only_by_its_two_members(client_for, socket_for, alice, bob, hope):
    room = chat.start_direct(alice, bob)
    chat.post_message(alice, room, "Can you bring milk?")
    assert "Can you bring milk?" in page_text(client_for(bob).get(f"/chat/{room.id}"))
    page = client_for(hope).get(f"/chat/{room.id}")
    assert page.status_code == 404 and "Can you bring milk?" not in page_text(page)
    assert join(socket_for(hope), room)["ok"] is False


def test_the_conversation_is_listed_for_both_with_the_other_persons_name(client_for, alice, bob):
    chat.start_direct(alice, bob)
    assert "Conversation with Bob Morgan" in page_text(client_for(alice).get("/chat"))
    assert "Conversation with Alice Morgan" in page_text(client_for(bob).get("/chat"))


def test_a_refused_start_raises_a_named_error(alice, bob):
    try:
        chat.start_direct(bob, alice)
    except NotAllowed as error:
        assert "connected with" in error.message
    else:
        raise AssertionError("Bob should not be able to start a conversation with Alice")
