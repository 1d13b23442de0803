"""Every member page in at most 8 SQL statements, whatever is on it (issue 15): a thread page
with reactions, saved posts, a draft, a follow, a block and a mute; a category page with read
markers; the start page; the meet-ups listing; a chat room."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, ReactionKind
from app.services import blocking, chat, forums
from tests.chat_support import cuppa, rooms  # noqa: F401
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import assert_max_queries, count_queries, page_text
from tests.meetups_support import hope_dementia_care, list_meetup

BUDGET = 8


@pytest.fixture
def busy_thread(alice, bob, maya, root, alices_thread):
    """Twenty-odd posts by four people, reacted to and saved; Bob follows, has a draft, blocked
    root and muted Maya."""
    for n in range(24):
        post = forums.reply([alice, maya, root][n % 3], alices_thread, f"Reply {n + 2} about the garden").post
        forums.react(bob, post, ReactionKind.HUG)
        forums.react(alice if n % 3 else maya, post, ReactionKind.THANK_YOU)
        if n % 5 == 0:
            forums.bookmark(bob, post)
    forums.follow(bob, alices_thread)
    forums.save_draft(bob, "Half a thought about roses", thread=alices_thread)
    blocking.block(bob, root)
    blocking.mute(bob, maya)
    return alices_thread


@pytest.mark.both_backends  # the page's statements are unions: their column types matter on PostgreSQL
def test_a_busy_thread_page(client_for, bob, busy_thread):
    browser = client_for(bob)
    thread_id = busy_thread.id
    browser.get(f"/threads/{thread_id}")  # the read marker is created once
    with assert_max_queries(BUDGET):
        page = browser.get(f"/threads/{thread_id}?page=2")
    text = page_text(page)
    assert "Reply 21 about the garden" in text and "1 person sent a hug" in text
    with assert_max_queries(BUDGET):
        page = browser.get(f"/threads/{thread_id}")
    text = page_text(page)
    assert "Half a thought about roses" in page.get_data(as_text=True)
    assert "Stop following this thread" in text
    assert "Show this post from a member you have blocked or muted" in text
    saved = db.session.scalar(sa.select(Post).where(Post.thread_id == thread_id, Post.number == 2))
    with assert_max_queries(BUDGET):
        actions = page_text(browser.get(f"/posts/{saved.id}/actions"))
    assert "Take back your hug" in actions and "Remove from saved posts" in actions


@pytest.mark.both_backends
def test_a_thread_page_bob_has_read_before_asks_the_database_three_things(client_for, alice, bob, busy_thread):
    """Made afresh (a new notification moved his kept pages on), with his read marker staying
    where it is: the thread, everything about him and this page but the posts (read marker,
    follow, draft, saved posts, blocks, mutes, the reaction counts with his own and his unread
    count, in one statement), and the posts with their writers' names. Who he is comes from his
    kept row (app/kept_members.py), which a notification does not move; the writers' names come
    beside the posts, not from members' rows."""
    browser, address = client_for(bob), f"/threads/{busy_thread.id}"
    browser.get(address)  # his read marker moves on, so this one is not kept
    forums.reply(alice, busy_thread, "One more thought about the roses")  # he follows: one new notification
    with count_queries() as counter:
        page = browser.get(address)
    assert counter.count == 3, "\n".join(counter.statements)
    assert "Notifications (1 new)" in page_text(page) and "Signed in as Bob Morgan" in page_text(page)
    assert not any("password_hash" in statement for statement in counter.statements)  # no member's row read whole
    text = page_text(page)
    assert "Alice Morgan" in text and "Maya Patel" in text and "Kindred Admin" in text
    assert "2 people sent a hug" not in text and "1 person sent a hug" in text
    assert "Remove from saved posts" not in text and "Half a thought about roses" in page.get_data(as_text=True)


@pytest.mark.both_backends
def test_a_category_page(client_for, bob, busy_thread):
    browser = client_for(bob)
    with assert_max_queries(BUDGET):
        text = page_text(browser.get("/forums/welcome-and-introductions"))
    assert "Hello from Alice" in text


@pytest.mark.both_backends
def test_a_category_page_asks_the_database_two_things(client_for, alice, bob, busy_thread):
    """The category, and its threads with Bob's read markers, follows and his unread count for the
    header (one statement); who he is comes from his kept row, kept by the page before."""
    browser = client_for(bob)
    browser.get("/forums")
    forums.reply(alice, busy_thread, "One more thought about the roses")  # he follows: one new notification
    with count_queries() as counter:
        page = browser.get("/forums/welcome-and-introductions")
    assert counter.count == 2, "\n".join(counter.statements)
    text = page_text(page)
    assert "Notifications (1 new)" in text and "Hello from Alice" in text


