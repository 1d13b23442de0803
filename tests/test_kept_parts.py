"""The part of a forum page that is the same for every reader (a thread and its page's published
posts, a category) is kept for all of them, yet a change shows at once, a post that is one
member's alone is never shown to another, and a closed space stays closed (app/kept_parts.py)."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Audience, PostStatus, Thread
from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.usefixtures("members_pages_made_each_time")


@pytest.fixture
def members_pages_made_each_time(app):
    """Members' whole pages not kept, so every member's page here is made: what is kept is the part."""
    app.config["PAGE_CACHE_MEMBERS"] = False
    yield
    app.config["PAGE_CACHE_MEMBERS"] = True


def _read_by_a_visitor(client, path):
    """A visitor opens the page twice (the first view may only start its versions): its part is kept."""
    client.get(path)
    assert client.get(path).status_code == 200


def _posts_read(statements) -> list[str]:
    return [statement for statement in statements if "FROM forum_posts" in statement and "forum_posts.body_html" in statement]


@pytest.mark.both_backends
def test_bob_opens_a_thread_a_visitor_has_read_and_only_his_own_part_is_asked_for(client, client_for, kept_in, bob, alices_thread):
    forums.reply(alices_thread.author, alices_thread, "Biscuit sat on the seed trays again.")
    path = f"/threads/{alices_thread.id}"
    _read_by_a_visitor(client, path)
    bobs = client_for(bob)
    for _ in range(2):  # he has been reading the forums: who he is comes from his kept row (app/kept_members.py)
        bobs.get("/forums")
    with count_queries() as counter:
        page = bobs.get(path)
    # His state on the page (read marker, follow, draft, reactions, blocks, unread count) and his
    # read marker moving on: not the thread, not the posts.
    assert counter.count == 2, "\n".join(counter.statements)
    assert not _posts_read(counter.statements) and not any("FROM forum_threads" in s for s in counter.statements)
    text = page_text(page)
    assert "Hello from Alice" in text and "I love my garden and my cat, Biscuit." in text
    assert "Biscuit sat on the seed trays again." in text and "Alice Morgan" in text
    assert "Signed in as Bob Morgan" in text


@pytest.mark.both_backends
def test_a_reply_and_a_hidden_post_show_at_once_on_a_kept_part(client, client_for, kept_in, alice, bob, maya, alices_thread):
    path = f"/threads/{alices_thread.id}"
    bobs = client_for(bob)
    _read_by_a_visitor(client, path)
    reply = forums.reply(alice, alices_thread, "Call me on this number for a loan.").post
    assert "for a loan" in page_text(bobs.get(path))
    _read_by_a_visitor(client, path)

    forums.set_post_status(reply, PostStatus.HIDDEN, "Looks like a scam", actor=maya)
    db.session.commit()
    assert "for a loan" not in page_text(bobs.get(path))
    assert "for a loan" not in page_text(client.get(path))


@pytest.mark.both_backends
def test_bobs_reply_waiting_for_a_volunteer_is_seen_by_him_and_the_volunteers_alone(
        client, client_for, kept_in, alice, bob, maya, alices_thread):
    reply = forums.reply(bob, alices_thread, "My mum says hello to Biscuit.").post
    forums.set_post_status(reply, PostStatus.HELD, actor=maya)
    db.session.commit()
    path = f"/threads/{alices_thread.id}"
    _read_by_a_visitor(client, path)
    assert "My mum says hello" not in page_text(client.get(path))

    alices = page_text(client_for(alice).get(path))
    assert "I love my garden" in alices and "My mum says hello" not in alices

    with count_queries() as counter:
        bobs = page_text(client_for(bob).get(path))
    assert "My mum says hello to Biscuit." in bobs
    assert "Only you and the volunteer moderators can see this post for now." in bobs
    assert len(_posts_read(counter.statements)) == 1  # his page's posts from the database, not the shared ones

    mayas = page_text(client_for(maya).get(path))
    assert "My mum says hello to Biscuit." in mayas
    # Alice again, after Bob's and Maya's pages were made: still not hers to see.
    assert "My mum says hello" not in page_text(client_for(alice).get(path))


@pytest.mark.both_backends
def test_a_thread_whose_category_becomes_members_only_leaves_visitors_at_once(client, client_for, kept_in, root, bob, welcome, alices_thread):
    path = f"/threads/{alices_thread.id}"
    _read_by_a_visitor(client, path)
    forums.save_category(root, welcome.name, welcome.description, welcome.position, Audience.MEMBERS, Audience.MEMBERS, category=welcome)
    db.session.commit()
    gone = page_text(client.get(path, follow_redirects=True))
    assert "Please sign in to see that page." in gone and "I love my garden" not in gone
    assert "I love my garden" in page_text(client_for(bob).get(path))


def test_a_deleted_thread_is_not_served_from_its_kept_part(client, client_for, bob, alices_thread):
    path = f"/threads/{alices_thread.id}"
    _read_by_a_visitor(client, path)
    bobs = client_for(bob)
    assert "I love my garden" in page_text(bobs.get(path))
    db.session.execute(sa.update(Thread).where(Thread.id == alices_thread.id).values(is_deleted=True))
    db.session.commit()
    gone = bobs.get(path)
    assert gone.status_code == 404 and "I love my garden" not in page_text(gone)
    assert "Please sign in to see that page." in page_text(client.get(path, follow_redirects=True))


def test_each_page_of_a_thread_has_its_own_part(client, client_for, alice, bob, alices_thread):
    for number in range(2, 26):
        forums.reply(alice, alices_thread, f"Garden note number {number}.")
    first, second = f"/threads/{alices_thread.id}", f"/threads/{alices_thread.id}?page=2"
    _read_by_a_visitor(client, first)
    _read_by_a_visitor(client, second)
    bobs = client_for(bob)
    assert "Garden note number 20." in page_text(bobs.get(first)) and "Garden note number 21." not in page_text(bobs.get(first))
    page_two = page_text(bobs.get(second))
    assert "Garden note number 21." in page_two and "Garden note number 25." in page_two and "number 20." not in page_two


def _signed_in_reader(client_for, member):
    """A member who has been reading the forums: who they are comes from their kept row."""
    browser = client_for(member)
    for _ in range(2):
        browser.get("/forums")
    return browser


@pytest.mark.both_backends
def test_bob_opens_a_category_a_visitor_has_read_and_only_its_threads_are_asked_for(client, client_for, kept_in, bob, alices_thread):
    path = "/forums/welcome-and-introductions"
    _read_by_a_visitor(client, path)
    bobs = _signed_in_reader(client_for, bob)
    with count_queries() as counter:
        page = bobs.get(path)
    # The threads with his read markers and unread count: not the category.
    assert counter.count == 1, "\n".join(counter.statements)
    text = page_text(page)
    assert "Welcome and introductions" in text and "Hello from Alice" in text and "Signed in as Bob Morgan" in text


@pytest.mark.both_backends
def test_a_categorys_new_description_shows_at_once(client, client_for, kept_in, root, bob, welcome, alices_thread):
    path = "/forums/welcome-and-introductions"
    _read_by_a_visitor(client, path)
    welcome.description = "Say hello and tell us a little about yourself."
    db.session.commit()
    assert "Say hello and tell us a little about yourself." in page_text(_signed_in_reader(client_for, bob).get(path))
    assert "Say hello and tell us a little about yourself." in page_text(client.get(path))


@pytest.mark.both_backends
def test_the_carers_space_kept_for_bob_stays_closed_to_alice(client_for, kept_in, alice, bob, categories):
    path = "/forums/caring-for-someone"
    bobs = _signed_in_reader(client_for, bob)
    for _ in range(2):
        assert "Caring for someone" in page_text(bobs.get(path))
    alices = _signed_in_reader(client_for, alice)
    closed = alices.get(path)
    assert closed.status_code == 404 and "Caring for someone" not in page_text(closed)
