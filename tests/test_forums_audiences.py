"""Who may read and who may start threads, for every role and for visitors — on category pages,
the category list, direct thread URLs, replies and search."""
import pytest

from app.services import forums
from tests.forum_fixtures import CATEGORY_AUDIENCES, categories, val  # noqa: F401
from tests.helpers import page_text, sign_in

READERS = {
    "Welcome and introductions": {"visitor", "alice", "bob", "maya", "hope", "root", "val"},
    "Living with dementia": {"alice", "bob", "maya", "hope", "root", "val"},
    "Caring for someone": {"bob", "maya", "root"},  # moderators and admins read everything
    "Volunteers' room": {"maya", "root"},  # Val is not approved yet
}
STARTERS = {
    "Welcome and introductions": {"alice", "bob", "maya", "hope", "root", "val"},
    "Living with dementia": {"alice", "root"},  # admins may post announcements anywhere
    "Caring for someone": {"bob", "root"},
    "Volunteers' room": {"maya", "root"},
}
PEOPLE = ["visitor", "alice", "bob", "maya", "hope", "root", "val"]


@pytest.fixture
def threads(categories, alice, bob, maya, root):
    """One thread per category, each with a word nobody else uses, for search."""
    authors = {"Welcome and introductions": alice, "Living with dementia": alice, "Caring for someone": bob, "Volunteers' room": maya}
    made = {}
    for name, category in categories.items():
        word = "zebra" + str(len(made))
        made[name] = (forums.start_thread(authors[name], category, f"Thread in {name}", f"A post about {word} in {name}.").thread, word)
    return made


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_reads_and_writes_only_where_their_audience_allows(person, request, app, categories, threads, val):
    user = None if person == "visitor" else request.getfixturevalue(person)
    client = app.test_client() if user is None else sign_in(app.test_client(), user)
    index_text = page_text(client.get("/forums"))
    for name, category in categories.items():
        thread, word = threads[name]
        may_read = person in READERS[name]
        may_start = person in STARTERS[name]

        # The category list shows only what they may read.
        assert (name in index_text) == may_read, f"{person} / {name} on /forums"

        # The category page and a direct thread URL.
        category_page = client.get(f"/forums/{category.slug}")
        thread_page = client.get(f"/threads/{thread.id}")
        if may_read:
            assert thread.title in page_text(category_page), f"{person} should see {name}"
            assert word in page_text(thread_page)
        elif user is None:
            # Visitors are asked to sign in; nothing of the thread is shown.
            assert category_page.status_code == 302 and "/sign-in" in category_page.location
            assert thread_page.status_code == 302 and "/sign-in" in thread_page.location
        else:
            # Members who may not read get the same page as for something that does not exist.
            assert category_page.status_code == 404 and "We cannot find that page" in page_text(category_page)
            assert thread_page.status_code == 404 and word not in page_text(thread_page)

        # Search never shows what they may not read.
        results = page_text(client.get(f"/search?q={word}"))
        assert (thread.title in results) == may_read, f"{person} searching {name}"

        # Starting a thread.
        response = client.post(f"/forums/{category.slug}/new", data={"title": f"{person} says hi", "body": "Hello there."})
        if may_start:
            assert response.status_code == 302, f"{person} should start a thread in {name}"
            assert f"{person} says hi" in page_text(client.get(response.location))
        elif user is None:
            assert "Please sign in again" in page_text(response) or response.status_code == 302
        else:
            assert f"{person} says hi" not in page_text(client.get(f"/forums/{category.slug}"))

        # Replying follows reading (members only).
        response = client.post(f"/threads/{thread.id}/reply", data={"body": f"A reply from {person}."})
        thread_text = page_text(client.get(f"/threads/{thread.id}")) if may_read else ""
        if may_read and user is not None:
            assert f"A reply from {person}." in thread_text, f"{person} should reply in {name}"
        elif user is None:
            # A visitor's reply is kept for after signing in, never posted.
            assert "Please sign in again" in page_text(response) or response.status_code == 302
        if not may_read or user is None:
            assert f"A reply from {person}." not in [post.body for post in _posts(thread)]


def _posts(thread):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Post

    return db.session.scalars(sa.select(Post).where(Post.thread_id == thread.id)).all()


def test_a_visitor_can_never_post_even_in_a_public_category(client, categories, threads):
    thread, _ = threads["Welcome and introductions"]
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Buy cheap watches"})
    assert "Please sign in again" in page_text(response)
    assert "Buy cheap watches" not in page_text(client.get(f"/threads/{thread.id}"))


def test_locked_threads_take_replies_only_from_moderators(app, categories, threads, alice, maya, client_for):
    thread, _ = threads["Welcome and introductions"]
    forums.set_locked(maya, thread, True)
    response = client_for(alice).post(f"/threads/{thread.id}/reply", data={"body": "Can I still reply?"})
    assert "This thread is locked, so nobody can reply to it now. We have kept what you wrote." in page_text(response)
    assert "Can I still reply?" in response.get_data(as_text=True)
    response = client_for(maya).post(f"/threads/{thread.id}/reply", data={"body": "A note from the moderators."})
    assert response.status_code == 302, page_text(response)
    assert "A note from the moderators." in page_text(client_for(maya).get(response.location))


def test_only_moderators_pin_and_lock(app, categories, threads, alice, maya, client_for):
    thread, _ = threads["Welcome and introductions"]
    assert client_for(alice).post(f"/threads/{thread.id}/moderate", data={"change": "pin"}).status_code == 403
    assert "Pin this thread" not in page_text(client_for(alice).get(f"/threads/{thread.id}"))
    client_for(maya).post(f"/threads/{thread.id}/moderate", data={"change": "pin"})
    assert "Pinned" in page_text(client_for(alice).get("/forums/welcome-and-introductions"))
