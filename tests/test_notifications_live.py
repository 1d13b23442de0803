"""The live side: the unread count in the header changes as things happen (Socket.IO
/notifications), private messages tell a member only while they are away, and the
notifications page loads in a fixed number of queries."""
import sqlalchemy as sa

from app.extensions import db, socketio
from app.models import Notification
from app.services import chat, connections, notifications
from tests.chat_support import SITE_ORIGIN, join, say, socket_for  # noqa: F401
from tests.helpers import assert_max_queries, page_text


def _live(app, flask_client, origin=SITE_ORIGIN):
    return socketio.test_client(app, namespace="/notifications", flask_test_client=flask_client, headers={"Origin": origin})


def _counts(connection):
    return [event["args"][0]["count"] for event in connection.get_received("/notifications") if event["name"] == "unread"]


def test_alice_sees_her_count_change_live(app, alice, bob, client_for):
    live = _live(app, client_for(alice))
    assert live.is_connected("/notifications")
    assert _counts(live) == [0]
    connections.ask(bob, alice)
    assert _counts(live) == [1]
    notifications.mark_all_read(alice)
    assert _counts(live) == [0]
    live.disconnect("/notifications")


def test_nobody_else_hears_alices_count(app, alice, bob, client_for):
    bobs = _live(app, client_for(bob))
    _counts(bobs)
    connections.ask(bob, alice)
    assert _counts(bobs) == []
    bobs.disconnect("/notifications")


def test_visitors_and_other_sites_cannot_listen(app, alice, client_for):
    assert not _live(app, app.test_client()).is_connected("/notifications")
    assert not _live(app, client_for(alice), origin="https://evil.example").is_connected("/notifications")


def test_in_a_chat_room_the_header_count_is_live_with_a_polite_live_region(alice, bob, client_for, client):
    """Alice chatting with Bob hears of a new notification while she stays in the room: the room
    loads the Socket.IO client to chat, and the header's count listens with it."""
    room = chat.start_direct(alice, bob)
    html = client_for(alice).get(f"/chat/{room.id}").get_data(as_text=True)
    assert "data-notifications-count" in html and 'aria-live="polite"' in html
    assert "js/notifications.js" in html and "vendor/socket.io.min.js" in html
    assert "socket.io.min.js" not in client.get("/").get_data(as_text=True)


def test_the_start_page_and_the_notifications_page_stay_light_and_right_on_each_load(alice, bob, client_for):
    """Without the 47 KB client on her start page or her notifications, Alice's count is right
    each time she opens one: Bob's request to connect shows on the next page she opens."""
    browser = client_for(alice)
    for path in ("/", "/notifications", "/chat"):
        html = browser.get(path).get_data(as_text=True)
        assert "socket.io.min.js" not in html and "js/notifications.js" not in html, path
        assert "data-notifications-count" in html, path
    connections.ask(bob, alice)
    assert "Notifications (1 new)" in page_text(browser.get("/"))
    assert "Bob Morgan" in page_text(browser.get("/notifications"))


def test_reading_the_forums_does_not_load_the_live_client_and_the_count_is_right_on_the_next_page(
        alice, bob, client_for, root):
    from app.models import Audience
    from app.services import forums

    welcome = forums.save_category(root, "Welcome", "Say hello.", 0, Audience.EVERYONE, Audience.MEMBERS)
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden.").thread
    browser = client_for(alice)
    html = browser.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "socket.io.min.js" not in html and "js/notifications.js" not in html
    forums.reply(bob, thread, "Hello Mum!")
    assert "Notifications (1 new)" in page_text(browser.get("/forums"))


def _dm_notes(member):
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id, Notification.kind == "direct_message")))


def test_messages_while_alice_is_away_make_one_notification_per_conversation(alice, bob, socket_for):
    room = chat.start_direct(alice, bob)
    chat.post_message(bob, room, "Hello Mum, are you free on Sunday?")
    chat.post_message(bob, room, "I could bring lunch.")
    [note] = _dm_notes(alice)
    assert note.message == "Bob Morgan sent you 2 private messages."
    assert note.link.startswith(f"/chat/{room.id}")
    assert _dm_notes(bob) == []


def test_no_notification_while_alice_is_in_the_conversation(alice, bob, socket_for):
    room = chat.start_direct(alice, bob)
    alice_live = socket_for(alice)
    join(alice_live, room)
    assert say(socket_for(bob), room, "Hello Mum")["ok"] is True
    assert _dm_notes(alice) == []


def test_the_notifications_page_loads_in_a_fixed_number_of_queries(alice, bob, client_for):
    browser = client_for(alice)
    for number in range(3):
        notifications.notify(alice, "connection_request", f"Someone {number} would like to connect with you.", "/connections", actor=bob)
    db.session.commit()
    with assert_max_queries(8) as few:
        assert "Someone 2" in page_text(browser.get("/notifications"))
    for number in range(30):
        notifications.notify(alice, "connection_request", f"Another {number} would like to connect with you.", "/connections", actor=bob)
    db.session.commit()
    with assert_max_queries(few.count):
        assert "Another 29" in page_text(browser.get("/notifications"))


def test_opening_the_conversation_reads_its_notification(alice, bob, client_for):
    room = chat.start_direct(alice, bob)
    message = chat.post_message(bob, room, "Hello Mum, are you free on Sunday?")
    assert notifications.unread_count(alice) == 1
    chat.mark_read(alice, room, message.id)
    assert notifications.unread_count(alice) == 0
