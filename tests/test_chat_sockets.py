"""Live chat over Socket.IO (/chat): who may connect, which rooms they may use, limits, mistakes
in what a browser sends, catching up after a dropped connection, and moderators' actions reaching
every open screen at once."""
import pytest
import sqlalchemy as sa
import time_machine

from app import permissions
from app.extensions import db
from app.models import AuditEntry, Message, MessageStatus, Room, RoomKind
from app.models.types import utcnow
from app.services import chat
from tests.chat_support import cuppa, join, received, rooms, say, socket_for  # noqa: F401


def stored_bodies(room):
    return db.session.scalars(sa.select(Message.body).where(Message.room_id == room.id).order_by(Message.id)).all()


# ---- Who may connect ----


def test_a_visitor_who_is_not_signed_in_cannot_connect(socket_for):
    visitor = socket_for(None)
    assert not visitor.is_connected("/chat")


def test_alice_signed_in_on_the_site_connects(socket_for, alice):
    assert socket_for(alice).is_connected("/chat")


def test_a_member_who_may_not_use_chat_is_refused(socket_for, alice, monkeypatch):
    # Moderation puts suspension into this one predicate; the connect handler obeys it.
    monkeypatch.setattr(permissions, "may_use_chat", lambda user: False)
    assert not socket_for(alice).is_connected("/chat")


def test_a_connection_from_another_website_is_refused(socket_for, alice):
    assert not socket_for(alice, origin="http://evil.example").is_connected("/chat")
    assert not socket_for(alice, origin="http://localhost.evil.example").is_connected("/chat")


def test_signing_out_on_the_site_stops_events_working(socket_for, client_for, alice, cuppa):
    browser = client_for(alice)
    live = socket_for(flask_client=browser)
    browser.post("/sign-out")
    live.disconnect("/chat")
    live.connect("/chat", headers={"Origin": "http://localhost"})
    assert not live.is_connected("/chat")


# ---- Which rooms ----


def test_alice_joins_an_open_room_and_sees_bob_say_good_morning(socket_for, alice, bob, cuppa):
    alice_live, bob_live = socket_for(alice), socket_for(bob)
    assert join(alice_live, cuppa)["ok"] is True
    join(bob_live, cuppa)
    received(alice_live, "new_message")

    answer = say(bob_live, cuppa, "Good morning, Alice!")

    assert answer["ok"] is True
    assert [m["body"] for m in received(alice_live, "new_message")] == ["Good morning, Alice!"]
    # Stored before it was sent: it is in the database with Bob's name.
    message = db.session.get(Message, answer["message"]["id"])
    assert message.body == "Good morning, Alice!" and message.author_id == bob.id


def test_alice_cannot_join_or_post_in_a_private_conversation_between_others(socket_for, alice, bob, hope):
    private = chat.start_direct(hope, bob)
    alice_live = socket_for(alice)

    answer = join(alice_live, private)
    assert answer["ok"] is False
    assert "cannot find that chat room" in answer["error"]
    assert received(alice_live, "chat_error")[0]["error"] == answer["error"]

    answer = say(alice_live, private, "Hello?")
    assert answer["ok"] is False
    assert stored_bodies(private) == []


def test_a_meetup_room_is_closed_to_someone_not_going(socket_for, alice, bob, hope, root):
    from app.services import meetups
    from tests.meetups_support import hope_dementia_care, list_meetup

    tea_dance = list_meetup(hope, hope_dementia_care(hope, root), title="Tea dance")
    meetups.rsvp(bob, tea_dance)
    meetup_room = chat.meetup_room(bob, tea_dance)
    alice_live = socket_for(alice)
    assert join(alice_live, meetup_room)["ok"] is False
    assert say(alice_live, meetup_room, "Anyone going?")["ok"] is False
    assert stored_bodies(meetup_room) == []


def test_an_unknown_room_gets_the_same_words_as_a_private_one(socket_for, alice):
    answer = socket_for(alice).emit("join", {"room_id": 999999}, namespace="/chat", callback=True)
    assert answer["ok"] is False and "cannot find that chat room" in answer["error"]


# ---- Limits ----


