"""Search: FTS5 on SQLite, PostgreSQL full-text search with a GIN index; excerpts highlighted and
escaped; results only from what the reader may read; paged."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post
from app.services import forums
from app.services.search import search
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text


def test_search_finds_posts_and_titles_with_a_highlighted_excerpt(client_for, alice, bob, alices_thread):
    forums.reply(bob, alices_thread, "My mother's garden has roses and a pond with frogs.")
    page = client_for(alice).get("/search?q=frogs")
    html = page.get_data(as_text=True)
    assert "1 result for “frogs”" in page_text(page)
    assert "<mark>frogs</mark>" in html
    assert "Hello from Alice" in page_text(page)
    # Stemming: "gardening" finds "garden"; titles are searched too.
    assert search(alice, "gardening").total == 2
    assert search(alice, "hello").results[0].post.number == 1


def test_search_never_shows_what_the_reader_cannot_read(client_for, alice, bob, hope, categories):
    caring = categories["Caring for someone"]
    forums.start_thread(bob, caring, "Tired tonight", "Mum asked about Dad again. Feeling exhausted.")
    assert "Tired tonight" in page_text(client_for(bob).get("/search?q=exhausted"))
    assert "Tired tonight" not in page_text(client_for(alice).get("/search?q=exhausted"))
    assert "We found nothing" in page_text(client_for(hope).get("/search?q=exhausted"))


def test_deleted_posts_are_not_found(alice, bob, alices_thread):
    reply = forums.reply(bob, alices_thread, "A secret about marmalade").post
    assert search(alice, "marmalade").total == 1
    forums.delete_post(bob, reply)
    assert search(alice, "marmalade").total == 0


def test_edits_are_searchable(alice, alices_thread):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    forums.edit_post(alice, post, "Now about tulips")
    assert search(alice, "tulips").total == 1 and search(alice, "Biscuit").total == 0


def test_search_results_are_paged(client_for, alice, bob, alices_thread):
    for n in range(25):
        forums.reply(bob, alices_thread, f"Crumpets, number {n}")
    text = page_text(client_for(alice).get("/search?q=crumpets&page=3"))
    assert "25 results" in text and "Page 3 of 3" in text
    assert search(alice, "crumpets", 3).results.__len__() == 5


def test_strange_queries_are_safe(client_for, alice, alices_thread):
    client = client_for(alice)
    for query in ['"', "AND OR NOT", "garden*", "NEAR(", "'; DROP TABLE forum_posts; --", "<script>alert(1)</script>", "   "]:
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert search(alice, "garden").total == 1


def test_excerpts_escape_what_members_wrote(alice, bob, alices_thread):
    forums.reply(bob, alices_thread, 'Pineapple <img src=x onerror="alert(1)"> and <script>alert(2)</script>')
    excerpt = str(search(alice, "pineapple").results[0].excerpt)
    assert "<img" not in excerpt and "<script" not in excerpt
    assert "<mark>" in excerpt.lower()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_word_in_almost_every_post_asks_for_another_word_instead_of_waiting(monkeypatch, client_for, alice, alices_thread):
    from app.services import search as search_module

    # A real statement timeout: the search query is made to take 200ms against a 50ms limit,
    # standing in for ranking a word found in a million posts.
    monkeypatch.setattr(search_module, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search_module, "_POSTGRES_WINDOW", search_module._POSTGRES_WINDOW.replace("FROM found JOIN", "FROM (SELECT pg_sleep(0.2)) slow, found JOIN"))
    browser = client_for(alice)
    page = page_text(browser.get("/search?q=garden"))
    assert "is in so many posts that we could not sort them quickly" in page
    assert "Please add another word" in page
    # The session is usable afterwards: the next page works normally.
    monkeypatch.undo()
    assert "Hello from Alice" in page_text(browser.get("/search?q=garden"))


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_keeps_each_posts_words_with_the_post_and_follows_edits(alice, bob, alices_thread):
    """Migration 0016: each post's tsvector is a stored column with its own GIN index, so a search
    never recomputes it; an edit recomputes it at once."""
    reply = forums.reply(bob, alices_thread, "Our allotment has rhubarb").post
    stored = db.session.scalar(sa.text("SELECT forum_search_vector::text FROM forum_posts WHERE id = :id"), {"id": reply.id})
    assert "'rhubarb'" in stored and "'allot'" in stored
    forums.edit_post(bob, reply, "Our allotment has leeks")
    assert search(alice, "leeks").total == 1 and search(alice, "rhubarb").total == 0
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a handful of rows: make the planner show the index
    plan = "\n".join(db.session.scalars(sa.text(
        "EXPLAIN SELECT id FROM forum_posts WHERE forum_search_vector @@ websearch_to_tsquery('english', 'leeks')")))
    assert "ix_forum_search_vector" in plan


@pytest.mark.both_backends
def test_a_word_in_more_than_a_thousand_posts_shows_the_newest_and_says_more_than_1000(client, bob, alices_thread):
    # 1,005 replies about gardens, written straight into the table (the services would take minutes).
    db.session.execute(sa.insert(Post), [
        {"thread_id": alices_thread.id, "number": number, "author_id": bob.id, "status": "VISIBLE",
         "body": f"My garden diary, day {number}.", "body_html": f"<p>My garden diary, day {number}.</p>"}
        for number in range(2, 1007)
    ])
    db.session.commit()
    page = page_text(client.get("/search?q=garden"))
    assert "More than 1,000 results for “garden”" in page
    assert "Page 1 of 100" in page
    # Only the newest thousand are ranked: the oldest diary days are not among them.
    last = page_text(client.get("/search?q=garden&page=100"))
    assert "Page 100 of 100" in last and "day 2." not in last and "day 6." not in last


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_keeps_each_titles_words_with_the_thread_and_follows_a_new_title(client, alice, alices_thread):
    """Migration 0018: a thread title's tsvector is a stored column too; a changed title is found
    (and the old one no longer) at once."""
    stored = db.session.scalar(sa.text("SELECT forum_search_vector::text FROM forum_threads WHERE id = :id"), {"id": alices_thread.id})
    assert "'alic'" in stored and "'hello'" in stored
    alices_thread.title = "Marigolds on the windowsill"
    db.session.commit()
    assert "Marigolds on the windowsill" in page_text(client.get("/search?q=marigolds"))
    assert search(alice, "marigolds").total == 1 and search(alice, "hello").total == 0
