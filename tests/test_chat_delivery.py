"""Chat that loses nothing: every send is acknowledged with the stored message's id, a retry with the
same client id is stored once, a busy database answers "not sent yet" (and the same send works a
moment later), screens ask for exactly the messages they missed, and "Who's here" forgets the
members of a process that stopped renewing them."""
import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Message
from app.services import chat
from app.services.chat_presence import PRESENCE_TTL, MemoryPresence, Presence, RedisPresence
from tests.chat_support import cuppa, join, received, rooms, say, socket_for  # noqa: F401


def stored(room, body):
    return db.session.scalars(sa.select(Message).where(Message.room_id == room.id, Message.body == body)).all()


# ---- Acknowledgements and client ids ----


def test_bob_gets_the_stored_id_and_a_repeat_of_his_send_is_stored_once(socket_for, bob, alice, cuppa):
    bob_live, alice_live = socket_for(bob), socket_for(alice)
    join(bob_live, cuppa), join(alice_live, cuppa)
    received(alice_live, "new_message")

    first = say(bob_live, cuppa, "Mum, the carer comes at ten.", client_id="bob-note-1")
    again = say(bob_live, cuppa, "Mum, the carer comes at ten.", client_id="bob-note-1")

    assert first["ok"] is True and again["ok"] is True
    assert first["message_id"] == again["message_id"] == first["message"]["id"]
    assert [m.id for m in stored(cuppa, "Mum, the carer comes at ten.")] == [first["message_id"]]
    # Alice saw it once: the repeat was recognised, not sent round again.
    assert [m["body"] for m in received(alice_live, "new_message")] == ["Mum, the carer comes at ten."]


def test_messages_in_a_room_are_numbered_one_after_another(socket_for, bob, alice, cuppa):
    bob_live = socket_for(bob)
    join(bob_live, cuppa)
    numbers = [say(bob_live, cuppa, f"Line {n}")["message"]["seq"] for n in range(3)]
    assert numbers[1] == numbers[0] + 1 and numbers[2] == numbers[1] + 1


@pytest.mark.committed  # holds real pool connections from outside the test's transaction
class TestPoolExhausted:
    @pytest.fixture
    def app_overrides(self):
        # One database connection and a short wait for it, so the test can take it away.
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.5, "pool_pre_ping": True}}

    def test_a_send_while_every_connection_is_busy_is_not_sent_yet_then_goes_once(self, app, socket_for, bob, alice, cuppa):
        bob_live, alice_live = socket_for(bob), socket_for(alice)
        join(bob_live, cuppa), join(alice_live, cuppa)
        received(alice_live, "new_message")
        for loaded in (cuppa, bob, alice):  # read now: each request's commit expired them, and the session lets them go
            db.session.refresh(loaded)
        db.session.close()  # give the test's connection back, so the pool's only one can be taken
        hog = db.engine.connect()
        hog.execute(sa.text("select 1"))
        try:
            answer = say(bob_live, cuppa, "Is anyone going to the singing group?", client_id="bob-sing")
        finally:
            hog.close()

        assert answer["ok"] is False and answer["retry"] is True
        assert answer["error"].startswith("Not sent yet.") and "Something went wrong" not in answer["error"]
        assert answer["client_id"] == "bob-sing"
        assert stored(cuppa, "Is anyone going to the singing group?") == []
        assert received(alice_live, "new_message") == []

        # The browser tries again with the same client id: stored once, delivered once.
        retry = say(bob_live, cuppa, "Is anyone going to the singing group?", client_id="bob-sing")
        assert retry["ok"] is True
        assert [m.id for m in stored(cuppa, "Is anyone going to the singing group?")] == [retry["message_id"]]
        assert [m["body"] for m in received(alice_live, "new_message")] == ["Is anyone going to the singing group?"]


def _statements_of_a_send(socket, room, words):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert say(socket, room, words)["ok"] is True
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return statements


def test_a_send_is_one_insert_and_costs_the_same_however_many_are_in_the_room(socket_for, bob, alice, maya, hope, cuppa):
    bob_live = socket_for(bob)
    join(bob_live, cuppa)
    say(bob_live, cuppa, "Morning!")  # the first writing checked sets up the built-in watched words
    join(socket_for(alice), cuppa)
    with_two = _statements_of_a_send(bob_live, cuppa, "Two of us this morning.")
    for person in (maya, hope):
        join(socket_for(person), cuppa)
    with_four = _statements_of_a_send(bob_live, cuppa, "Four of us now.")

    assert with_four.count("INSERT") == 1
    assert with_four.count("UPDATE") == 1  # the room's message number
    assert len(with_four) == len(with_two), (with_two, with_four)


# ---- Gaps: asking for exactly what was missed ----


