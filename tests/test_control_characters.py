"""A NUL or another control character typed or pasted anywhere never gives a 500 page (issue 11):
PostgreSQL refuses NUL in text. They are removed at input, in one place (app/cleaning.py), and
everything else that was written is kept."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Draft, Message, Post
from app.services import chat, forums
from tests.chat_support import cuppa, rooms  # noqa: F401 - fixtures
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import page_text


def test_a_nul_in_a_forum_search_finds_what_was_meant(client, alice, welcome):  # noqa: F811
    forums.start_thread(alice, welcome, "My garden", "The roses in my garden are out.")
    response = client.get("/search?q=gar%00den")
    assert response.status_code == 200
    assert "My garden" in page_text(response)


def test_a_nul_in_the_member_search_finds_alice(alice, bob, client_for):
    response = client_for(bob).get("/members?q=Ali%00ce%01")
    assert response.status_code == 200 and "Alice Morgan" in page_text(response)


def test_bobs_reply_with_a_nul_is_kept_without_it(alice, bob, client_for, welcome):  # noqa: F811
    thread = forums.start_thread(alice, welcome, "Hello", "Hello everyone.").thread
    response = client_for(bob).post(f"/threads/{thread.id}/reply", data={"body": "Welcome\x00 Alice,\x07 lovely\tto meet you.\nBob"})
    assert response.status_code == 302
    body = db.session.scalar(sa.select(Post.body).where(Post.thread_id == thread.id, Post.number == 2))
    assert body == "Welcome Alice, lovely\tto meet you.\nBob"


def test_a_chat_message_with_a_nul_is_kept_without_it_by_form_and_by_socket(alice, bob, client_for, cuppa):  # noqa: F811
    response = client_for(alice).post(f"/chat/{cuppa.id}/send", data={"body": "Morning\x00 all\x1b"})
    assert response.status_code == 302
    chat.post_message(bob, cuppa, "Hello\x00 Alice")
    assert db.session.scalars(sa.select(Message.body).where(Message.room_id == cuppa.id).order_by(Message.id)).all() == [
        "Morning all", "Hello Alice",
    ]


def test_a_draft_saved_by_autosave_with_a_nul_is_kept_without_it(alice, client_for, welcome):  # noqa: F811
    thread = forums.start_thread(alice, welcome, "Hello", "Hello everyone.").thread
    response = client_for(alice).post("/drafts", json={"thread_id": thread.id, "body": "Half\x00 written"})
    assert response.get_json() == {"saved": True, "message": "Draft saved."}
    assert db.session.scalar(sa.select(Draft.body)) == "Half written"


def test_a_nul_in_a_name_or_an_address_gives_a_plain_page_not_an_error(client, alice, welcome):  # noqa: F811
    registered = client.post("/register", data={"display_name": "Carol\x00 Reed", "email": "carol@example.org",
                                                "password": "kettle biscuit rainbow", "role": "carer"})
    assert registered.status_code == 200 and "Check your email" in page_text(registered)
    category = client.get("/forums/welcome-and-introductions%00")
    assert category.status_code == 200 and "Welcome and introductions" in page_text(category)
    signed = client.post("/sign-in", data={"email": "alice@example.org\x00", "password": "x\x00"})
    assert signed.status_code == 200 and "do not match" in page_text(signed)