def test_the_start_page(client_for, bob, busy_thread):
    browser = client_for(bob)
    with assert_max_queries(BUDGET):
        text = page_text(browser.get("/"))
    assert "Signed in as Bob Morgan" in text


def test_the_meetups_listing(client_for, bob, hope, root):
    organisation = hope_dementia_care(hope, root)
    for title in ("Memory café", "Singing for the brain", "Walk in the park"):
        list_meetup(hope, organisation, title=title)
    browser = client_for(bob)
    with assert_max_queries(BUDGET):
        text = page_text(browser.get("/meetups"))
    assert "Memory café" in text and "Walk in the park" in text


def test_a_chat_room(app, client_for, alice, bob, maya, cuppa):
    app.config["CHAT_RATE_LIMITS_ENABLED"] = False
    for n in range(20):
        chat.post_message([alice, bob, maya][n % 3], cuppa, f"Chat {n}")
    browser = client_for(alice)
    with assert_max_queries(BUDGET):
        text = page_text(browser.get(f"/chat/{cuppa.id}"))
    assert "Chat 19" in text


def test_a_thread_page_has_no_form_per_post(client_for, bob, busy_thread):
    """Each post links to its own actions page for React and More: no per-post forms or tokens."""
    html = client_for(bob).get(f"/threads/{busy_thread.id}").get_data(as_text=True)
    posts = html.split('<div class="posts"', 1)[1].split('<nav class="pagination"', 1)[0]
    assert posts.count("<article") == 20 and "<form" not in posts and "csrf_token" not in posts
    post_ids = re.findall(r'href="/posts/(\d+)/actions#react"', posts)
    assert len(post_ids) == 20 and len(set(post_ids)) == 20


def test_pressing_one_button_of_the_form_gives_that_reaction(client_for, bob, alices_thread):
    browser = client_for(bob)
    first = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id, Post.number == 1))
    browser.post(f"/posts/{first.id}/react", data={"kind": "me_too"}, follow_redirects=True)
    assert "1 person said me too" in page_text(browser.get(f"/threads/{alices_thread.id}"))
    text = page_text(browser.get(f"/posts/{first.id}/actions"))  # where React leads
    assert "1 person said me too" in text and "Take back your me too" in text
    assert "said thank you" not in text and "Say thank you" in text


def test_a_members_thread_page_of_twenty_posts_is_light(client_for, alice, bob, maya, root, alices_thread):
    """Under 25 KB of HTML for a page of 20 posts, some reacted to and one saved, with Listen, Reply,
    React and More under each (issue 15): React and More lead to each post's own actions page."""
    for n in range(24):
        post = forums.reply([alice, maya, root][n % 3], alices_thread, f"Reply {n + 2}: we tried the memory café on Tuesday and it helped.").post
        if n % 3 == 0:
            forums.react(alice if n % 2 else maya, post, ReactionKind.HUG)
    forums.bookmark(bob, post)
    browser = client_for(bob)
    browser.get("/")  # the "You are signed in" message is shown once, on the first page
    page = browser.get(f"/threads/{alices_thread.id}")
    text = page_text(page)
    assert text.count("Listen to post") == 20 and "Reply 20: we tried the memory café" in text
    assert len(page.get_data()) < 25_000, f"{len(page.get_data()):,} bytes"


def test_a_second_page_asks_for_no_stylesheet_or_script_again(client_for, bob, alices_thread):
    """Bob's browser keeps Kindred's CSS and JS: their addresses carry a version, answered as
    "keep for a year, never changes"; a new version of a file gets a new address."""
    browser = client_for(bob)
    html = browser.get(f"/threads/{alices_thread.id}").get_data(as_text=True)
    files = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any("kindred.css?v=" in f for f in files) and any("kindred.js?v=" in f for f in files)
    assert all("?v=" in f for f in files), files
    sheet = browser.get(files[0].replace("&amp;", "&"))
    assert sheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sheet.status_code == 200 and sheet.data
    unversioned = browser.get("/static/css/kindred.css")  # an old bookmark still works, and is checked each time
    assert "immutable" not in unversioned.headers.get("Cache-Control", "") and unversioned.data == sheet.data


