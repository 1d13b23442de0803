"""Visitors' pages come from a cache, yet a change shows at once, display settings still apply,
and nothing that belongs to one person is ever kept for the next (app/page_cache.py)."""
import pytest
import sqlalchemy as sa
from flask import render_template_string

from app import page_cache
from app.extensions import db
from app.models import Post, PostStatus
from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text
from tests.meetups_support import hope_dementia_care, list_meetup


def _twice(client, path):
    """A visitor opens the page twice: the second answer comes from the cache."""
    first = client.get(path)
    second = client.get(path)
    assert first.headers.get("X-Page-Cache") == "miss"
    assert second.headers.get("X-Page-Cache") == "hit"
    assert second.get_data() == first.get_data()
    return second


def test_a_reply_appears_at_once_for_visitors(client, bob, alices_thread):
    thread_path = f"/threads/{alices_thread.id}"
    assert "Thank you for the welcome" not in page_text(_twice(client, thread_path))
    _twice(client, "/forums/welcome-and-introductions")

    forums.reply(bob, alices_thread, "Thank you for the welcome, Alice.")

    thread_page = client.get(thread_path)
    assert thread_page.headers.get("X-Page-Cache") == "miss"
    assert "Thank you for the welcome, Alice." in page_text(thread_page)
    # The category page shows Bob as the last to write, and says there is one reply.
    assert "Bob Morgan" in page_text(client.get("/forums/welcome-and-introductions"))


def test_a_hidden_post_disappears_at_once_and_an_approved_one_appears(client, bob, maya, alices_thread):
    reply = forums.reply(bob, alices_thread, "Call me on this number for a loan.").post
    path = f"/threads/{alices_thread.id}"
    assert "for a loan" in page_text(_twice(client, path))

    forums.set_post_status(reply, PostStatus.HIDDEN, "Looks like a scam", actor=maya)
    db.session.commit()
    assert "for a loan" not in page_text(client.get(path))

    forums.set_post_status(reply, PostStatus.VISIBLE, actor=maya)
    db.session.commit()
    assert "for a loan" in page_text(client.get(path))


def test_an_edit_shows_at_once(client, alice, alices_thread):
    path = f"/threads/{alices_thread.id}"
    _twice(client, path)
    forums.edit_post(alice, _first_post(alices_thread), "I love my garden, my cat Biscuit and my allotment.")
    assert "my allotment" in page_text(client.get(path))


def _first_post(thread):
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def test_a_category_change_shows_on_the_forum_index(client, root, welcome):
    assert "Welcome and introductions" in page_text(_twice(client, "/forums"))
    forums.save_category(root, "Say hello", "Tell us a little about you.", welcome.position, welcome.read_audience,
                         welcome.post_audience, category=welcome)
    index = page_text(client.get("/forums"))
    assert "Say hello" in index and "Tell us a little about you." in index and "Welcome and introductions" not in index


def test_a_meetup_change_shows_on_the_listing_at_once(client, hope, root):
    meetup = list_meetup(hope, hope_dementia_care(hope, root), title="Memory café")
    assert "Memory café" in page_text(_twice(client, "/meetups"))
    assert "Memory café" in page_text(_twice(client, f"/meetups/{meetup.id}"))
    meetup.title = "Singing for the brain"
    db.session.commit()
    assert "Singing for the brain" in page_text(client.get("/meetups"))
    assert "Singing for the brain" in page_text(client.get(f"/meetups/{meetup.id}"))


def test_display_settings_still_change_a_cached_page(app, alices_thread):
    path = f"/threads/{alices_thread.id}"
    plain, large = app.test_client(), app.test_client()
    large.set_cookie("kindred_display", "large.high-contrast")
    assert 'class="text-standard colours-standard"' in _twice(plain, path).get_data(as_text=True)
    assert 'class="text-large colours-high-contrast"' in _twice(large, path).get_data(as_text=True)
    # The page the first visitor caused to be kept still has the standard settings.
    assert 'class="text-standard colours-standard"' in plain.get(path).get_data(as_text=True)


def test_members_never_get_a_visitors_page_and_reading_does_not_empty_the_cache(client, client_for, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    _twice(client, path)
    bobs_page = client_for(bob).get(path)
    assert "X-Page-Cache" not in bobs_page.headers
    assert "Signed in as Bob Morgan" in page_text(bobs_page)
    assert "Reply to this thread" in page_text(bobs_page) and "Sign in to reply" not in page_text(bobs_page)
    # Bob's read marker is his own: the visitors' copy is still good.
    assert client.get(path).headers.get("X-Page-Cache") == "hit"


def test_a_flashed_message_is_shown_once_to_its_visitor_only(app, alices_thread):
    path = f"/threads/{alices_thread.id}"
    other = app.test_client()
    _twice(other, path)
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "You have signed out. Come back soon.")]
    told = visitor.get(path)
    assert "X-Page-Cache" not in told.headers
    assert "You have signed out. Come back soon." in page_text(told)
    assert "You have signed out" not in page_text(visitor.get(path))
    assert "You have signed out" not in page_text(other.get(path))


@pytest.mark.committed  # adds a route to the app
def test_a_page_with_a_form_token_is_not_kept(app, client, alices_thread):
    # Should a cached page ever make a CSRF token, it is not stored: the token belongs to one session.
    @app.route("/forums-test-form")
    def _form_page():
        return render_template_string("<form>{{ csrf_token() }}</form>")

    page_cache.CACHED_ENDPOINTS["_form_page"] = "forums"
    try:
        assert "X-Page-Cache" not in client.get("/forums-test-form").headers
        assert "X-Page-Cache" not in client.get("/forums-test-form").headers
    finally:
        del page_cache.CACHED_ENDPOINTS["_form_page"]
    # Pages with forms for visitors (signing in) are never cached at all.
    assert "X-Page-Cache" not in client.get("/sign-in").headers


def test_a_visitors_thread_page_is_kept_even_with_form_protection_on(app, client, alices_thread):
    # With CSRF protection on (as in production), a visitor's thread page makes no token, so it
    # can be kept; a member's page has the reply form and its token.
    app.config["WTF_CSRF_ENABLED"] = True
    _twice(client, f"/threads/{alices_thread.id}")
