"""A request that only read ends its transaction with COMMIT, not ROLLBACK (app/extensions.py,
end_reading_with_commit): psycopg forgets a connection's prepared statements at every ROLLBACK, so
under a real mix of pages PostgreSQL planned busy statements afresh each time (a thread page's
own-state statement: 1.15 ms a run unprepared, 0.35 ms prepared). Nothing a request changed is ever committed this way."""
import pytest
import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models import User
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text


@pytest.fixture
def endings():
    """How this test's requests ended their transactions: "commit" or "rollback", in order."""
    ended = []
    listeners = [("after_commit", lambda session: ended.append("commit")),
                 ("after_soft_rollback", lambda session, previous: ended.append("rollback"))]
    for name, listener in listeners:
        sa.event.listen(sa.orm.Session, name, listener)
    yield ended
    for name, listener in listeners:
        sa.event.remove(sa.orm.Session, name, listener)


@pytest.mark.both_backends
def test_bobs_pages_that_only_read_end_with_a_commit(client_for, bob, alices_thread, endings):
    browser = client_for(bob)
    for path, words in (("/meetups", "Meet-ups"), ("/settings", "Your account"), ("/notifications", "Notifications"),
                        ("/search?q=garden", "garden"), (f"/forums/{alices_thread.category.slug}", alices_thread.title)):
        endings.clear()
        page = browser.get(path)
        assert words in page_text(page), path
        assert "rollback" not in endings and endings[-1:] == ["commit"], (path, endings)


@pytest.mark.committed  # adds routes to the app
def test_a_request_that_changed_alices_name_and_then_failed_stores_nothing(app, client, alice, endings):
    """Whether the change went to the database (an UPDATE) or waited in the session (not yet
    flushed), a request that fails after it is rolled back: Alice keeps her name."""

    @app.route("/test-update-then-fail")
    def _update_then_fail():
        db.session.execute(sa.update(User).where(User.id == alice.id).values(display_name="Not Alice"))
        abort(404)  # a page that gives up (the 500 handler would roll back itself)

    @app.route("/test-change-then-fail")
    def _change_then_fail():
        db.session.get(User, alice.id).display_name = "Not Alice either"
        abort(404)  # a page that gives up (the 500 handler would roll back itself)

    for path in ("/test-update-then-fail", "/test-change-then-fail"):
        endings.clear()
        failed = client.get(path)
        assert failed.status_code == 404 and "Not Alice" not in page_text(failed)
        assert "commit" not in endings, (path, endings)
        with db.engine.connect() as another:  # what is stored, as another worker reads it
            stored = another.scalar(sa.select(User.display_name).where(User.id == alice.id))
        assert stored == "Alice Morgan", path
        db.session.rollback()  # as the end of the request's app context would (tests share one)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # psycopg prepares a statement run five times
def test_on_postgresql_the_thread_pages_statement_stays_prepared_after_bob_opens_the_meetups(app, client_for, bob, alices_thread, backend):
    app.config.update(PAGE_CACHE_MEMBERS=False)  # each view made, so the statement runs each time
    browser = client_for(bob)
    for _ in range(7):
        browser.get(f"/threads/{alices_thread.id}")
    assert "Meet-ups" in page_text(browser.get("/meetups"))
    prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("'draft' AS what" in statement for statement in prepared), prepared
