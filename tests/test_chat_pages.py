"""The chat pages without JavaScript: rooms, history with "Show earlier messages", sending with a
normal form, deleting with undo, held links, and the moderators' pages."""
import re

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Message, MessageStatus
from app.models.types import utcnow
from app.services import chat
from tests.chat_support import cuppa, rooms  # noqa: F401
from tests.helpers import page_text


def test_a_visitor_is_asked_to_sign_in(client, cuppa):
    page = client.get(f"/chat/{cuppa.id}")
    assert page.status_code == 302 and "/sign-in" in page.location


def test_alice_sees_the_three_open_rooms(client_for, alice, rooms):
    text = page_text(client_for(alice).get("/chat"))
    for name in ("Morning cuppa", "Carers' corner", "What's on the telly"):
        assert name in text
    assert "You have no private conversations yet" in text


def test_alices_conversations_show_each_name_and_read_no_one_elses_secrets(client_for, alice, bob, rooms):
    """The chat list names the person each private conversation is with; of them, only the name is
    read (not Bob's email address or password hash)."""
    from tests.helpers import count_queries

    chat.start_direct(alice, bob)
    db.session.expunge(bob)  # as on a server, Bob is not already loaded in Alice's request
    with count_queries() as counter:
        text = page_text(client_for(alice).get("/chat"))
    assert "Conversation with Bob Morgan" in text
    partners = [statement for statement in counter.statements if statement.startswith("SELECT users.") and "WHERE users.id IN" in statement]
    assert partners and all("password_hash" not in statement and "email" not in statement for statement in partners), partners


def test_the_room_page_explains_how_to_write_and_has_a_live_log(client_for, alice, cuppa):
    html = client_for(alice).get(f"/chat/{cuppa.id}").get_data(as_text=True)
    assert re.search(r'<div[^>]*role="log"[^>]*aria-live="polite"', html)
    assert "To send, press Enter or the Send message button. To start a new line, hold Shift and press Enter." in html
    assert ">Send message</button>" in html
    assert "/static/vendor/socket.io.min.js" in html and "/static/js/chat.js" in html
    assert "<script>" not in html  # no inline script: the CSP allows only our own files
    assert html.count("<h1") == 1


def test_alice_posts_with_the_form_and_sees_her_message_with_the_time_in_words(client_for, alice, cuppa):
    alice_browser = client_for(alice)
    with time_machine.travel("2026-03-03 10:42:00+00:00", tick=False):
        page = alice_browser.post(f"/chat/{cuppa.id}/send", data={"body": "Good morning!\nThe sun is out.", "client_id": "form-1"}, follow_redirects=True)
    text = page_text(page)
    assert "Alice Morgan" in text and "Good morning!" in text
    assert "Tuesday 3 March, 10:42am" in text
    assert '<time datetime="2026-03-03T10:42:00+00:00">' in page.get_data(as_text=True)


def test_pressing_send_twice_stores_the_message_once(client_for, alice, cuppa):
    alice_browser = client_for(alice)
    for _ in range(2):
        alice_browser.post(f"/chat/{cuppa.id}/send", data={"body": "Just once", "client_id": "same-form"})
    assert db.session.scalars(sa.select(Message.body).where(Message.room_id == cuppa.id)).all() == ["Just once"]


def test_an_empty_message_is_explained_and_a_long_one_is_kept_in_the_box(client_for, alice, cuppa):
    alice_browser = client_for(alice)
    page = alice_browser.post(f"/chat/{cuppa.id}/send", data={"body": "  "})
    assert "Error: " in page.get_data(as_text=True).split("</title>")[0]
    assert "Write a message before pressing Send message." in page_text(page)
    long_text = "word " * 500
    page = alice_browser.post(f"/chat/{cuppa.id}/send", data={"body": long_text})
    assert "Please keep it to 2,000 characters" in page_text(page)
    assert long_text.strip() in page.get_data(as_text=True)


def test_show_earlier_messages_pages_backwards_by_key(app, client_for, alice, bob, cuppa):
    app.config["CHAT_RATE_LIMITS_ENABLED"] = False
    for n in range(1, 56):
        chat.post_message(bob, cuppa, f"Note {n}")
    alice_browser = client_for(alice)
    latest = alice_browser.get(f"/chat/{cuppa.id}")
    text = page_text(latest)
    assert "Note 55" in text and "Note 6 " in text + " " and "Note 5 " not in text + " "
    earlier = re.search(r'href="([^"]*before=\d+)"[^>]*>Show earlier messages', latest.get_data(as_text=True)).group(1)
    older = page_text(alice_browser.get(earlier.replace("&amp;", "&")))
    assert "Note 1 " in older and "Note 5 " in older and "Note 6 " not in older
    assert "Back to the newest messages" in older and "Show earlier messages" not in older


