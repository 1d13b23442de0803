"""Back then "Post reply": the browser sends the form again with a new submission key, and the same
words by the same member in the same place within minutes are one post, not two."""
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Post
from app.models.types import utcnow
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text


def _bodies(thread):
    return list(db.session.scalars(sa.select(Post.body).where(Post.thread_id == thread.id).order_by(Post.number)))


def test_bob_goes_back_and_posts_his_reply_again_and_it_is_there_once(client_for, bob, alices_thread):
    client = client_for(bob)
    first = client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Welcome, Mum!", "submission_key": "form-1"})
    # Back, then "Post reply": the reloaded form carries a new key, and the text has an extra space.
    second = client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Welcome, Mum! ", "submission_key": "form-2"})
    assert second.location == first.location
    assert _bodies(alices_thread).count("Welcome, Mum!") == 1
    assert "You had already posted this reply, so it is here once." in page_text(client.get(second.location))


def test_the_same_words_later_or_elsewhere_are_a_new_post(client_for, bob, alices_thread, welcome):
    client = client_for(bob)
    client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Thank you", "submission_key": "a"})
    with time_machine.travel(utcnow() + timedelta(minutes=11), tick=False):
        later = client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Thank you", "submission_key": "b"})
        assert "Your reply is posted." in page_text(client.get(later.location))
    assert _bodies(alices_thread).count("Thank you") == 2
    elsewhere = client.post("/forums/welcome-and-introductions/new", data={"title": "Hello", "body": "Thank you"})
    assert _bodies(alices_thread).count("Thank you") == 2  # a new thread with the same words is its own thing
    assert "Your thread is posted." in page_text(client.get(elsewhere.location))


def test_alice_starts_the_same_thread_twice_and_it_is_there_once(client_for, alice, welcome):
    client = client_for(alice)
    data = {"title": "Our garden", "body": "The roses are out.", "submission_key": "k1"}
    first = client.post("/forums/welcome-and-introductions/new", data=data)
    second = client.post("/forums/welcome-and-introductions/new", data=data | {"submission_key": "k2"})
    assert second.location == first.location
    assert "You had already posted this thread, so it is here once." in page_text(client.get(second.location))
    assert page_text(client.get("/forums/welcome-and-introductions")).count("Our garden") == 1