def test_a_new_member_sending_very_fast_gets_a_kind_message_not_a_disconnect(socket_for, alice, cuppa):
    alice_live = socket_for(alice)
    answers = [say(alice_live, cuppa, f"Message {n}") for n in range(1, 7)]

    assert [a["ok"] for a in answers] == [True] * 5 + [False]  # new members: 5 in 10 seconds
    assert "very quickly" in answers[-1]["error"] and "still in the box" in answers[-1]["error"]
    assert alice_live.is_connected("/chat")
    assert stored_bodies(cuppa) == [f"Message {n}" for n in range(1, 6)]


def test_an_established_member_may_send_ten_in_ten_seconds(socket_for, bob, cuppa):
    with time_machine.travel(utcnow() + chat.timedelta(days=30), tick=True):
        bob_live = socket_for(bob)
        answers = [say(bob_live, cuppa, f"Tip {n}") for n in range(1, 12)]
    assert [a["ok"] for a in answers] == [True] * 10 + [False]


def test_the_limit_lets_her_send_again_after_a_short_wait(socket_for, alice, cuppa):
    alice_live = socket_for(alice)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for n in range(5):
            say(alice_live, cuppa, f"Hello {n}")
        assert say(alice_live, cuppa, "One more")["ok"] is False
        traveller.shift(11)
        assert say(alice_live, cuppa, "One more")["ok"] is True


def test_a_message_over_two_thousand_characters_is_refused_with_its_length(socket_for, alice, cuppa):
    answer = say(socket_for(alice), cuppa, "a" * 2001)
    assert answer["ok"] is False
    assert "2,001 characters" in answer["error"] and "2,000" in answer["error"]
    assert stored_bodies(cuppa) == []


def test_slow_mode_lets_each_member_send_one_message_per_period(socket_for, client_for, alice, bob, maya, cuppa):
    client_for(maya).post(f"/chat/{cuppa.id}/slow-mode", data={"seconds": "30"})
    db.session.refresh(cuppa)
    assert cuppa.slow_mode_seconds == 30
    alice_live = socket_for(alice)
    join(alice_live, cuppa)
    assert received(alice_live, "room_settings") == []  # she joined after it changed

    assert say(alice_live, cuppa, "First")["ok"] is True
    refused = say(alice_live, cuppa, "Second")
    assert refused["ok"] is False and "slow mode" in refused["error"] and "30 seconds" in refused["error"]
    assert say(socket_for(bob), cuppa, "Bob may still speak")["ok"] is True
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "chat.slow_mode")).actor_id == maya.id


def test_slow_mode_reaches_open_screens(socket_for, client_for, alice, maya, cuppa):
    alice_live = socket_for(alice)
    join(alice_live, cuppa)
    client_for(maya).post(f"/chat/{cuppa.id}/slow-mode", data={"seconds": "60"})
    settings = received(alice_live, "room_settings")
    assert settings and settings[0]["slow_mode_text"] == "Slow mode is on: each member can send one message every 1 minute."


# ---- Malformed events ----

MALFORMED = [
    pytest.param("send", "just a string", "not in the form we expected", id="send-not-a-dict"),
    pytest.param("send", ["a", "list"], "not in the form we expected", id="send-a-list"),
    pytest.param("send", None, "not in the form we expected", id="send-nothing"),
    pytest.param("send", 42, "not in the form we expected", id="send-a-number"),
    pytest.param("send", {"body": "no room"}, "which room", id="send-missing-room"),
    pytest.param("send", {"room_id": "1", "body": "x"}, "which room", id="send-room-as-text"),
    pytest.param("send", {"room_id": True, "body": "x"}, "which room", id="send-room-as-true"),
    pytest.param("send", {"room_id": 987654, "body": "x"}, "cannot find that chat room", id="send-unknown-room"),
    pytest.param("send", {"room_id": "CUPPA"}, "no text", id="send-missing-body"),
    pytest.param("send", {"room_id": "CUPPA", "body": 12}, "no text", id="send-body-not-text"),
    pytest.param("send", {"room_id": "CUPPA", "body": "   "}, "Write a message", id="send-empty-body"),
    pytest.param("send", {"room_id": "CUPPA", "body": "hi", "client_id": 5}, "damaged label", id="send-client-id-number"),
    pytest.param("send", {"room_id": "CUPPA", "body": "hi", "client_id": "x" * 65}, "damaged label", id="send-client-id-long"),
    pytest.param("send", {"room_id": "CUPPA", "body": "x" * 100_000}, "too much to send", id="send-huge-payload"),
    pytest.param("join", "room one", "not in the form we expected", id="join-not-a-dict"),
    pytest.param("join", {}, "which room", id="join-missing-room"),
    pytest.param("join", {"room_id": "CUPPA", "after_id": -1}, "catch-up request was damaged", id="join-negative-after"),
    pytest.param("catch_up", {"room_id": "CUPPA"}, "which message you saw last", id="catch-up-missing-after"),
    pytest.param("catch_up", {"room_id": "CUPPA", "after_id": "7"}, "catch-up request was damaged", id="catch-up-after-as-text"),
    pytest.param("leave", {"room_id": None}, "which room", id="leave-no-room"),
]


