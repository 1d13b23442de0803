"""Alice's own row is kept between her requests (app/kept_members.py): her pages stop asking the
database who she is, and anything that changes about her, or ends her session, shows on the very
next page. Each story runs with the row kept in this process and in Redis."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import page_cache
from app.extensions import db
from app.models import Sanction, SanctionKind, User
from app.models.types import utcnow
from app.services import accounts
from app.services.moderation.sanctions import _recompute_restricted
from app.services.notifications import notify
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import CAST_PASSWORD, count_queries, page_text


def _asks_who_is_signed_in(counter) -> list[str]:
    return [statement for statement in counter.statements if "JOIN sign_in_sessions" in statement]


@pytest.mark.both_backends  # the row comes back with its own types (dates, roles) on each
def test_alices_next_page_does_not_ask_who_she_is(kept_in, client_for, alice):
    browser = client_for(alice)
    with count_queries() as first:
        browser.get("/settings")  # asked, and kept (with Redis, once her versions have begun)
        browser.get("/settings")
    assert 1 <= len(_asks_who_is_signed_in(first)) <= 2
    db.session.remove()  # as on a server: the next request starts with nothing loaded
    with count_queries() as counter:
        page = browser.get("/settings")
    assert _asks_who_is_signed_in(counter) == []
    text = page_text(page)
    # Her email address is not kept (nor her password's hash): the page loads it when it shows it.
    assert "Signed in as Alice Morgan" in text and "alice@example.org" in text


def test_the_kept_row_holds_no_password_hash_and_no_email_address(kept_in, monkeypatch, client_for, alice):
    kept = {}
    keep = page_cache.cache_set
    monkeypatch.setattr(page_cache, "cache_set", lambda key, value, timeout: (kept.__setitem__(key, value), keep(key, value, timeout)))
    browser = client_for(alice)
    browser.get("/settings")  # with Redis, her versions begin: nothing is kept under none
    browser.get("/settings")
    rows = [value for key, value in kept.items() if key.startswith("row:")]
    assert len(rows) == 1
    versions, row = rows[0]  # kept with the versions it was read under
    assert len(versions) == 2 and row["display_name"] == "Alice Morgan"
    assert "password_hash" not in row and "email" not in row
    assert "alice@example.org" not in repr(rows[0]) and "argon2" not in repr(rows[0])
    assert page_cache.cache_get(next(key for key in kept if key.startswith("row:")))[1]["id"] == alice.id


@pytest.mark.both_backends
def test_a_new_name_and_new_display_settings_show_on_her_next_page(kept_in, client_for, alice):
    browser = client_for(alice)
    assert "Signed in as Alice Morgan" in page_text(browser.get("/settings"))
    assert "Signed in as Alice Morgan" in page_text(browser.get("/settings"))  # from the kept row
    alice.display_name = "Alice M."
    db.session.commit()
    assert "Signed in as Alice M." in page_text(browser.get("/settings"))
    accounts.update_display_settings(alice, "largest", "cream")  # from her phone, say
    assert 'class="text-largest colours-cream"' in browser.get("/settings").get_data(as_text=True)


def test_signing_out_elsewhere_and_a_new_password_end_her_other_sessions_at_once(kept_in, client_for, alice):
    library, home = client_for(alice), client_for(alice)
    for browser in (library, home, library, home):  # each session's row is kept
        assert "Signed in as Alice Morgan" in page_text(browser.get("/settings"))
    home.post("/settings/sign-out-everywhere-else", data={})
    refused = library.get("/settings")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    assert "Signed in as Alice Morgan" in page_text(home.get("/settings"))

    cafe = client_for(alice)
    cafe.get("/settings")
    cafe.get("/settings")
    home.post("/settings/password", data={"current_password": CAST_PASSWORD, "new_password": "a new long passphrase for Alice"})
    refused = cafe.get("/settings")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]


def test_a_suspension_applies_on_her_next_page(kept_in, client_for, alice, maya):
    browser = client_for(alice)
    browser.get("/settings")
    browser.get("/settings")
    db.session.add(Sanction(member_id=alice.id, kind=SanctionKind.SUSPEND, reason="Asking members for money.",
                            until=utcnow() + timedelta(days=3), by_id=maya.id))
    _recompute_restricted(alice)
    db.session.commit()
    page = browser.get("/settings")
    assert page.status_code == 302 and page.headers["Location"].endswith("/suspended")


def test_reading_a_new_thread_and_a_new_notification_leave_bobs_row_kept(kept_in, client_for, alice, bob, alices_thread):
    """Both name Bob, so his kept pages are made again; his row is read only from his own row and
    his sign-in sessions, so it stays kept, and the count in the header is still new."""
    browser = client_for(bob)
    browser.get("/settings")
    browser.get("/settings")
    assert "Hello from Alice" in page_text(browser.get(f"/threads/{alices_thread.id}"))  # his read marker moves
    notify(bob, "forum_reply", "Alice Morgan replied to your post.", link="/", actor=alice)
    db.session.commit()
    with count_queries() as counter:
        page = browser.get("/settings")
    assert _asks_who_is_signed_in(counter) == []
    assert "(1 new)" in page_text(page) and "Signed in as Bob Morgan" in page_text(page)


def _kept_twice(browser):
    browser.get("/settings")  # with Redis, her versions begin; then her row is kept
    browser.get("/settings")


def test_a_post_always_asks_who_is_signed_in_even_if_a_version_failed_to_move(kept_in, monkeypatch, client_for, alice):
    """Were Redis to lose the one command that moves her versions just after she changed her
    password at home, the library's old session could read for a minute at most, never write."""
    library, home = client_for(alice), client_for(alice)
    _kept_twice(library)
    monkeypatch.setattr(page_cache, "bump", lambda name: None)  # every version write lost
    home.post("/settings/password", data={"current_password": CAST_PASSWORD, "new_password": "a new long passphrase for Alice"})
    library.post("/settings/display", data={"text_size": "largest", "colour_scheme": "cream"})  # taken as a visitor's
    refused = library.post("/settings/sign-out-everywhere-else", data={})
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, alice.id).text_size == "standard"


