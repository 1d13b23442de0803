"""Reading: category list, thread lists with New markers, thread pages found by post number,
"Jump to first unread", and a fixed number of queries whatever the size of the forum."""
import re

import pytest
import sqlalchemy as sa

from app import page_cache
from app.extensions import db
from app.models import Category, Post, PostStatus, Reaction, ReactionKind, Thread, ThreadRead
from app.models.types import utcnow
from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import count_queries, page_text


def _add_replies(thread, authors, how_many, start=0):
    for index in range(start, start + how_many):
        forums.reply(authors[index % len(authors)], thread, f"Reply number {index + 2}")


def test_thread_pages_hold_posts_by_number(client_for, alice, bob, maya, alices_thread):
    _add_replies(alices_thread, [bob, maya], 44)  # 45 posts: pages of 20, 20 and 5
    # A deleted reply leaves a gap; later posts stay on the same page.
    forums.delete_post(bob, db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id, Post.number == 22)))
    client = client_for(alice)
    page_two = page_text(client.get(f"/threads/{alices_thread.id}?page=2"))
    assert "Page 2 of 3" in page_two
    numbers = [int(n) for n in re.findall(r"Post (\d+), ", page_two)]
    assert numbers == [n for n in range(21, 41) if n != 22]
    assert "Previous page" in page_two and "Next page" in page_two
    assert [int(n) for n in re.findall(r"Post (\d+), ", page_text(client.get(f"/threads/{alices_thread.id}?page=3")))] == list(range(41, 46))
    # A page beyond the end shows the last page rather than an empty one.
    assert "Page 3 of 3" in page_text(client.get(f"/threads/{alices_thread.id}?page=99"))


def test_new_since_your_last_visit_and_jump_to_first_unread(client_for, alice, bob, maya, alices_thread, welcome):
    bob_client = client_for(bob)
    assert "New since your last visit" in page_text(bob_client.get("/forums/welcome-and-introductions"))
    bob_client.get(f"/threads/{alices_thread.id}")  # Bob reads post 1
    assert "New since your last visit" not in page_text(bob_client.get("/forums/welcome-and-introductions"))

    _add_replies(alices_thread, [alice, maya], 30)  # posts 2..31 arrive while Bob is away
    listing = page_text(bob_client.get("/forums/welcome-and-introductions"))
    assert "30 new replies" in listing
    page = bob_client.get(f"/threads/{alices_thread.id}")
    html = page.get_data(as_text=True)
    assert "Jump to first unread post" in page_text(page)
    assert f'href="/threads/{alices_thread.id}?page=1#post-2"' in html
    assert html.index('id="post-2"') < html.index("New since your last visit") < html.index('id="post-3"')
    # Having read page 1 (posts up to 20), the first unread is post 21 on page 2.
    page = bob_client.get(f"/threads/{alices_thread.id}")
    assert f'href="/threads/{alices_thread.id}?page=2#post-21"' in page.get_data(as_text=True)


def test_category_list_shows_counts_and_latest_activity(client, alice, bob, alices_thread, welcome):
    forums.reply(bob, alices_thread, "Welcome!")
    text = page_text(client.get("/forums"))
    assert "Welcome and introductions" in text
    assert "1 thread, 2 posts." in text
    assert "Latest activity" in text and "in “Hello from Alice”" in text


def test_a_category_line_names_who_started_the_thread_and_who_wrote_last(client, alice, bob, alices_thread, welcome):
    """The names come beside each thread, not from members' rows (issue 15): they must still be
    the right ones, and a new name must show at once, on a line kept in the fragment cache."""
    forums.reply(bob, alices_thread, "Welcome, Alice!")
    line = _line_of(page_text(client.get("/forums/welcome-and-introductions")), "Hello from Alice")
    assert "Started by Alice Morgan." in line and "by Bob Morgan." in line and "1 reply." in line
    bob.display_name = "Bob M."
    db.session.commit()
    line = _line_of(page_text(client.get("/forums/welcome-and-introductions")), "Hello from Alice")
    assert "by Bob M." in line and "Bob Morgan" not in line


def _line_of(text: str, title: str) -> str:
    return text[text.index(title):][:300]


@pytest.mark.both_backends
def test_thread_list_is_paged_by_key_with_pinned_first(client_for, alice, bob, maya, welcome):
    """Alice has started 45 threads; Maya pins the first. Bob reads the category a page at a time:
    the pinned one first, then the latest written to. While he reads, Alice replies in a thread he
    has not reached yet, which moves it to the top: "Older threads" still carries on from where he
    was (no thread shown twice, none missed), and "Newer threads" leads back the way he came."""
    threads = [forums.start_thread(alice, welcome, f"Thread {n}", "Hello").thread for n in range(1, 46)]
    forums.set_pinned(maya, threads[0], True)
    bob_client = client_for(bob)

    first = bob_client.get("/forums/welcome-and-introductions")
    titles = _titles(first)
    assert titles[:3] == ["1", "45", "44"] and len(titles) == 20
    assert "Newer threads" not in page_text(first) and "Newest threads" not in page_text(first)
    older = _link(first, "Older threads")

    forums.reply(alice, threads[4], "Thread 5 bumped while Bob reads")  # was on page 3, now at the top
    second = bob_client.get(older)
    second_titles = _titles(second)
    assert second_titles == [str(n) for n in range(26, 6, -1)]
    assert "<title>Welcome and introductions – page 2" in second.get_data(as_text=True) and "Page 2" in page_text(second)
    assert "Newest threads" not in page_text(second)  # from page 2, "Newer threads" is the way back already
    third = bob_client.get(_link(second, "Older threads"))
    assert "<title>Welcome and introductions – page 3" in third.get_data(as_text=True)
    assert _titles(third) == ["6", "4", "3", "2"]  # 5 moved up; nothing older
    assert "Older threads" not in page_text(third)

    back = bob_client.get(_link(third, "Newer threads"))
    assert _titles(back) == second_titles and "Page 2" in page_text(back)
    newest = bob_client.get(_link(third, "Newest threads"))
    assert _titles(newest)[:3] == ["1", "5", "45"]