@pytest.mark.parametrize("event, payload, words", MALFORMED)
def test_a_malformed_event_gets_a_plain_sentence_and_the_server_carries_on(socket_for, alice, cuppa, event, payload, words):
    if isinstance(payload, dict) and payload.get("room_id") == "CUPPA":
        payload = {**payload, "room_id": cuppa.id}
    alice_live = socket_for(alice)

    answer = alice_live.emit(event, payload, namespace="/chat", callback=True)

    assert answer["ok"] is False
    errors = received(alice_live, "chat_error")
    assert len(errors) == 1 and words in errors[0]["error"]
    assert errors[0]["error"].endswith(".")
    assert alice_live.is_connected("/chat")
    assert say(alice_live, cuppa, "Still here")["ok"] is True
    assert stored_bodies(cuppa) == ["Still here"]


def test_an_event_with_extra_arguments_is_still_understood(socket_for, alice, cuppa):
    alice_live = socket_for(alice)
    answer = alice_live.emit("send", {"room_id": cuppa.id, "body": "Hello"}, "extra", namespace="/chat", callback=True)
    assert answer["ok"] is True


def test_a_fault_inside_the_server_is_reported_kindly_and_it_carries_on(socket_for, alice, cuppa, monkeypatch):
    alice_live = socket_for(alice)

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(chat, "send_message", broken)
    answer = say(alice_live, cuppa, "Hello")
    assert answer["ok"] is False and "Something went wrong on our side" in answer["error"]
    monkeypatch.undo()
    assert say(alice_live, cuppa, "Hello again")["ok"] is True


# ---- Nothing lost, nothing twice ----


def test_after_a_reconnect_alice_gets_exactly_the_messages_she_missed(socket_for, client_for, alice, bob, cuppa):
    alice_browser = client_for(alice)
    alice_live = socket_for(flask_client=alice_browser)
    bob_live = socket_for(bob)
    join(alice_live, cuppa)
    join(bob_live, cuppa)
    seen = say(bob_live, cuppa, "Kettle's on")["message"]["id"]
    received(alice_live, "new_message")

    alice_live.disconnect("/chat")  # her wifi drops
    say(bob_live, cuppa, "Anyone for a biscuit?")
    say(bob_live, cuppa, "Custard creams today")

    alice_live.connect("/chat", headers={"Origin": "http://localhost"})
    caught_up = join(alice_live, cuppa, after_id=seen)["messages"]
    assert [m["body"] for m in caught_up] == ["Anyone for a biscuit?", "Custard creams today"]

    # Asking again (the catch_up event) gives the same, and nothing from before.
    again = alice_live.emit("catch_up", {"room_id": cuppa.id, "after_id": seen}, namespace="/chat", callback=True)
    assert [m["body"] for m in again["messages"]] == ["Anyone for a biscuit?", "Custard creams today"]
    assert [m["body"] for m in received(alice_live, "catch_up")[0]["messages"]] == ["Anyone for a biscuit?", "Custard creams today"]
    last = caught_up[-1]["id"]
    assert alice_live.emit("catch_up", {"room_id": cuppa.id, "after_id": last}, namespace="/chat", callback=True)["messages"] == []


def test_a_message_sent_again_after_a_dropped_connection_is_stored_once(socket_for, alice, bob, cuppa):
    alice_live, bob_live = socket_for(alice), socket_for(bob)
    join(bob_live, cuppa)
    first = say(alice_live, cuppa, "Lovely weather", client_id="c0ffee01")
    received(bob_live, "new_message")

    again = say(alice_live, cuppa, "Lovely weather", client_id="c0ffee01")

    assert again["ok"] is True and again["message"]["id"] == first["message"]["id"]
    assert stored_bodies(cuppa) == ["Lovely weather"]
    assert received(bob_live, "new_message") == []  # Bob is not shown it twice


# ---- Moderation, live ----