def test_a_moderators_row_is_never_kept(kept_in, client_for, maya):
    browser = client_for(maya)
    _kept_twice(browser)
    with count_queries() as counter:
        text = page_text(browser.get("/settings"))
    assert len(_asks_who_is_signed_in(counter)) == 1 and "Signed in as Maya Patel" in text


def test_a_row_kept_by_another_release_is_a_miss_not_an_error(kept_in, monkeypatch, client_for, alice):
    kept = {}
    keep = page_cache.cache_set
    monkeypatch.setattr(page_cache, "cache_set", lambda key, value, timeout: (kept.__setitem__(key, value), keep(key, value, timeout)))
    browser = client_for(alice)
    _kept_twice(browser)
    key = next(key for key in kept if key.startswith("row:"))
    versions, row = page_cache.cache_get(key)
    keep(key, (versions, {**row, "nickname": "Ali"}), 60)  # a column this release does not have
    db.session.remove()
    with count_queries() as counter:
        page = browser.get("/settings")
    assert page.status_code == 200 and "Signed in as Alice Morgan" in page_text(page)
    assert len(_asks_who_is_signed_in(counter)) == 1


def test_plain_sql_that_changes_members_rows_leaves_every_kept_row_behind(kept_in, client_for, alice):
    browser = client_for(alice)
    _kept_twice(browser)
    db.session.execute(sa.text("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = :id"), {"id": alice.id})
    db.session.commit()
    refused = browser.get("/settings")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]


def test_bob_signing_out_leaves_alices_row_kept(kept_in, client_for, alice, bob):
    alices, bobs = client_for(alice), client_for(bob)
    _kept_twice(alices)
    bobs.post("/sign-out", data={})
    with count_queries() as counter:
        text = page_text(alices.get("/settings"))
    assert _asks_who_is_signed_in(counter) == [] and "Signed in as Alice Morgan" in text


@pytest.mark.parametrize("kept_in", ["in-process"], indirect=True)
def test_with_rows_not_kept_every_page_asks(kept_in, app, client_for, alice):
    app.config["KEEP_MEMBER_ROWS"] = False
    browser = client_for(alice)
    browser.get("/settings")
    with count_queries() as counter:
        text = page_text(browser.get("/settings"))
    assert len(_asks_who_is_signed_in(counter)) == 1 and "Signed in as Alice Morgan" in text