def test_a_mistyped_or_old_category_address_shows_the_newest_threads(client, alice, welcome):
    forums.start_thread(alice, welcome, "Only thread", "Hello")
    for query in ("?older=nonsense", "?older=1.2", "?newer=0.-99999999999999999999.5", "?older=0.1.99999999999", "?page=7"):
        text = page_text(client.get("/forums/welcome-and-introductions" + query))
        assert "Only thread" in text, query


def _titles(response) -> list[str]:
    return re.findall(r"Thread (\d+) ", page_text(response))


def _link(response, text: str) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", html)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


def _add_replies_in_bulk(thread, authors, how_many):
    """Replies written straight into the table, numbered on from the thread's last, with the thread's
    and category's counters moved as forums.reply moves them. forums.reply takes ~15 ms a post
    (screening, notifications), 15 s for a thousand; what is measured here is reading."""
    thread = db.session.get(Thread, thread.id)
    start, now = thread.last_post_number, utcnow()
    rows = [
        {"thread_id": thread.id, "number": number, "author_id": authors[number % len(authors)].id, "body": f"Reply number {number}",
         "body_html": f"<p>Reply number {number}</p>", "status": PostStatus.VISIBLE, "created_at": now}
        for number in range(start + 1, start + how_many + 1)
    ]
    db.session.execute(sa.insert(Post), rows)
    db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(
        last_post_number=start + how_many, post_count=Thread.post_count + how_many, last_post_at=now, last_poster_id=rows[-1]["author_id"]))
    db.session.execute(sa.update(Category).where(Category.id == thread.category_id).values(
        post_count=Category.post_count + how_many, last_post_at=now, last_thread_id=thread.id))
    db.session.commit()
    db.session.expire_all()


def _fill(thread, authors, posts, reactions_per_post):
    """Bring a thread up to `posts` posts, each with a few reactions: the first twenty through the
    service (so a page of real posts is measured), the rest and the reactions in bulk."""
    have = thread.last_post_number
    through_service = max(0, min(posts, 20) - have)
    _add_replies(thread, authors, through_service, start=have)
    if posts - have - through_service > 0:
        _add_replies_in_bulk(thread, authors, posts - have - through_service)
    ids = db.session.scalars(sa.select(Post.id).where(Post.thread_id == thread.id)).all()
    existing = {(r.post_id, r.user_id, r.kind) for r in db.session.scalars(sa.select(Reaction))}
    rows = [
        {"post_id": post_id, "user_id": author.id, "kind": kind}
        for post_id in ids
        for author in authors[:reactions_per_post]
        for kind in ReactionKind
        if (post_id, author.id, kind) not in existing
    ]
    if rows:
        # Reactions in bulk: the service would take minutes for thousands, and is tested elsewhere.
        db.session.execute(sa.insert(Reaction), rows)
        db.session.commit()


def _count(client, path, forget_reading=None):
    if forget_reading is not None:  # measure a first visit (it records how far they read)
        db.session.execute(sa.delete(ThreadRead).where(ThreadRead.user_id == forget_reading.id))
        db.session.commit()
    page_cache.cache.clear()  # the page as it is made: a kept page runs no query at all
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers.get("X-Page-Cache") != "hit", path
    return counter.count


def test_forum_pages_run_the_same_number_of_queries_with_10_and_1000_posts(client_for, client, alice, bob, maya, hope, welcome):
    authors = [alice, bob, maya, hope]
    threads = [forums.start_thread(alice, welcome, f"Busy thread {n}", "Hello").thread for n in range(3)]
    big = threads[0]
    pages = lambda: {  # noqa: E731
        "category list": "/forums",
        "thread list": "/forums/welcome-and-introductions",
        "thread page 1": f"/threads/{big.id}",
        "last thread page": f"/threads/{big.id}?page={forums.page_for_number(db.session.get(Thread, big.id).last_post_number)}",
        "search": "/search?q=reply",
        "saved posts": "/saved",
    }
    member = client_for(bob)

    def measure():
        counts = {}
        for name, path in pages().items():
            counts[name] = (
                _count(member, path, forget_reading=bob),  # first visit
                _count(member, path),  # coming back
                _count(client, path) if name != "saved posts" else 0,  # a visitor
            )
        return counts

    _fill(big, authors, 10, reactions_per_post=1)
    forums.bookmark(bob, db.session.scalar(sa.select(Post).where(Post.thread_id == big.id, Post.number == 2)))
    small = measure()
    _fill(big, authors, 1000, reactions_per_post=4)
    for post in db.session.scalars(sa.select(Post).where(Post.thread_id == big.id).limit(30)):
        forums.bookmark(bob, post)
    large = measure()
    assert small == large
    assert large["thread page 1"][0] <= 14, large
