"""Visitors' pages come from a cache, yet a change shows at once, display settings still apply,
and nothing that belongs to one person is ever kept for the next (app/page_cache.py)."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string

from app import page_cache
from app.extensions import db
from app.models import Bookmark, Notification, Post, PostStatus, Sanction, SanctionKind, ThreadFollow, ThreadRead
from app.models.types import utcnow
from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from app.services.moderation.sanctions import _recompute_restricted
from app.services.notifications import mark_all_read, notify
from tests.helpers import count_queries, page_text
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


def _kept(client, path):
    """The page as a kept copy: served without asking the database anything."""
    with count_queries() as queries:
        response = client.get(path)
    assert response.headers.get("X-Page-Cache") == "hit" and queries.count == 0, path
    return response


def test_a_reply_in_one_thread_leaves_the_other_threads_pages_kept(kept_in, app, client, client_for, alice, bob, hope, welcome, alices_thread):
    """On a busy forum a reply every few seconds must not make every thread page again: Hope's reply
    to the café thread shows at once there and in the category's list, while Alice's welcome thread,
    which it does not touch, stays kept, for visitors and for Bob alike."""
    cafe = forums.start_thread(alice, welcome, "Tuesday memory café", "Who is coming on Tuesday?").thread
    welcome_path, cafe_path, category = f"/threads/{alices_thread.id}", f"/threads/{cafe.id}", "/forums/welcome-and-introductions"
    bobs = client_for(bob)
    for path in (welcome_path, cafe_path, category):
        _kept_for(client, path)  # (with Redis, a page's first view may only start its versions)
    _kept_for(bobs, welcome_path)

    forums.reply(hope, cafe, "I am coming, and bringing scones.")

    assert "bringing scones" in page_text(client.get(cafe_path))
    assert "1 reply" in _line_of(page_text(client.get(category)), "Tuesday memory café")
    assert "bringing scones" not in page_text(_kept(client, welcome_path))
    _kept(bobs, welcome_path)
    if kept_in == "redis":  # the pages and the versions really were in Redis
        assert page_cache.cache.cache._write_client.keys(app.config["PAGE_CACHE_PREFIX"] + "version:forums:thread:*")


def test_bob_reads_a_new_thread_and_his_kept_page_of_another_stays_kept(kept_in, app, client_for, alice, bob, welcome, alices_thread):
    """Reading a thread moves Bob's read marker for it: that thread's page and the category's list
    (New, 3 new replies) change for him at once, and his kept page of Alice's welcome thread, which
    the marker does not touch, stays kept (before, every read left all his kept pages behind)."""
    cafe = forums.start_thread(alice, welcome, "Tuesday memory café", "Who is coming on Tuesday?").thread
    welcome_path, cafe_path, category = f"/threads/{alices_thread.id}", f"/threads/{cafe.id}", "/forums/welcome-and-introductions"
    bobs = client_for(bob)
    _kept_for(bobs, welcome_path)
    assert "New since your last visit" in _line_of(page_text(_kept_for(bobs, category)), "Tuesday memory café")

    first_view = page_text(bobs.get(cafe_path))  # his first visit: a read marker for the café thread
    assert "Who is coming on Tuesday?" in first_view
    assert "New since your last visit" not in _line_of(page_text(bobs.get(category)), "Tuesday memory café")
    _kept(bobs, welcome_path)

    forums.follow(bob, cafe)  # his follow of the café thread: the same
    assert "You are following this thread." in page_text(bobs.get(cafe_path))
    assert "Following" in _line_of(page_text(bobs.get(category)), "Tuesday memory café")
    forums.save_draft(bob, "I can bring the photographs", thread=cafe)
    assert "I can bring the photographs" in page_text(bobs.get(cafe_path))
    kept_welcome = _kept(bobs, welcome_path)
    assert "You are following this thread." not in page_text(kept_welcome) and "I can bring" not in page_text(kept_welcome)
    if kept_in == "redis":  # held for a day, not for ever: there is one per member and thread read
        ttl = page_cache.cache.cache._write_client.ttl(
            app.config["PAGE_CACHE_PREFIX"] + "version:" + page_cache._member_thread_version_name(bob.id, cafe.id))
        assert 0 < ttl <= page_cache.MEMBER_THREAD_VERSION_SECONDS


def test_a_change_to_bobs_read_markers_that_names_no_thread_leaves_all_his_kept_pages_behind(client_for, alice, bob, alices_thread):
    path, category = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    bobs = client_for(bob)
    _kept_for(bobs, path)
    assert "New since your last visit" not in _line_of(page_text(_kept_for(bobs, category)), "Hello from Alice")
    db.session.execute(sa.delete(ThreadRead).where(ThreadRead.user_id == bob.id))  # "mark everything unread"
    db.session.commit()
    assert "New since your last visit" in _line_of(page_text(bobs.get(category)), "Hello from Alice")
    assert bobs.get(path).headers.get("X-Page-Cache") != "hit"


def test_a_post_hidden_without_being_read_first_still_leaves_its_thread_page_behind(client, alice, alices_thread):
    # After a commit every column of a post is expired; a volunteer's tool that sets its status
    # without reading it first leaves no thread id to go by, so the whole section's version moves.
    path = f"/threads/{alices_thread.id}"
    _twice(client, path)
    post = _first_post(alices_thread)
    db.session.commit()
    post.status = PostStatus.HIDDEN
    db.session.commit()
    assert "my cat, Biscuit" not in page_text(client.get(path))


@pytest.mark.parametrize("kept_in", ["redis"], indirect=True)
def test_a_thread_version_redis_let_go_is_started_again_and_nothing_old_is_served(kept_in, app, client, alices_thread):
    """Redis may let a rarely read thread's version go under memory pressure: the next view makes
    the page and keeps nothing, rather than serving a page kept before the version first moved."""
    path = f"/threads/{alices_thread.id}"
    redis = page_cache.cache.cache._write_client
    version_key = app.config["PAGE_CACHE_PREFIX"] + "version:" + page_cache._thread_version_name(alices_thread.id)
    first = client.get(path)  # the thread's version was never set: started now, nothing kept
    assert first.headers.get("X-Page-Cache") is None and redis.exists(version_key)
    _twice(client, path)
    redis.delete(version_key)  # let go
    assert client.get(path).headers.get("X-Page-Cache") is None and redis.exists(version_key)
    _twice(client, path)


def test_make_run_lets_old_versions_go_and_still_serves_nothing_stale(app, client, alice, alices_thread):
    """Without Redis (`make run`), the versions live in the process: one per thread page, so past a
    limit the older half is let go. Alice's welcome thread is kept with its version let go among a
    crowd of others, then replied to, then let go again: its page must show the reply, never the
    page kept before it."""
    versions = app.extensions["page_cache_versions"]
    path, name = f"/threads/{alices_thread.id}", page_cache._thread_version_name(alices_thread.id)
    crowd = iter(range(10_000, 20_000))

    def crowd_it_out():
        for _ in range(10):  # other threads' versions push the welcome thread's out
            page_cache.bump(page_cache._thread_version_name(next(crowd)))
        assert name not in versions._held and len(versions) <= versions.limit

    kept_limit, versions.limit = versions.limit, 4
    try:
        crowd_it_out()
        assert "Our walk is on Thursday" not in page_text(_twice(client, path))  # kept, version let go
        forums.reply(alice, alices_thread, "Our walk is on Thursday this week.")
        crowd_it_out()
        assert "Our walk is on Thursday" in page_text(_twice(client, path))
    finally:
        versions.limit = kept_limit


def test_a_reply_bumped_while_another_thread_lets_old_versions_go_is_never_undone(monkeypatch):
    """`make run` serves with threads. Bob's reply moves the welcome thread's version in one thread
    just as another request, in another, is letting the older half of the versions go (it has
    sorted them, the thread's old number among the newest). The reply's bump waits for it, and the
    thread never goes back to the number its stale page was kept under."""
    import threading

    versions = page_cache.LocalVersions(limit=4)
    for number, name in enumerate(("a", "b", "forums", "forums:thread:7"), start=1):
        versions.set(name, number)  # the thread's is the newest
    kept_under = versions.get("forums:thread:7")  # a visitor's page of the thread is kept under it
    real_sorted, bobs_reply = sorted, []

    def sorted_while_bob_replies(*args, **kwargs):
        result = real_sorted(*args, **kwargs)
        if not bobs_reply:  # the other thread gets its turn between the sort and the swap
            bobs_reply.append(threading.Thread(target=versions.set, args=("forums:thread:7", 10**30)))
            bobs_reply[0].start()
            bobs_reply[0].join(timeout=0.2)
        return result

    monkeypatch.setattr(page_cache, "sorted", sorted_while_bob_replies, raising=False)
    versions.set("c", 5)  # past the limit: the older half is let go
    bobs_reply[0].join(timeout=5)
    assert versions.get("forums:thread:7") == 10**30 != kept_under


def test_a_reaction_shows_at_once_on_its_thread_and_leaves_the_lists_kept(client, bob, alices_thread):
    path, category = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    assert "said thank you" not in page_text(_twice(client, path))
    _twice(client, category)
    forums.react(bob, _first_post(alices_thread), "thank_you")
    assert "1 person said thank you" in page_text(client.get(path))
    _kept(client, category)  # a category page shows no reaction counts


def test_pinning_a_thread_and_renaming_its_category_show_on_its_page_at_once(client, root, maya, welcome, alices_thread):
    path, category = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    _twice(client, path)
    _twice(client, category)
    forums.set_pinned(maya, alices_thread, True)
    assert "Pinned" in _line_of(page_text(client.get(category)), "Hello from Alice")
    assert client.get(path).headers.get("X-Page-Cache") == "miss"
    _kept(client, path)
    forums.save_category(root, "Say hello", welcome.description, welcome.position, welcome.read_audience,
                         welcome.post_audience, category=welcome)
    assert "Say hello" in page_text(client.get(path))  # the breadcrumb of every thread in it


def _line_of(text, title):
    return text[text.index(title):][:300]


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


# ---- Members' own kept pages ------------------------------------------------------------------


def _without_form_keys(page) -> bytes:
    """The page but for its reply form's submission key, which each view gets anew."""
    return re.sub(rb'name="submission_key" type="hidden" value="[^"]+"', b"", page.get_data())


def _kept_for(browser, path):
    """A member opens a page until it is kept for them (the first view of a thread moves their
    read marker, so it is the second view that is kept; with Redis, a first view may only start
    the page's versions) and returns the kept page."""
    seen = [browser.get(path)]
    while seen[-1].headers.get("X-Page-Cache") != "hit" and len(seen) < 4:
        seen.append(browser.get(path))
    assert seen[-1].headers.get("X-Page-Cache") == "hit", path
    if len(seen) > 1:
        assert _without_form_keys(seen[-1]) == _without_form_keys(seen[-2])
    return seen[-1]


def test_bob_comes_back_to_a_thread_and_it_is_kept_for_his_browser_alone(app, client, client_for, alice, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    library = client_for(bob)
    seen = [library.get(path) for _ in range(3)]
    # The first view moves his read marker ("new since your last visit" is for that view only),
    # so the second is kept and the third comes from the cache.
    assert [page.headers.get("X-Page-Cache") for page in seen] == [None, "miss", "hit"]
    kept = seen[-1]
    assert _without_form_keys(kept) == _without_form_keys(seen[1])
    assert "Signed in as Bob Morgan" in page_text(kept)
    assert kept.headers["Cache-Control"] == "private, no-store"  # never in a shared cache on the way
    with count_queries() as counter:
        again = library.get(path)
    assert again.headers["X-Page-Cache"] == "hit" and counter.count == 0  # no database at all

    # Bob on his phone: another session, so another sign-out token; never the library's page.
    phone = client_for(bob)
    phones_page = phone.get(path)
    assert phones_page.headers.get("X-Page-Cache") != "hit"
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    assert token.search(phones_page.get_data(as_text=True)).group(1) != token.search(kept.get_data(as_text=True)).group(1)
    # Alice and a visitor each get their own page.
    assert "Signed in as Alice Morgan" in page_text(client_for(alice).get(path))
    visitors = page_text(client.get(path))
    assert "Signed in as" not in visitors and "Bob Morgan" not in visitors


def test_a_reply_and_a_hidden_post_show_at_once_on_bobs_kept_pages(client_for, bob, alice, maya, alices_thread):
    library = client_for(bob)
    thread_path, category_path = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    _kept_for(library, thread_path)
    _kept_for(library, category_path)

    reply = forums.reply(alice, alices_thread, "The memory café moved to Tuesday.").post
    assert "1 new reply" in page_text(library.get(category_path))
    assert "The memory café moved to Tuesday." in page_text(library.get(thread_path))
    assert "1 new reply" not in page_text(library.get(category_path))  # he has read it now

    _kept_for(library, thread_path)
    forums.set_post_status(reply, PostStatus.HIDDEN, "Posted in the wrong thread", actor=maya)
    db.session.commit()
    assert "moved to Tuesday" not in page_text(library.get(thread_path))


def test_what_bob_does_and_what_is_done_to_him_shows_at_once(client_for, bob, alice, alices_thread):
    library = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    assert "Follow this thread" in page_text(_kept_for(library, path))
    forums.follow(bob, alices_thread)  # his own follow, from his phone say
    db.session.commit()
    assert "Stop following this thread" in page_text(library.get(path))

    _kept_for(library, path)
    notify(bob, "forum_reply", "Alice Morgan replied to your post.", link=path, actor=alice)
    db.session.commit()
    assert "(1 new)" in page_text(library.get(path))  # someone else's action, a row naming Bob

    _kept_for(library, path)
    mark_all_read(bob)  # one bulk statement, tied to Bob by its WHERE
    assert "(1 new)" not in page_text(library.get(path))


def test_a_notification_for_bob_leaves_his_kept_pages_kept_with_the_count_right(kept_in, app, client_for, alice, bob, alices_thread):
    """The header's unread count is the one thing from notifications his forum pages show: it is
    filled in each time, so a new notification (someone replied to a thread he follows) no longer
    makes his kept pages again; the first view after it asks the database for the count alone."""
    path, category = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    bobs = client_for(bob)
    _kept_for(bobs, path)
    _kept_for(bobs, category)
    notify(bob, "forum_reply", "Alice Morgan replied to your post.", link=path, actor=alice)
    db.session.commit()
    with count_queries() as queries:
        first = bobs.get(path)
    assert first.headers.get("X-Page-Cache") == "hit" and queries.count == 1  # the count alone
    assert "Notifications (1 new)" in page_text(first)
    assert "Notifications (1 new)" in page_text(_kept(bobs, path))  # then kept: no statement at all
    assert "Notifications (1 new)" in page_text(bobs.get(category))
    # Just as a page made afresh says it.
    app.config["PAGE_CACHE_MEMBERS"] = False
    try:
        assert _without_form_keys(bobs.get(path)) == _without_form_keys(first)
    finally:
        app.config["PAGE_CACHE_MEMBERS"] = True
    mark_all_read(bob)
    db.session.commit()
    assert "new)" not in page_text(bobs.get(path)) and "new)" not in page_text(bobs.get(category))
    notify(bob, "forum_reply", "Hope replied.", link=path, actor=alice)
    notify(bob, "forum_reply", "Maya replied.", link=path, actor=alice)
    db.session.commit()
    assert "Notifications (2 new)" in page_text(bobs.get(path))


def test_gwens_kept_page_says_her_count_in_welsh(app, client_for, alice, bob, alices_thread):
    bob.language = "cy"
    db.session.commit()
    path = f"/threads/{alices_thread.id}"
    bobs = client_for(bob)
    _kept_for(bobs, path)
    notify(bob, "forum_reply", "Alice Morgan replied to your post.", link=path, actor=alice)
    db.session.commit()
    kept = bobs.get(path)
    assert kept.headers.get("X-Page-Cache") == "hit"
    app.config["PAGE_CACHE_MEMBERS"] = False
    try:
        made = bobs.get(path)
    finally:
        app.config["PAGE_CACHE_MEMBERS"] = True
    assert _without_form_keys(kept) == _without_form_keys(made) and "(1 newydd)" in page_text(made)


def test_a_bulk_change_moves_only_the_members_it_names(client_for, alice, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    alices, bobs = client_for(alice), client_for(bob)
    _kept_for(alices, path)
    _kept_for(bobs, path)
    db.session.execute(sa.delete(Bookmark).where(Bookmark.user_id == bob.id))  # his saved posts
    db.session.commit()
    assert alices.get(path).headers["X-Page-Cache"] == "hit"
    assert bobs.get(path).headers.get("X-Page-Cache") != "hit"
    # A statement that does not say whose rows it changes leaves every member's page behind.
    _kept_for(bobs, path)
    db.session.execute(sa.delete(Bookmark).where(Bookmark.created_at < utcnow()))
    db.session.commit()
    assert alices.get(path).headers.get("X-Page-Cache") != "hit"
    assert bobs.get(path).headers.get("X-Page-Cache") != "hit"


def test_a_kept_page_ends_with_the_session_it_was_kept_for(app, client_for, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    library, home = client_for(bob), client_for(bob)
    _kept_for(library, path)
    copied = app.test_client()
    copied.set_cookie("kindred_session", library.get_cookie("kindred_session").value, domain="localhost")
    assert copied.get(path).headers["X-Page-Cache"] == "hit"  # the very same cookie: the same browser

    home.post("/settings/sign-out-everywhere-else", data={})  # ends the library's session on the server
    for browser in (library, copied):
        page = browser.get(path)
        assert page.headers.get("X-Page-Cache") != "hit"
        assert "Signed in as Bob Morgan" not in page_text(page)

    _kept_for(home, path)
    home_cookie = home.get_cookie("kindred_session").value
    home.post("/sign-out", data={})
    replayed = app.test_client()
    replayed.set_cookie("kindred_session", home_cookie, domain="localhost")
    assert "Signed in as Bob Morgan" not in page_text(replayed.get(path))


def test_a_suspension_reaches_a_kept_page_at_once(client_for, bob, maya, alices_thread):
    path = f"/threads/{alices_thread.id}"
    library = client_for(bob)
    _kept_for(library, path)
    db.session.add(Sanction(member_id=bob.id, kind=SanctionKind.SUSPEND, reason="Asking members for money.",
                            until=utcnow() + timedelta(days=3), by_id=maya.id))
    _recompute_restricted(bob)
    db.session.commit()
    page = library.get(path)
    assert page.status_code == 302 and page.headers["Location"].endswith("/suspended")


def test_moderators_pages_are_never_kept(client_for, maya, alices_thread):
    # A moderator's pages count the work waiting, which other people's reports change.
    moderator = client_for(maya)
    pages = [moderator.get(f"/threads/{alices_thread.id}") for _ in range(3)]
    assert all(page.headers.get("X-Page-Cache") is None for page in pages)
    assert "Signed in as Maya Patel" in page_text(pages[-1])


def test_bobs_own_display_settings_and_language_change_his_kept_page(client_for, bob, alices_thread):
    library = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    assert 'class="text-standard colours-standard"' in _kept_for(library, path).get_data(as_text=True)
    bob.text_size, bob.colour_scheme = "largest", "high-contrast"
    db.session.commit()
    assert 'class="text-largest colours-high-contrast"' in library.get(path).get_data(as_text=True)
    bob.language = "cy"
    db.session.commit()
    assert "Wedi mewngofnodi fel Bob Morgan" in page_text(library.get(path))


def test_two_tabs_showing_bobs_kept_thread_page_each_post_their_own_reply(client_for, bob, alices_thread):
    # Each view of the reply form has its own submission key, kept page or not: pressing "Post"
    # twice is one post, but two different replies from two tabs are two.
    library = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    key = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
    first_tab, second_tab = _kept_for(library, path), library.get(path)
    assert second_tab.headers["X-Page-Cache"] == "hit"
    keys = [key.search(tab.get_data(as_text=True)).group(1) for tab in (first_tab, second_tab)]
    assert keys[0] != keys[1]
    for tab_key, words in zip(keys, ("See you at the café on Tuesday.", "I will bring the photos too.")):
        library.post(f"{path}/reply", data={"body": words, "submission_key": tab_key})
    library.post(f"{path}/reply", data={"body": "I will bring the photos too.", "submission_key": keys[1]})  # pressed twice
    bodies = db.session.scalars(sa.select(Post.body).where(Post.thread_id == alices_thread.id).order_by(Post.number)).all()
    assert bodies[1:] == ["See you at the café on Tuesday.", "I will bring the photos too."]


def test_versions_move_when_the_whole_change_is_stored_not_when_a_savepoint_ends(app, bob, alices_thread):
    # A held reply opens a moderation case inside a SAVEPOINT before the reply itself is committed:
    # a page made in between must not be kept under the new version with the old rows.
    versions = lambda: page_cache._versions(page_cache._thread_version_name(alices_thread.id),  # noqa: E731
                                            page_cache._member_thread_version_name(bob.id, alices_thread.id))
    before = versions()
    with db.session.begin_nested():
        db.session.add(Post(thread_id=alices_thread.id, author_id=bob.id, number=2, body="Hello", body_html="<p>Hello</p>"))
        db.session.add(ThreadFollow(thread_id=alices_thread.id, user_id=bob.id))  # his own: moves his version for the thread
    assert versions() == before
    db.session.commit()
    after = versions()
    assert after[0] != before[0] and after[1] != before[1]


def test_a_statement_whose_members_are_known_only_when_it_runs_leaves_every_members_page_behind(client_for, alice, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    alices = client_for(alice)
    _kept_for(alices, path)
    db.session.execute(sa.delete(Bookmark).where(Bookmark.user_id == sa.bindparam("member")), {"member": bob.id})
    db.session.commit()
    assert alices.get(path).headers.get("X-Page-Cache") != "hit"
    # The same on notifications: every member's count is asked for again (their pages stay kept).
    _kept_for(alices, path)
    db.session.execute(sa.delete(Notification).where(Notification.user_id == sa.bindparam("member")), {"member": bob.id})
    db.session.commit()
    with count_queries() as queries:
        assert alices.get(path).headers.get("X-Page-Cache") == "hit"
    assert queries.count == 1


def test_bobs_draft_saved_as_he_types_leaves_his_kept_lists_kept(client_for, alice, bob, alices_thread):
    """drafts.js saves what Bob types every few seconds: his kept thread page shows the draft at
    once, and the category page, which shows no drafts, stays kept."""
    path, category = f"/threads/{alices_thread.id}", "/forums/welcome-and-introductions"
    bobs = client_for(bob)
    _kept_for(bobs, path)
    _kept_for(bobs, category)
    forums.save_draft(bob, "Biscuit sounds lovely", thread=alices_thread)
    assert "Biscuit sounds lovely" in page_text(bobs.get(path))
    _kept(bobs, category)


def test_a_draft_moved_to_another_thread_while_not_loaded_leaves_both_threads_pages_behind(client_for, alice, bob, welcome, alices_thread):
    cafe = forums.start_thread(alice, welcome, "Tuesday memory café", "Who is coming on Tuesday?").thread
    path = f"/threads/{alices_thread.id}"
    bobs = client_for(bob)
    draft = forums.save_draft(bob, "Biscuit sounds lovely", thread=alices_thread)
    assert "Biscuit sounds lovely" in page_text(_kept_for(bobs, path))
    db.session.commit()  # its columns expire: which thread it was on is not loaded
    draft.thread_id = cafe.id
    db.session.commit()
    assert "Biscuit sounds lovely" not in page_text(bobs.get(path))


def test_a_notification_given_to_alice_instead_of_hope_leaves_hopes_kept_count_at_once(client_for, alice, bob, hope, alices_thread):
    """Hope was told by mistake that Bob replied; a volunteer's tool gives the notification to the
    right person without reading it first (its columns expired after the commit). Hope's kept
    thread page must stop saying '(1 new)' at once: the row left her, not only reached Alice."""
    path = f"/threads/{alices_thread.id}"
    hopes = client_for(hope)
    notification = notify(hope, "forum_reply", "Bob Morgan replied to your post.", link=path, actor=bob)
    db.session.commit()
    assert "Notifications (1 new)" in page_text(_kept_for(hopes, path))
    notification.user_id = alice.id  # every column expired at the commit: the old owner is not loaded
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.user_id == hope.id)) == 0
    assert "new)" not in page_text(hopes.get(path))


def test_bobs_follow_handed_to_hope_without_being_read_leaves_bobs_kept_page_at_once(client_for, bob, hope, alices_thread):
    """The same for a member's own row about a thread: Bob's follow, handed to Hope by a tool that
    does not read the row first, must leave Bob's kept thread page saying he follows it no more."""
    path = f"/threads/{alices_thread.id}"
    bobs = client_for(bob)
    forums.follow(bob, alices_thread)
    follow = db.session.scalar(sa.select(ThreadFollow).where(ThreadFollow.user_id == bob.id))
    assert "You are following this thread." in page_text(_kept_for(bobs, path))
    db.session.commit()  # its columns expire
    follow.user_id = hope.id
    db.session.commit()
    assert "You are following this thread." not in page_text(bobs.get(path))


# ---- Changes made by hand ---------------------------------------------------------------------


def test_a_scam_post_hidden_by_hand_goes_from_every_kept_page_when_root_forgets_them(kept_in, app, client, client_for, bob, hope, alices_thread):
    """Late at night Root hides a scam reply straight in the database (psql, which the session's
    events never see): kept pages would show it until they expire. `flask forget-kept-pages` takes
    it off every one at once, visitors' and Hope's alike."""
    scam = forums.reply(bob, alices_thread, "Call me on this number for a loan.").post
    path = f"/threads/{alices_thread.id}"
    hopes_browser = client_for(hope)
    for _ in range(3):  # until both are kept (in Redis, the first view starts the thread's version)
        client.get(path), hopes_browser.get(path)
    assert "for a loan" in page_text(_kept(client, path)) and "for a loan" in page_text(_kept(hopes_browser, path))

    db.session.connection().execute(sa.update(Post).where(Post.id == scam.id).values(status=PostStatus.HIDDEN))
    db.session.commit()
    assert "for a loan" in page_text(client.get(path))  # not seen: what the command is for

    done = app.test_cli_runner().invoke(args=["forget-kept-pages"])
    if kept_in == "in-process":
        # Without Redis (make run) the versions are the server's own: the command touches the file
        # the server looks at (here the same process, as the file is the only thing they share).
        assert done.exit_code == 0 and "at its next request" in done.output
    else:
        assert done.exit_code == 0 and "Every kept page" in done.output
    assert "for a loan" not in page_text(client.get(path))
    assert "for a loan" not in page_text(hopes_browser.get(path))
    assert "Signed in as Hope" in page_text(hopes_browser.get(path))


@pytest.mark.parametrize("kept_in", ["redis"], indirect=True)  # without Redis the command reaches no cache at all
def test_forgetting_kept_pages_with_redis_down_says_nothing_was_forgotten(kept_in, app, monkeypatch):
    from redis.exceptions import ConnectionError as RedisDown

    def down(*_args, **_kwargs):
        raise RedisDown("Redis is restarting")

    monkeypatch.setattr(page_cache.cache, "set_many", down)
    done = app.test_cli_runner().invoke(args=["forget-kept-pages"])
    assert done.exit_code != 0 and "Redis did not answer, so nothing was forgotten" in done.output


def test_make_runs_server_lets_its_versions_go_once_the_command_touches_its_file(tmp_path):
    """Without Redis the versions are the server's own memory; `flask forget-kept-pages` runs in
    a process of its own and can only touch a file. The server's next look lets every version go,
    to a number later than any it held, so nothing kept under them is served again."""
    marker = tmp_path / "kept-pages-forgotten"
    server = page_cache.LocalVersions(100, str(marker))
    server.set("forums", 5)
    server.catch_up()
    assert server.get("forums") == 5  # nothing touched yet
    marker.touch()  # what the command does, from its own process
    server.catch_up()
    assert server.get("forums") > 5 and len(server) == 0
    server.set("forums", server.get("forums") + 1)
    later = server.get("forums")
    server.catch_up()
    assert server.get("forums") == later  # looked at once: the same touch is not taken twice


@pytest.mark.parametrize("kept_in", ["in-process"], indirect=True)
def test_alice_erased_by_the_nightly_command_leaves_a_server_without_redis_at_once(kept_in, app, client, alice, alices_thread, monkeypatch):
    """`flask purge-deleted` runs from cron in a process of its own: without Redis the versions its
    erasure moves are that process's, and the server's kept thread page would go on naming Alice
    until it expired. The command tells the server (app/cli.py), whose next view names nobody."""
    from datetime import datetime, timezone

    import time_machine

    from app.services import my_data

    path = f"/threads/{alices_thread.id}"
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc), tick=False) as traveller:
        my_data.request_deletion(alice, "keep")
        traveller.shift(timedelta(days=14, hours=1))
        for _ in range(3):
            client.get(path)
        assert "Alice Morgan" in page_text(_kept(client, path))
        servers = app.extensions["page_cache_versions"]
        # The command's own process: versions of its own, and only the file shared with the server.
        monkeypatch.setitem(app.extensions, "page_cache_versions", page_cache.LocalVersions(100, page_cache.forgotten_marker(app)))
        assert "Erased 1 account" in app.test_cli_runner().invoke(args=["purge-deleted"]).output
        monkeypatch.setitem(app.extensions, "page_cache_versions", servers)
        db.session.expire_all()
        text = page_text(client.get(path))
    assert "Alice Morgan" not in text and "former member" in text.lower()


def test_two_forgets_within_one_tick_of_a_coarse_clock_are_both_seen(tmp_path):
    """Where the file system keeps whole seconds, two touches in one second have one time: each
    touch puts a new file in the marker's place, so the server sees the second too."""
    import os

    marker = str(tmp_path / "kept-pages-forgotten")
    server = page_cache.LocalVersions(100, marker)
    one_second = 1_800_000_000 * 10**9
    page_cache._touch(marker)
    os.utime(marker, ns=(one_second, one_second))
    server.catch_up()
    server.set("forums", server.get("forums") + 1)
    held = server.get("forums")
    page_cache._touch(marker)  # an administrator forgets again, within the same second
    os.utime(marker, ns=(one_second, one_second))
    server.catch_up()
    assert server.get("forums") > held and len(server) == 0