def test_when_maya_hides_a_message_it_disappears_from_every_open_screen(socket_for, client_for, alice, bob, maya, cuppa):
    alice_live, bob_live = socket_for(alice), socket_for(bob)
    join(alice_live, cuppa)
    join(bob_live, cuppa)
    unkind = say(bob_live, cuppa, "Something unkind")["message"]
    received(alice_live, "new_message")
    received(bob_live, "new_message")

    page = client_for(maya).post(f"/chat/{cuppa.id}/messages/{unkind['id']}/hide", data={"reason": "Unkind"})

    assert page.status_code == 302
    for screen in (alice_live, bob_live):
        assert received(screen, "message_removed") == [{"id": unkind["id"], "room_id": cuppa.id}]
    assert db.session.get(Message, unkind["id"]).status == MessageStatus.HIDDEN
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "chat.hide_message"))
    assert (entry.actor_id, entry.target_id, entry.reason) == (maya.id, unkind["id"], "Unkind")
    # And after a reconnect it does not come back through catch-up.
    assert join(alice_live, cuppa, after_id=0)["messages"] == []


def test_a_member_cannot_hide_messages(client_for, alice, bob, cuppa):
    message = chat.post_message(bob, cuppa, "Hello")
    page = client_for(alice).post(f"/chat/{cuppa.id}/messages/{message.id}/hide", data={})
    assert page.status_code == 403
    assert db.session.get(Message, message.id).status == MessageStatus.VISIBLE


def test_a_muted_member_is_told_kindly_and_can_still_read(socket_for, client_for, alice, bob, maya, cuppa):
    bob_live, alice_live = socket_for(bob), socket_for(alice)
    join(bob_live, cuppa)
    client_for(maya).post(f"/chat/{cuppa.id}/members/{bob.id}/pause", data={"minutes": "15", "reason": "Cooling off"})

    notices = received(bob_live, "notice")
    assert notices and "paused your messages in this room" in notices[0]["message"]
    refused = say(bob_live, cuppa, "But why")
    assert refused["ok"] is False and "You can still read along" in refused["error"]
    say(alice_live, cuppa, "Morning!")
    assert [m["body"] for m in received(bob_live, "new_message")] == ["Morning!"]
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "chat.mute_member")).target_id == bob.id

    with time_machine.travel(utcnow() + chat.timedelta(minutes=16)):
        assert say(bob_live, cuppa, "Sorry, everyone")["ok"] is True


def test_a_link_from_a_new_member_is_shown_only_to_her_and_moderators_until_released(socket_for, client_for, alice, bob, maya, cuppa):
    alice_live, bob_live, maya_live = socket_for(alice), socket_for(bob), socket_for(maya)
    for live in (alice_live, bob_live, maya_live):
        join(live, cuppa)
        received(live, "new_message")

    held = say(alice_live, cuppa, "Look at www.example.com for singing groups")["message"]

    assert held["held"] is True
    assert received(bob_live, "new_message") == []
    assert [m["id"] for m in received(maya_live, "new_message")] == [held["id"]]
    assert [m["id"] for m in received(alice_live, "new_message")] == [held["id"]]
    assert "www.example.com" not in client_for(bob).get(f"/chat/{cuppa.id}").get_data(as_text=True)

    client_for(maya).post(f"/chat/{cuppa.id}/messages/{held['id']}/release")

    released = received(bob_live, "new_message")
    assert [(m["id"], m["held"]) for m in released] == [(held["id"], False)]
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "chat.release_message")).actor_id == maya.id


# ---- Presence ----


def test_whos_here_shows_connected_members_unless_they_appear_offline(socket_for, client_for, alice, bob, cuppa):
    alice_live = socket_for(alice)
    join(alice_live, cuppa)
    bob_browser = client_for(bob)
    bob_live = socket_for(flask_client=bob_browser)
    join(bob_live, cuppa)
    assert received(alice_live, "presence")[-1]["names"] == ["Alice Morgan", "Bob Morgan"]

    bob_browser.post("/chat/preferences", data={"appear_offline": "y"})
    assert received(alice_live, "presence")[-1]["names"] == ["Alice Morgan"]
    assert "Bob Morgan" not in client_for(alice).get(f"/chat/{cuppa.id}").get_data(as_text=True).split("Who’s here")[1]

    alice_live.disconnect("/chat")
    assert chat.who_is_here(cuppa) == []