def test_a_screen_that_missed_messages_gets_exactly_the_numbers_it_asks_for(socket_for, alice, bob, maya, cuppa):
    alice_live = socket_for(alice)
    join(alice_live, cuppa)
    bob_live = socket_for(bob)
    join(bob_live, cuppa)
    sent = [say(bob_live, cuppa, words)["message"] for words in ("Morning all", "Rain again", "Kettle on")]
    # Bob is a new member, so a link waits for a volunteer: Alice may not see it.
    held = say(bob_live, cuppa, "Look at www.example.com")["message"]
    assert held["held"] is True

    wanted = [sent[0]["seq"], sent[2]["seq"], held["seq"]]
    answer = alice_live.emit("fetch", {"room_id": cuppa.id, "seqs": wanted}, namespace="/chat", callback=True)

    assert answer["ok"] is True
    assert [m["body"] for m in answer["messages"]] == ["Morning all", "Kettle on"]
    assert answer["unavailable"] == [held["seq"]]  # she will never get it, so her screen stops asking

    maya_live = socket_for(maya)
    answer = maya_live.emit("fetch", {"room_id": cuppa.id, "seqs": [held["seq"]]}, namespace="/chat", callback=True)
    assert [m["body"] for m in answer["messages"]] == ["Look at www.example.com"]


@pytest.mark.parametrize("seqs", [[], "1,2", [0], [True], list(range(1, 200)), [2**40]])
def test_a_damaged_request_for_missed_messages_gets_a_plain_sentence(socket_for, alice, cuppa, seqs):
    answer = socket_for(alice).emit("fetch", {"room_id": cuppa.id, "seqs": seqs}, namespace="/chat", callback=True)
    assert answer == {"ok": False, "event": "fetch", "error": "That request for missed messages was damaged. Please reload the page.", "room_id": cuppa.id}


def test_a_private_conversation_cannot_be_read_by_asking_for_its_numbers(socket_for, alice, bob, hope):
    private = chat.start_direct(hope, bob)
    chat.post_message(hope, private, "Bob, about your mum's care plan")
    answer = socket_for(alice).emit("fetch", {"room_id": private.id, "seqs": [1]}, namespace="/chat", callback=True)
    assert answer["ok"] is False and "cannot find that chat room" in answer["error"]


# ---- Wording ----


def test_a_paused_member_is_told_they_are_paused_not_that_the_room_is_missing(socket_for, client_for, alice, maya, cuppa):
    _pause(maya, alice)
    live = socket_for(alice)
    answer = say(live, cuppa, "Hello?")
    assert answer["ok"] is False
    assert "cannot find" not in answer["error"]
    assert "paused" in answer["error"] and "You can still read" in answer["error"]
    page = client_for(alice).get(f"/chat/{cuppa.id}")
    assert "paused" in page.get_data(as_text=True)


def _pause(moderator, member):
    from app.models import Sanction, SanctionKind
    from app.models.types import utcnow
    from datetime import timedelta

    from app.services import moderation

    until = utcnow() + timedelta(days=1)
    db.session.add(Sanction(member_id=member.id, kind=SanctionKind.SILENCE, reason="Taking a short break.", until=until, by_id=moderator.id))
    member.restricted_until = until
    db.session.commit()
    moderation.forget_cached_sanctions()


@pytest.mark.parametrize("room_id", [2**31, 2**63, 10**30])
def test_a_huge_room_number_is_a_room_we_cannot_find(socket_for, client_for, alice, room_id):
    answer = socket_for(alice).emit("send", {"room_id": room_id, "body": "Hello"}, namespace="/chat", callback=True)
    assert answer["ok"] is False
    assert answer["error"] == chat.NOT_FOUND_ROOM


# ---- Presence: heartbeats ----


@pytest.fixture(params=["memory", "redis"])
def shared_store(request):
    if request.param == "memory":
        store = MemoryPresence()
        return lambda: store
    url = request.getfixturevalue("redis_url")
    RedisPresence(url)._redis.delete(RedisPresence._key(424242))
    return lambda: RedisPresence(url)


def test_the_members_of_a_process_that_stopped_drop_off_who_is_here(shared_store):
    room = 424242
    with time_machine.travel(0, tick=False) as clock:
        first, second = Presence(shared_store()), Presence(shared_store())
        first.join(room, "sid-alice", 1)
        second.join(room, "sid-bob", 2)
        assert first.user_ids(room) == {1, 2}

        # The first process crashes: it renews nothing. The second keeps renewing its members.
        for _ in range(4):
            clock.shift(PRESENCE_TTL / 3)
            second.heartbeat()
        assert second.user_ids(room) == {2}

        second.disconnect("sid-bob")
        assert second.user_ids(room) == set()