@pytest.mark.committed  # the pages' own connections, outside a test transaction
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
class TestReadingPagesRunWithoutATransaction:
    """READ_PAGES_AUTOCOMMIT (on outside the tests): a thread or category page, or the start page,
    sends no BEGIN and no ROLLBACK, two round trips fewer, and Bob's read marker still moves on; a reply, which
    writes, still runs in a transaction of its own."""

    @pytest.fixture
    def app_overrides(self):
        return {"READ_PAGES_AUTOCOMMIT": True}

    def test_bob_reads_and_replies(self, monkeypatch, client_for, bob, alices_thread):
        from psycopg._connection_base import BaseConnection

        from app.models import ThreadRead

        commands = []
        original = BaseConnection._exec_command

        def spy(self, command, *args, **kwargs):
            commands.append(bytes(command) if isinstance(command, (bytes, bytearray, memoryview)) else str(command).encode())
            return original(self, command, *args, **kwargs)

        monkeypatch.setattr(BaseConnection, "_exec_command", spy)
        thread_id = alices_thread.id
        browser = client_for(bob)
        db.session.close()  # each page gets a connection of its own, as in production
        commands.clear()
        assert "Hello from Alice" in page_text(browser.get(f"/threads/{thread_id}"))
        db.session.close()
        assert "Hello from Alice" in page_text(browser.get("/forums/welcome-and-introductions"))
        db.session.close()
        assert "Carry on reading “Hello from Alice”" in page_text(browser.get("/"))  # his start page
        db.session.close()
        assert not [command for command in commands if command.startswith((b"BEGIN", b"ROLLBACK"))]
        db.session.close()
        marker = db.session.scalar(sa.select(ThreadRead).where(ThreadRead.user_id == bob.id, ThreadRead.thread_id == thread_id))
        assert marker is not None and marker.last_read_number == 1
        db.session.close()
        browser.post(f"/threads/{thread_id}/reply", data={"body": "Lovely to meet you, Alice."})
        assert [command for command in commands if command.startswith(b"BEGIN")]
        db.session.close()
        assert "Lovely to meet you, Alice." in page_text(browser.get(f"/threads/{thread_id}"))

    def test_bobs_kept_page_reads_his_new_count_alone(self, monkeypatch, client_for, alice, bob, alices_thread):
        """A notification leaves Bob's kept thread page kept; its header's count is read again, as
        one statement with no BEGIN and no ROLLBACK around it."""
        from psycopg._connection_base import BaseConnection

        from app.services.notifications import notify

        commands = []
        original = BaseConnection._exec_command
        monkeypatch.setattr(BaseConnection, "_exec_command", lambda self, command, *args, **kwargs: (
            commands.append(bytes(command) if isinstance(command, (bytes, bytearray, memoryview)) else str(command).encode()),
            original(self, command, *args, **kwargs))[1])
        from app.models import User

        path, browser, bob_id, alice_id = f"/threads/{alices_thread.id}", client_for(bob), bob.id, alice.id
        db.session.close()  # each page gets a connection of its own, as in production
        for _ in range(3):  # his read marker moves, then the page is kept
            browser.get(path)
            db.session.close()
        notify(db.session.get(User, bob_id), "forum_reply", "Alice Morgan replied to your post.", link=path,
               actor=db.session.get(User, alice_id))
        db.session.commit()
        db.session.close()
        commands.clear()
        with count_queries() as counter:
            page = browser.get(path)
        assert page.headers.get("X-Page-Cache") == "hit" and "(1 new)" in page_text(page)
        assert not [command for command in commands if command.startswith((b"BEGIN", b"ROLLBACK"))], commands
        assert counter.count == 1 and "notifications" in counter.statements[0]


def test_the_count_a_thread_page_read_gives_way_to_a_new_notification(app, alice, bob, busy_thread):
    """The header's count read with Bob's thread page is kept only until this request changes his
    notifications: Alice's reply in the same request shows as one more, and marking all read as none."""
    from app.services import notifications

    with app.test_request_context(f"/threads/{busy_thread.id}"):
        forums.thread_page(bob, busy_thread)
        before = notifications.unread_count(bob)
        forums.reply(alice, busy_thread, "Another thought about the roses")
        assert notifications.unread_count(bob) == before + 1
        notifications.mark_all_read(bob)
        assert notifications.unread_count(bob) == 0


def test_a_count_read_after_a_change_that_is_rolled_back_is_read_again(app, bob, busy_thread):
    """A notification for Bob counted on his category page, then rolled back (a SAVEPOINT or the
    whole transaction): the header does not show one more than he has."""
    from app.services import notifications

    with app.test_request_context("/forums/welcome-and-introductions"):
        before = notifications.unread_count(bob)
        savepoint = db.session.begin_nested()
        notifications.notify(bob, "forum_reply", "Someone replied.")
        forums.thread_list(bob, busy_thread.category)
        assert notifications.unread_count(bob) == before + 1
        savepoint.rollback()
        assert notifications.unread_count(bob) == before
        notifications.notify(bob, "forum_reply", "Someone replied.")
        forums.thread_list(bob, busy_thread.category)
        assert notifications.unread_count(bob) == before + 1
        db.session.rollback()
        assert notifications.unread_count(bob) == before