def test_alice_deletes_her_message_after_confirming_and_can_undo_for_a_minute(client_for, alice, bob, cuppa):
    message = chat.post_message(alice, cuppa, "Oops, wrong room")
    alice_browser = client_for(alice)
    confirm = alice_browser.get(f"/chat/{cuppa.id}/messages/{message.id}/delete")
    assert "Delete your message?" in page_text(confirm) and "Yes, delete my message" in page_text(confirm)

    page = alice_browser.post(f"/chat/{cuppa.id}/messages/{message.id}/delete", follow_redirects=True)
    assert "Your message is deleted" in page_text(page) and "Undo: bring my message back" in page_text(page)
    assert "Oops, wrong room" not in page_text(client_for(bob).get(f"/chat/{cuppa.id}"))

    page = alice_browser.post(f"/chat/{cuppa.id}/messages/{message.id}/undo", follow_redirects=True)
    assert "Your message is back" in page_text(page) and "Oops, wrong room" in page_text(page)


def test_undo_is_not_offered_after_a_minute(client_for, alice, cuppa):
    message = chat.post_message(alice, cuppa, "Gone for good")
    chat.delete_message(alice, message)
    with time_machine.travel(utcnow() + chat.timedelta(seconds=61)):
        page = client_for(alice).post(f"/chat/{cuppa.id}/messages/{message.id}/undo", follow_redirects=True)
    assert "more than a minute" in page_text(page)
    assert db.session.get(Message, message.id).status == MessageStatus.DELETED


def test_bob_cannot_delete_alices_message(client_for, alice, bob, cuppa):
    message = chat.post_message(alice, cuppa, "Mine")
    assert client_for(bob).post(f"/chat/{cuppa.id}/messages/{message.id}/delete").status_code == 403
    assert db.session.get(Message, message.id).status == MessageStatus.VISIBLE


def test_a_held_link_is_marked_for_its_author_and_waits_for_a_volunteer(client_for, alice, bob, maya, cuppa):
    client_for(alice).post(f"/chat/{cuppa.id}/send", data={"body": "Try https://example.org/sing"})
    assert "A volunteer will check this soon" in page_text(client_for(alice).get(f"/chat/{cuppa.id}"))
    assert "example.org/sing" not in page_text(client_for(bob).get(f"/chat/{cuppa.id}"))
    maya_view = page_text(client_for(maya).get(f"/chat/{cuppa.id}"))
    assert "example.org/sing" in maya_view and "Let everyone see it" in maya_view


def test_maya_sees_the_moderator_tools_and_alice_does_not(client_for, alice, maya, cuppa):
    chat.post_message(alice, cuppa, "Hello")
    assert "Slow mode (volunteers only)" in page_text(client_for(maya).get(f"/chat/{cuppa.id}"))
    alice_view = page_text(client_for(alice).get(f"/chat/{cuppa.id}"))
    assert "Slow mode (volunteers only)" not in alice_view and "Hide" not in alice_view
    assert "Report" not in alice_view  # until moderation adds its report page


def test_a_muted_member_sees_why_instead_of_the_form(client_for, bob, maya, cuppa):
    chat.mute_member(maya, cuppa, bob, 60, "Heated")
    text = page_text(client_for(bob).get(f"/chat/{cuppa.id}"))
    assert "A volunteer has paused your messages in this room until" in text
    assert "Send message" not in text


def test_the_room_loads_in_a_fixed_number_of_queries(app, client_for, alice, bob, maya, cuppa):
    from tests.helpers import assert_max_queries

    app.config["CHAT_RATE_LIMITS_ENABLED"] = False
    for n in range(20):
        chat.post_message([alice, bob, maya][n % 3], cuppa, f"Chat {n}")
    alice_browser = client_for(alice)
    with assert_max_queries(14):
        alice_browser.get(f"/chat/{cuppa.id}")



def test_alice_shown_the_room_again_after_an_empty_message_still_chats_live(client_for, alice, cuppa):
    """Alice presses Send with nothing written: the room comes back with the error, and it is still
    live (the Socket.IO client that chat.js needs), so others' messages keep arriving as she reads."""
    page = client_for(alice).post(f"/chat/{cuppa.id}/send", data={"body": "  "})
    assert page.status_code == 400 and "Write a message before pressing Send message." in page_text(page)
    html = page.get_data(as_text=True)
    assert "/static/js/chat.js" in html and "/static/vendor/socket.io.min.js" in html
